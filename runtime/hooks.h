/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: each runs with the container state JSON on stdin, path/args/env from the
 * config, and its timeout (SIGKILL when exceeded). */
#ifndef HULL_RUNTIME_HOOKS_H
#define HULL_RUNTIME_HOOKS_H

#include "../common/err.h"
#include "../oci/spec.h"

/* Run the hooks of one kind in order; stops at the first failure (non-zero exit, signal,
 * timeout, exec failure) and returns a negative errno with the hook path and reason.
 * Called from the runtime namespace (prestart, createRuntime, poststart, poststop) or from
 * inside the container namespaces (createContainer, startContainer). */
int hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json, hull_err *e);

/* poststop: every hook runs; a failure is logged as a warning and the rest continue
 * (runtime-spec lifecycle step 13). */
void hooks_run_poststop(const struct oci_hooks *h, const char *state_json);

#endif
