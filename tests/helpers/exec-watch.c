// SPDX-License-Identifier: Apache-2.0
// exec-watch: a static program that t_security_enter.sh runs as the init of a container with
// CAP_SYS_PTRACE and no user namespace. It attacks every process that appears in its pid
// namespace (hull exec's helper, then the exec'd program), as fast as it can:
//
//   exec-watch OUT STOPFILE SECS ROOT_REL CWD_NAME NEKOT CANARY_FILE CANARY MAX_CAPS [stack-heap]
//
// NEKOT is the secret TOKEN reversed: the container's config.json (which hull exec reads into
// its memory) holds these arguments, and must not count as the secret found in memory.
//
// - it predicts the next pid (/proc/sys/kernel/ns_last_pid) and spins on /proc/PID/root, so
//   it holds the process's root and cwd from the moment the process exists;
// - through that root it opens ROOT_REL (a host-only file), through the cwd CWD_NAME (in the
//   host directory hull exec was started from), and through every /proc/PID/fd/N it can open:
//   the file itself, or for a directory ROOT_REL, CWD_NAME and 1/root/ROOT_REL (a host /proc);
//   a file whose content is TOKEN is a hit;
// - /proc/PID/environ containing TOKEN (hull's environment) is a hit;
// - PTRACE_SEIZE, then while the process is stopped: CapEff/CapBnd with bits outside MAX_CAPS
//   (hex; what the exec'd process is given) is a hit, and so is TOKEN anywhere in its writable
//   memory (process_vm_readv);
// - positive controls, so a run that saw nothing cannot pass: CANARY_FILE (in the container's
//   rootfs) read through /proc/PID/root, CANARY in /proc/PID/environ and in its memory (the
//   exec'd program gets CANARY in its environment), successful attaches.
// stack-heap: scan only [stack] and [heap] (a sanitized hull: the sanitizer runtime keeps its
// own copy of the environment in an anonymous mapping, which no code of hull's can reach).
// Runs until STOPFILE exists or SECS pass, then writes key=value counters to OUT.
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *root_rel, *cwd_name, *token, *canary_file, *canary;
static uint64_t max_caps;
static bool stack_heap_only;
static long missed;
static int missed_errno;
static long seen, attached, root_canary, environ_canary, mem_canary, fds_opened;
static long hit_root, hit_cwd, hit_fd, hit_environ, hit_mem, hit_caps;
static char first_hit[512];

static void hit(long *counter, const char *what, int pid)
{
	(*counter)++;
	if (!first_hit[0])
		snprintf(first_hit, sizeof first_hit, "%s (pid %d)", what, pid);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// read up to len-1 bytes of dirfd/rel (or of fd itself when rel is NULL); -1 when unreadable
static ssize_t slurp(int dirfd, const char *rel, char *buf, size_t len)
{
	int fd = rel ? openat(dirfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) : dirfd;
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t n;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	if (rel)
		close(fd);
	buf[got] = 0;
	return (ssize_t)got;
}

static bool has(const char *buf, size_t len, const char *needle)
{
	return memmem(buf, len, needle, strlen(needle)) != NULL;
}

static bool file_is_token(int dirfd, const char *rel)
{
	char buf[256];
	ssize_t n = slurp(dirfd, rel, buf, sizeof buf);
	return n > 0 && has(buf, (size_t)n, token);
}

// every fd of pid that can be opened: the file itself, or a directory (host / or host /proc)
static void probe_fds(int pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char fdpath[320];
		snprintf(fdpath, sizeof fdpath, "/proc/%d/fd/%s", pid, de->d_name);
		int fd = open(fdpath, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			continue;
		fds_opened++;
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			char rel[1024];
			snprintf(rel, sizeof rel, "1/root/%s", root_rel);
			if (file_is_token(fd, root_rel) || file_is_token(fd, cwd_name) || file_is_token(fd, rel))
				hit(&hit_fd, fdpath, pid);
		} else if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			char buf[256];
			ssize_t n = slurp(fd, NULL, buf, sizeof buf);
			if (n > 0 && has(buf, (size_t)n, token))
				hit(&hit_fd, fdpath, pid);
		}
		close(fd);
	}
	closedir(d);
}

static uint64_t status_caps(int pid, const char *key)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (slurp(AT_FDCWD, path, buf, sizeof buf) <= 0)
		return 0;
	char *p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

// TOKEN / CANARY anywhere in the writable memory of the (stopped) process
static void scan_memory(int pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	static char buf[1 << 20];
	char line[512], where[600] = "";
	bool tok = false, can = false;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' || perms[1] != 'w')
			continue;
		if (hi - lo > (64ul << 20))
			continue; // sanitizer shadow and the like: never where the environment is
		if (stack_heap_only && !strstr(line, "[stack]") && !strstr(line, "[heap]"))
			continue;
		for (unsigned long a = lo; a < hi; a += sizeof buf) {
			size_t len = hi - a < sizeof buf ? hi - a : sizeof buf;
			struct iovec local = {buf, len}, remote = {(void *)a, len};
			ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
			if (n <= 0)
				break;
			if (!tok && has(buf, (size_t)n, token)) {
				tok = true;
				line[strcspn(line, "\n")] = 0;
				snprintf(where, sizeof where, "token in memory: %s", line);
			}
			can |= has(buf, (size_t)n, canary);
		}
	}
	fclose(f);
	if (tok)
		hit(&hit_mem, where, pid);
	if (can)
		mem_canary++;
}

static void probe_ptrace(int pid)
{
	// SEIZE + INTERRUPT, not ATTACH: ATTACH's SIGSTOP can outlive the detach and stop the
	// exec'd program for good
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return;
	int st;
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 || waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st)) {
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return; // gone
	}
	attached++;
	uint64_t eff = status_caps(pid, "CapEff:\t"), bnd = status_caps(pid, "CapBnd:\t");
	if ((eff & ~max_caps) || (bnd & ~max_caps)) {
		char what[96];
		snprintf(what, sizeof what, "attached with CapEff=%llx CapBnd=%llx", (unsigned long long)eff,
			 (unsigned long long)bnd);
		hit(&hit_caps, what, pid);
	}
	scan_memory(pid);
	// a signal-delivery stop (not our interrupt) gets its signal back
	int sig = (st >> 16) == PTRACE_EVENT_STOP ? 0 : WSTOPSIG(st);
	ptrace(PTRACE_DETACH, pid, 0, sig);
}

// everything against one new pid, the cheap captures (root, cwd) first
static void attack(int pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/root", pid);
	int root = -1;
	double give_up = now() + 2;
	for (long spin = 0; root < 0 && (spin % 1024 || now() < give_up); spin++) {
		root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 && errno != ENOENT && errno != ESRCH)
			break;
	}
	if (root < 0) { // never saw it alive
		missed++;
		missed_errno = errno;
		return;
	}
	seen++;
	snprintf(path, sizeof path, "/proc/%d/cwd", pid);
	int cwd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (file_is_token(root, root_rel))
		hit(&hit_root, "/proc/PID/root", pid);
	if (cwd >= 0 && file_is_token(cwd, cwd_name))
		hit(&hit_cwd, "/proc/PID/cwd", pid);
	char buf[512];
	if (slurp(root, canary_file, buf, sizeof buf) > 0 && has(buf, strlen(buf), canary))
		root_canary++;
	if (cwd >= 0)
		close(cwd);
	close(root);
	probe_fds(pid);
	static char env[1 << 16];
	snprintf(path, sizeof path, "/proc/%d/environ", pid);
	ssize_t n = slurp(AT_FDCWD, path, env, sizeof env);
	if (n > 0 && has(env, (size_t)n, token))
		hit(&hit_environ, "/proc/PID/environ", pid);
	probe_ptrace(pid);
	// the exec'd program, once it runs, shows the canary: the control for environ
	for (int tries = 0; tries < 25; tries++) {
		n = slurp(AT_FDCWD, path, env, sizeof env);
		if (n > 0 && has(env, (size_t)n, canary)) {
			environ_canary++;
			break;
		}
		usleep(2000);
	}
}

// the counters so far (finished=0 while it runs: a watcher stuck in an attack still reports)
static void write_results(const char *out, int finished)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "seen=%ld\nattached=%ld\nfds_opened=%ld\nroot_canary=%ld\nenviron_canary=%ld\nmem_canary=%ld\n", seen,
		attached, fds_opened, root_canary, environ_canary, mem_canary);
	fprintf(f, "hit_root=%ld\nhit_cwd=%ld\nhit_fd=%ld\nhit_environ=%ld\nhit_mem=%ld\nhit_caps=%ld\nfirst_hit=%s\n",
		hit_root, hit_cwd, hit_fd, hit_environ, hit_mem, hit_caps, first_hit);
	fprintf(f, "finished=%d\nmissed=%ld\nmissed_errno=%d\n", finished, missed, missed_errno);
	fclose(f);
	rename(tmp, out);
}

static int last_pid(void)
{
	char buf[32];
	if (slurp(AT_FDCWD, "/proc/sys/kernel/ns_last_pid", buf, sizeof buf) <= 0)
		return -1;
	return atoi(buf);
}

int main(int argc, char **argv)
{
	if (argc == 11 && !strcmp(argv[10], "stack-heap"))
		stack_heap_only = true, argc--;
	if (argc != 10) {
		fprintf(stderr, "usage: exec-watch OUT STOPFILE SECS ROOT_REL CWD_NAME NEKOT CANARY_FILE CANARY MAX_CAPS [stack-heap]\n");
		return 2;
	}
	const char *out = argv[1], *stop = argv[2];
	double until = now() + atof(argv[3]);
	root_rel = argv[4], cwd_name = argv[5], canary_file = argv[7], canary = argv[8];
	size_t tl = strlen(argv[6]);
	char *t = malloc(tl + 1);
	for (size_t k = 0; k < tl; k++)
		t[k] = argv[6][tl - 1 - k];
	t[tl] = 0;
	token = t;
	max_caps = strtoull(argv[9], NULL, 16);
	int self = getpid(), done = last_pid();
	for (long i = 0; now() < until; i++) {
		int l = last_pid();
		if (l > done) {
			for (int pid = done + 1; pid <= l; pid++)
				if (pid != self) {
					attack(pid);
					write_results(out, 0);
				}
			done = l;
			continue;
		}
		// the stop file only every so often: the spin on ns_last_pid is what wins races
		if (i % 4096 == 0 && access(stop, F_OK) == 0)
			break;
	}
	write_results(out, 1);
	return 0;
}
