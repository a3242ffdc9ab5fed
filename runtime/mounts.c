/* SPDX-License-Identifier: Apache-2.0 */
/* spec.mounts: each destination is resolved inside the new root (pathres.c) and every mount
 * is attached BY FD with the new mount API: open_tree(OPEN_TREE_CLONE) for bind mounts,
 * fsopen/fsconfig/fsmount for the rest, flags set with mount_setattr on the still-detached
 * mount, then move_mount onto the target fd. Nothing is ever mounted on a path string
 * that the image could redirect. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "../cgroup/cgroup.h"
#include "pathres.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define COPYUP_MAX_DEPTH 256

/* ---- mount API helpers ---------------------------------------------------------- */

int mnt_attach(int tree, int target)
{
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int mnt_setattr(int fd, bool recursive, unsigned long long set, unsigned long long clr, unsigned long long prop)
{
	if (!set && !clr && !prop)
		return 0;
	struct mount_attr a = {.attr_set = set, .attr_clr = clr, .propagation = prop};
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
		return -errno;
	return 0;
}

struct attrs {
	unsigned long long set, clr;
};

/* The per-mount (not per-superblock) part of the MS_* options as MOUNT_ATTR_*. */
static struct attrs mount_attrs_of(const struct mount_opts *o)
{
	static const struct {
		unsigned long ms;
		unsigned long long attr;
	} map[] = {
		{MS_RDONLY, MOUNT_ATTR_RDONLY},       {MS_NOSUID, MOUNT_ATTR_NOSUID},
		{MS_NODEV, MOUNT_ATTR_NODEV},         {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
		{MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW}, {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
	};
	struct attrs a = {0, 0};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (o->flags & map[i].ms)
			a.set |= map[i].attr;
		else if (o->clear & map[i].ms)
			a.clr |= map[i].attr;
	}
	/* atime is a mode: selecting one needs MOUNT_ATTR__ATIME in attr_clr */
	if (o->flags & MS_NOATIME) {
		a.clr |= MOUNT_ATTR__ATIME;
		a.set |= MOUNT_ATTR_NOATIME;
	} else if (o->flags & MS_STRICTATIME) {
		a.clr |= MOUNT_ATTR__ATIME;
		a.set |= MOUNT_ATTR_STRICTATIME;
	} else if ((o->flags & MS_RELATIME) || (o->clear & (MS_NOATIME | MS_STRICTATIME))) {
		a.clr |= MOUNT_ATTR__ATIME;
		a.set |= MOUNT_ATTR_RELATIME;
	}
	return a;
}

#define RESTRICTIVE_ATTRS                                                                            \
	(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | \
	 MOUNT_ATTR_NOSYMFOLLOW)

/* Set attributes on a bind mount. In a user namespace the flags inherited from a more
 * privileged mount (ro, nosuid, nodev, noexec, atime) are locked: clearing them fails with
 * EPERM. Like runc we then keep the locked flags and only add the restrictive ones asked. */
static int setattr_keep_locked(int fd, bool recursive, unsigned long long set, unsigned long long clr)
{
	int r = mnt_setattr(fd, recursive, set, clr, 0);
	if (r != -EPERM || !clr)
		return r;
	hull_debug("mount flags locked by a more privileged mount are kept (clear %#llx refused)", clr);
	return mnt_setattr(fd, recursive, set & RESTRICTIVE_ATTRS, 0, 0);
}

static int apply_propagation(int fd, const struct mount_opts *o, hull_err *e)
{
	if (!o->propagation)
		return 0;
	int r = mnt_setattr(fd, o->propagation & MS_REC, 0, 0, o->propagation & ~(unsigned long)MS_REC);
	return r < 0 ? herr_errno(e, r, "set mount propagation") : 0;
}

/* Recursive (r*) attributes first, then the mount's own: an explicit top-level option
 * ("rro" + "rw") refines what the recursive one set. */
static int apply_attrs(int fd, const struct mount_opts *o, hull_err *e)
{
	int r;
	if ((o->attr_set || o->attr_clr) && (r = setattr_keep_locked(fd, true, o->attr_set, o->attr_clr)) < 0)
		return herr_errno(e, r, "set recursive mount attributes");
	struct attrs a = mount_attrs_of(o);
	if ((a.set || a.clr) && (r = setattr_keep_locked(fd, false, a.set, a.clr)) < 0)
		return herr_errno(e, r, "set mount attributes");
	return 0;
}

int mnt_bind_fd(const struct hull_ctx *ctx, int src_fd, bool recursive, const struct mount_opts *o, int target,
		hull_err *e)
{
	(void)ctx;
	_cleanup_fd_ int tree = open_tree(src_fd, "",
					  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return herr_sys(e, "clone the source mount");
	int r = apply_attrs(tree, o, e);
	if (r < 0)
		return r;
	if ((r = mnt_attach(tree, target)) < 0)
		return herr_errno(e, r, "attach the mount");
	return apply_propagation(tree, o, e);
}

/* ---- fresh filesystems ------------------------------------------------------------ */

/* The last error the filesystem logged on the fs_context fd ("e tmpfs: Bad value for 'size'"). */
static void fs_last_error(int fsfd, char *out, size_t len)
{
	char buf[1024];
	out[0] = '\0';
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fsfd, buf, sizeof buf - 1);
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (buf[0] == 'e' && buf[1] == ' ') {
			size_t m = strlen(buf + 2);
			if (m >= len)
				m = len - 1;
			memcpy(out, buf + 2, m);
			while (m > 0 && out[m - 1] == '\n')
				m--;
			out[m] = '\0';
		}
	}
}

static int fs_error(int fsfd, hull_err *e, int code, const char *what)
{
	char log[512];
	fs_last_error(fsfd, log, sizeof log);
	if (log[0]) /* the filesystem's own words say more than strerror */
		return herr_set(e, code, "%s: %s", what, log);
	return herr_errno(e, code, "%s", what);
}

static int fs_set(int fsfd, const char *key, const char *value)
{
	int r = value ? fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) : fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
	return r < 0 ? -errno : 0;
}

/* Feed the comma-separated data ("mode=755,size=64k,newinstance") to fsconfig one by one;
 * commas inside double quotes (SELinux contexts) do not split. */
static int fs_set_data(int fsfd, const char *data, hull_err *e)
{
	if (!data)
		return 0;
	_cleanup_free_ char *copy = xstrdup(data);
	char *p = copy;
	while (*p) {
		char *start = p;
		bool quoted = false;
		for (; *p && (quoted || *p != ','); p++)
			if (*p == '"')
				quoted = !quoted;
		if (*p)
			*p++ = '\0';
		if (!*start)
			continue;
		char *eq = strchr(start, '=');
		if (eq)
			*eq = '\0';
		int r = fs_set(fsfd, start, eq ? eq + 1 : NULL);
		if (eq)
			*eq = '=';
		if (r < 0) {
			char what[256];
			snprintf(what, sizeof what, "option %s", start);
			return fs_error(fsfd, e, r, what);
		}
	}
	return 0;
}

static const struct {
	unsigned long ms;
	const char *key;
} sb_flags[] = {
	{MS_SYNCHRONOUS, "sync"},
	{MS_DIRSYNC, "dirsync"},
	{MS_LAZYTIME, "lazytime"},
	{MS_MANDLOCK, "mand"},
};

/* Copy the tree under `src` (a directory of the image) into `dst` (the new tmpfs),
 * keeping types, modes, owners and times. Never follows a symlink of the image. */
static int copy_tree(int src, int dst, int depth, hull_err *e);

/* Give the copy the owner of the original. An owner that the container's user namespace
 * does not map (shown as the overflow id) cannot be given: the copy keeps ours. */
static int copy_owner(int dst, const char *name, const struct stat *st, hull_err *e)
{
	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno == EINVAL || errno == EPERM) {
		hull_debug("tmpcopyup: %s keeps its owner (%u:%u cannot be mapped): %m", *name ? name : ".",
			   st->st_uid, st->st_gid);
		return 0;
	}
	return herr_sys(e, "chown %s", *name ? name : ".");
}

static int copy_times(int dst, const char *name, const struct stat *st, int flags)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	return utimensat(dst, name, ts, flags) < 0 ? -errno : 0;
}

static int copy_file(int src, int dst, const char *name, const struct stat *st, hull_err *e)
{
	_cleanup_fd_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return herr_sys(e, "open %s", name);
	struct stat ist;
	if (fstat(in, &ist) < 0 || !S_ISREG(ist.st_mode) || ist.st_ino != st->st_ino)
		return herr_set(e, -EBUSY, "%s changed while being copied", name);
	_cleanup_fd_ int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return herr_sys(e, "create %s", name);
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return herr_sys(e, "read %s", name);
		if (n == 0)
			break;
		ssize_t w = write_all(out, buf, (size_t)n);
		if (w < 0)
			return herr_errno(e, (int)w, "write %s", name);
	}
	if (copy_owner(out, "", st, e) < 0)
		return herr_prefix(e, "%s", name);
	if (fchmod(out, st->st_mode & 07777) < 0)
		return herr_sys(e, "chmod %s", name);
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	futimens(out, ts);
	return 0;
}

static int copy_entry(int src, int dst, const char *name, int depth, hull_err *e)
{
	struct stat st;
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return herr_sys(e, "stat %s", name);
	int r;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dst, name, 0700) < 0)
			return herr_sys(e, "mkdir %s", name);
		_cleanup_fd_ int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_fd_ int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return herr_sys(e, "open %s", name);
		if ((r = copy_tree(s, d, depth + 1, e)) < 0)
			return herr_prefix(e, "%s", name);
		if (copy_owner(d, "", &st, e) < 0)
			return herr_prefix(e, "%s", name);
		if (fchmod(d, st.st_mode & 07777) < 0)
			return herr_sys(e, "chmod %s", name);
		struct timespec ts[2] = {st.st_atim, st.st_mtim};
		futimens(d, ts);
		return 0;
	}
	if (S_ISREG(st.st_mode))
		return copy_file(src, dst, name, &st, e);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(src, name, target, sizeof target - 1);
		if (n < 0)
			return herr_sys(e, "readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return herr_sys(e, "symlink %s", name);
		if ((r = copy_owner(dst, name, &st, e)) < 0)
			return r;
		copy_times(dst, name, &st, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
		if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0) {
			if (errno == EPERM) { /* device nodes in a user namespace */
				hull_debug("tmpcopyup: skipping device node %s (not permitted)", name);
				return 0;
			}
			return herr_sys(e, "mknod %s", name);
		}
		/* owner and mode through an fd of the node just made, never by name (the new
		 * tmpfs is still private to us, but a name is one lookup too many) */
		_cleanup_fd_ int nfd = openat(dst, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat nst;
		if (nfd < 0 || fstat(nfd, &nst) < 0)
			return herr_sys(e, "open %s", name);
		if ((nst.st_mode & S_IFMT) != (st.st_mode & S_IFMT) || nst.st_rdev != st.st_rdev)
			return herr_set(e, -EBUSY, "%s was replaced while being copied", name);
		if ((r = copy_owner(nfd, "", &st, e)) < 0)
			return herr_prefix(e, "%s", name);
		if ((r = fd_chmod(-1, nfd, st.st_mode & 07777, false)) < 0)
			return herr_errno(e, r, "chmod %s", name);
		copy_times(dst, name, &st, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	hull_debug("tmpcopyup: skipping socket %s", name);
	return 0;
}

static int copy_tree(int src, int dst, int depth, hull_err *e)
{
	if (depth > COPYUP_MAX_DEPTH)
		return herr_set(e, -ELOOP, "directory tree deeper than %d levels", COPYUP_MAX_DEPTH);
	int dfd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return herr_sys(e, "open directory");
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return herr_sys(e, "open directory");
	}
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((r = copy_entry(src, dst, de->d_name, depth, e)) < 0)
			break;
	}
	closedir(d);
	return r;
}

/* Mount with mount(2) on the target's magic link. Only when the new API is unavailable:
 * through ctx->proc_fd (the procfs the parent verified) when we have one. */
static int legacy_mount_fd(const struct hull_ctx *ctx, const char *source, int target, const char *type,
			   unsigned long flags, const char *data)
{
	char path[64];
	snprintf(path, sizeof path, "%s/%d", ctx->proc_fd >= 0 ? "self/fd" : "/proc/self/fd", target);
	_cleanup_fd_ int cwd = -1;
	if (ctx->proc_fd >= 0) {
		if ((cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || fchdir(ctx->proc_fd) < 0)
			return -errno;
	}
	int r = mount(source, path, type, flags, data) < 0 ? -errno : 0;
	if (cwd >= 0 && fchdir(cwd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int copy_up(int src_dir, int mnt, const struct mount_opts *o, hull_err *e)
{
	_cleanup_fd_ int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return herr_sys(e, "tmpcopyup: open the new tmpfs");
	int r = copy_tree(src_dir, dst, 0, e);
	if (r < 0)
		return herr_prefix(e, "tmpcopyup");
	/* the tmpfs takes over the directory: keep its mode and owner (as runc does), unless
	 * the options set a mode themselves */
	if (o->data && (strstr(o->data, "mode=") == o->data || strstr(o->data, ",mode=")))
		return 0;
	struct stat st;
	if (fstat(src_dir, &st) < 0)
		return herr_sys(e, "tmpcopyup: stat the directory");
	if (fchmod(dst, st.st_mode & 07777) < 0)
		return herr_sys(e, "tmpcopyup: chmod the new tmpfs");
	if (fchown(dst, st.st_uid, st.st_gid) < 0)
		hull_debug("tmpcopyup: keep the tmpfs owner: %m");
	return 0;
}

/* The same with mount(2), for kernels (or seccomp filters) without fsopen. */
static int fresh_legacy(const struct hull_ctx *ctx, const char *type, const char *source, const struct mount_opts *o,
			int target, int rootfd, const char *path, hull_err *e)
{
	if (o->attr_set || o->attr_clr)
		return herr_set(e, -ENOSYS, "recursive mount options need mount_setattr (Linux 5.12)");
	bool reopen = o->tmpcopyup || o->propagation;
	if (reopen && (rootfd < 0 || !path))
		return herr_set(e, -EINVAL, "cannot find the new mount again");
	_cleanup_fd_ int src = -1;
	if (o->tmpcopyup && (src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return herr_sys(e, "tmpcopyup: open the directory to copy");
	unsigned long flags = o->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	int r = legacy_mount_fd(ctx, source && *source ? source : type, target, type, flags, o->data);
	if (r < 0)
		return herr_errno(e, r, "mount");
	if (!reopen)
		return 0;
	/* stepping into the last component from the root crosses onto the new mount */
	_cleanup_fd_ int mnt = pathres_open(rootfd, path, PATHRES_NOFOLLOW, 0, NULL, e);
	if (mnt < 0)
		return herr_prefix(e, "find the new mount");
	if (src >= 0 && (r = copy_up(src, mnt, o, e)) < 0)
		return r;
	if (o->propagation && (r = legacy_mount_fd(ctx, NULL, mnt, NULL, o->propagation, NULL)) < 0)
		return herr_errno(e, r, "set mount propagation");
	return 0;
}

int mnt_fresh(const struct hull_ctx *ctx, const char *type, const char *source, const struct mount_opts *o,
	      int target, int rootfd, const char *path, hull_err *e)
{
	int r;
	_cleanup_fd_ int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		if (errno == ENODEV)
			return herr_set(e, -ENODEV, "unknown filesystem type \"%s\"", type);
		if (errno != ENOSYS && errno != EPERM)
			return herr_sys(e, "fsopen %s", type);
		/* no new mount API (old kernel, or a seccomp filter above us) */
		return fresh_legacy(ctx, type, source, o, target, rootfd, path, e);
	}
	if (source && *source && (r = fs_set(fsfd, "source", source)) < 0)
		return fs_error(fsfd, e, r, "set source");
	for (size_t i = 0; i < sizeof sb_flags / sizeof sb_flags[0]; i++)
		if ((o->flags & sb_flags[i].ms) && (r = fs_set(fsfd, sb_flags[i].key, NULL)) < 0)
			return fs_error(fsfd, e, r, sb_flags[i].key);
	if (o->flags & MS_I_VERSION && (r = fs_set(fsfd, "i_version", NULL)) < 0)
		return fs_error(fsfd, e, r, "iversion");
	/* MS_SILENT only quiets mount-time kernel messages: with fsconfig they go to the
	 * context's log instead of the kernel log anyway */
	if ((r = fs_set_data(fsfd, o->data, e)) < 0)
		return r;
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, e, -errno, "create the filesystem");
	struct attrs a = mount_attrs_of(o);
	_cleanup_fd_ int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)a.set);
	if (mfd < 0)
		return fs_error(fsfd, e, -errno, "fsmount");
	if ((o->attr_set || o->attr_clr) && (r = mnt_setattr(mfd, true, o->attr_set, o->attr_clr, 0)) < 0)
		return herr_errno(e, r, "set recursive mount attributes");
	if (o->tmpcopyup) {
		/* the new tmpfs is still detached: copy the directory it will cover into it */
		_cleanup_fd_ int src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (src < 0)
			return herr_sys(e, "tmpcopyup: open the directory to copy");
		if ((r = copy_up(src, mfd, o, e)) < 0)
			return r;
	}
	if ((r = mnt_attach(mfd, target)) < 0)
		return herr_errno(e, r, "attach the mount");
	return apply_propagation(mfd, o, e);
}

/* ---- one spec.mounts entry ----------------------------------------------------------- */

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Kernel filesystems and the standard mount points must be mounted on a real directory
 * of the image, never through a symlink: an image with "/proc -> /somewhere" must not
 * get procfs (or /dev, /sys) anywhere but where the container expects it. */
static bool refuse_symlink_dest(const char *type, const char *dest)
{
	static const char *const types[] = {"proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2"};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (streq(type, types[i]))
			return true;
	return streq(dest, "/dev") || streq(dest, "/proc") || streq(dest, "/sys");
}

/* Resolve (creating what is missing) the destination inside the root, as a directory or
 * as a file, and check that what is there has the right kind. */
static int open_dest(struct rootfs_state *st, const char *dest, bool dir, bool nofollow, hull_err *e)
{
	int flags = (dir ? PATHRES_MKDIR : PATHRES_MKFILE) | (nofollow ? PATHRES_NOFOLLOW : 0);
	int fd = pathres_open(st->rootfd, dest, flags, dir ? 0755 : 0644, NULL, e);
	if (fd < 0)
		return fd;
	struct stat s;
	if (fstat(fd, &s) < 0) {
		int r = herr_sys(e, "stat destination");
		close(fd);
		return r;
	}
	if (dir != !!S_ISDIR(s.st_mode)) {
		close(fd);
		return dir ? herr_set(e, -ENOTDIR, "destination exists and is not a directory")
			   : herr_set(e, -EISDIR, "destination is a directory but the source is not");
	}
	return fd;
}

static char *bind_source_path(const struct hull_ctx *ctx, const char *source)
{
	return source[0] == '/' ? xstrdup(source) : xasprintf("%s/%s", ctx->bundle, source);
}

static int mount_bind(struct hull_ctx *ctx, struct rootfs_state *st, const struct oci_mount *m,
		      const struct mount_opts *o, const char *dest, hull_err *e)
{
	if (!m->source || !*m->source)
		return herr_set(e, -EINVAL, "a bind mount needs a source");
	_cleanup_free_ char *src = bind_source_path(ctx, m->source);
	/* the source is a host path chosen by whoever wrote config.json: followed like runc */
	_cleanup_fd_ int sfd = open(src, O_PATH | O_CLOEXEC);
	if (sfd < 0)
		return herr_sys(e, "open source %s", src);
	struct stat s;
	if (fstat(sfd, &s) < 0)
		return herr_sys(e, "stat source %s", src);
	if (o->data)
		hull_debug("bind mount on %s: filesystem options \"%s\" do not apply to a bind mount", dest, o->data);
	_cleanup_fd_ int tfd = open_dest(st, dest, S_ISDIR(s.st_mode), refuse_symlink_dest(m->type, dest), e);
	if (tfd < 0)
		return tfd;
	return mnt_bind_fd(ctx, sfd, o->rec, o, tfd, e);
}

/* sysfs (in a user namespace that does not own the network namespace) and mqueue (that
 * does not own the ipc namespace) cannot be mounted fresh: bind the host's instead, which
 * is what the container would see of those namespaces anyway. */
static int fallback_bind(struct hull_ctx *ctx, const char *host, const struct mount_opts *o, int tfd, hull_err *e)
{
	_cleanup_fd_ int sfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return herr_sys(e, "open %s", host);
	struct mount_opts b = *o;
	if (b.flags & MS_RDONLY) { /* read-only all the way down */
		b.attr_set |= MOUNT_ATTR_RDONLY;
		b.attr_clr &= ~(unsigned long)MOUNT_ATTR_RDONLY;
	}
	return mnt_bind_fd(ctx, sfd, true, &b, tfd, e);
}

/* The cgroup the init itself is in (where CLONE_INTO_CGROUP put it), for when the parent
 * did not tell us the container's cgroup (e.g. rootless without a cgroup of its own). */
static int own_cgroup_dir(char **out, hull_err *e)
{
	_cleanup_free_ char *mnt = NULL, *path = NULL;
	int r = cg_find_mount(&mnt, e);
	if (r < 0 || (r = cg_self_path(&path, e)) < 0)
		return herr_prefix(e, "find the container's cgroup");
	*out = xasprintf("%s%s", mnt, strcmp(path, "/") == 0 ? "" : path);
	return 0;
}

static int mount_cgroup(struct hull_ctx *ctx, struct rootfs_state *st, const struct oci_mount *m,
			const struct mount_opts *o, const char *dest, hull_err *e)
{
	/* hull is cgroup v2 only: "cgroup" means the unified hierarchy, read-only unless "rw" */
	struct mount_opts c = *o;
	if (!(c.clear & MS_RDONLY))
		c.flags |= MS_RDONLY;
	if (streq(m->type, "cgroup") && c.data)
		return herr_set(e, -EINVAL, "cgroup v1 options \"%s\" are not supported (hull mounts cgroup2)", c.data);
	if (c.tmpcopyup)
		return herr_set(e, -EINVAL, "tmpcopyup is only valid for tmpfs");
	_cleanup_fd_ int tfd = open_dest(st, dest, true, true, e);
	if (tfd < 0)
		return tfd;
	int r;
	if (oci_spec_find_ns(ctx->spec, OCI_NS_CGROUP)) {
		/* with a cgroup namespace a fresh cgroup2 shows the container's cgroup as "/" */
		r = mnt_fresh(ctx, "cgroup2", "cgroup2", &c, tfd, st->rootfd, dest, e);
		if (r != -EPERM)
			return r;
		hull_debug("cgroup2 mount refused (%s): binding the container's cgroup instead", e->msg);
		herr_clear(e);
	}
	/* without one, a fresh cgroup2 would expose the host's whole tree: bind only the
	 * container's own cgroup directory (CVE-2023-25809) */
	_cleanup_free_ char *own = NULL;
	if (!ctx->cgroup_path && (r = own_cgroup_dir(&own, e)) < 0)
		return r;
	const char *dir = ctx->cgroup_path ? ctx->cgroup_path : own;
	_cleanup_fd_ int sfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return herr_sys(e, "open %s", dir);
	struct statfs sfs;
	if (fstatfs(sfd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return herr_set(e, -EINVAL, "%s is not a cgroup2 directory", dir);
	return mnt_bind_fd(ctx, sfd, false, &c, tfd, e);
}

static int mount_fs(struct hull_ctx *ctx, struct rootfs_state *st, const struct oci_mount *m,
		    const struct mount_opts *o, const char *dest, hull_err *e)
{
	const char *type = m->type;
	if (o->tmpcopyup && !streq(type, "tmpfs"))
		return herr_set(e, -EINVAL, "tmpcopyup is only valid for tmpfs");
	_cleanup_fd_ int tfd = open_dest(st, dest, true, refuse_symlink_dest(type, dest), e);
	if (tfd < 0)
		return tfd;
	int r = mnt_fresh(ctx, type, m->source, o, tfd, st->rootfd, dest, e);
	if (r != -EPERM || !st->in_userns)
		return r;
	const char *host = streq(type, "sysfs") ? "/sys" : streq(type, "mqueue") ? "/dev/mqueue" : NULL;
	if (!host)
		return r;
	hull_debug("%s cannot be mounted in this user namespace (%s): binding the host's %s", type, e->msg, host);
	herr_clear(e);
	return fallback_bind(ctx, host, o, tfd, e);
}

/* "remount": change an existing mount in the container (flags, and the filesystem's own
 * options through fspick + reconfigure). */
static int mount_remount(struct rootfs_state *st, const struct mount_opts *o, const char *dest, hull_err *e)
{
	_cleanup_fd_ int tfd = pathres_open(st->rootfd, dest, 0, 0, NULL, e);
	if (tfd < 0)
		return tfd;
	int r = apply_attrs(tfd, o, e);
	if (r < 0)
		return r;
	bool sb = o->data != NULL;
	for (size_t i = 0; i < sizeof sb_flags / sizeof sb_flags[0]; i++)
		sb = sb || (o->flags & sb_flags[i].ms);
	if (sb && !o->bind) {
		_cleanup_fd_ int fsfd = fspick(tfd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
		if (fsfd < 0)
			return herr_sys(e, "fspick");
		for (size_t i = 0; i < sizeof sb_flags / sizeof sb_flags[0]; i++)
			if ((o->flags & sb_flags[i].ms) && (r = fs_set(fsfd, sb_flags[i].key, NULL)) < 0)
				return fs_error(fsfd, e, r, sb_flags[i].key);
		if ((r = fs_set_data(fsfd, o->data, e)) < 0)
			return r;
		if (fsconfig(fsfd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
			return fs_error(fsfd, e, -errno, "reconfigure");
	}
	return apply_propagation(tfd, o, e);
}

static int mount_entry(struct hull_ctx *ctx, struct rootfs_state *st, const struct oci_mount *m, const char *dest,
		       bool *is_bind, hull_err *e)
{
	struct mount_opts o;
	int r = mount_opts_parse(m->options, m->n_options, &o, e);
	if (r < 0)
		return r;
	if (m->n_uid_mappings || m->n_gid_mappings) {
		mount_opts_free(&o);
		return herr_set(e, -EOPNOTSUPP, "uidMappings/gidMappings (id-mapped mounts) are not supported");
	}
	*is_bind = o.bind || streq(m->type, "bind") || streq(m->type, "none");
	if (o.flags & MS_REMOUNT)
		r = mount_remount(st, &o, dest, e);
	else if (strcmp(dest, "/") == 0)
		r = herr_set(e, -EINVAL, "mounting over the container's root is not supported (use root.path)");
	else if (*is_bind)
		r = mount_bind(ctx, st, m, &o, dest, e);
	else if (!m->type || !*m->type)
		r = herr_set(e, -EINVAL, "type is required unless the mount is a bind mount");
	else if (streq(m->type, "cgroup") || streq(m->type, "cgroup2"))
		r = mount_cgroup(ctx, st, m, &o, dest, e);
	else
		r = mount_fs(ctx, st, m, &o, dest, e);
	mount_opts_free(&o);
	return r;
}

int mounts_apply(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e)
{
	const struct oci_spec *s = ctx->spec;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct oci_mount *m = &s->mounts[i];
		if (!m->destination || !*m->destination)
			return herr_set(e, -EINVAL, "%s: .mounts[%zu].destination is required", ctx->config_path, i);
		_cleanup_free_ char *dest = path_clean(m->destination);
		bool is_bind = false;
		int r = mount_entry(ctx, st, m, dest, &is_bind, e);
		if (r < 0)
			return herr_prefix(e, "mount %s on %s (.mounts[%zu])", is_bind ? "bind" : m->type ? m->type : "?",
					   m->destination, i);
		hull_debug("mounted %s on %s", is_bind ? "bind" : m->type, dest);
		if (strcmp(dest, "/dev") == 0) {
			st->dev_bind = is_bind;
			st->devpts_mounted = false; /* a new /dev hides what was below */
		}
		if (strcmp(dest, "/dev/pts") == 0)
			st->devpts_mounted = streq(m->type, "devpts") || is_bind;
	}
	return 0;
}
