/* SPDX-License-Identifier: Apache-2.0 */
#include "linux_ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE 0xb703 /* _IO(0xb7, 0x3) */
#endif

static const struct {
	int flag;
	const char *proc;
} ns_table[OCI_NS_KINDS] = {
	[OCI_NS_PID] = {CLONE_NEWPID, "pid"},     [OCI_NS_NETWORK] = {CLONE_NEWNET, "net"},
	[OCI_NS_MOUNT] = {CLONE_NEWNS, "mnt"},    [OCI_NS_IPC] = {CLONE_NEWIPC, "ipc"},
	[OCI_NS_UTS] = {CLONE_NEWUTS, "uts"},     [OCI_NS_USER] = {CLONE_NEWUSER, "user"},
	[OCI_NS_CGROUP] = {CLONE_NEWCGROUP, "cgroup"}, [OCI_NS_TIME] = {CLONE_NEWTIME, "time"},
};

int ns_clone_flag(enum oci_ns_type t)
{
	return ns_table[t].flag;
}

const char *ns_proc_name(enum oci_ns_type t)
{
	return ns_table[t].proc;
}

/* The OCI name of the namespace type with this CLONE_NEW* flag, NULL if none. */
static const char *ns_name_of_flag(int flag)
{
	for (int t = 0; t < OCI_NS_KINDS; t++)
		if (ns_table[t].flag == flag)
			return oci_ns_type_name((enum oci_ns_type)t);
	return NULL;
}

int ns_open_checked(const char *path, enum oci_ns_type t, hull_err *e)
{
	const char *want = oci_ns_type_name(t);
	/* O_PATH first: opening a FIFO for reading would block and a device node could act on
	 * open; only a file of the nsfs filesystem is opened for real */
	_cleanup_fd_ int pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return herr_sys(e, "open %s namespace \"%s\"", want, path);
	struct statfs sfs;
	if (fstatfs(pfd, &sfs) < 0)
		return herr_sys(e, "statfs \"%s\"", path);
	if (sfs.f_type != NSFS_MAGIC)
		return herr_set(e, -EINVAL, "\"%s\" is not a namespace (want a namespace file such as /proc/PID/ns/%s)",
				path, ns_table[t].proc);
	/* setns and NS_GET_NSTYPE need a real fd: reopen the same nsfs inode, not the path again */
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
	_cleanup_fd_ int fd = open(self, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open %s namespace \"%s\"", want, path);
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return herr_sys(e, "\"%s\": get the namespace type", path);
	if (type != ns_table[t].flag) {
		const char *is = ns_name_of_flag(type);
		if (!is)
			return herr_set(e, -EINVAL, "\"%s\" is a namespace of an unknown type (0x%x), not %s", path,
					(unsigned)type, want);
		return herr_set(e, -EINVAL, "\"%s\" is %s %s namespace, not %s", path,
				strcmp(is, "ipc") == 0 ? "an" : "a", is, want);
	}
	return steal_fd(&fd);
}

struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
		cgroup;
};

pid_t hull_clone3(uint64_t flags, int cgroup_fd, int *used_cgroup)
{
	struct clone_args_v2 args = {.flags = flags, .exit_signal = SIGCHLD};
	*used_cgroup = 0;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	long r = syscall(SYS_clone3, &args, sizeof args);
	if (r >= 0) {
		*used_cgroup = cgroup_fd >= 0;
		return (pid_t)r;
	}
	/* Old kernels (ENOSYS) or no CLONE_INTO_CGROUP (E2BIG/EINVAL): plain clone, the caller
	 * places the child into the cgroup before letting it run anything. */
	if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
		return -1;
	args.flags = flags;
	r = syscall(SYS_clone3, &args, sizeof args);
	if (r >= 0 || errno != ENOSYS)
		return (pid_t)r;
	return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
}

static int write_map(int proc_fd, pid_t pid, const char *file, const struct oci_idmap *m, size_t n, hull_err *e)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < n; i++)
		sb_appendf(&sb, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	char rel[64];
	snprintf(rel, sizeof rel, "%d/%s", (int)pid, file);
	int rc = 0;
	_cleanup_fd_ int fd = openat(proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		rc = herr_sys(e, "open /proc/%s", rel);
	else if (sb.len && write_all(fd, sb.buf, sb.len) < 0)
		rc = herr_sys(e, "write %s of the container user namespace", file);
	sb_free(&sb);
	return rc;
}

int ns_write_id_maps(int proc_fd, pid_t pid, const struct oci_idmap *uid, size_t nu, const struct oci_idmap *gid,
		     size_t ng, hull_err *e)
{
	int r = write_map(proc_fd, pid, "uid_map", uid, nu, e);
	if (r < 0)
		return r;
	return write_map(proc_fd, pid, "gid_map", gid, ng, e);
}

int ns_save_for_children(int proc_fd, struct ns_for_children *s, hull_err *e)
{
	s->pid_fd = openat(proc_fd, "self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
	if (s->pid_fd < 0)
		return herr_sys(e, "open /proc/self/ns/pid_for_children");
	s->time_fd = openat(proc_fd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (s->time_fd < 0 && errno != ENOENT) {
		int r = herr_sys(e, "open /proc/self/ns/time_for_children");
		close(s->pid_fd);
		s->pid_fd = -1;
		return r;
	}
	return 0;
}

int ns_restore_for_children(struct ns_for_children *s)
{
	int rc = 0;
	if (s->pid_fd >= 0) {
		if (setns(s->pid_fd, CLONE_NEWPID) < 0)
			rc = -errno;
		close(s->pid_fd);
	}
	if (s->time_fd >= 0) {
		if (setns(s->time_fd, CLONE_NEWTIME) < 0 && rc == 0)
			rc = -errno;
		close(s->time_fd);
	}
	s->pid_fd = s->time_fd = -1;
	return rc;
}
