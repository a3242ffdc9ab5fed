/* SPDX-License-Identifier: Apache-2.0 */
/* In-root path resolution against a temp "rootfs" full of hostile symlinks: whatever
 * the image contains, resolution and creation stay inside the root. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/pathres.h"

static char base[64];        /* temp dir holding root/ and outside/ */
static char root[PATH_MAX];  /* the fake container rootfs */
static char outside[PATH_MAX]; /* a "host" directory next to the root */
static int rootfd = -1;

static void mk(const char *rel, bool dir)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof p, "%s/%s", base, rel);
	if (dir)
		cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s: %m", p);
	else {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
		cr_assert_geq(fd, 0, "create %s: %m", p);
		close(fd);
	}
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof p, "%s/%s", base, rel);
	cr_assert_eq(symlink(target, p), 0, "symlink %s: %m", p);
}

static bool exists(const char *rel, mode_t type)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof p, "%s/%s", base, rel);
	struct stat s;
	return lstat(p, &s) == 0 && (s.st_mode & S_IFMT) == type;
}

/* inode of what fd refers to == inode of base/rel (not following a final symlink) */
static void assert_is(int fd, const char *rel)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof p, "%s/%s", base, rel);
	struct stat a, b;
	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(lstat(p, &b), 0, "lstat %s: %m", p);
	cr_assert(a.st_dev == b.st_dev && a.st_ino == b.st_ino, "fd is not %s", rel);
}

static void setup(void)
{
	snprintf(base, sizeof base, "/tmp/hull-pathres-XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	snprintf(root, sizeof root, "%s/root", base);
	snprintf(outside, sizeof outside, "%s/outside", base);
	mk("root", true);
	mk("outside", true);
	mk("outside/secret", false);
	mk("root/etc", true);
	mk("root/etc/passwd", false);
	mk("root/usr", true);
	mk("root/usr/lib", true);
	/* the hostile image */
	ln("/../../../etc", "root/abs");              /* absolute, climbing */
	ln("../../../../outside", "root/rel");         /* relative, climbing to the host dir */
	ln("/proc/self/root", "root/magic");          /* magic link on the host */
	ln("usr/lib", "root/lib");                   /* an ordinary merged-usr link */
	ln("../run/systemd/resolve/stub.conf", "root/etc/resolv.conf"); /* dangling, like Ubuntu */
	ln("loop2", "root/loop1");
	ln("loop1", "root/loop2");
	ln("/etc/passwd", "root/pw");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
	close(rootfd);
	hull_err e = {0};
	int dfd = open("/tmp", O_PATH | O_DIRECTORY);
	rm_tree_at(dfd, base + strlen("/tmp/"), &e);
	close(dfd);
}

TestSuite(pathres, .init = setup, .fini = teardown);

Test(pathres, plain_path)
{
	hull_err e = {0};
	char *canon = NULL;
	int fd = pathres_open(rootfd, "/etc/passwd", 0, 0, &canon, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	assert_is(fd, "root/etc/passwd");
	cr_assert_str_eq(canon, "/etc/passwd");
	free(canon);
	close(fd);
}

Test(pathres, absolute_symlink_climbing_out_stays_in_root)
{
	hull_err e = {0};
	char *canon = NULL;
	int fd = pathres_open(rootfd, "/abs/passwd", 0, 0, &canon, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	assert_is(fd, "root/etc/passwd"); /* the image's, not the host's /etc/passwd */
	cr_assert_str_eq(canon, "/etc/passwd");
	free(canon);
	close(fd);
}

Test(pathres, creation_through_escaping_symlink_lands_inside)
{
	hull_err e = {0};
	/* "a/b -> /../../../etc": creating a/b/shadow must make root/etc/shadow */
	mk("root/a", true);
	ln("/../../../etc", "root/a/b");
	int fd = pathres_open(rootfd, "a/b/shadow", PATHRES_MKFILE, 0644, NULL, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_assert(exists("root/etc/shadow", S_IFREG));
	assert_is(fd, "root/etc/shadow");
	close(fd);
}

Test(pathres, relative_climb_is_clamped_at_root)
{
	hull_err e = {0};
	int fd = pathres_open(rootfd, "/rel/secret", 0, 0, NULL, &e);
	cr_assert_eq(fd, -ENOENT, "resolved to %d (%s): escaped the root?", fd, e.msg);
	int fd2 = pathres_open(rootfd, "/rel/newdir", PATHRES_MKDIR, 0755, NULL, &e);
	cr_assert_geq(fd2, 0, "%s", e.msg);
	/* the link reads "../../../../outside": clamped at the root, that is root/outside */
	cr_assert(exists("root/outside/newdir", S_IFDIR), "the directory must be created in the root");
	cr_assert(!exists("outside/newdir", S_IFDIR), "created outside the root");
	close(fd2);
}

Test(pathres, dotdot_never_goes_above_root)
{
	hull_err e = {0};
	char *canon = NULL;
	int fd = pathres_open(rootfd, "../../../../etc/../etc/./passwd", 0, 0, &canon, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	assert_is(fd, "root/etc/passwd");
	cr_assert_str_eq(canon, "/etc/passwd");
	free(canon);
	close(fd);
	int r = pathres_open(rootfd, "/..", 0, 0, &canon, &e);
	cr_assert_geq(r, 0);
	assert_is(r, "root");
	cr_assert_str_eq(canon, "/");
	free(canon);
	close(r);
}

Test(pathres, magic_link_target_is_read_as_text)
{
	hull_err e = {0};
	/* "/proc/self/root" does not exist in the image: must fail, not jump to the host "/" */
	int fd = pathres_open(rootfd, "/magic/etc/passwd", 0, 0, NULL, &e);
	cr_assert_eq(fd, -ENOENT, "%d %s", fd, e.msg);
}

Test(pathres, dangling_symlink_creates_its_target_in_root)
{
	hull_err e = {0};
	char *canon = NULL;
	int fd = pathres_open(rootfd, "/etc/resolv.conf", PATHRES_MKFILE, 0644, &canon, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_assert_str_eq(canon, "/run/systemd/resolve/stub.conf");
	cr_assert(exists("root/run/systemd/resolve/stub.conf", S_IFREG));
	cr_assert(exists("root/etc/resolv.conf", S_IFLNK), "the link itself stays");
	free(canon);
	close(fd);
}

Test(pathres, nofollow_refuses_a_final_symlink)
{
	hull_err e = {0};
	int fd = pathres_open(rootfd, "/lib", PATHRES_MKDIR | PATHRES_NOFOLLOW, 0755, NULL, &e);
	cr_assert_eq(fd, -ELOOP);
	cr_assert(strstr(e.msg, "/lib") && strstr(e.msg, "symlink"), "msg: %s", e.msg);
	/* intermediate symlinks are still followed (inside the root) */
	int fd2 = pathres_open(rootfd, "/lib/x", PATHRES_MKDIR | PATHRES_NOFOLLOW, 0755, NULL, &e);
	cr_assert_geq(fd2, 0, "%s", e.msg);
	cr_assert(exists("root/usr/lib/x", S_IFDIR));
	close(fd2);
}

Test(pathres, symlink_loop_is_eloop)
{
	hull_err e = {0};
	cr_assert_eq(pathres_open(rootfd, "/loop1", 0, 0, NULL, &e), -ELOOP);
	cr_assert_eq(pathres_open(rootfd, "/loop1/x", PATHRES_MKDIR, 0755, NULL, &e), -ELOOP);
}

Test(pathres, file_in_the_middle_is_enotdir)
{
	hull_err e = {0};
	cr_assert_eq(pathres_open(rootfd, "/etc/passwd/x", PATHRES_MKDIR, 0755, NULL, &e), -ENOTDIR);
}

Test(pathres, missing_without_create_is_enoent_and_creates_nothing)
{
	hull_err e = {0};
	cr_assert_eq(pathres_open(rootfd, "/new/dir", 0, 0, NULL, &e), -ENOENT);
	cr_assert(!exists("root/new", S_IFDIR));
	cr_assert(strstr(e.msg, "/new"), "msg: %s", e.msg);
	/* MKPARENTS creates parents only */
	cr_assert_eq(pathres_open(rootfd, "/new/dir", PATHRES_MKPARENTS, 0755, NULL, &e), -ENOENT);
	cr_assert(exists("root/new", S_IFDIR));
	cr_assert(!exists("root/new/dir", S_IFDIR));
}

Test(pathres, mkfile_and_mkdir_modes)
{
	hull_err e = {0};
	mode_t old = umask(0);
	int fd = pathres_open(rootfd, "/d1/d2/f", PATHRES_MKFILE, 0640, NULL, &e);
	umask(old);
	cr_assert_geq(fd, 0, "%s", e.msg);
	struct stat s;
	cr_assert_eq(fstat(fd, &s), 0);
	cr_assert(S_ISREG(s.st_mode));
	cr_assert_eq(s.st_mode & 07777, 0640);
	cr_assert(exists("root/d1/d2", S_IFDIR));
	close(fd);
}

Test(pathres, parent_of_symlinked_name)
{
	hull_err e = {0};
	char *name = NULL, *canon = NULL;
	/* the parent is resolved (through "lib" -> usr/lib), the last name is not */
	int fd = pathres_open_parent(rootfd, "/lib/libc.so", true, &name, &canon, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	assert_is(fd, "root/usr/lib");
	cr_assert_str_eq(name, "libc.so");
	cr_assert_str_eq(canon, "/usr/lib");
	free(name);
	free(canon);
	close(fd);
	/* the last component stays as is even when it is a symlink */
	fd = pathres_open_parent(rootfd, "/pw", false, &name, NULL, &e);
	cr_assert_geq(fd, 0);
	assert_is(fd, "root");
	cr_assert_str_eq(name, "pw");
	free(name);
	close(fd);
	cr_assert_eq(pathres_open_parent(rootfd, "/dev/..", true, &name, NULL, &e), -EINVAL);
	cr_assert_eq(pathres_open_parent(rootfd, "/", true, &name, NULL, &e), -EINVAL);
}

Test(pathres, parent_created_through_escaping_link)
{
	hull_err e = {0};
	char *name = NULL;
	ln("/../../outside/../dev", "root/devlink");
	int fd = pathres_open_parent(rootfd, "/devlink/null", true, &name, NULL, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	cr_assert(exists("root/dev", S_IFDIR));
	assert_is(fd, "root/dev");
	free(name);
	close(fd);
}

Test(path_clean, cases)
{
	static const char *const cases[][2] = {
		{"/", "/"},           {"", "/"},          {"/dev", "/dev"},     {"dev", "/dev"},
		{"//dev//", "/dev"},  {"/dev/./pts", "/dev/pts"}, {"/a/b/../c", "/a/c"}, {"/../../x", "/x"},
		{"/a/..", "/"},       {"a/../../b/", "/b"}, {"/.", "/"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *c = path_clean(cases[i][0]);
		cr_assert_str_eq(c, cases[i][1], "path_clean(\"%s\")", cases[i][0]);
		free(c);
	}
}

TestSuite(rm_tree, .init = setup, .fini = teardown);

Test(rm_tree, removes_everything_but_never_follows_symlinks)
{
	hull_err e = {0};
	mk("root/usr/lib/deep", true);
	mk("root/usr/lib/deep/file", false);
	char fifo[PATH_MAX * 2];
	snprintf(fifo, sizeof fifo, "%s/fifo", root);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	ln(outside, "root/usr/to-outside");        /* absolute link to the host dir */
	ln("../../outside", "root/etc/rel-outside");
	int dfd = open(base, O_PATH | O_DIRECTORY);
	cr_assert_eq(rm_tree_at(dfd, "root", &e), 0, "%s", e.msg);
	cr_assert(!exists("root", S_IFDIR));
	cr_assert(exists("outside/secret", S_IFREG), "followed a symlink out of the tree");
	cr_assert_eq(rm_tree_at(dfd, "root", &e), 0, "a missing tree is not an error");
	close(dfd);
}

Test(rm_tree, deep_nesting_uses_bounded_fds)
{
	hull_err e = {0};
	int fd = open(root, O_PATH | O_DIRECTORY);
	/* deeper than PATH_MAX allows as a path, built fd-relative */
	for (int i = 0; i < 1000; i++) {
		cr_assert_eq(mkdirat(fd, "dddddddd", 0755), 0);
		int n = openat(fd, "dddddddd", O_PATH | O_DIRECTORY);
		cr_assert_geq(n, 0);
		close(fd);
		fd = n;
	}
	close(fd);
	int dfd = open(base, O_PATH | O_DIRECTORY);
	cr_assert_eq(rm_tree_at(dfd, "root", &e), 0, "%s", e.msg);
	cr_assert(!exists("root", S_IFDIR));
	close(dfd);
}

Test(rm_tree, a_plain_file_or_symlink_is_just_unlinked)
{
	hull_err e = {0};
	int dfd = open(base, O_PATH | O_DIRECTORY);
	ln(outside, "link-to-outside");
	cr_assert_eq(rm_tree_at(dfd, "link-to-outside", &e), 0);
	cr_assert(exists("outside/secret", S_IFREG));
	cr_assert(!exists("link-to-outside", S_IFLNK));
	close(dfd);
}

/* fd_chmod/fd_chown change the inode the fd was opened on, even once its name is a
 * symlink to another file: both the fchmodat2 way and the /proc/self/fd way. */
static void chmod_through_fd_case(bool via_proc)
{
	mk("root/node", false);
	char p[PATH_MAX * 2], q[PATH_MAX * 2];
	snprintf(p, sizeof p, "%s/root/node", base);
	snprintf(q, sizeof q, "%s/outside/secret", base);
	cr_assert_eq(chmod(q, 0600), 0);
	int fd = openat(rootfd, "node", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	/* the attacker's swap: the name now leads to the host file */
	cr_assert_eq(unlink(p), 0);
	ln(q, "root/node");
	cr_assert_eq(fd_chmod(-1, fd, 0666, via_proc), 0, "fd_chmod: %s", strerror(errno));
	uid_t owner = getuid() == 0 ? 4321 : getuid(); /* only root may give a file away */
	cr_assert_eq(fd_chown(fd, owner, (gid_t)-1), 0, "fd_chown: %s", strerror(errno));
	struct stat a, s;
	cr_assert_eq(fstat(fd, &a), 0);
	cr_assert_eq(a.st_mode & 07777, 0666);
	cr_assert_eq(a.st_uid, owner);
	cr_assert_eq(stat(q, &s), 0);
	cr_assert_eq(s.st_mode & 07777, 0600, "the file behind the symlink was changed");
	cr_assert_eq(s.st_uid, getuid());
	close(fd);
}

Test(pathres, fd_chmod_changes_the_pinned_inode_not_the_name)
{
	chmod_through_fd_case(false);
}

Test(pathres, fd_chmod_via_proc_changes_the_pinned_inode_not_the_name)
{
	chmod_through_fd_case(true);
}
