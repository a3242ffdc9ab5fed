/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI runtime-spec config.json model (target spec 1.3.0). Pure data: oci/ parses
 * bytes into these structs and never touches the system. Optional scalars carry a
 * has_<field> flag; optional strings and arrays are NULL / count 0 when absent.
 * Arrays of strings are NULL-terminated char ** with a separate count. */
#ifndef HULL_OCI_SPEC_H
#define HULL_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/err.h"

#define HULL_OCI_VERSION "1.3.0"     /* newest spec version hull implements */
#define HULL_OCI_VERSION_MIN "1.0.0" /* oldest accepted */

struct oci_kv { /* a string map entry, kept in JSON order */
	char *key;
	char *value;
};

struct oci_rlimit {
	char *type; /* "RLIMIT_NOFILE" ... (validated) */
	int resource; /* RLIMIT_* value */
	uint64_t hard, soft;
};

struct oci_capabilities {
	/* Each set: cap names as given ("CAP_SYS_ADMIN"), NULL-terminated; NULL = absent. */
	char **bounding, **effective, **inheritable, **permitted, **ambient;
	size_t n_bounding, n_effective, n_inheritable, n_permitted, n_ambient;
};

struct oci_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* windows only; rejected if set on linux */
};

struct oci_io_priority {
	bool present;
	int class; /* IOPRIO_CLASS_RT/BE/IDLE */
	int priority;
};

struct oci_scheduler {
	bool present;
	int policy; /* SCHED_* */
	int nice;
	int priority;
	unsigned flags; /* SCHED_FLAG_* bitmask */
	uint64_t runtime, deadline, period;
};

struct oci_exec_cpu_affinity {
	char *initial; /* cpu list "0-3,7" or NULL */
	char *final;
};

struct oci_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	struct oci_user user;
	char **args;
	size_t n_args;
	char *command_line; /* windows only: rejected */
	char **env;
	size_t n_env;
	char *cwd; /* required, absolute */
	struct oci_capabilities *capabilities; /* NULL = absent (no caps at all) */
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	struct oci_io_priority io_priority;
	struct oci_scheduler scheduler;
	struct oci_exec_cpu_affinity exec_cpu_affinity;
};

struct oci_root {
	char *path; /* as given; may be relative to the bundle */
	bool readonly;
};

struct oci_idmap {
	uint32_t container_id, host_id, size;
};

struct oci_mount {
	char *destination; /* absolute path inside the container */
	char *type;        /* may be NULL (bind mounts) */
	char *source;      /* may be NULL */
	char **options;
	size_t n_options;
	struct oci_idmap *uid_mappings, *gid_mappings; /* idmapped mounts */
	size_t n_uid_mappings, n_gid_mappings;
};

struct oci_hook {
	char *path;
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};

struct oci_hooks {
	struct oci_hook *list[OCI_HOOK_KINDS];
	size_t n[OCI_HOOK_KINDS];
};

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_KINDS
};

struct oci_namespace {
	enum oci_ns_type type;
	char *path; /* NULL = create a new one */
};

struct oci_device { /* linux.devices[] */
	char type; /* 'c', 'b', 'u', 'p' */
	char *path;
	int64_t major, minor; /* required for c/b/u */
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct oci_device_cgroup { /* linux.resources.devices[] */
	bool allow;
	char type;            /* 'a', 'c', 'b'; 'a' when absent */
	int64_t major, minor; /* -1 = wildcard (absent) */
	char access[4];       /* subset of "rwm"; "rwm" when absent */
};

struct oci_memory {
	bool present;
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
	int64_t limit, reservation, swap, kernel, kernel_tcp;
	uint64_t swappiness;
	bool has_disable_oom_killer, disable_oom_killer;
	bool has_use_hierarchy, use_hierarchy;
	bool has_check_before_update, check_before_update;
};

struct oci_cpu {
	bool present;
	bool has_shares, has_quota, has_period, has_burst, has_rt_runtime, has_rt_period, has_idle;
	uint64_t shares, period, burst, rt_period;
	int64_t quota, rt_runtime, idle;
	char *cpus, *mems;
};

struct oci_blkio_dev {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight; /* weightDevice */
	uint64_t rate;                /* throttle*Device */
};

struct oci_blkio {
	bool present;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct oci_blkio_dev *weight_device, *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
		*throttle_write_iops;
	size_t n_weight_device, n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
		n_throttle_write_iops;
};

struct oci_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct oci_net_prio {
	char *name;
	uint32_t priority;
};

struct oci_network_res {
	bool present;
	bool has_class_id;
	uint32_t class_id;
	struct oci_net_prio *priorities;
	size_t n_priorities;
};

struct oci_rdma {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct oci_resources {
	bool present;
	struct oci_device_cgroup *devices;
	size_t n_devices;
	bool has_devices; /* the key was given (even as []) */
	struct oci_memory memory;
	struct oci_cpu cpu;
	struct oci_blkio blkio;
	bool has_pids;
	int64_t pids_limit; /* <= 0 means unlimited ("max") per runc/crun */
	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct oci_network_res network;
	struct oci_rdma *rdma;
	size_t n_rdma;
	struct oci_kv *unified;
	size_t n_unified;
};

struct oci_seccomp_arg {
	unsigned index;
	uint64_t value, value_two;
	int op; /* enum scmp_compare value (SCMP_CMP_EQ ...), validated by name */
};

struct oci_seccomp_syscall {
	char **names;
	size_t n_names;
	char *action; /* "SCMP_ACT_ERRNO" ..., validated */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	char *default_action; /* validated against the known action names */
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures; /* "SCMP_ARCH_X86_64" ... */
	size_t n_architectures;
	char **flags; /* "SECCOMP_FILTER_FLAG_LOG" ... */
	size_t n_flags;
	char *listener_path;
	char *listener_metadata;
	struct oci_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct oci_net_device {
	char *host_name; /* the key of linux.netDevices */
	char *name;      /* new name inside the container, NULL = keep */
};

struct oci_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct oci_personality {
	bool present;
	char *domain; /* "LINUX" or "LINUX32" */
	char **flags;
	size_t n_flags;
};

struct oci_memory_policy {
	bool present;
	char *mode; /* "MPOL_..." */
	char *nodes;
	char **flags;
	size_t n_flags;
};

struct oci_intel_rdt {
	bool present;
	char *clos_id, *l3_cache_schema, *mem_bw_schema;
	char **schemata;
	size_t n_schemata;
	bool enable_monitoring;
};

enum oci_propagation {
	OCI_PROP_UNSET = 0,
	OCI_PROP_PRIVATE,
	OCI_PROP_SHARED,
	OCI_PROP_SLAVE,
	OCI_PROP_UNBINDABLE,
};

struct oci_linux {
	struct oci_namespace *namespaces;
	size_t n_namespaces;
	struct oci_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct oci_time_offset time_boottime, time_monotonic;
	struct oci_device *devices;
	size_t n_devices;
	struct oci_net_device *net_devices;
	size_t n_net_devices;
	char *cgroups_path;
	struct oci_resources resources;
	enum oci_propagation rootfs_propagation;
	struct oci_seccomp *seccomp; /* NULL = no filter */
	struct oci_kv *sysctl;
	size_t n_sysctl;
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	struct oci_intel_rdt intel_rdt;
	struct oci_personality personality;
	struct oci_memory_policy memory_policy;
};

struct oci_spec {
	char *oci_version;
	struct oci_process *process; /* NULL when absent (allowed for create? no: required by hull) */
	struct oci_root root;
	bool has_root;
	struct oci_mount *mounts;
	size_t n_mounts;
	char *hostname;
	char *domainname;
	struct oci_hooks hooks;
	struct oci_kv *annotations;
	size_t n_annotations;
	struct oci_linux *linux_; /* NULL when absent */
};

/* Parse config.json bytes. `file` is only used in error messages ("config.json: .process.args: ...").
 * On error returns a negative errno and e->msg is one line: "<file>: <json path>: <what is wrong>". */
int oci_spec_parse(const char *json, size_t len, const char *file, struct oci_spec **out, hull_err *e);
int oci_spec_parse_file(const char *path, struct oci_spec **out, hull_err *e);
void oci_spec_free(struct oci_spec *s);

/* Parse a standalone process.json (exec --process) / LinuxResources JSON (update --resources). */
int oci_process_parse(const char *json, size_t len, const char *file, struct oci_process **out, hull_err *e);
void oci_process_free(struct oci_process *p);
int oci_resources_parse(const char *json, size_t len, const char *file, struct oci_resources *out, hull_err *e);
void oci_resources_clear(struct oci_resources *r);
/* Why a linux.resources.unified key may not be written (NULL when it may): it must be a plain
 * "<controller>.<file>" name of a cgroup v2 controller, never a path or a cgroup core file. */
const char *oci_unified_key_problem(const char *key);

/* Helpers on the model */
const char *oci_ns_type_name(enum oci_ns_type t); /* "pid", "network", ... */
int oci_ns_type_from_name(const char *name);     /* -EINVAL if unknown */
const struct oci_namespace *oci_spec_find_ns(const struct oci_spec *s, enum oci_ns_type t);
const char *oci_annotation(const struct oci_spec *s, const char *key); /* NULL if absent */
const char *oci_hook_kind_name(enum oci_hook_kind k); /* "prestart", "createRuntime", ... */

/* `hull spec`: the default config.json text (like `runc spec`); rootless adds a user ns + mappings
 * for the given host uid/gid. Returns a malloc'd NUL-terminated string. */
char *oci_default_spec_json(bool rootless, uid_t host_uid, gid_t host_gid);
/* `hull features`: the runtime-spec features JSON, exactly what hull supports. */
char *oci_features_json(void);

/* Refuse valid config fields hull cannot honour yet (the list is at the top of
 * oci/supported.c): "<file>: <json path>: not supported", returns -EOPNOTSUPP. Call after a
 * successful parse. The process/resources variants are for exec --process and update
 * --resources (paths relative to that document, e.g. ".execCPUAffinity"). */
int oci_spec_check_supported(const struct oci_spec *s, const char *file, hull_err *e);
int oci_process_check_supported(const struct oci_process *p, const char *file, hull_err *e);
int oci_resources_check_supported(const struct oci_resources *r, const char *file, hull_err *e);

/* Capability names known to the parser (CAP_CHOWN = 0 .. CAP_CHECKPOINT_RESTORE = 40). */
int oci_cap_from_name(const char *name); /* number, or -EINVAL if unknown */
const char *oci_cap_name(int cap);       /* NULL if out of the table */

#endif
