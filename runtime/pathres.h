/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution inside a container root that can never be redirected out of it.
 *
 * The rootfs comes from an image and is untrusted: any component may be a symlink
 * ("/dev -> /../../host", "etc/resolv.conf -> ../run/x"). These helpers resolve every
 * symlink themselves, textually and relative to the root (like chroot would), create
 * missing components fd-relative (mkdirat / openat O_CREAT|O_EXCL|O_NOFOLLOW), and open
 * the result with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS), so a symlink swapped in
 * behind our back makes the open fail instead of escaping. */
#ifndef HULL_RUNTIME_PATHRES_H
#define HULL_RUNTIME_PATHRES_H

#include <stdbool.h>
#include <sys/types.h>

#include "../common/err.h"

enum {
	PATHRES_MKDIR = 1 << 0,  /* create missing components, the last one as a directory */
	PATHRES_MKFILE = 1 << 1, /* create missing parents as directories, the last one as an empty file */
	PATHRES_NOFOLLOW = 1 << 2, /* the last component must not be a symlink (-ELOOP) */
	PATHRES_MKPARENTS = 1 << 3, /* create missing parents, but not the last component */
};

/* openat2(dirfd, path, flags, resolve) with O_CLOEXEC added. Returns fd or -errno. */
int openat2_fd(int dirfd, const char *path, int flags, unsigned long long resolve);

/* Resolve `path` (absolute or relative: both are taken from the root) inside `rootfd`.
 * Returns an O_PATH fd of the result (>= 0) or a negative errno with e set. When `canon`
 * is not NULL it receives the symlink-free in-root path ("/etc/x", "/" for the root).
 * `mode` is used for the directories/files it creates (subject to the umask). */
int pathres_open(int rootfd, const char *path, int flags, mode_t mode, char **canon, hull_err *e);

/* Resolve all but the last component of `path` (creating missing parent directories when
 * `create`), and return an O_PATH directory fd of the parent; *name gets the last
 * component (malloc'd; never "", "." or ".."). For mknodat/symlinkat on an exact name. */
int pathres_open_parent(int rootfd, const char *path, bool create, char **name, char **canon, hull_err *e);

/* Change the mode / owner of the inode an fd refers to (an O_PATH fd is fine), never a
 * name: fchmodat2(fd, "", AT_EMPTY_PATH) (Linux 6.6), else chmod of its magic link
 * <proc_fd>/self/fd/N (proc_fd: a verified procfs, or -1 for "/proc"). A name would be
 * looked up again and could meanwhile be a symlink (fchmodat cannot refuse to follow one
 * before 6.6). With `via_proc` the magic-link way is used directly (for the unit test).
 * Return 0 or -errno. */
int fd_chmod(int proc_fd, int fd, mode_t mode, bool via_proc);
int fd_chown(int fd, uid_t uid, gid_t gid);

/* Lexically clean an absolute or relative path: collapse "//", drop ".", resolve ".."
 * (never above "/"). The result always starts with '/'. Malloc'd. */
char *path_clean(const char *path);

/* Remove `name` under `dirfd` recursively without ever following a symlink (unlinkat /
 * openat O_NOFOLLOW|O_DIRECTORY), with a bounded number of open fds whatever the depth.
 * A missing `name` is not an error. */
int rm_tree_at(int dirfd, const char *name, hull_err *e);

#endif
