/* SPDX-License-Identifier: Apache-2.0 */
/* Per-process set-up shared by the container init and `exec`: everything between
 * "in the container's namespaces" and execve. */
#ifndef HULL_RUNTIME_PROCESS_H
#define HULL_RUNTIME_PROCESS_H

#include <stdbool.h>

#include "../common/err.h"
#include "../oci/spec.h"

/* proc_fd: a procfs that hull opened itself and verified (see procfs_open_verified). */
int procfs_open_verified(const char *path, hull_err *e);

int process_set_rlimits(const struct oci_process *p, hull_err *e);
int process_set_oom_score_adj(int proc_fd, const struct oci_process *p, hull_err *e);
int process_set_sysctl(int proc_fd, const struct oci_kv *kv, size_t n, hull_err *e);
int process_set_personality(const struct oci_personality *pers, hull_err *e);
int process_set_scheduler(const struct oci_process *p, hull_err *e);
int process_set_io_priority(const struct oci_process *p, hull_err *e);
/* AppArmor/SELinux: applied when the LSM is enabled, an error when asked for and not. */
/* Is the LSM `name` ("apparmor", "selinux") active (/sys/kernel/security/lsm)? */
bool process_lsm_enabled(const char *name);
int process_set_lsm_labels(int proc_fd, const struct oci_process *p, hull_err *e);
/* chdir to process.cwd inside the container; refuses a cwd that is not reachable from the
 * container's root (CVE-2024-21626: a leaked fd through /proc/self/fd). */
int process_chdir(const char *cwd, hull_err *e);
/* Find args[0] in the PATH of env (or the caller's default), like execvp but without
 * running it: "exec: \"x\": executable file not found in $PATH". *out malloc'd. */
int process_find_exec(const struct oci_process *p, char **out, hull_err *e);
/* Close every fd >= 3 + preserve_fds except `keep` (may be -1). */
void process_close_fds(int preserve_fds, int keep);
/* Join a new session keyring (unless --no-new-keyring). */
int process_new_keyring(const char *id, hull_err *e);

#endif
