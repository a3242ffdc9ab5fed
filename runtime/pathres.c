/* SPDX-License-Identifier: Apache-2.0 */
/* In-root path resolution for untrusted container images (see pathres.h). */
#include "pathres.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/util.h"

#define PATHRES_MAX_LINKS 40 /* like the kernel's MAXSYMLINKS */
#define PATHRES_MAX_STEPS 4096

int openat2_fd(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = resolve};
	/* RESOLVE_IN_ROOT returns EAGAIN when a rename or mount raced with the lookup: retry a
	 * few times, the kernel's answer is then trustworthy again */
	for (int tries = 0;; tries++) {
		long r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
		if (r >= 0)
			return (int)r;
		if ((errno == EAGAIN && tries < 16) || errno == EINTR)
			continue;
		return -errno;
	}
}

/* The in-root lookup we trust: components are symlink-free by construction, so any
 * symlink met here was swapped in behind our back and makes the open fail. */
static int open_canon(int rootfd, const char *canon, int flags)
{
	return openat2_fd(rootfd, *canon ? canon : ".", O_PATH | O_NOFOLLOW | flags,
			  RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

static bool has_more(const char *p)
{
	for (; *p; p++)
		if (*p != '/')
			return true;
	return false;
}

/* "a/b" -> "a"; "a" -> "" */
static void canon_pop(char *canon)
{
	char *slash = strrchr(canon, '/');
	if (slash)
		*slash = '\0';
	else
		canon[0] = '\0';
}

static char *canon_join(const char *canon, const char *comp)
{
	return *canon ? xasprintf("%s/%s", canon, comp) : xstrdup(comp);
}

/* Create `comp` in the directory `canon`. Returns 0, or -EEXIST when someone else won
 * the race (the caller looks again), or another negative errno. */
static int create_component(int rootfd, const char *canon, const char *comp, bool dir, mode_t mode)
{
	_cleanup_fd_ int parent = open_canon(rootfd, canon, O_DIRECTORY);
	if (parent < 0)
		return parent;
	if (dir)
		return mkdirat(parent, comp, mode) < 0 ? -errno : 0;
	int fd = openat(parent, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int pathres_open(int rootfd, const char *path, int flags, mode_t mode, char **canon_out, hull_err *e)
{
	/* rest: what is left to walk; canon: what was walked, without symlinks, "" = root */
	_cleanup_free_ char *rest = xstrdup(path ? path : "");
	_cleanup_free_ char *canon = xstrdup("");
	size_t pos = 0;
	int links = 0, steps = 0;

	for (;;) {
		if (++steps > PATHRES_MAX_STEPS)
			return herr_set(e, -ELOOP, "%s: too many steps to resolve", path);
		while (rest[pos] == '/')
			pos++;
		if (!rest[pos])
			break;
		size_t start = pos;
		while (rest[pos] && rest[pos] != '/')
			pos++;
		_cleanup_free_ char *comp = strndup(rest + start, pos - start);
		if (!comp)
			abort();
		bool last = !has_more(rest + pos);
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			canon_pop(canon); /* never above the root: "" stays "" */
			continue;
		}
		_cleanup_free_ char *next = canon_join(canon, comp);
		_cleanup_fd_ int fd = open_canon(rootfd, next, 0);
		if (fd == -ENOENT) {
			bool may = last ? (flags & (PATHRES_MKDIR | PATHRES_MKFILE))
					: (flags & (PATHRES_MKDIR | PATHRES_MKFILE | PATHRES_MKPARENTS));
			if (!may)
				return herr_errno(e, -ENOENT, "/%s", next);
			bool dir = !last || (flags & PATHRES_MKDIR);
			int r = create_component(rootfd, canon, comp, dir, last ? mode : 0755);
			if (r < 0 && r != -EEXIST)
				return herr_errno(e, r, "create /%s", next);
			pos = start; /* look at what is there now */
			continue;
		}
		if (fd < 0)
			return herr_errno(e, fd, "/%s", next);
		struct stat st;
		if (fstat(fd, &st) < 0)
			return herr_sys(e, "stat /%s", next);
		if (S_ISLNK(st.st_mode)) {
			if (last && (flags & PATHRES_NOFOLLOW))
				return herr_set(e, -ELOOP, "/%s is a symlink in the container rootfs", next);
			if (++links > PATHRES_MAX_LINKS)
				return herr_errno(e, -ELOOP, "%s", path);
			char target[PATH_MAX];
			ssize_t n = readlinkat(fd, "", target, sizeof target);
			if (n < 0)
				return herr_sys(e, "readlink /%s", next);
			if ((size_t)n >= sizeof target)
				return herr_errno(e, -ENAMETOOLONG, "readlink /%s", next);
			target[n] = '\0';
			/* the link is read as text and walked from here (or from the root when
			 * absolute): exactly what a chroot would see, never the host */
			char *joined = xasprintf("%s/%s", target, rest + pos);
			free(rest);
			rest = joined;
			pos = 0;
			if (target[0] == '/')
				canon[0] = '\0';
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return herr_errno(e, -ENOTDIR, "/%s", next);
		free(canon);
		canon = steal_ptr(&next);
	}

	int fd = open_canon(rootfd, canon, 0);
	if (fd < 0)
		return herr_errno(e, fd, "/%s", canon);
	if (canon_out)
		*canon_out = xasprintf("/%s", canon);
	return fd;
}

int pathres_open_parent(int rootfd, const char *path, bool create, char **name, char **canon, hull_err *e)
{
	const char *end = path + strlen(path);
	while (end > path && end[-1] == '/')
		end--;
	const char *base = end;
	while (base > path && base[-1] != '/')
		base--;
	size_t blen = (size_t)(end - base);
	if (blen == 0 || (blen == 1 && base[0] == '.') || (blen == 2 && base[0] == '.' && base[1] == '.'))
		return herr_set(e, -EINVAL, "%s: not a path to a file", path);
	_cleanup_free_ char *dir = strndup(path, (size_t)(base - path));
	if (!dir)
		abort();
	int fd = pathres_open(rootfd, dir, create ? PATHRES_MKDIR : 0, 0755, canon, e);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return herr_errno(e, -ENOTDIR, "%s", dir);
	}
	*name = strndup(base, blen);
	if (!*name)
		abort();
	return fd;
}

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

int fd_chmod(int proc_fd, int fd, mode_t mode, bool via_proc)
{
	if (!via_proc) {
		if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
			return 0;
		/* ENOSYS: before 6.6; EPERM: a seccomp filter that does not know it yet */
		if (errno != ENOSYS && errno != EINVAL && errno != EPERM && errno != EOPNOTSUPP)
			return -errno;
	}
	char link[64];
	snprintf(link, sizeof link, "%sself/fd/%d", proc_fd >= 0 ? "" : "/proc/", fd);
	/* the magic link resolves to the fd's own inode, whatever its name is now */
	return fchmodat(proc_fd >= 0 ? proc_fd : AT_FDCWD, link, mode, 0) < 0 ? -errno : 0;
}

int fd_chown(int fd, uid_t uid, gid_t gid)
{
	return fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0 ? -errno : 0;
}

char *path_clean(const char *path)
{
	size_t len = strlen(path);
	char *out = xmalloc(len + 2);
	size_t o = 0;
	out[o++] = '/';
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - s);
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			/* drop the last component, never above "/" */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

struct rm_frame {
	char *name;      /* name of the child we descended into */
	dev_t dev;       /* identity of the parent, checked when we come back up via ".." */
	ino_t ino;
};

static int open_dir_nofollow(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Delete every non-directory in `fd`; when a subdirectory is found, return its name
 * (malloc'd) without going on. Returns 1 with *sub set, 0 when the dir is now empty of
 * non-directories and subdirectories, or a negative errno. */
static int rm_scan(int fd, char **sub, const char **what)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* own offset */
	if (dfd < 0)
		return -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		int r = -errno;
		close(dfd);
		return r;
	}
	int r = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0 || errno == ENOENT) {
			errno = 0;
			continue;
		}
		if (errno == EISDIR) {
			*sub = xstrdup(de->d_name);
			r = 1;
			break;
		}
		r = -errno;
		*what = "unlink";
		break;
	}
	if (r == 0 && errno) {
		r = -errno;
		*what = "read directory";
	}
	closedir(d);
	return r;
}

int rm_tree_at(int dirfd, const char *name, hull_err *e)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return herr_sys(e, "remove %s", name);

	int r;
	int cur = open_dir_nofollow(dirfd, name);
	if (cur < 0)
		return cur == -ENOENT ? 0 : herr_errno(e, cur, "open %s", name);
	struct stat top;
	if (fstat(cur, &top) < 0) {
		r = herr_sys(e, "stat %s", name);
		close(cur);
		return r;
	}
	struct rm_frame *stack = NULL;
	size_t depth = 0, cap = 0;
	dev_t cur_dev = top.st_dev;
	ino_t cur_ino = top.st_ino;

	for (;;) {
		char *sub = NULL;
		const char *what = "remove";
		r = rm_scan(cur, &sub, &what);
		if (r < 0) {
			herr_errno(e, r, "%s in %s", what, name);
			break;
		}
		if (r == 1) {
			int child = open_dir_nofollow(cur, sub);
			struct stat cst;
			if (child < 0 || fstat(child, &cst) < 0) {
				r = herr_errno(e, child < 0 ? child : -errno, "open %s/.../%s", name, sub);
				if (child >= 0)
					close(child);
				free(sub);
				break;
			}
			if (cst.st_dev != top.st_dev) {
				/* never empty another filesystem mounted inside the tree */
				r = herr_set(e, -EBUSY, "remove %s: %s is a mount point", name, sub);
				close(child);
				free(sub);
				break;
			}
			if (depth == cap) {
				cap = cap ? cap * 2 : 16;
				stack = xrealloc(stack, cap * sizeof *stack);
			}
			stack[depth++] = (struct rm_frame){.name = sub, .dev = cur_dev, .ino = cur_ino};
			close(cur);
			cur = child;
			cur_dev = cst.st_dev;
			cur_ino = cst.st_ino;
			continue;
		}
		/* cur is empty: go up and remove it */
		if (depth == 0) {
			close(cur);
			cur = -1;
			r = unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? herr_sys(e, "remove %s", name) : 0;
			break;
		}
		struct rm_frame *f = &stack[depth - 1];
		int parent = open_dir_nofollow(cur, "..");
		struct stat pst;
		if (parent < 0 || fstat(parent, &pst) < 0 || pst.st_dev != f->dev || pst.st_ino != f->ino) {
			r = herr_set(e, -EBUSY, "remove %s: a directory was moved while it was being removed", name);
			if (parent >= 0)
				close(parent);
			break;
		}
		close(cur);
		cur = parent;
		cur_dev = pst.st_dev;
		cur_ino = pst.st_ino;
		if (unlinkat(cur, f->name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			r = herr_sys(e, "remove %s/.../%s", name, f->name);
			break;
		}
		free(f->name);
		depth--;
	}
	if (cur >= 0)
		close(cur);
	for (size_t i = 0; i < depth; i++)
		free(stack[i].name);
	free(stack);
	return r < 0 ? r : 0;
}
