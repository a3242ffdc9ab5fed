/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities and the identity switch, done with libcap. */
#ifndef HULL_RUNTIME_CAPS_H
#define HULL_RUNTIME_CAPS_H

#include <stdbool.h>

#include "../common/err.h"
#include "../oci/spec.h"

/* Parse "CAP_SYS_ADMIN" -> 21; -EINVAL for an unknown name (only the capabilities(7) spelling:
 * "cap_sys_admin" or "21" are -EINVAL too). Caps above the running kernel's last cap return
 * -ERANGE (callers skip those with a warning). */
int caps_from_name(const char *name);

/* Validate every cap name in the sets (unknown names are errors naming the JSON path,
 * "<file>: .process.capabilities.<set>[i]: unknown capability \"X\""). c == NULL is valid. */
int caps_validate(const struct oci_capabilities *c, const char *file, hull_err *e);

/* Switch to process.user and apply exactly the five capability sets. Call after all
 * privileged set-up: drops the bounding set, setgroups/setresgid/setresuid with KEEPCAPS,
 * then sets effective/permitted/inheritable and the ambient set. c == NULL drops all caps
 * (bounding set included). u == NULL keeps the current uid/gid/groups.
 * - Caps the calling process cannot grant (not in its bounding set at entry, or newer than the
 *   kernel) are skipped with one hull_warn line (runtime-spec: "SHOULD NOT fail"); this is
 *   what lets podman --privileged (all 41 caps) run on a host that withholds CAP_SYS_RESOURCE.
 * - Inheritable is exactly the listed set, never the caller's (CVE-2022-29162).
 * - An ambient cap not both permitted and inheritable is skipped with a warning (as runc).
 * - effective not within permitted, or inheritable not within bounding, is an error.
 * - additionalGids in a user namespace whose /proc/self/setgroups is "deny" is an error; with
 *   no additionalGids setgroups is then skipped. userns only improves error messages.
 * - umask is set from u->umask only when u->has_umask (runtime-spec: otherwise unchanged).
 * Needs CAP_SETPCAP, CAP_SETUID, CAP_SETGID in the caller's user namespace. */
int caps_apply_user(const struct oci_capabilities *c, const struct oci_user *u, bool userns, hull_err *e);

#endif
