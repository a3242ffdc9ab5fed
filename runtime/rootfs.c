/* SPDX-License-Identifier: Apache-2.0 */
/* The container's filesystem view, built by the container init in its own mount
 * namespace: propagation, the new root (bind or overlay), spec.mounts and /dev
 * (rootfs_prepare), pivot_root (rootfs_pivot), then maskedPaths, readonlyPaths,
 * root.readonly and the final rootfsPropagation (rootfs_finalize). The host side
 * prepares and removes the overlay directories. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "mounts.h"
#include "pathres.h"

/* The init sets up one container, single-threaded: prepare -> pivot -> finalize share
 * this state. */
static struct rootfs_state g_st = {.rootfd = -1, .devnull_tree = -1};
static bool devnull_attached; /* g_st.devnull_tree was moved onto the first masked file */

static void close_fdp(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static unsigned long propagation_flag(enum oci_propagation p)
{
	switch (p) {
	case OCI_PROP_PRIVATE: return MS_PRIVATE;
	case OCI_PROP_SHARED: return MS_SHARED;
	case OCI_PROP_SLAVE: return MS_SLAVE;
	case OCI_PROP_UNBINDABLE: return MS_UNBINDABLE;
	default: return 0;
	}
}

static enum oci_propagation root_propagation(const struct hull_ctx *ctx)
{
	return ctx->spec->linux_ ? ctx->spec->linux_->rootfs_propagation : OCI_PROP_UNSET;
}

/* Setting up mounts in the host's mount namespace would be a disaster: check that we
 * are not in the namespace of the (host view's) pid 1 before touching anything. */
static int check_own_mountns(const struct hull_ctx *ctx, hull_err *e)
{
	int pfd = ctx->proc_fd >= 0 ? ctx->proc_fd : AT_FDCWD;
	const char *self = ctx->proc_fd >= 0 ? "self/ns/mnt" : "/proc/self/ns/mnt";
	const char *init = ctx->proc_fd >= 0 ? "1/ns/mnt" : "/proc/1/ns/mnt";
	struct stat a, b;
	if (fstatat(pfd, self, &a, 0) < 0 || fstatat(pfd, init, &b, 0) < 0)
		return 0; /* not visible to us (another pid or user namespace): nothing to compare */
	if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return herr_set(e, -EINVAL, "refusing to set up the rootfs in the host's mount namespace");
	return 0;
}

/* Open the host's /dev/null now, while "/" is still the host's, and check it is really
 * the null device (CVE-2025-31133): maskedPaths are covered with a clone of it after the
 * pivot, never with whatever the container's /dev/null is. The clone must be made here:
 * after the pivot the host's mounts are gone from our namespace. */
static int open_host_devnull(hull_err *e)
{
	_cleanup_fd_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open the host's /dev/null");
	struct stat s;
	if (fstat(fd, &s) < 0)
		return herr_sys(e, "stat the host's /dev/null");
	if (!S_ISCHR(s.st_mode) || s.st_rdev != makedev(1, 3))
		return herr_set(e, -EINVAL, "the host's /dev/null is not the null device (1:3)");
	int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return herr_sys(e, "clone the host's /dev/null");
	return tree;
}

/* The overlay's upper, work and merged dirs, opened by the init itself (so they belong to
 * its own mount namespace, which overlayfs requires of its layers) while it still has the
 * uid of whoever ran hull: the state dir is 0700, and after the switch to the container's
 * root of a new user namespace it could not even look them up. */
static int g_upper = -1, g_work = -1, g_merged = -1;

int rootfs_overlay_open(const struct hull_ctx *ctx, hull_err *e)
{
	if (!ctx->overlay || g_upper >= 0)
		return 0;
	_cleanup_free_ char *dir = xasprintf("%s/overlay", ctx->state_dir);
	_cleanup_fd_ int ofd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ofd < 0)
		return herr_sys(e, "overlay root: open %s", dir);
	int *fds[] = {&g_upper, &g_work, &g_merged};
	static const char *const names[] = {"upper", "work", "merged"};
	for (size_t i = 0; i < 3; i++)
		if ((*fds[i] = openat(ofd, names[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return herr_sys(e, "overlay root: open %s/%s", dir, names[i]);
	return 0;
}

/* A path for fsconfig that names exactly the directory of fd: its magic link. */
static char *fd_path(int fd)
{
	return xasprintf("/proc/self/fd/%d", fd);
}

/* Give the upper layer's root the mode and owner of the image's root, since overlayfs
 * shows the upper dir's attributes for "/". Best effort: in a user namespace we may not
 * own the directory the parent created. */
static void overlay_match_root(const struct hull_ctx *ctx, int lower, int upper)
{
	struct stat s;
	if (fstat(lower, &s) < 0)
		return;
	int r = fd_chown(upper, s.st_uid, s.st_gid);
	if (r == 0)
		r = fd_chmod(ctx->proc_fd, upper, s.st_mode & 07777, false);
	if (r < 0)
		hull_debug("overlay: cannot give the upper dir the owner/mode of %s: %s", ctx->rootfs, strerror(-r));
}

/* The image's root, opened once and used by fd from here on. root.path was resolved with
 * realpath() by the parent: a symlink in it now means that someone swapped a component
 * since, and is refused (RESOLVE_NO_SYMLINKS) instead of followed. */
static int open_rootfs(const struct hull_ctx *ctx, hull_err *e)
{
	int fd = openat2_fd(AT_FDCWD, ctx->rootfs, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return herr_errno(e, fd, "open the rootfs %s", ctx->rootfs);
	return fd;
}

/* --overlay: the image stays read-only below an upper layer in the state dir. Every layer
 * is given to overlayfs as the magic link of an fd opened before: no path is looked up
 * again by name. */
static int mount_overlay_root(struct hull_ctx *ctx, hull_err *e)
{
	if (g_upper < 0 || g_work < 0 || g_merged < 0)
		return herr_set(e, -EBADF, "overlay root: the layer directories were not opened");
	_cleanup_fd_ int lower = open_rootfs(ctx, e);
	if (lower < 0)
		return lower;
	overlay_match_root(ctx, lower, g_upper);
	_cleanup_free_ char *lower_path = fd_path(lower), *upper = fd_path(g_upper), *work = fd_path(g_work);

	_cleanup_fd_ int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return herr_sys(e, "overlay root: fsopen overlay");
	/* "lowerdir+" (Linux 6.8) takes the path as is; older kernels the legacy syntax, in
	 * which our /proc/self/fd/N needs no escaping */
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", lower_path, 0) < 0 &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", lower_path, 0) < 0)
		return herr_sys(e, "overlay root: lowerdir %s", ctx->rootfs);
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0)
		return herr_sys(e, "overlay root: upperdir %s/overlay/upper", ctx->state_dir);
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return herr_sys(e, "overlay root: workdir %s/overlay/work", ctx->state_dir);
	/* trusted.* xattrs need the initial user namespace */
	if (g_st.in_userns && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		return herr_sys(e, "overlay root: userxattr");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return herr_sys(e, "overlay root: create the overlay of %s", ctx->rootfs);
	_cleanup_fd_ int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return herr_sys(e, "overlay root: fsmount");
	if (mnt_attach(mfd, g_merged) < 0)
		return herr_sys(e, "overlay root: attach on %s/overlay/merged", ctx->state_dir);
	close_fdp(&g_upper);
	close_fdp(&g_work);
	close_fdp(&g_merged);
	/* once attached, the fsmount fd is the root of the mounted overlay */
	return steal_fd(&mfd);
}

static int bind_root(struct hull_ctx *ctx, hull_err *e)
{
	/* root.path is the caller's host path: a recursive bind onto itself makes it a mount
	 * point of its own (pivot_root needs one) and detaches it from the host's mount. Done
	 * on the fd: the clone and its mount point are the directory we opened. */
	_cleanup_fd_ int fd = open_rootfs(ctx, e);
	if (fd < 0)
		return fd;
	_cleanup_fd_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return herr_sys(e, "bind the rootfs %s onto itself", ctx->rootfs);
	int r = mnt_attach(tree, fd);
	if (r < 0)
		return herr_errno(e, r, "bind the rootfs %s onto itself", ctx->rootfs);
	/* once attached, the tree fd is the root of the new mount */
	return steal_fd(&tree);
}

int rootfs_prepare(struct hull_ctx *ctx, hull_err *e)
{
	int r;
	if (!ctx->spec || !ctx->rootfs)
		return herr_set(e, -EINVAL, "rootfs: no config or root path");
	if ((r = check_own_mountns(ctx, e)) < 0)
		return r;
	close_fdp(&g_st.rootfd);
	close_fdp(&g_st.devnull_tree);
	g_st = (struct rootfs_state){.rootfd = -1, .devnull_tree = -1};
	devnull_attached = false;
	g_st.in_userns = ctx->new_userns || running_in_userns(ctx);

	/* 1. nothing we mount may propagate back to the host: everything becomes a slave
	 * (or private) in our namespace; the config's rootfsPropagation is set at the end */
	unsigned long prop = root_propagation(ctx) == OCI_PROP_PRIVATE ? MS_PRIVATE : MS_SLAVE;
	if (mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0)
		return herr_sys(e, "make / %s", prop == MS_PRIVATE ? "rprivate" : "rslave");

	const struct oci_linux *l = ctx->spec->linux_;
	if (l && l->n_masked_paths && (g_st.devnull_tree = open_host_devnull(e)) < 0)
		return g_st.devnull_tree;

	/* 2. the new root */
	mode_t old_umask = umask(022);
	g_st.rootfd = ctx->overlay ? mount_overlay_root(ctx, e) : bind_root(ctx, e);
	if (g_st.rootfd < 0) {
		r = g_st.rootfd;
		goto out;
	}
	/* 3. spec.mounts in order, 4. /dev */
	if ((r = mounts_apply(ctx, &g_st, e)) < 0)
		goto out;
	if ((r = devices_setup(ctx, &g_st, e)) < 0)
		goto out;
	r = 0;
out:
	umask(old_umask);
	return r;
}

static bool root_is_initramfs(void)
{
	struct statfs s;
	return statfs("/", &s) == 0 && (s.f_type == RAMFS_MAGIC || s.f_type == TMPFS_MAGIC);
}

/* MS_MOVE the new root onto "/" and chroot into it: for --no-pivot, and when "/" is an
 * initramfs, which pivot_root refuses (EINVAL). The old root stays underneath. */
static int move_root(hull_err *e)
{
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return herr_sys(e, "move the rootfs onto /");
	if (chroot(".") < 0)
		return herr_sys(e, "chroot into the rootfs");
	return 0;
}

int rootfs_pivot(struct hull_ctx *ctx, hull_err *e)
{
	int r;
	if (g_st.rootfd < 0)
		return herr_set(e, -EINVAL, "rootfs_pivot before rootfs_prepare");
	/* an fd of the old root: after pivot_root(".", ".") it sits on top of ".", where a
	 * path lookup of "." would name the new root instead */
	_cleanup_fd_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return herr_sys(e, "open the old root");
	if (fchdir(g_st.rootfd) < 0)
		return herr_sys(e, "chdir to the rootfs");
	if (ctx->no_pivot) {
		if ((r = move_root(e)) < 0)
			return r;
	} else if (syscall(SYS_pivot_root, ".", ".") == 0) {
		/* the old root is now stacked on top of "."; make sure its unmount cannot
		 * propagate anywhere (it is rslave since prepare; hooks ran since), then
		 * detach it (umount2 looks up the topmost mount on ".") */
		if ((r = mnt_setattr(oldroot, true, 0, 0, MS_SLAVE)) < 0)
			return herr_errno(e, r, "make the old root rslave");
		if (umount2(".", MNT_DETACH) < 0)
			return herr_sys(e, "detach the old root");
	} else {
		if (errno != EINVAL || !root_is_initramfs())
			return herr_sys(e, "pivot_root");
		hull_debug("pivot_root: / is an initramfs, using MS_MOVE + chroot");
		if ((r = move_root(e)) < 0)
			return r;
	}
	if (chdir("/") < 0)
		return herr_sys(e, "chdir /");
	return 0;
}

/* maskedPaths: a directory gets an empty read-only tmpfs, anything else the host's null
 * device (cloned before the pivot). A path that does not exist is skipped. */
static int mask_path(struct hull_ctx *ctx, int rootfd, const char *path, hull_err *e)
{
	_cleanup_fd_ int fd = pathres_open(rootfd, path, 0, 0, NULL, e);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		herr_clear(e);
		return 0;
	}
	if (fd < 0)
		return fd;
	struct stat s;
	if (fstat(fd, &s) < 0)
		return herr_sys(e, "stat");
	if (S_ISDIR(s.st_mode)) {
		struct mount_opts o = {.flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC};
		return mnt_fresh(ctx, "tmpfs", "tmpfs", &o, fd, -1, NULL, e);
	}
	if (g_st.devnull_tree < 0)
		return herr_set(e, -EBADF, "no /dev/null to mask with");
	/* the first mask attaches the detached clone itself; later ones clone that mount,
	 * which is now part of our namespace */
	int r;
	if (!devnull_attached) {
		if ((r = mnt_attach(g_st.devnull_tree, fd)) < 0)
			return herr_errno(e, r, "mount /dev/null over it");
		devnull_attached = true;
		return 0;
	}
	_cleanup_fd_ int tree = open_tree(g_st.devnull_tree, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return herr_sys(e, "clone /dev/null");
	if ((r = mnt_attach(tree, fd)) < 0)
		return herr_errno(e, r, "mount /dev/null over it");
	return 0;
}

/* readonlyPaths: a recursive read-only bind of the path onto itself. Only MOUNT_ATTR_RDONLY
 * is set, so flags locked by a user namespace stay. */
static int readonly_path(struct hull_ctx *ctx, int rootfd, const char *path, hull_err *e)
{
	_cleanup_fd_ int fd = pathres_open(rootfd, path, 0, 0, NULL, e);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		herr_clear(e);
		return 0;
	}
	if (fd < 0)
		return fd;
	struct mount_opts o = {.attr_set = MOUNT_ATTR_RDONLY};
	return mnt_bind_fd(ctx, fd, true, &o, fd, e);
}

int rootfs_finalize(struct hull_ctx *ctx, hull_err *e)
{
	int r = 0;
	const struct oci_spec *s = ctx->spec;
	const struct oci_linux *l = s->linux_;
	_cleanup_fd_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return herr_sys(e, "open /");

	for (size_t i = 0; l && i < l->n_masked_paths; i++)
		if ((r = mask_path(ctx, rootfd, l->masked_paths[i], e)) < 0)
			return herr_prefix(e, "masked path %s (.linux.maskedPaths[%zu])", l->masked_paths[i], i);
	close_fdp(&g_st.devnull_tree);

	for (size_t i = 0; l && i < l->n_readonly_paths; i++)
		if ((r = readonly_path(ctx, rootfd, l->readonly_paths[i], e)) < 0)
			return herr_prefix(e, "read-only path %s (.linux.readonlyPaths[%zu])", l->readonly_paths[i], i);

	if (s->root.readonly && (r = mnt_setattr(rootfd, false, MOUNT_ATTR_RDONLY, 0, 0)) < 0)
		return herr_errno(e, r, "make the root read-only (.root.readonly)");

	unsigned long prop = propagation_flag(root_propagation(ctx));
	if (prop && mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0)
		return herr_sys(e, "set rootfs propagation (.linux.rootfsPropagation)");
	close_fdp(&g_st.rootfd);
	return 0;
}

int rootfs_overlay_dirs(int state_dirfd, uid_t uid, gid_t gid, hull_err *e)
{
	/* 0700 all the way: what container root writes into upper (a setuid-root binary, a
	 * device node) must not be reachable by any other host user (CVE-2021-41091) */
	if (mkdirat(state_dirfd, "overlay", 0700) < 0 && errno != EEXIST)
		return herr_sys(e, "create the overlay dir");
	_cleanup_fd_ int ofd = openat(state_dirfd, "overlay", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ofd < 0)
		return herr_sys(e, "open the overlay dir");
	static const char *const dirs[] = {"upper", "work", "merged"};
	for (size_t i = 0; i < 3; i++) {
		if (mkdirat(ofd, dirs[i], 0700) < 0 && errno != EEXIST)
			return herr_sys(e, "create overlay/%s", dirs[i]);
		if (i == 2 || (!uid && !gid))
			continue;
		/* the init mounts the overlay as the container's root: upper and work are its */
		_cleanup_fd_ int fd = openat(ofd, dirs[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int r = fd < 0 ? -errno : fd_chown(fd, uid, gid);
		if (r < 0)
			return herr_errno(e, r, "chown overlay/%s for the container user namespace", dirs[i]);
	}
	return 0;
}

int rootfs_overlay_cleanup(const char *state_dir, hull_err *e)
{
	_cleanup_fd_ int sfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return errno == ENOENT ? 0 : herr_sys(e, "open %s", state_dir);
	int r = rm_tree_at(sfd, "overlay", e);
	return r < 0 ? herr_prefix(e, "remove the overlay of %s", state_dir) : 0;
}
