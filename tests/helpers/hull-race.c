/* SPDX-License-Identifier: Apache-2.0 */
/* The hostile side of tests/integration/t_security_race.sh.
 *
 *   hull-race swap DIR NAME TARGET MAX SECONDS
 *       Another container sharing DIR with the runtime: whenever DIR/NAME appears as
 *       anything but a symlink (the runtime just made its device node there), replace it
 *       atomically with a symlink to TARGET (a host file), by rename over the name. Stops
 *       after MAX swaps, SECONDS seconds, or when DIR/.stop exists; prints the number of
 *       swaps on stdout.
 *   hull-race euid
 *       Prints the effective uid: planted as a setuid-root file by container root, it
 *       shows whether a host user who runs it becomes root.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_NAME ".hull-race.tmp"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when NAME was a non-symlink and is now our symlink, 0 when there was nothing to do */
static int try_swap(int dirfd, const char *name, const char *target)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISLNK(st.st_mode))
		return 0;
	unlinkat(dirfd, TMP_NAME, 0);
	if (symlinkat(target, dirfd, TMP_NAME) < 0)
		return 0;
	if (renameat(dirfd, TMP_NAME, dirfd, name) < 0) {
		unlinkat(dirfd, TMP_NAME, 0);
		return 0;
	}
	return 1;
}

static int swap_loop(const char *dir, const char *name, const char *target, long max, double seconds)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (dirfd < 0 || in < 0 || inotify_add_watch(in, dir, IN_CREATE | IN_MOVED_TO | IN_ATTRIB) < 0) {
		perror("hull-race: watch");
		return 2;
	}
	long swaps = 0;
	double end = now() + seconds;
	char buf[4096];
	while (swaps < max && now() < end && faccessat(dirfd, ".stop", F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		swaps += try_swap(dirfd, name, target);
		struct pollfd p = {.fd = in, .events = POLLIN};
		if (poll(&p, 1, 20) > 0)
			while (read(in, buf, sizeof buf) > 0)
				;
	}
	printf("%ld\n", swaps);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "euid") == 0) {
		printf("%u\n", (unsigned)geteuid());
		return 0;
	}
	if (argc == 7 && strcmp(argv[1], "swap") == 0)
		return swap_loop(argv[2], argv[3], argv[4], atol(argv[5]), atof(argv[6]));
	fprintf(stderr, "usage: hull-race swap DIR NAME TARGET MAX SECONDS | hull-race euid\n");
	return 2;
}
