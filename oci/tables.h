/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to oci/: the name tables the parser validates against and `hull features`
 * publishes. One table per enum, so parser and features can never disagree. */
#ifndef HULL_OCI_TABLES_H
#define HULL_OCI_TABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

extern const char *const oci_cap_names[]; /* indexed by capability number, NULL-terminated */
extern const size_t oci_n_caps;           /* CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40) */

extern const struct oci_enum oci_ns_enum[];           /* "pid" -> OCI_NS_PID ... */
extern const struct oci_enum oci_rlimit_enum[];       /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE */
extern const struct oci_enum oci_seccomp_action_enum[]; /* value: index, see oci_seccomp_action_* */
extern const struct oci_enum oci_seccomp_op_enum[];   /* value: enum scmp_compare */
extern const struct oci_enum oci_ioprio_class_enum[];
extern const struct oci_enum oci_sched_policy_enum[];
extern const struct oci_enum oci_sched_flag_enum[];   /* value: SCHED_FLAG_* bit */
extern const struct oci_enum oci_mpol_mode_enum[];
extern const struct oci_enum oci_mpol_flag_enum[];
extern const struct oci_enum oci_personality_enum[];
extern const struct oci_enum oci_propagation_enum[];

/* Seccomp architectures and filter flags: `libseccomp` says whether the libseccomp hull was
 * built against knows the name (unknown ones are valid spec values that hull rejects as
 * unsupported). */
struct oci_seccomp_name {
	const char *name;
	bool supported;
};
extern const struct oci_seccomp_name oci_seccomp_arch_table[];  /* NULL-name terminated */
extern const struct oci_seccomp_name oci_seccomp_flag_table[];
const struct oci_seccomp_name *oci_seccomp_name_find(const struct oci_seccomp_name *t, const char *name);

/* Action names that take an errno/trace return code (errnoRet). */
bool oci_seccomp_action_takes_errno(const char *name);

#endif
