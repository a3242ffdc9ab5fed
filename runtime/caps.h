/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities and the identity switch, done with libcap. */
#ifndef HULL_RUNTIME_CAPS_H
#define HULL_RUNTIME_CAPS_H

#include "../common/err.h"
#include "../oci/spec.h"

/* Parse "CAP_SYS_ADMIN" -> 21; -EINVAL for an unknown name. Caps above the running kernel's
 * last cap return -ERANGE (callers skip those with a debug line). */
int caps_from_name(const char *name);

/* Validate every cap name in the sets (unknown names are errors naming the JSON path). */
int caps_validate(const struct oci_capabilities *c, const char *file, hull_err *e);

/* Switch to process.user and apply exactly the five capability sets. Call after all
 * privileged set-up: drops the bounding set, setgroups/setresgid/setresuid with KEEPCAPS,
 * then sets effective/permitted/inheritable and the ambient set. c == NULL drops all caps. */
int caps_apply_user(const struct oci_capabilities *c, const struct oci_user *u, bool userns, hull_err *e);

#endif
