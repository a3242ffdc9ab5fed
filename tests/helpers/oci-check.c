// SPDX-License-Identifier: Apache-2.0
// oci-check: a static program run inside test containers by tests/conformance. It prints the
// process's view of its environment as key=value lines, so a shell test can compare what a
// runtime set up with what config.json asked for, without trusting busybox's formatting.
//
//   oci-check                  all keys: ids, groups, caps, nnp, seccomp, umask, cwd, uts names,
//                              personality, scheduling, oom_score_adj, rlimits, namespaces,
//                              id maps, cgroup, mounts
//   oci-check stat PATH...     lstat of each path: type, major/minor, mode, uid, gid, link target
//   oci-check open PATH r|w    open(2) the path; prints result=ok or result=<ERRNO NAME>
//   oci-check write PATH       create/truncate PATH and write "x"; result=...
//   oci-check mkdir PATH MODE  the raw mkdir(2) syscall (MODE octal); result=...
//   oci-check mkdirat PATH MODE  the raw mkdirat(2) syscall; result=...
//   oci-check exec PATH [ARG...]  execv; prints result=<ERRNO> only when it fails
//   oci-check ids              only uid/gid lines (a setuid copy of this program prints its euid)
//   oci-check fds              the open fds (from /proc/self/fd), one line each
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "EUNKNOWN";
}

static void result(long rc)
{
	if (rc < 0)
		printf("result=%s\n", errname(errno));
	else
		printf("result=ok\n");
}

// print "key=value" for each line of /proc/self/status whose name is in keys
static void status_keys(void)
{
	static const struct {
		const char *field, *key;
	} map[] = {
		{"CapInh:", "cap_inh"}, {"CapPrm:", "cap_prm"}, {"CapEff:", "cap_eff"},
		{"CapBnd:", "cap_bnd"}, {"CapAmb:", "cap_amb"}, {"NoNewPrivs:", "no_new_privs"},
		{"Seccomp:", "seccomp"}, {"Umask:", "umask"},
	};
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];
	if (!f) {
		printf("status_error=%s\n", errname(errno));
		return;
	}
	while (fgets(line, sizeof line, f)) {
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
			size_t n = strlen(map[i].field);
			if (strncmp(line, map[i].field, n) == 0) {
				char *v = line + n;
				v += strspn(v, " \t");
				v[strcspn(v, "\n")] = 0;
				printf("%s=%s\n", map[i].key, v);
			}
		}
	}
	fclose(f);
}

static void ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("uid=%u\neuid=%u\nsuid=%u\ngid=%u\negid=%u\nsgid=%u\n", r, e, s, gr, ge, gs);
	gid_t groups[256];
	int n = getgroups(256, groups);
	printf("groups=");
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	printf("\n");
}

static void print_file_lines(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		// squeeze runs of blanks: uid_map pads its columns
		char out[4096];
		size_t o = 0;
		int blank = 1;
		for (char *p = line; *p && o < sizeof out - 1; p++) {
			if (*p == ' ' || *p == '\t') {
				if (!blank)
					out[o++] = ' ';
				blank = 1;
			} else {
				out[o++] = *p;
				blank = 0;
			}
		}
		while (o > 0 && out[o - 1] == ' ')
			o--;
		out[o] = 0;
		printf("%s=%s\n", key, out);
	}
	fclose(f);
}

static void rlimits(void)
{
	static const struct {
		int res;
		const char *name;
	} lim[] = {
		{RLIMIT_AS, "as"},           {RLIMIT_CORE, "core"},         {RLIMIT_CPU, "cpu"},
		{RLIMIT_DATA, "data"},       {RLIMIT_FSIZE, "fsize"},       {RLIMIT_LOCKS, "locks"},
		{RLIMIT_MEMLOCK, "memlock"}, {RLIMIT_MSGQUEUE, "msgqueue"}, {RLIMIT_NICE, "nice"},
		{RLIMIT_NOFILE, "nofile"},   {RLIMIT_NPROC, "nproc"},       {RLIMIT_RSS, "rss"},
		{RLIMIT_RTPRIO, "rtprio"},   {RLIMIT_RTTIME, "rttime"},     {RLIMIT_SIGPENDING, "sigpending"},
		{RLIMIT_STACK, "stack"},
	};
	for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++) {
		struct rlimit rl;
		if (getrlimit(lim[i].res, &rl) < 0)
			continue;
		printf("rlimit_%s=", lim[i].name);
		if (rl.rlim_cur == RLIM_INFINITY)
			printf("unlimited:");
		else
			printf("%llu:", (unsigned long long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			printf("unlimited\n");
		else
			printf("%llu\n", (unsigned long long)rl.rlim_max);
	}
}

static void namespaces(void)
{
	static const char *ns[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
		if (stat(path, &st) == 0)
			printf("ns_%s=%lu\n", ns[i], (unsigned long)st.st_ino);
	}
}

// one "mount=" line per /proc/self/mountinfo entry:
//   mount=<mountpoint> <fstype> <mount options> <super options> <optional fields or ->
static void mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	if (!f) {
		printf("mountinfo_error=%s\n", errname(errno));
		return;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *fields[64];
		int n = 0;
		for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
			fields[n++] = t;
		int sep = -1;
		for (int i = 6; i < n; i++)
			if (strcmp(fields[i], "-") == 0) {
				sep = i;
				break;
			}
		if (sep < 0 || sep + 3 >= n + 1 || n < 10)
			continue;
		char opt[1024] = "";
		for (int i = 6; i < sep; i++) {
			if (opt[0])
				strncat(opt, ",", sizeof opt - strlen(opt) - 1);
			strncat(opt, fields[i], sizeof opt - strlen(opt) - 1);
		}
		printf("mount=%s %s %s %s %s\n", fields[4], fields[sep + 1], fields[5],
		       sep + 3 < n ? fields[sep + 3] : "-", opt[0] ? opt : "-");
	}
	fclose(f);
}

static void all(void)
{
	char buf[PATH_MAX];
	struct utsname u;
	printf("pid=%d\nppid=%d\n", getpid(), getppid());
	ids();
	status_keys();
	printf("prctl_no_new_privs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("cwd=%s\n", getcwd(buf, sizeof buf) ? buf : "?");
	if (uname(&u) == 0)
		printf("hostname=%s\ndomainname=%s\nmachine=%s\n", u.nodename, u.domainname, u.machine);
	printf("personality=0x%x\n", personality(0xffffffff));
	// scheduling: policy number (SCHED_OTHER 0, BATCH 3, IDLE 5...), nice, I/O priority class:level
	printf("sched_policy=%d\n", sched_getscheduler(0));
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	printf("nice=%d\n", errno ? -100 : nice);
	long io = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	if (io >= 0)
		printf("ioprio=%ld:%ld\n", io >> 13, io & 0xff);
	print_file_lines("/proc/self/oom_score_adj", "oom_score_adj");
	rlimits();
	namespaces();
	print_file_lines("/proc/self/uid_map", "uid_map");
	print_file_lines("/proc/self/gid_map", "gid_map");
	print_file_lines("/proc/self/setgroups", "setgroups");
	print_file_lines("/proc/self/cgroup", "cgroup");
	mounts();
}

static void stat_paths(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct stat st;
		if (lstat(argv[i], &st) < 0) {
			printf("stat=%s result=%s\n", argv[i], errname(errno));
			continue;
		}
		const char *t = S_ISCHR(st.st_mode)    ? "c"
				: S_ISBLK(st.st_mode)  ? "b"
				: S_ISFIFO(st.st_mode) ? "p"
				: S_ISDIR(st.st_mode)  ? "d"
				: S_ISLNK(st.st_mode)  ? "l"
				: S_ISSOCK(st.st_mode) ? "s"
						       : "f";
		printf("stat=%s type=%s major=%u minor=%u mode=%04o uid=%u gid=%u size=%lld", argv[i], t,
		       major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777, st.st_uid, st.st_gid,
		       (long long)st.st_size);
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(argv[i], target, sizeof target - 1);
			if (n >= 0) {
				target[n] = 0;
				printf(" target=%s", target);
			}
		}
		printf("\n");
	}
}

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self = d ? dirfd(d) : -1;
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == self)
			continue;
		char t[PATH_MAX];
		// readlinkat relative to the fd directory itself: no path buffer to size
		ssize_t n = readlinkat(self, de->d_name, t, sizeof t - 1);
		t[n < 0 ? 0 : n] = 0;
		printf("fd=%s %s\n", de->d_name, t);
	}
	closedir(d);
}

static int usage(void)
{
	fprintf(stderr, "usage: oci-check [stat PATH...|open PATH r|w|write PATH|mkdir PATH MODE|"
			"mkdirat PATH MODE|exec PATH ARG...|ids|fds]\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		all();
		return 0;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "stat") == 0) {
		stat_paths(argc - 2, argv + 2);
	} else if (strcmp(cmd, "open") == 0 && argc == 4) {
		int fd = open(argv[2], (argv[3][0] == 'w' ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		result(fd);
	} else if (strcmp(cmd, "write") == 0 && argc == 3) {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0 && write(fd, "x", 1) != 1)
			fd = -1;
		result(fd);
	} else if (strcmp(cmd, "mkdir") == 0 && argc == 4) {
		result(syscall(SYS_mkdir, argv[2], (mode_t)strtoul(argv[3], NULL, 8)));
	} else if (strcmp(cmd, "mkdirat") == 0 && argc == 4) {
		result(syscall(SYS_mkdirat, AT_FDCWD, argv[2], (mode_t)strtoul(argv[3], NULL, 8)));
	} else if (strcmp(cmd, "exec") == 0 && argc >= 3) {
		execv(argv[2], argv + 2);
		result(-1);
		return 1;
	} else if (strcmp(cmd, "ids") == 0) {
		ids();
	} else if (strcmp(cmd, "fds") == 0) {
		fds();
	} else {
		return usage();
	}
	return 0;
}
