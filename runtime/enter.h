/* SPDX-License-Identifier: Apache-2.0 */
/* Entering a container: the steps the container init (create) and `exec` share, in one
 * place so that the two cannot drift apart.
 *
 * The rule both follow: nothing of hull's may become visible inside the container (in its
 * pid namespace) while it still holds anything of the host. A process is visible in a pid
 * namespace from the moment it is forked into it, and a container root with
 * CAP_SYS_PTRACE and no user namespace may open /proc/<pid>/{root,cwd,fd/N,environ},
 * read its memory and ptrace it, non-dumpable or not. So `exec` joins every other
 * namespace, moves its root and cwd into the container, closes every host fd, scrubs
 * its argv/environment and drops to the process's own credentials (seccomp included)
 * in a helper that lives outside the container's pid namespace; only then does that
 * helper fork the process into it (enter_* below are its steps). */
#ifndef HULL_RUNTIME_ENTER_H
#define HULL_RUNTIME_ENTER_H

#include <stdbool.h>

#include "../common/err.h"
#include "../oci/spec.h"
#include "seccomp.h"

/* Join the namespaces in fds (-1 = stay in ours), closing each fd once joined.
 * Order: a user namespace decides what we may do in the namespaces it owns, so those are
 * joined after it; namespaces owned by our own user namespace (self_userns_fd, an fd of
 * it) are joined before it, while we still have our capabilities over them. With
 * self_userns_fd < 0 the user namespace goes first (the init's order). The mount
 * namespace is joined last of its group; pid applies to our children only.
 * root_in_userns: become uid/gid 0 right after joining the user namespace. */
int enter_join_namespaces(int fds[OCI_NS_KINDS], int self_userns_fd, bool root_in_userns, hull_err *e);

/* Make root_fd (an O_PATH fd of the container's root, in the mount namespace we joined)
 * our root and cwd: nothing of the host's tree stays reachable through /proc/self/root
 * or /proc/self/cwd. */
int enter_root(int root_fd, hull_err *e);

/* rlimits, oomScoreAdj, scheduler, ioPriority, AppArmor/SELinux exec labels: all of them
 * survive fork and execve. for_fork: the caller forks the process after this, so a
 * scheduler that does not survive fork (SCHED_DEADLINE, SCHED_FLAG_RESET_ON_FORK) is
 * left to enter_after_fork(). */
int enter_process_attrs(int proc_fd, const struct oci_process *p, bool for_fork, hull_err *e);
/* In the forked process: the part of the scheduler enter_process_attrs(for_fork) left out. */
int enter_after_fork(const struct oci_process *p, hull_err *e);

/* The identity switch: seccomp (before the capabilities go when no_new_privs is not set,
 * since loading it then needs CAP_SYS_ADMIN), no_new_privs, user and capabilities, then
 * seccomp (as late as possible when no_new_privs is set). bpf NULL = no filter. */
int enter_identity(const struct oci_process *p, const struct hull_bpf *bpf, bool new_userns, hull_err *e);

/* Zero the argv and environment strings of this process (through proc_fd/self/stat):
 * /proc/<pid>/cmdline and /proc/<pid>/environ show nothing of the host's command line and
 * environment to whoever can read them inside the container. argv and getenv() return
 * empty strings afterwards. */
int enter_scrub_args_env(int proc_fd, hull_err *e);

#endif
