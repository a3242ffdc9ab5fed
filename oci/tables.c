/* SPDX-License-Identifier: Apache-2.0 */
/* Name tables for every enum in the runtime-spec, and the small public helpers on them. */
#include "tables.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/resource.h>

/* Indexed by capability number (linux/capability.h). Names the running kernel lacks are still
 * valid config values: the runtime skips them with a debug line. */
const char *const oci_cap_names[] = {
	"CAP_CHOWN",            /* 0 */
	"CAP_DAC_OVERRIDE",     /* 1 */
	"CAP_DAC_READ_SEARCH",  /* 2 */
	"CAP_FOWNER",           /* 3 */
	"CAP_FSETID",           /* 4 */
	"CAP_KILL",             /* 5 */
	"CAP_SETGID",           /* 6 */
	"CAP_SETUID",           /* 7 */
	"CAP_SETPCAP",          /* 8 */
	"CAP_LINUX_IMMUTABLE",  /* 9 */
	"CAP_NET_BIND_SERVICE", /* 10 */
	"CAP_NET_BROADCAST",    /* 11 */
	"CAP_NET_ADMIN",        /* 12 */
	"CAP_NET_RAW",          /* 13 */
	"CAP_IPC_LOCK",         /* 14 */
	"CAP_IPC_OWNER",        /* 15 */
	"CAP_SYS_MODULE",       /* 16 */
	"CAP_SYS_RAWIO",        /* 17 */
	"CAP_SYS_CHROOT",       /* 18 */
	"CAP_SYS_PTRACE",       /* 19 */
	"CAP_SYS_PACCT",        /* 20 */
	"CAP_SYS_ADMIN",        /* 21 */
	"CAP_SYS_BOOT",         /* 22 */
	"CAP_SYS_NICE",         /* 23 */
	"CAP_SYS_RESOURCE",     /* 24 */
	"CAP_SYS_TIME",         /* 25 */
	"CAP_SYS_TTY_CONFIG",   /* 26 */
	"CAP_MKNOD",            /* 27 */
	"CAP_LEASE",            /* 28 */
	"CAP_AUDIT_WRITE",      /* 29 */
	"CAP_AUDIT_CONTROL",    /* 30 */
	"CAP_SETFCAP",          /* 31 */
	"CAP_MAC_OVERRIDE",     /* 32 */
	"CAP_MAC_ADMIN",        /* 33 */
	"CAP_SYSLOG",           /* 34 */
	"CAP_WAKE_ALARM",       /* 35 */
	"CAP_BLOCK_SUSPEND",    /* 36 */
	"CAP_AUDIT_READ",       /* 37 */
	"CAP_PERFMON",          /* 38 */
	"CAP_BPF",              /* 39 */
	"CAP_CHECKPOINT_RESTORE", /* 40 */
	NULL,
};
const size_t oci_n_caps = sizeof oci_cap_names / sizeof oci_cap_names[0] - 1;

int oci_cap_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < oci_n_caps; i++)
		if (strcmp(oci_cap_names[i], name) == 0)
			return (int)i;
	return -EINVAL;
}

const char *oci_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= oci_n_caps)
		return NULL;
	return oci_cap_names[cap];
}

/* Same order as enum oci_ns_type. */
const struct oci_enum oci_ns_enum[] = {
	{"pid", OCI_NS_PID},   {"network", OCI_NS_NETWORK}, {"mount", OCI_NS_MOUNT},
	{"ipc", OCI_NS_IPC},   {"uts", OCI_NS_UTS},         {"user", OCI_NS_USER},
	{"cgroup", OCI_NS_CGROUP}, {"time", OCI_NS_TIME},   {NULL, 0},
};

const char *oci_ns_type_name(enum oci_ns_type t)
{
	if ((int)t < 0 || t >= OCI_NS_KINDS)
		return NULL;
	return oci_ns_enum[t].name;
}

int oci_ns_type_from_name(const char *name)
{
	const struct oci_enum *m = name ? oci_enum_find(oci_ns_enum, name) : NULL;
	return m ? m->value : -EINVAL;
}

static const char *const hook_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_kind_name(enum oci_hook_kind k)
{
	if ((int)k < 0 || k >= OCI_HOOK_KINDS)
		return NULL;
	return hook_names[k];
}

const struct oci_enum oci_rlimit_enum[] = {
	{"RLIMIT_CPU", RLIMIT_CPU},
	{"RLIMIT_FSIZE", RLIMIT_FSIZE},
	{"RLIMIT_DATA", RLIMIT_DATA},
	{"RLIMIT_STACK", RLIMIT_STACK},
	{"RLIMIT_CORE", RLIMIT_CORE},
	{"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_NPROC", RLIMIT_NPROC},
	{"RLIMIT_NOFILE", RLIMIT_NOFILE},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
	{"RLIMIT_AS", RLIMIT_AS},
	{"RLIMIT_LOCKS", RLIMIT_LOCKS},
	{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
	{"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
	{"RLIMIT_RTTIME", RLIMIT_RTTIME},
	{NULL, 0},
};

/* The values are not libseccomp action codes (ERRNO/TRACE carry a return code); the seccomp
 * module maps the validated name itself. */
const struct oci_enum oci_seccomp_action_enum[] = {
	{"SCMP_ACT_KILL", 0},       {"SCMP_ACT_KILL_PROCESS", 1}, {"SCMP_ACT_KILL_THREAD", 2},
	{"SCMP_ACT_TRAP", 3},       {"SCMP_ACT_ERRNO", 4},        {"SCMP_ACT_TRACE", 5},
	{"SCMP_ACT_ALLOW", 6},      {"SCMP_ACT_LOG", 7},          {"SCMP_ACT_NOTIFY", 8},
	{NULL, 0},
};

bool oci_seccomp_action_takes_errno(const char *name)
{
	return strcmp(name, "SCMP_ACT_ERRNO") == 0 || strcmp(name, "SCMP_ACT_TRACE") == 0;
}

const struct oci_enum oci_seccomp_op_enum[] = {
	{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
	{"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
	{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}, {NULL, 0},
};

/* libseccomp added these architectures after 2.5; hull knows the names either way. */
#ifdef SCMP_ARCH_LOONGARCH64
#define HAVE_LOONGARCH64 true
#else
#define HAVE_LOONGARCH64 false
#endif
#ifdef SCMP_ARCH_M68K
#define HAVE_M68K true
#else
#define HAVE_M68K false
#endif
#ifdef SCMP_ARCH_SH
#define HAVE_SH true
#else
#define HAVE_SH false
#endif
#ifdef SCMP_ARCH_SHEB
#define HAVE_SHEB true
#else
#define HAVE_SHEB false
#endif

/* Every name the spec lists (config-linux.md, libseccomp v2.6.0). */
const struct oci_seccomp_name oci_seccomp_arch_table[] = {
	{"SCMP_ARCH_X86", true},
	{"SCMP_ARCH_X86_64", true},
	{"SCMP_ARCH_X32", true},
	{"SCMP_ARCH_ARM", true},
	{"SCMP_ARCH_AARCH64", true},
	{"SCMP_ARCH_MIPS", true},
	{"SCMP_ARCH_MIPS64", true},
	{"SCMP_ARCH_MIPS64N32", true},
	{"SCMP_ARCH_MIPSEL", true},
	{"SCMP_ARCH_MIPSEL64", true},
	{"SCMP_ARCH_MIPSEL64N32", true},
	{"SCMP_ARCH_PPC", true},
	{"SCMP_ARCH_PPC64", true},
	{"SCMP_ARCH_PPC64LE", true},
	{"SCMP_ARCH_S390", true},
	{"SCMP_ARCH_S390X", true},
	{"SCMP_ARCH_PARISC", true},
	{"SCMP_ARCH_PARISC64", true},
	{"SCMP_ARCH_RISCV64", true},
	{"SCMP_ARCH_LOONGARCH64", HAVE_LOONGARCH64},
	{"SCMP_ARCH_M68K", HAVE_M68K},
	{"SCMP_ARCH_SH", HAVE_SH},
	{"SCMP_ARCH_SHEB", HAVE_SHEB},
	{NULL, false},
};

/* hull loads the compiled BPF itself with seccomp(2), so any flag the kernel knows can be
 * passed through; `supported` is what `features` reports as supportedFlags. */
const struct oci_seccomp_name oci_seccomp_flag_table[] = {
	{"SECCOMP_FILTER_FLAG_TSYNC", true},
	{"SECCOMP_FILTER_FLAG_LOG", true},
	{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", true},
	{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", true},
	{NULL, false},
};

const struct oci_seccomp_name *oci_seccomp_name_find(const struct oci_seccomp_name *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* linux/ioprio.h */
const struct oci_enum oci_ioprio_class_enum[] = {
	{"IOPRIO_CLASS_RT", 1},
	{"IOPRIO_CLASS_BE", 2},
	{"IOPRIO_CLASS_IDLE", 3},
	{NULL, 0},
};

/* linux/sched.h (SCHED_ISO is reserved by the kernel and fails at sched_setattr time). */
const struct oci_enum oci_sched_policy_enum[] = {
	{"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
	{"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}, {NULL, 0},
};

const struct oci_enum oci_sched_flag_enum[] = {
	{"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
	{"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
	{"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
	{"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0},
};

/* linux/mempolicy.h */
const struct oci_enum oci_mpol_mode_enum[] = {
	{"MPOL_DEFAULT", 0},        {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2},
	{"MPOL_INTERLEAVE", 3},     {"MPOL_LOCAL", 4},     {"MPOL_PREFERRED_MANY", 5},
	{"MPOL_WEIGHTED_INTERLEAVE", 6}, {NULL, 0},
};

const struct oci_enum oci_mpol_flag_enum[] = {
	{"MPOL_F_STATIC_NODES", 1 << 15},
	{"MPOL_F_RELATIVE_NODES", 1 << 14},
	{"MPOL_F_NUMA_BALANCING", 1 << 13},
	{NULL, 0},
};

/* linux/personality.h: PER_LINUX, PER_LINUX32 */
const struct oci_enum oci_personality_enum[] = {
	{"LINUX", 0x0000},
	{"LINUX32", 0x0008},
	{NULL, 0},
};

/* The spec's four values, plus runc's r-prefixed spellings (the rootfs propagation is always
 * applied recursively, so they mean the same). */
const struct oci_enum oci_propagation_enum[] = {
	{"private", OCI_PROP_PRIVATE},     {"shared", OCI_PROP_SHARED},
	{"slave", OCI_PROP_SLAVE},         {"unbindable", OCI_PROP_UNBINDABLE},
	{"rprivate", OCI_PROP_PRIVATE},    {"rshared", OCI_PROP_SHARED},
	{"rslave", OCI_PROP_SLAVE},        {"runbindable", OCI_PROP_UNBINDABLE},
	{NULL, 0},
};

const struct oci_namespace *oci_spec_find_ns(const struct oci_spec *s, enum oci_ns_type t)
{
	if (!s || !s->linux_)
		return NULL;
	for (size_t i = 0; i < s->linux_->n_namespaces; i++)
		if (s->linux_->namespaces[i].type == t)
			return &s->linux_->namespaces[i];
	return NULL;
}

const char *oci_annotation(const struct oci_spec *s, const char *key)
{
	if (!s || !key)
		return NULL;
	for (size_t i = 0; i < s->n_annotations; i++)
		if (strcmp(s->annotations[i].key, key) == 0)
			return s->annotations[i].value;
	return NULL;
}
