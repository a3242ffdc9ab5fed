/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: compiled to classic BPF by libseccomp in the parent (before clone, with a
 * cache keyed by a hash of the profile), loaded by the init right before execve. */
#ifndef HULL_RUNTIME_SECCOMP_H
#define HULL_RUNTIME_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../oci/spec.h"

struct hull_bpf {
	void *insns;       /* struct sock_filter[] */
	size_t n_insns;
	unsigned flags;    /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
	bool notify;       /* some rule uses SCMP_ACT_NOTIFY: load with NEW_LISTENER */
};

/* Compile (or load from the cache dir, when not NULL) the filter for `sc`. */
int seccomp_prepare(const struct oci_seccomp *sc, const char *cache_dir, struct hull_bpf *out, hull_err *e);
/* Load it into the calling thread; *notify_fd gets the listener fd when bpf->notify (else -1). */
int seccomp_load(const struct hull_bpf *bpf, int *notify_fd, hull_err *e);
void seccomp_bpf_free(struct hull_bpf *bpf);
/* Send the notify fd + container state JSON to linux.seccomp.listenerPath (SCM_RIGHTS). */
int seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json, hull_err *e);

#endif
