/* SPDX-License-Identifier: Apache-2.0 */
/* Device nodes in the container: the default set (null zero full random urandom tty),
 * linux.devices, the /dev symlinks and /dev/console. Nodes are made with mknodat relative
 * to a directory fd resolved inside the root; where mknod is not allowed (user namespace)
 * the host's node is bind-mounted by fd onto an empty file, after checking with fstat that
 * the host node is the device asked for. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "mounts.h"
#include "pathres.h"

struct devnode {
	const char *path; /* inside the container */
	char type;        /* c b u p */
	unsigned major, minor;
	mode_t mode;      /* permission bits */
	uid_t uid;
	gid_t gid;
};

static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
	{"/dev/null", 1, 3}, {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
	{"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
	const char *name, *target;
} dev_symlinks[] = {
	{"fd", "/proc/self/fd"},
	{"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"},
	{"stderr", "/proc/self/fd/2"},
};

bool running_in_userns(const struct hull_ctx *ctx)
{
	_cleanup_fd_ int fd = ctx->proc_fd >= 0 ? openat(ctx->proc_fd, "self/uid_map", O_RDONLY | O_CLOEXEC)
						: open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* cannot tell: assume the restrictive case */
	char buf[256];
	ssize_t n = read_all(fd, buf, sizeof buf - 1);
	if (n < 0)
		return true;
	buf[n] = '\0';
	unsigned long a, b, c;
	char extra;
	/* the initial user namespace maps everything: "0 0 4294967295" on a single line */
	return !(sscanf(buf, " %lu %lu %lu %c", &a, &b, &c, &extra) == 3 && a == 0 && b == 0 && c == 4294967295UL);
}

static mode_t node_type(char t)
{
	switch (t) {
	case 'b': return S_IFBLK;
	case 'p': return S_IFIFO;
	default: return S_IFCHR; /* 'c' and 'u' (unbuffered char) */
	}
}

static bool node_matches(const struct stat *s, const struct devnode *d)
{
	if ((s->st_mode & S_IFMT) != node_type(d->type))
		return false;
	return d->type == 'p' || s->st_rdev == makedev(d->major, d->minor);
}

/* Bind the host's node (same path on the host, as runc does) onto `target`, an fd of the
 * empty file that is our mount point; with target < 0 that file is created first (O_EXCL:
 * never whatever another process put under that name). */
static int bind_host_node(struct hull_ctx *ctx, int dirfd, const char *name, int target, const struct devnode *d,
			  hull_err *e)
{
	_cleanup_fd_ int host = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (host < 0)
		return herr_sys(e, "open the host's %s to bind it (mknod is not permitted here)", d->path);
	struct stat hs;
	if (fstat(host, &hs) < 0)
		return herr_sys(e, "stat the host's %s", d->path);
	if (!node_matches(&hs, d))
		return herr_set(e, -EINVAL, "the host's %s is not the device %c %u:%u", d->path, d->type, d->major,
				d->minor);
	_cleanup_fd_ int own = -1;
	if (target < 0) {
		own = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
		if (own < 0)
			return herr_sys(e, "create the mount point %s", d->path);
		target = own;
	}
	struct mount_opts none = {0};
	return mnt_bind_fd(ctx, host, false, &none, target, e);
}

/* Every step after the lookup of the parent works on fds: mknodat creates the name, an
 * O_PATH|O_NOFOLLOW open pins exactly what is there now, fstat proves it is the node we
 * asked for (a symlink or file swapped in by another process sharing the directory is
 * refused), and the owner and mode are changed through that fd, never by name. This runs
 * before pivot_root: a name that a symlink could redirect would reach the host's files. */
static int create_node(struct hull_ctx *ctx, struct rootfs_state *st, const struct devnode *d, hull_err *e)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_fd_ int dirfd = pathres_open_parent(st->rootfd, d->path, true, &name, NULL, e);
	if (dirfd < 0)
		return dirfd;
	bool bind = st->in_userns && d->type != 'p'; /* fifos need no privilege */
	bool created = false;
	if (!bind) {
		if (mknodat(dirfd, name, node_type(d->type) | d->mode, makedev(d->major, d->minor)) == 0)
			created = true;
		else if (errno == EPERM && d->type != 'p')
			bind = true;
		else if (errno != EEXIST)
			return herr_sys(e, "mknod %s", d->path);
	}
	_cleanup_fd_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && bind)
		return bind_host_node(ctx, dirfd, name, -1, d, e);
	if (fd < 0)
		return herr_sys(e, "open %s", d->path);
	struct stat s;
	if (fstat(fd, &s) < 0)
		return herr_sys(e, "stat %s", d->path);
	if (bind && !created && S_ISREG(s.st_mode) && s.st_size == 0)
		return bind_host_node(ctx, dirfd, name, fd, d, e); /* an empty file: our mount point */
	if (!node_matches(&s, d)) {
		if (created)
			return herr_set(e, -EBUSY, "%s was replaced while it was being created", d->path);
		return herr_set(e, -EEXIST, "%s exists and is not the device %c %u:%u", d->path, d->type, d->major,
				d->minor);
	}
	if (!created && st->in_userns) /* as given by the image; we may not be allowed to change it */
		return 0;
	int r = fd_chown(fd, d->uid, d->gid);
	if (r < 0)
		return herr_errno(e, r, "chown %s", d->path);
	if ((r = fd_chmod(ctx->proc_fd, fd, d->mode, false)) < 0)
		return herr_errno(e, r, "chmod %s", d->path);
	return 0;
}

static bool listed(const struct oci_linux *l, const char *path)
{
	for (size_t i = 0; l && i < l->n_devices; i++) {
		_cleanup_free_ char *p = path_clean(l->devices[i].path);
		if (strcmp(p, path) == 0)
			return true;
	}
	return false;
}

static int default_nodes(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e)
{
	const struct oci_linux *l = ctx->spec->linux_;
	for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++) {
		if (listed(l, default_devices[i].path))
			continue; /* linux.devices says how it should look */
		struct devnode d = {.path = default_devices[i].path, .type = 'c', .major = default_devices[i].major,
				    .minor = default_devices[i].minor, .mode = 0666};
		int r = create_node(ctx, st, &d, e);
		if (r < 0)
			return herr_prefix(e, "default device %s", d.path);
	}
	return 0;
}

static int config_nodes(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e)
{
	const struct oci_linux *l = ctx->spec->linux_;
	for (size_t i = 0; l && i < l->n_devices; i++) {
		const struct oci_device *dv = &l->devices[i];
		_cleanup_free_ char *path = path_clean(dv->path ? dv->path : "");
		int r;
		if (strchr("cbup", dv->type) == NULL || !dv->type)
			return herr_set(e, -EINVAL, "%s: .linux.devices[%zu].type: \"%c\" is not one of c, b, u, p",
					ctx->config_path, i, dv->type);
		if (dv->type != 'p' && (dv->major < 0 || dv->major > 0xfff || dv->minor < 0 || dv->minor > 0xfffff))
			return herr_set(e, -EINVAL, "%s: .linux.devices[%zu]: major/minor %lld:%lld out of range",
					ctx->config_path, i, (long long)dv->major, (long long)dv->minor);
		if (st->dev_bind && strncmp(path, "/dev/", 5) == 0) {
			hull_debug("%s comes with the bind-mounted /dev", path);
			continue;
		}
		struct devnode d = {
			.path = path,
			.type = dv->type,
			.major = dv->type == 'p' ? 0 : (unsigned)dv->major,
			.minor = dv->type == 'p' ? 0 : (unsigned)dv->minor,
			.mode = dv->has_file_mode ? (mode_t)(dv->file_mode & 07777) : 0666,
			.uid = dv->has_uid ? dv->uid : 0,
			.gid = dv->has_gid ? dv->gid : 0,
		};
		if ((r = create_node(ctx, st, &d, e)) < 0)
			return herr_prefix(e, "%s: .linux.devices[%zu]", ctx->config_path, i);
	}
	return 0;
}

static int dev_symlinks_setup(struct rootfs_state *st, hull_err *e)
{
	_cleanup_fd_ int devfd = pathres_open(st->rootfd, "/dev", PATHRES_MKDIR | PATHRES_NOFOLLOW, 0755, NULL, e);
	if (devfd < 0)
		return herr_prefix(e, "/dev symlinks");
	for (size_t i = 0; i < sizeof dev_symlinks / sizeof dev_symlinks[0]; i++)
		if (symlinkat(dev_symlinks[i].target, devfd, dev_symlinks[i].name) < 0 && errno != EEXIST)
			return herr_sys(e, "symlink /dev/%s", dev_symlinks[i].name);
	/* the container's own devpts: /dev/ptmx must open its ptmx, not the host's */
	if (st->devpts_mounted && symlinkat("pts/ptmx", devfd, "ptmx") < 0 && errno != EEXIST)
		return herr_sys(e, "symlink /dev/ptmx");
	return 0;
}

/* Clone the pty slave for /dev/console. The clone must come from a mount of our own
 * namespace: when the slave was opened elsewhere (EINVAL), use the same pty through our
 * copy of its devpts, proven identical by device and inode numbers; never by a path the
 * container controls (CVE-2025-52565). */
static int clone_console(int slave, hull_err *e)
{
	int tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree >= 0 || errno != EINVAL)
		return tree >= 0 ? tree : herr_sys(e, "clone the pty");
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof link, "/proc/self/fd/%d", slave);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n < 0)
		return herr_sys(e, "find the pty's path");
	path[n] = '\0';
	struct stat a, b;
	_cleanup_fd_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &a) < 0 || fstat(slave, &b) < 0)
		return herr_sys(e, "open %s", path);
	if (!S_ISCHR(a.st_mode) || a.st_rdev != b.st_rdev || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return herr_set(e, -EINVAL, "%s is not the container's pty", path);
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	return tree >= 0 ? tree : herr_sys(e, "clone the pty %s", path);
}

static int console_setup(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e)
{
	_cleanup_fd_ int target =
		pathres_open(st->rootfd, "/dev/console", PATHRES_MKFILE | PATHRES_NOFOLLOW, 0600, NULL, e);
	if (target < 0)
		return target;
	struct stat s;
	if (fstat(target, &s) < 0)
		return herr_sys(e, "stat");
	if (!S_ISREG(s.st_mode) && !S_ISCHR(s.st_mode))
		return herr_set(e, -EINVAL, "exists and is neither a file nor a device");
	_cleanup_fd_ int tree = clone_console(ctx->console_slave_fd, e);
	if (tree < 0)
		return tree;
	int r = mnt_attach(tree, target);
	return r < 0 ? herr_errno(e, r, "mount the pty") : 0;
}

int devices_setup(struct hull_ctx *ctx, struct rootfs_state *st, hull_err *e)
{
	int r = 0;
	mode_t old = umask(0); /* modes are exactly the ones asked for */
	if (!st->dev_bind) {
		/* an image whose /dev is a symlink gets nothing created through it */
		_cleanup_fd_ int devfd =
			pathres_open(st->rootfd, "/dev", PATHRES_MKDIR | PATHRES_NOFOLLOW, 0755, NULL, e);
		if (devfd < 0) {
			r = herr_prefix(e, "default devices");
			goto out;
		}
		if ((r = default_nodes(ctx, st, e)) < 0 || (r = dev_symlinks_setup(st, e)) < 0)
			goto out;
	}
	if ((r = config_nodes(ctx, st, e)) < 0)
		goto out;
	if (ctx->console_slave_fd >= 0 && (r = console_setup(ctx, st, e)) < 0)
		herr_prefix(e, "/dev/console");
out:
	umask(old);
	return r;
}
