/* SPDX-License-Identifier: Apache-2.0 */
/* Namespace plumbing shared by create and exec. */
#ifndef HULL_RUNTIME_LINUX_NS_H
#define HULL_RUNTIME_LINUX_NS_H

#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../oci/spec.h"

/* CLONE_NEW* flag for a namespace type. */
int ns_clone_flag(enum oci_ns_type t);
/* Name of the /proc/<pid>/ns/ entry ("pid", "net", "mnt", ...). */
const char *ns_proc_name(enum oci_ns_type t);

/* Open a namespace path and check it is a namespace of type t (NS_GET_NSTYPE). */
int ns_open_checked(const char *path, enum oci_ns_type t, hull_err *e);

/* clone3 with the given flags; cgroup_fd >= 0 adds CLONE_INTO_CGROUP. Returns like fork().
 * *used_cgroup tells whether the kernel placed the child (else the caller writes cgroup.procs). */
pid_t hull_clone3(uint64_t flags, int cgroup_fd, int *used_cgroup);

/* Write /proc/<pid>/{uid_map,gid_map} (and setgroups "deny" when asked) through a verified procfs. */
int ns_write_id_maps(int proc_fd, pid_t pid, const struct oci_idmap *uid, size_t nu, const struct oci_idmap *gid,
		     size_t ng, hull_err *e);

/* The pid and time namespaces this process's next children get. create/exec switch them
 * (setns/unshare) only for the one clone of the container process, then switch back, so
 * hooks and helpers forked later run in the runtime namespaces. */
struct ns_for_children {
	int pid_fd, time_fd;
};
int ns_save_for_children(int proc_fd, struct ns_for_children *s, hull_err *e);
/* -errno when a namespace could not be switched back: children (hooks) would be created
 * in the container's pid/time namespace */
int ns_restore_for_children(struct ns_for_children *s);

#endif
