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

static char *overlay_path(const char *state_dir, const char *name)
{
	return xasprintf("%s/overlay/%s", state_dir, name);
}

/* Give the upper layer's root the mode and owner of the image's root, since overlayfs
 * shows the upper dir's attributes for "/". Best effort: in a user namespace we may not
 * own the directory the parent created. */
static void overlay_match_root(const char *lower, const char *upper)
{
	struct stat s;
	_cleanup_fd_ int fd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || stat(lower, &s) < 0)
		return;
	if (fchown(fd, s.st_uid, s.st_gid) < 0 || fchmod(fd, s.st_mode & 07777) < 0)
		hull_debug("overlay: cannot give %s the owner/mode of %s: %m", upper, lower);
}

/* Escape a path for the legacy "lowerdir=" syntax, where ',' ':' and '\' are special. */
static char *overlay_escape(const char *p)
{
	char *out = xmalloc(strlen(p) * 2 + 1), *o = out;
	for (; *p; p++) {
		if (*p == ',' || *p == ':' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* --overlay: the image stays read-only below an upper layer in the state dir. */
static int mount_overlay_root(struct hull_ctx *ctx, hull_err *e)
{
	_cleanup_free_ char *upper = overlay_path(ctx->state_dir, "upper");
	_cleanup_free_ char *work = overlay_path(ctx->state_dir, "work");
	_cleanup_free_ char *merged = overlay_path(ctx->state_dir, "merged");
	overlay_match_root(ctx->rootfs, upper);

	_cleanup_fd_ int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return herr_sys(e, "overlay root: fsopen overlay");
	/* "lowerdir+" (Linux 6.8) takes the path as is; older kernels need the escaped form */
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", ctx->rootfs, 0) < 0) {
		_cleanup_free_ char *esc = overlay_escape(ctx->rootfs);
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", esc, 0) < 0)
			return herr_sys(e, "overlay root: lowerdir %s", ctx->rootfs);
	}
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0)
		return herr_sys(e, "overlay root: upperdir %s", upper);
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return herr_sys(e, "overlay root: workdir %s", work);
	/* trusted.* xattrs need the initial user namespace */
	if (g_st.in_userns && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
		return herr_sys(e, "overlay root: userxattr");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return herr_sys(e, "overlay root: create the overlay of %s", ctx->rootfs);
	_cleanup_fd_ int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return herr_sys(e, "overlay root: fsmount");
	if (move_mount(mfd, "", AT_FDCWD, merged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return herr_sys(e, "overlay root: attach on %s", merged);
	/* once attached, the fsmount fd is the root of the mounted overlay */
	return steal_fd(&mfd);
}

static int bind_root(struct hull_ctx *ctx, hull_err *e)
{
	/* root.path is the caller's host path: a recursive bind onto itself makes it a mount
	 * point of its own (pivot_root needs one) and detaches it from the host's mount */
	if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return herr_sys(e, "bind the rootfs %s onto itself", ctx->rootfs);
	int fd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open the rootfs %s", ctx->rootfs);
	return fd;
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

int rootfs_overlay_dirs(const char *state_dir, hull_err *e)
{
	_cleanup_fd_ int sfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return herr_sys(e, "open %s", state_dir);
	if (mkdirat(sfd, "overlay", 0755) < 0 && errno != EEXIST)
		return herr_sys(e, "create %s/overlay", state_dir);
	_cleanup_fd_ int ofd = openat(sfd, "overlay", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ofd < 0)
		return herr_sys(e, "open %s/overlay", state_dir);
	static const char *const dirs[] = {"upper", "work", "merged"};
	for (size_t i = 0; i < 3; i++)
		if (mkdirat(ofd, dirs[i], 0755) < 0 && errno != EEXIST)
			return herr_sys(e, "create %s/overlay/%s", state_dir, dirs[i]);
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
