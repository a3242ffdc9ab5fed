/* SPDX-License-Identifier: Apache-2.0 */
/* common/util.c: write_file_atomic (the --pid-file writer) in a directory an attacker can
 * write to: whatever is planted there beforehand is never opened or reused. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

static char dir[64];

static void tmp_setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hull-util-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void tmp_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static char *slurp_path(const char *p)
{
	static char buf[256];
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cr_assert_geq(fd, 0, "open %s: %m", p);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	cr_assert_geq(n, 0);
	buf[n] = '\0';
	return buf;
}

static int entries(const char *d)
{
	DIR *dp = opendir(d);
	cr_assert_not_null(dp);
	int n = 0;
	for (struct dirent *de; (de = readdir(dp));)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

Test(write_file_atomic, creates_and_replaces, .init = tmp_setup, .fini = tmp_teardown)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/c.pid", dir);
	hull_err e = {0};
	cr_assert_eq(write_file_atomic(p, "123", 3, 0644, &e), 0, "%s", e.msg);
	cr_assert_str_eq(slurp_path(p), "123");
	cr_assert_eq(write_file_atomic(p, "45", 2, 0644, &e), 0, "%s", e.msg);
	cr_assert_str_eq(slurp_path(p), "45");
	cr_assert_eq(entries(dir), 1, "no temporary file left");
}

/* The old writer used "<path>.tmp.<pid>" with O_CREAT|O_TRUNC: a file planted there by another
 * user was written and renamed into place, so the pid file stayed that user's inode (they could
 * rewrite the pid later, and a client would signal whatever pid they chose). A symlink planted
 * there made the write fail. */
Test(write_file_atomic, planted_files_at_the_old_name_are_ignored, .init = tmp_setup, .fini = tmp_teardown)
{
	char p[PATH_MAX], planted[PATH_MAX + 32], host[PATH_MAX];
	snprintf(p, sizeof p, "%s/c.pid", dir);
	snprintf(planted, sizeof planted, "%s.tmp.%d", p, (int)getpid());
	snprintf(host, sizeof host, "%s/host-file", dir);
	int fd = open(host, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "host", 4), 4);
	close(fd);

	/* a symlink to a host file at the predictable name: never followed, and no failure */
	cr_assert_eq(symlink(host, planted), 0, "%m");
	hull_err e = {0};
	cr_assert_eq(write_file_atomic(p, "77", 2, 0644, &e), 0, "a planted symlink broke the write: %s", e.msg);
	cr_assert_str_eq(slurp_path(p), "77");
	cr_assert_str_eq(slurp_path(host), "host", "the symlink target was written");
	struct stat st;
	cr_assert_eq(lstat(planted, &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the planted symlink was replaced or followed");

	/* a regular file planted there (the attacker's inode): the result is a new file */
	cr_assert_eq(unlink(planted), 0);
	fd = open(planted, O_WRONLY | O_CREAT | O_EXCL, 0666);
	cr_assert_geq(fd, 0);
	close(fd);
	struct stat pst, rst;
	cr_assert_eq(stat(planted, &pst), 0);
	cr_assert_eq(write_file_atomic(p, "88", 2, 0644, &e), 0, "%s", e.msg);
	cr_assert_eq(lstat(p, &rst), 0);
	cr_assert_neq(rst.st_ino, pst.st_ino, "the pid file is the inode planted at the predictable name");
	cr_assert_str_eq(slurp_path(p), "88");
	cr_assert_eq(entries(dir), 3, "pid file, host file and the planted file; no temporary file left");
}

Test(write_file_atomic, relative_path_and_errors, .init = tmp_setup, .fini = tmp_teardown)
{
	char cwd[PATH_MAX];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	cr_assert_eq(chdir(dir), 0);
	hull_err e = {0};
	int r = write_file_atomic("rel.pid", "1", 1, 0644, &e);
	int r2 = write_file_atomic("nosuchdir/x.pid", "1", 1, 0644, &e);
	cr_assert_eq(chdir(cwd), 0);
	cr_assert_eq(r, 0, "%s", e.msg);
	cr_assert_eq(r2, -ENOENT);
	cr_assert(strstr(e.msg, "nosuchdir"), "%s", e.msg);
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/rel.pid", dir);
	cr_assert_str_eq(slurp_path(p), "1");
	snprintf(p, sizeof p, "%s/", dir);
	cr_assert_eq(write_file_atomic(p, "1", 1, 0644, &e), -EINVAL);
}
