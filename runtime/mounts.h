/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to the rootfs code (rootfs.c, mounts.c, devices.c): the state carried from
 * rootfs_prepare to rootfs_finalize inside the container init, and mount-by-fd helpers.
 * Everything here runs in the container's own mount namespace. */
#ifndef HULL_RUNTIME_MOUNTS_H
#define HULL_RUNTIME_MOUNTS_H

#include <stdbool.h>

#include "../common/err.h"
#include "context.h"
#include "rootfs.h"

struct rootfs_state {
	int rootfd;         /* O_PATH fd of the new root (root of the bind/overlay mount) */
	int devnull_tree;   /* detached clone of the host's verified /dev/null, or -1 */
	bool in_userns;     /* not in the initial user ns: mknod is not allowed, devices are bound */
	bool dev_bind;      /* the config bind-mounts /dev: hull creates nothing in it */
	bool devpts_mounted; /* a devpts is mounted on /dev/pts (for the /dev/ptmx symlink) */
};

/* mounts.c: spec.mounts in order, each resolved in the root and mounted by fd. */
int mounts_apply(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e);

/* Mount a fresh filesystem of `type` on the directory `target` (an O_PATH fd) with the
 * given options; fsopen/fsconfig/fsmount/move_mount, or mount(2) on the fd's magic link
 * when the new API is unavailable. A magic link leads to the covered directory, not to
 * the new mount: the mount(2) path finds the new mount again as `path` inside `rootfd`
 * (for tmpcopyup and propagation; rootfd may be -1 when neither is asked). */
int mnt_fresh(const struct hull_ctx *ctx, const char *type, const char *source, const struct mount_opts *o,
	      int target, int rootfd, const char *path, hull_err *e);
/* Clone the mount at `src_fd` (recursively when `recursive`), apply the mount attributes
 * of `o` to the clone and attach it on `target`. Propagation of `o` is applied last. */
int mnt_bind_fd(const struct hull_ctx *ctx, int src_fd, bool recursive, const struct mount_opts *o, int target,
		hull_err *e);
/* Move a detached mount `tree` (from open_tree/fsmount) onto `target`. -errno. */
int mnt_attach(int tree, int target);
/* mount_setattr wrapper on fd itself (AT_EMPTY_PATH). -errno. */
int mnt_setattr(int fd, bool recursive, unsigned long long set, unsigned long long clr, unsigned long long prop);

/* devices.c: default devices, linux.devices, /dev symlinks, /dev/console. */
int devices_setup(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e);
/* Are we in a user namespace other than the initial one? */
bool running_in_userns(const struct hull_ctx *ctx);

#endif
