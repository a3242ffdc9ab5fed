/* SPDX-License-Identifier: Apache-2.0 */
/* The container's filesystem view, built inside its new mount namespace by the init.
 * Every path inside the rootfs is resolved with openat2(RESOLVE_IN_ROOT) and mounted by fd,
 * so a symlink in the image can never redirect a mount to the host. */
#ifndef HULL_RUNTIME_ROOTFS_H
#define HULL_RUNTIME_ROOTFS_H

#include "../common/err.h"
#include "context.h"

/* Step 1 (before createContainer hooks): make / private/slave per rootfsPropagation,
 * bind the rootfs onto itself (or mount the overlay), mount spec.mounts in order,
 * create /dev (tmpfs + default devices + linux.devices, /dev/console from the pty),
 * default symlinks (/dev/fd, stdin, stdout, stderr, ptmx). */
int rootfs_prepare(struct hull_ctx *ctx, hull_err *e);

/* Step 2 (after createContainer hooks): pivot_root (or MS_MOVE+chroot with no_pivot),
 * detach the old root, chdir("/"). */
int rootfs_pivot(struct hull_ctx *ctx, hull_err *e);

/* Step 3: maskedPaths, readonlyPaths, root.readonly, and the final rootfsPropagation. */
int rootfs_finalize(struct hull_ctx *ctx, hull_err *e);

/* Host side: create overlay/{upper,work,merged} (0700) in the state dir (create --overlay);
 * upper and work are given to uid:gid (the container's root) unless that is 0:0. */
int rootfs_overlay_dirs(int state_dirfd, uid_t uid, gid_t gid, hull_err *e);
/* In the init, first thing (before it becomes the root of a new user namespace): open the
 * overlay dirs, which only hull's own uid may reach. No-op without --overlay. */
int rootfs_overlay_open(const struct hull_ctx *ctx, hull_err *e);
/* Host side: remove them at delete. */
int rootfs_overlay_cleanup(const char *state_dir, hull_err *e);

/* Pure helpers (unit tested): mount option parsing. */
struct mount_opts {
	unsigned long flags;      /* MS_* to set */
	unsigned long clear;      /* MS_* explicitly cleared (rw, suid, dev, exec, ...) */
	unsigned long propagation; /* MS_PRIVATE/MS_SHARED/... | MS_REC */
	unsigned long attr_set, attr_clr; /* MOUNT_ATTR_* for recursive r* options (mount_setattr) */
	bool bind, rec;
	bool tmpcopyup;
	bool idmap;
	char *data; /* comma-joined fs-specific options, malloc'd */
};
int mount_opts_parse(char *const *options, size_t n, struct mount_opts *out, hull_err *e);
void mount_opts_free(struct mount_opts *o);

#endif
