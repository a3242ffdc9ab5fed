/* SPDX-License-Identifier: Apache-2.0 */
/* The steps of entering a container that the init (init.c) and exec (exec.c) share; see
 * enter.h for the rule they follow. */
#include "enter.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/util.h"
#include "caps.h"
#include "linux_ns.h"
#include "process.h"

#ifndef NS_GET_USERNS
#define NS_GET_USERNS 0xb701 /* _IO(0xb7, 0x1) */
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef SCHED_FLAG_RESET_ON_FORK
#define SCHED_FLAG_RESET_ON_FORK 0x01
#endif

/* Is the namespace behind fd owned by the user namespace behind self_userns_fd? */
static bool owned_by(int fd, int self_userns_fd)
{
	if (self_userns_fd < 0)
		return false;
	_cleanup_fd_ int owner = ioctl(fd, NS_GET_USERNS);
	struct stat a, b;
	if (owner < 0 || fstat(owner, &a) < 0 || fstat(self_userns_fd, &b) < 0)
		return false; /* unknown: join it after the user namespace, as the init does */
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int join_one(int fds[OCI_NS_KINDS], enum oci_ns_type t, hull_err *e)
{
	if (fds[t] < 0)
		return 0;
	if (setns(fds[t], ns_clone_flag(t)) < 0)
		return herr_sys(e, "join the container %s namespace", oci_ns_type_name(t));
	close(fds[t]);
	fds[t] = -1;
	return 0;
}

int enter_join_namespaces(int fds[OCI_NS_KINDS], int self_userns_fd, bool root_in_userns, hull_err *e)
{
	/* mount last: it changes our root and cwd (to the namespace's root) */
	static const enum oci_ns_type order[] = {OCI_NS_IPC,    OCI_NS_UTS, OCI_NS_NETWORK, OCI_NS_CGROUP,
						 OCI_NS_PID,    OCI_NS_TIME, OCI_NS_MOUNT};
	const size_t n = sizeof order / sizeof order[0];
	int r;
	if (fds[OCI_NS_USER] >= 0) {
		for (size_t i = 0; i < n; i++)
			if (fds[order[i]] >= 0 && owned_by(fds[order[i]], self_userns_fd) &&
			    (r = join_one(fds, order[i], e)) < 0)
				return r;
		if ((r = join_one(fds, OCI_NS_USER, e)) < 0)
			return r;
		/* uid/gid 0 of the container's user namespace, so that what we create there (a
		 * pty, for one) belongs to the container's root */
		if (root_in_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
			return herr_sys(e, "become root in the container user namespace");
	}
	for (size_t i = 0; i < n; i++)
		if ((r = join_one(fds, order[i], e)) < 0)
			return r;
	return 0;
}

int enter_root(int root_fd, hull_err *e)
{
	/* setns(CLONE_NEWNS) already moved root and cwd to the namespace's root; the
	 * container's root is where its init lives, which is the same unless the init
	 * moved itself, and it is what the container's processes see as "/" */
	if (fchdir(root_fd) < 0)
		return herr_sys(e, "change into the container root");
	if (chroot(".") < 0)
		return herr_sys(e, "make the container root our root");
	if (chdir("/") < 0)
		return herr_sys(e, "chdir / in the container root");
	return 0;
}

int enter_process_attrs(int proc_fd, const struct oci_process *p, bool for_fork, hull_err *e)
{
	struct oci_process q = *p; /* shallow: only the scheduler differs */
	if (for_fork && q.scheduler.present) {
		/* a SCHED_DEADLINE task cannot fork; RESET_ON_FORK would not reach the child */
		if (q.scheduler.policy == SCHED_DEADLINE)
			q.scheduler.present = false;
		q.scheduler.flags &= ~(unsigned)SCHED_FLAG_RESET_ON_FORK;
	}
	int r;
	if ((r = process_set_rlimits(&q, e)) < 0 || (r = process_set_oom_score_adj(proc_fd, &q, e)) < 0 ||
	    (r = process_set_scheduler(&q, e)) < 0 || (r = process_set_io_priority(&q, e)) < 0 ||
	    (r = process_set_lsm_labels(proc_fd, &q, e)) < 0)
		return r;
	return 0;
}

int enter_after_fork(const struct oci_process *p, hull_err *e)
{
	/* the same values we already run with plus the flag, or the deadline policy: both
	 * are allowed with the process's own credentials when they are allowed at all */
	if (p->scheduler.present &&
	    (p->scheduler.policy == SCHED_DEADLINE || (p->scheduler.flags & SCHED_FLAG_RESET_ON_FORK)))
		return process_set_scheduler(p, e);
	return 0;
}

int enter_identity(const struct oci_process *p, const struct hull_bpf *bpf, bool new_userns, hull_err *e)
{
	int r;
	/* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it before the caps go */
	if (bpf && !p->no_new_privileges && (r = seccomp_load(bpf, NULL, e)) < 0)
		return r;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return herr_sys(e, "set no_new_privs");
	if ((r = caps_apply_user(p->capabilities, &p->user, new_userns, e)) < 0)
		return r;
	if (bpf && p->no_new_privileges && (r = seccomp_load(bpf, NULL, e)) < 0)
		return r;
	return 0;
}

/* Fields 48-51 of /proc/self/stat: arg_start arg_end env_start env_end. */
static int args_env_range(int proc_fd, uintptr_t *start, uintptr_t *end, hull_err *e)
{
	_cleanup_fd_ int fd = openat(proc_fd, "self/stat", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return herr_sys(e, "open /proc/self/stat");
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return herr_sys(e, "read /proc/self/stat");
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p)
		return herr_set(e, -EINVAL, "/proc/self/stat: no command field");
	p++;
	uintptr_t v[52] = {0};
	for (int field = 3; field <= 51; field++) {
		char *stop;
		while (*p == ' ')
			p++;
		if (field == 3) { /* the state letter */
			p++;
			continue;
		}
		errno = 0;
		unsigned long long x = strtoull(p, &stop, 10);
		if (stop == p || errno)
			return herr_set(e, -EINVAL, "/proc/self/stat: field %d unreadable", field);
		v[field] = (uintptr_t)x;
		p = stop;
	}
	*start = v[48];
	*end = v[51];
	if (!*start || *end <= *start || v[49] > v[50])
		return herr_set(e, -EINVAL, "/proc/self/stat: no argv/environment range");
	return 0;
}

int enter_scrub_args_env(int proc_fd, hull_err *e)
{
	uintptr_t start, end;
	int r = args_env_range(proc_fd, &start, &end, e);
	if (r < 0)
		return r;
	/* argv and the environment are one block of strings at the top of the stack the
	 * kernel set up at execve: writable memory of ours */
	volatile char *p = (volatile char *)start;
	for (uintptr_t i = 0; i < end - start; i++)
		p[i] = 0;
	return 0;
}
