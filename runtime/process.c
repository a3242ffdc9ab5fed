/* SPDX-License-Identifier: Apache-2.0 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"

int procfs_open_verified(const char *path, hull_err *e)
{
	_cleanup_fd_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return herr_sys(e, "open %s", path);
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return herr_sys(e, "statfs %s", path);
	/* CVE-2019-16884 / CVE-2025-52881: only write to a real procfs */
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return herr_set(e, -EPERM, "%s is not a procfs (f_type 0x%lx)", path, (unsigned long)sfs.f_type);
	return steal_fd(&fd);
}

/* Open a file below a verified procfs without following any symlink the container could
 * have planted, and check that what we opened still lives on procfs. */
static int proc_open_file(int proc_fd, const char *rel, int flags, hull_err *e)
{
	_cleanup_fd_ int fd = openat(proc_fd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return herr_sys(e, "open /proc/%s", rel);
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return herr_set(e, -EPERM, "/proc/%s is not on procfs", rel);
	return steal_fd(&fd);
}

int process_set_rlimits(const struct oci_process *p, hull_err *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *rl = &p->rlimits[i];
		struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
		if (setrlimit(rl->resource, &lim) < 0)
			return herr_sys(e, "setting rlimit %s (soft %llu, hard %llu)", rl->type,
					(unsigned long long)rl->soft, (unsigned long long)rl->hard);
	}
	return 0;
}

int process_set_oom_score_adj(int proc_fd, const struct oci_process *p, hull_err *e)
{
	if (!p->has_oom_score_adj)
		return 0;
	_cleanup_fd_ int fd = proc_open_file(proc_fd, "self/oom_score_adj", O_WRONLY, e);
	if (fd < 0)
		return fd;
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
	if (write_all(fd, buf, (size_t)n) < 0)
		return herr_sys(e, "set oomScoreAdj %d", p->oom_score_adj);
	return 0;
}

int process_set_sysctl(int proc_fd, const struct oci_kv *kv, size_t n, hull_err *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *key = kv[i].key;
		if (!*key || strstr(key, "..") || key[0] == '.' || key[0] == '/')
			return herr_set(e, -EINVAL, "invalid sysctl key %s", key);
		/* net.ipv4.ip_forward -> sys/net/ipv4/ip_forward; '/' in a key also separates */
		_cleanup_free_ char *rel = xasprintf("sys/%s", key);
		for (char *c = rel + 4; *c; c++)
			if (*c == '.')
				*c = '/';
		_cleanup_fd_ int fd = proc_open_file(proc_fd, rel, O_WRONLY, e);
		if (fd < 0)
			return herr_prefix(e, "sysctl %s", key);
		if (write_all(fd, kv[i].value, strlen(kv[i].value)) < 0)
			return herr_sys(e, "sysctl %s=%s", key, kv[i].value);
	}
	return 0;
}

int process_set_personality(const struct oci_personality *pers, hull_err *e)
{
	if (!pers || !pers->present)
		return 0;
	/* the spec defines no flag values yet: refuse rather than ignore */
	if (pers->n_flags)
		return herr_set(e, -ENOTSUP, "config.json: .linux.personality.flags: not supported");
	unsigned long domain = PER_LINUX;
	if (pers->domain && !strcmp(pers->domain, "LINUX32"))
		domain = PER_LINUX32;
	if (personality(domain) < 0)
		return herr_sys(e, "personality %s", pers->domain ? pers->domain : "LINUX");
	return 0;
}

struct hull_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

int process_set_scheduler(const struct oci_process *p, hull_err *e)
{
	if (!p->scheduler.present)
		return 0;
	struct hull_sched_attr a = {
		.size = sizeof a,
		.sched_policy = (uint32_t)p->scheduler.policy,
		.sched_flags = p->scheduler.flags,
		.sched_nice = p->scheduler.nice,
		.sched_priority = (uint32_t)p->scheduler.priority,
		.sched_runtime = p->scheduler.runtime,
		.sched_deadline = p->scheduler.deadline,
		.sched_period = p->scheduler.period,
	};
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return herr_sys(e, "set process.scheduler");
	return 0;
}

int process_set_io_priority(const struct oci_process *p, hull_err *e)
{
	if (!p->io_priority.present)
		return 0;
	/* IOPRIO_PRIO_VALUE(class, data) = class << 13 | data; IOPRIO_WHO_PROCESS = 1 */
	int value = (p->io_priority.class << 13) | p->io_priority.priority;
	if (syscall(SYS_ioprio_set, 1, 0, value) < 0)
		return herr_sys(e, "set process.ioPriority");
	return 0;
}

bool process_lsm_enabled(const char *name)
{
	_cleanup_free_ char *lsms = NULL;
	if (read_file_at(AT_FDCWD, "/sys/kernel/security/lsm", &lsms, NULL, NULL) < 0) {
		/* securityfs not mounted: AppArmor still says whether it is on (runc's check) */
		_cleanup_free_ char *on = NULL;
		return !strcmp(name, "apparmor") &&
		       read_file_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", &on, NULL, NULL) >= 0 && on[0] == 'Y';
	}
	for (char *save = NULL, *t = strtok_r(lsms, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save))
		if (!strcmp(t, name))
			return true;
	return false;
}

int process_set_lsm_labels(int proc_fd, const struct oci_process *p, hull_err *e)
{
	/* "unconfined" (Docker's --security-opt apparmor=unconfined) without AppArmor is what
	 * the process gets anyway */
	bool aa = p->apparmor_profile && *p->apparmor_profile;
	if (aa && !strcmp(p->apparmor_profile, "unconfined") && !process_lsm_enabled("apparmor"))
		aa = false;
	if (aa) {
		if (!process_lsm_enabled("apparmor"))
			return herr_set(e, -ENOTSUP, "process.apparmorProfile %s requested but AppArmor is not enabled",
					p->apparmor_profile);
		/* AppArmor switches the profile at exec: write "exec <profile>" to attr/exec */
		_cleanup_fd_ int fd = proc_open_file(proc_fd, "thread-self/attr/apparmor/exec", O_WRONLY, e);
		if (fd < 0)
			return fd;
		_cleanup_free_ char *cmd = xasprintf("exec %s", p->apparmor_profile);
		if (write_all(fd, cmd, strlen(cmd)) < 0)
			return herr_sys(e, "set AppArmor profile %s", p->apparmor_profile);
	}
	if (p->selinux_label && *p->selinux_label) {
		if (!process_lsm_enabled("selinux"))
			return herr_set(e, -ENOTSUP, "process.selinuxLabel %s requested but SELinux is not enabled",
					p->selinux_label);
		_cleanup_fd_ int fd = proc_open_file(proc_fd, "thread-self/attr/exec", O_WRONLY, e);
		if (fd < 0)
			return fd;
		if (write_all(fd, p->selinux_label, strlen(p->selinux_label)) < 0)
			return herr_sys(e, "set SELinux label %s", p->selinux_label);
	}
	return 0;
}

int process_chdir(const char *cwd, hull_err *e)
{
	if (!cwd || cwd[0] != '/')
		return herr_set(e, -EINVAL, "process.cwd %s: must be an absolute path", cwd ? cwd : "");
	/* looked up from our (the container's) root without passing through a magic link
	 * (/proc/self/fd/N of a host fd: CVE-2024-21626), then entered by that very fd */
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	_cleanup_fd_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, cwd, &how, sizeof how);
	if (fd < 0 && errno == ELOOP) {
		how.resolve = 0; /* a symlink loop, or a magic link? */
		int plain = (int)syscall(SYS_openat2, AT_FDCWD, cwd, &how, sizeof how);
		if (plain >= 0) {
			close(plain);
			return herr_set(e, -EPERM, "process.cwd %s goes through a /proc magic link", cwd);
		}
		errno = ELOOP;
	}
	if (fd < 0 || fchdir(fd) < 0)
		return herr_sys(e, "chdir to the process cwd \"%s\"", cwd);
	/* If cwd was reached through a leaked host fd, getcwd() cannot express it from our root
	 * and fails (ENOENT) or reports "(unreachable)". */
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof buf) || buf[0] != '/')
		return herr_set(e, -EPERM, "process.cwd %s is outside the container root", cwd);
	return 0;
}

static const char *env_get(char *const *env, size_t n, const char *name)
{
	size_t l = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(env[i], name, l) && env[i][l] == '=')
			return env[i] + l + 1;
	return NULL;
}

/* A path through /proc/self/fd/N (a magic link) could reach one of hull's own host fds
 * before they are closed (CVE-2024-21626): refuse any magic link in the path. */
static int check_no_magiclinks(const char *path, hull_err *e, const char *arg0)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	if (fd < 0) {
		if (errno == ELOOP || errno == EXDEV)
			return herr_set(e, -EPERM, "exec: \"%s\": path goes through a /proc magic link", arg0);
		return herr_sys(e, "exec: \"%s\": stat %s", arg0, path);
	}
	close(fd);
	return 0;
}

static int check_executable(const char *path, hull_err *e, const char *arg0)
{
	int r = check_no_magiclinks(path, e, arg0);
	if (r < 0)
		return r;
	struct stat st;
	if (stat(path, &st) < 0)
		return herr_sys(e, "exec: \"%s\": stat %s", arg0, path);
	if (S_ISDIR(st.st_mode))
		return herr_set(e, -EACCES, "exec: \"%s\": is a directory", arg0);
	if (access(path, X_OK) < 0)
		return herr_sys(e, "exec: \"%s\"", arg0);
	return 0;
}

int process_find_exec(const struct oci_process *p, char **out, hull_err *e)
{
	if (!p->n_args || !p->args[0] || !*p->args[0])
		return herr_set(e, -EINVAL, "process.args must not be empty");
	const char *arg0 = p->args[0];
	if (strchr(arg0, '/')) {
		int r = check_executable(arg0, e, arg0);
		if (r < 0)
			return r;
		*out = xstrdup(arg0);
		return 0;
	}
	const char *path = env_get(p->env, p->n_env, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	_cleanup_free_ char *copy = xstrdup(path);
	int last = 0;
	for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *cand = xasprintf("%s/%s", *dir ? dir : ".", arg0);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				if (check_no_magiclinks(cand, e, arg0) < 0)
					return e->code;
				*out = steal_ptr(&cand);
				return 0;
			}
			last = -EACCES;
		}
	}
	if (last == -EACCES)
		return herr_set(e, -EACCES, "exec: \"%s\": permission denied", arg0);
	return herr_set(e, -ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

static void close_range_or_loop(unsigned first, unsigned last)
{
	if (first > last)
		return;
	if (syscall(SYS_close_range, first, last, 0) == 0)
		return;
	/* close_range missing or denied by a seccomp profile older than it: close one by one */
	struct rlimit rl;
	unsigned max = 65536;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < max)
		max = (unsigned)rl.rlim_cur;
	if (last > max)
		last = max;
	for (unsigned fd = first; fd <= last; fd++)
		close((int)fd);
}

void process_close_fds(int preserve_fds, int keep)
{
	unsigned first = 3u + (unsigned)(preserve_fds > 0 ? preserve_fds : 0);
	if (keep >= (int)first) {
		if ((unsigned)keep > first)
			close_range_or_loop(first, (unsigned)keep - 1);
		close_range_or_loop((unsigned)keep + 1, ~0U);
	} else {
		close_range_or_loop(first, ~0U);
	}
}

#define KEYCTL_JOIN_SESSION_KEYRING 1

int process_new_keyring(const char *id, hull_err *e)
{
	_cleanup_free_ char *name = xasprintf("_ses.%s", id);
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0) {
		/* keyrings may be disabled or not permitted in a user namespace: not fatal */
		if (errno == ENOSYS || errno == EPERM || errno == EACCES || errno == EDQUOT) {
			hull_debug("new session keyring: %s (continuing)", strerror(errno));
			return 0;
		}
		return herr_sys(e, "join session keyring");
	}
	return 0;
}
