/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: compiled to classic BPF by libseccomp in the parent (before clone, with a
 * cache keyed by a hash of the profile), loaded by the init right before execve. */
#ifndef HULL_RUNTIME_SECCOMP_H
#define HULL_RUNTIME_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common/err.h"
#include "../oci/spec.h"

struct hull_bpf {
	void *insns;       /* struct sock_filter[] */
	size_t n_insns;
	unsigned flags;    /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
	bool notify;       /* some rule uses SCMP_ACT_NOTIFY: load with NEW_LISTENER */
	bool from_cache;   /* set by seccomp_prepare: the filter came from cache_dir, libseccomp unused */
};

/* Compile (or load from the cache dir, when not NULL) the filter for `sc`.
 * - Every field is honoured or rejected ("linux.seccomp.<path>: ..." errors): errnoRet on an
 *   action other than ERRNO/TRACE, NOTIFY as defaultAction, unknown flags, arg index > 5.
 * - Syscall names libseccomp does not know are skipped (debug line): the profile may be newer.
 *   Architectures the spec lists but this libseccomp does not know are skipped the same way.
 * - A rule whose action equals the default action is skipped.
 * - When defaultAction denies (ERRNO other than ENOSYS, KILL*, TRAP), syscalls numbered above
 *   the highest syscall the profile names (per arch) return ENOSYS, so libcs fall back from
 *   syscalls newer than the profile (clone3, fchmodat2, ...) instead of failing with EPERM.
 * - cache_dir (created 0700 if missing) holds <sha256>.bpf files; a corrupt one is rebuilt.
 *   A failure to write the cache is only logged. */
int seccomp_prepare(const struct oci_seccomp *sc, const char *cache_dir, struct hull_bpf *out, hull_err *e);

/* Load it into the calling thread (all threads with SECCOMP_FILTER_FLAG_TSYNC) with
 * seccomp(SECCOMP_SET_MODE_FILTER). A failed load is always an error.
 * notify_fd: gets the listener fd (O_CLOEXEC) when bpf->notify, else -1. notify_fd == NULL is
 * allowed: a listener is then closed at once (notified syscalls fail with ENOSYS).
 * The caller must have set PR_SET_NO_NEW_PRIVS, or still hold CAP_SYS_ADMIN (in its user ns):
 * this function never sets no_new_privs itself, since process.noNewPrivileges decides that.
 * Every syscall after this one is filtered: with NOTIFY rules, prefer seccomp_load_handoff.
 *
 * The symbol is seccomp_load_bpf: libseccomp's <seccomp.h> declares its own
 * int seccomp_load(scmp_filter_ctx). seccomp_load() below is an inline alias for files that do
 * not include <seccomp.h>; a file that needs both includes <seccomp.h> first (or defines
 * HULL_SECCOMP_WITH_LIBSECCOMP) and calls seccomp_load_bpf. */
int seccomp_load_bpf(const struct hull_bpf *bpf, int *notify_fd, hull_err *e);
#if !defined(HULL_SECCOMP_WITH_LIBSECCOMP) && !defined(_SECCOMP_H)
static inline int seccomp_load(const struct hull_bpf *bpf, int *notify_fd, hull_err *e)
{
	return seccomp_load_bpf(bpf, notify_fd, e);
}
#endif

/* seccomp_load_bpf + hand the listener fd over without the filtered process making a syscall
 * before the hand-off: a helper that shares the fd table (clone CLONE_FILES) is forked before
 * the filter is loaded and calls send_fd(listener_fd, arg) (e.g. sync_send(sock,
 * SYNC_SECCOMP_FD, 0, NULL, fd)); a profile may NOTIFY write/sendmsg, which would otherwise
 * deadlock. send_fd returns 0 or a negative errno; it runs in a forked child of a
 * single-threaded caller (so it may allocate). After the helper exits the caller's copy of the
 * listener is closed. Without NOTIFY rules this is plain seccomp_load_bpf and send_fd is not called. */
int seccomp_load_handoff(const struct hull_bpf *bpf, int (*send_fd)(int fd, void *arg), void *arg, hull_err *e);

void seccomp_bpf_free(struct hull_bpf *bpf);

/* The "container process state" sent to listenerPath (runtime-spec config-linux.md):
 * {"ociVersion":...,"fds":["seccompFd"],"pid":pid,"metadata":metadata,"state":<state_json>}
 * state_json is the runtime-spec state object (runtime/state.h state_json()); metadata is
 * linux.seccomp.listenerMetadata (NULL = omitted). malloc'd. */
char *seccomp_listener_state_json(const char *state_json, pid_t pid, const char *metadata);

/* Send the notify fd + container process state JSON (from seccomp_listener_state_json) to
 * linux.seccomp.listenerPath: one AF_UNIX SOCK_STREAM connection, the fd in SCM_RIGHTS on the
 * first sendmsg, then the connection is closed. Paths longer than sun_path work too. */
int seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json, hull_err *e);

#endif
