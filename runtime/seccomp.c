/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp -> classic BPF with libseccomp (in the parent, before clone), loaded with
 * seccomp(2) as late as possible: by the init after start (enter_identity: before the user and
 * capability switch when noNewPrivileges is off, since loading needs CAP_SYS_ADMIN then), by the
 * init before READY for a notify filter (its fd must reach the listener), and by exec's helper
 * before it forks the process.
 *
 * Why hull exports the BPF and loads it itself instead of calling seccomp_load(): the
 * export can be cached (podman's default profile costs milliseconds to compile on every
 * create), hull prepends its own -ENOSYS prologue (see enosys_stub), and hull decides the
 * seccomp(2) flags (no_new_privs is process.noNewPrivileges' business, not libseccomp's). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "seccomp.h"
#include "seccomp_internal.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#endif
#define X32_SYSCALL_BIT 0x40000000U

#define SC_PATH ".linux.seccomp"
#define MAX_ARGS 6 /* a syscall has at most 6 arguments */

static void cleanup_scmp(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_scmp_ __attribute__((cleanup(cleanup_scmp)))

/* ------------------------------------------------------------------------------------------ */
/* Validation: everything that does not need libseccomp, so a cache hit is validated too.      */

/* The values the profile asks for, resolved once. */
struct plan {
	uint32_t default_action;
	uint32_t *actions; /* per syscalls[] entry */
	unsigned flags;    /* SECCOMP_FILTER_FLAG_* */
	bool any_notify;
};

static void plan_free(struct plan *p)
{
	free(p->actions);
	p->actions = NULL;
}

/* "SCMP_ACT_*" -> libseccomp action; `path` names the JSON object for messages. */
static int action_value(const char *name, bool has_errno, uint32_t errno_ret, const char *path, const char *errno_key,
			uint32_t *out, hull_err *e)
{
	static const struct {
		const char *name;
		uint32_t act;
	} plain[] = {
		{"SCMP_ACT_KILL", SCMP_ACT_KILL},
		{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
		{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
		{"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
		{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
		{"SCMP_ACT_LOG", SCMP_ACT_LOG},
		{"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
	};
	if (!name)
		return herr_set(e, -EINVAL, "%s: action is required", path);
	bool is_errno = strcmp(name, "SCMP_ACT_ERRNO") == 0, is_trace = strcmp(name, "SCMP_ACT_TRACE") == 0;
	if (is_errno || is_trace) {
		uint32_t v = has_errno ? errno_ret : EPERM;
		/* The kernel carries 16 bits of data (SECCOMP_RET_DATA); a bigger value would be
		 * silently truncated into another errno. */
		if (v > SECCOMP_RET_DATA)
			return herr_set(e, -EINVAL, "%s.%s: %u is out of range (0-65535)", path, errno_key, v);
		*out = is_errno ? SCMP_ACT_ERRNO(v) : SCMP_ACT_TRACE(v);
		return 0;
	}
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		if (strcmp(name, plain[i].name) == 0) {
			/* runtime-spec: "When the action doesn't support an errno, the runtime MUST
			 * print and error and fail." */
			if (has_errno)
				return herr_set(e, -EINVAL, "%s.%s: not supported with action %s", path, errno_key,
						name);
			*out = plain[i].act;
			return 0;
		}
	}
	return herr_set(e, -EINVAL, "%s: unknown action \"%s\"", path, name);
}

static int flag_value(const char *name, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned flag;
	} flags[] = {
		{"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
		{"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
		{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
		{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
	};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (name && strcmp(name, flags[i].name) == 0) {
			*out = flags[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

static int validate(const struct oci_seccomp *sc, struct plan *p, hull_err *e)
{
	char path[128];
	int r = action_value(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, SC_PATH,
			     "defaultErrnoRet", &p->default_action, e);
	if (r < 0)
		return r;
	/* A notifying default would also notify the syscalls that hand the listener fd over
	 * (and everything the init does before execve): nobody could answer them. */
	if (p->default_action == SCMP_ACT_NOTIFY)
		return herr_set(e, -EINVAL, "%s.defaultAction: SCMP_ACT_NOTIFY cannot be the default action", SC_PATH);

	for (size_t i = 0; i < sc->n_flags; i++) {
		unsigned f;
		if (flag_value(sc->flags[i], &f) < 0)
			return herr_set(e, -EINVAL, "%s.flags[%zu]: unknown seccomp flag \"%s\"", SC_PATH, i,
					sc->flags[i] ? sc->flags[i] : "");
		p->flags |= f;
	}

	p->actions = xcalloc(sc->n_syscalls, sizeof *p->actions);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *s = &sc->syscalls[i];
		snprintf(path, sizeof path, "%s.syscalls[%zu]", SC_PATH, i);
		r = action_value(s->action, s->has_errno_ret, s->errno_ret, path, "errnoRet", &p->actions[i], e);
		if (r < 0)
			return r;
		if (s->n_names == 0)
			return herr_set(e, -EINVAL, "%s.names: must contain at least one syscall name", path);
		for (size_t j = 0; j < s->n_names; j++)
			if (!s->names[j] || !*s->names[j])
				return herr_set(e, -EINVAL, "%s.names[%zu]: empty syscall name", path, j);
		for (size_t j = 0; j < s->n_args; j++) {
			if (s->args[j].index >= MAX_ARGS)
				return herr_set(e, -EINVAL, "%s.args[%zu].index: %u is out of range (0-5)", path, j,
						s->args[j].index);
			if (s->args[j].op <= _SCMP_CMP_MIN || s->args[j].op >= _SCMP_CMP_MAX)
				return herr_set(e, -EINVAL, "%s.args[%zu].op: invalid operator %d", path, j,
						s->args[j].op);
		}
		if (p->actions[i] == SCMP_ACT_NOTIFY)
			p->any_notify = true;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Architectures                                                                               */

/* The spec's list (config-linux.md, "as of libseccomp v2.6.0"). A name on it that this
 * libseccomp does not know is skipped: syscalls of that ABI cannot occur on this host's
 * kernel unless libseccomp knew it, so nothing is lost. Anything else is an error. */
static bool spec_arch_name(const char *name)
{
	static const char *const names[] = {
		"SCMP_ARCH_X86",       "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
		"SCMP_ARCH_AARCH64",   "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
		"SCMP_ARCH_MIPSEL",    "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
		"SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
		"SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",  "SCMP_ARCH_LOONGARCH64",
		"SCMP_ARCH_M68K",      "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64 token; 0 when libseccomp does not know it. */
static uint32_t arch_token(const char *name)
{
	char lower[32];
	if (strncmp(name, "SCMP_ARCH_", 10) != 0 || strlen(name + 10) >= sizeof lower)
		return 0;
	size_t i = 0;
	for (const char *c = name + 10; *c; c++)
		lower[i++] = (char)tolower((unsigned char)*c);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

/* Fill arches[] with the native arch plus every architectures[] entry libseccomp knows,
 * deduplicated; returns the count or a negative errno. */
static int resolve_arches(const struct oci_seccomp *sc, uint32_t *arches, size_t max, hull_err *e)
{
	size_t n = 0;
	arches[n++] = seccomp_arch_native();
	for (size_t i = 0; i < sc->n_architectures; i++) {
		const char *name = sc->architectures[i] ? sc->architectures[i] : "";
		uint32_t tok = arch_token(name);
		if (tok == 0) {
			if (!spec_arch_name(name))
				return herr_set(e, -EINVAL, "%s.architectures[%zu]: unknown architecture \"%s\"",
						SC_PATH, i, name);
			hull_debug("seccomp: architecture %s is unknown to libseccomp %u.%u.%u, skipped", name,
				   seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= arches[j] == tok;
		if (!dup && n < max)
			arches[n++] = tok;
	}
	return (int)n;
}

/* ------------------------------------------------------------------------------------------ */
/* The -ENOSYS prologue                                                                        */
/*
 * With a denying defaultAction, a syscall the profile does not know about gets EPERM (or is
 * killed). For syscalls newer than the profile that is wrong: glibc/musl only fall back from
 * clone3, fchmodat2, close_range, ... on ENOSYS (runc#2151). There is no per-syscall "kernel
 * version" table, so the rule is the one runc uses: per architecture, any syscall number above
 * the highest one the profile names is "newer than the profile" and gets ENOSYS. Explicit
 * libseccomp rules cannot express this: they only cover numbers this libseccomp knows, while
 * the kernel may be newer (this machine: 6.18 kernel, libseccomp knows up to 456). So hull
 * prepends a few BPF instructions to libseccomp's program:
 *
 *        ld  [4]                          ; arch
 *   A:   jeq #AUDIT_ARCH_A, 0, <skip A>
 *        ld  [0]                          ; nr
 *        (x86_64 only: jset #0x40000000 -> the x32 half, which compares against x32's max)
 *        jgt #MAX_A, 0, 1
 *        ret #ERRNO(ENOSYS)
 *        ja  <filter>
 *   B:   ...
 *   filter: libseccomp's program, unchanged (it reloads what it needs; jumps are relative).
 */

static void emit(struct sock_filter *p, size_t *n, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	p[*n] = (struct sock_filter){.code = code, .jt = jt, .jf = jf, .k = k};
	(*n)++;
}

/* "nr > max -> ENOSYS, else -> filter"; max < 0: straight to the filter. Returns the count. */
static size_t emit_cmp(struct sock_filter *p, size_t *n, int64_t max)
{
	size_t start = *n;
	if (max >= 0) {
		emit(p, n, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, 0, 1);
		emit(p, n, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
	}
	/* k is patched to "to the end of the stub" once its length is known; the marker jt=1 on
	 * an unconditional jump (which ignores jt/jf) tags it. */
	emit(p, n, BPF_JMP | BPF_JA, 0, 1, 0);
	return *n - start;
}

static uint32_t audit_arch(uint32_t scmp_arch)
{
	/* SCMP_ARCH_* are the kernel's AUDIT_ARCH_* values except x32, which the kernel reports
	 * as x86_64 with bit 30 set in the syscall number. */
	return scmp_arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : scmp_arch;
}

size_t seccomp_enosys_stub(const struct seccomp_arch_max *arches, size_t n_arches, void **out)
{
	/* Worst case per arch group: jeq, ld, jset, 2 x (jgt, ret, ja), s390 jeq+ret; + ld. */
	struct sock_filter *p = xcalloc(1 + n_arches * 12, sizeof *p);
	size_t n = 0;
	_cleanup_free_ bool *done = xcalloc(n_arches ? n_arches : 1, sizeof *done);
	emit(p, &n, BPF_LD | BPF_W | BPF_ABS, 4 /* offsetof(struct seccomp_data, arch) */, 0, 0);
	for (size_t i = 0; i < n_arches; i++) {
		if (done[i])
			continue;
		uint32_t audit = audit_arch(arches[i].scmp_arch);
		/* Gather every entry of this audit arch (x86_64 and x32 share AUDIT_ARCH_X86_64). */
		int64_t max_main = -1, max_x32 = -1;
		for (size_t j = i; j < n_arches; j++) {
			if (audit_arch(arches[j].scmp_arch) != audit)
				continue;
			done[j] = true;
			if (arches[j].scmp_arch == SCMP_ARCH_X32)
				max_x32 = arches[j].max_nr;
			else
				max_main = arches[j].max_nr;
		}
		if (max_main < 0 && max_x32 < 0)
			continue; /* nothing named resolves on it: let the filter decide everything */
		size_t jeq = n;
		emit(p, &n, BPF_JMP | BPF_JEQ | BPF_K, audit, 0, 0);
		emit(p, &n, BPF_LD | BPF_W | BPF_ABS, 0 /* offsetof(struct seccomp_data, nr) */, 0, 0);
		if (audit == AUDIT_ARCH_X86_64) {
			size_t jset = n;
			emit(p, &n, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 0);
			p[jset].jt = (uint8_t)emit_cmp(p, &n, max_main);
			emit_cmp(p, &n, max_x32);
		} else {
			if (audit == SCMP_ARCH_S390 || audit == SCMP_ARCH_S390X) {
				/* s390 multiplexes large syscall numbers through nr 0 (setup), which an
				 * old-kernel/new-libc pair hits for unknown syscalls: ENOSYS too. */
				emit(p, &n, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
				emit(p, &n, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
			}
			emit_cmp(p, &n, max_main);
		}
		p[jeq].jf = (uint8_t)(n - jeq - 1);
	}
	if (n == 1) { /* no arch section: no stub at all */
		free(p);
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i].code == (BPF_JMP | BPF_JA) && p[i].jt == 1) {
			p[i].jt = 0;
			p[i].k = (uint32_t)(n - i - 1);
		}
	}
	*out = p;
	return n;
}

static bool default_denies(uint32_t act)
{
	switch (act & SECCOMP_RET_ACTION_FULL) {
	case SCMP_ACT_KILL_PROCESS:
	case SCMP_ACT_KILL_THREAD:
	case SCMP_ACT_TRAP:
		return true;
	case SECCOMP_RET_ERRNO:
		/* ERRNO(ENOSYS) already is what the stub would return (podman's default). */
		return act != SCMP_ACT_ERRNO(ENOSYS);
	default:
		/* ALLOW, LOG, and TRACE (a tracer should handle new syscalls itself). */
		return false;
	}
}

/* Highest syscall number the profile names on `arch`, or -1. */
static int64_t profile_max_nr(const struct oci_seccomp *sc, uint32_t arch)
{
	int64_t max = -1;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		for (size_t j = 0; j < sc->syscalls[i].n_names; j++) {
			/* Negative values are libseccomp's pseudo numbers for syscalls that do not
			 * exist on this arch (socketcall on x86_64, ...). */
			int nr = seccomp_syscall_resolve_name_arch(arch, sc->syscalls[i].names[j]);
			if (nr >= 0 && nr > max)
				max = nr;
		}
	}
	return max;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the filter                                                                         */

static int add_rule(scmp_filter_ctx ctx, const struct oci_seccomp_syscall *s, uint32_t act, int nr, const char *name,
		    hull_err *e)
{
	struct scmp_arg_cmp cmp[MAX_ARGS];
	int r;
	if (s->n_args == 0) {
		r = seccomp_rule_add(ctx, act, nr, 0);
		goto out;
	}
	/* All args in one rule are ANDed. A profile naming one argument index twice means "any
	 * of these values" (docker's personality/clone entries were written like that), which an
	 * AND can never match: like runc and crun, give each condition its own rule (OR). */
	unsigned seen = 0;
	bool repeated = false;
	for (size_t j = 0; j < s->n_args; j++) {
		repeated |= (seen >> s->args[j].index) & 1u;
		seen |= 1u << s->args[j].index;
	}
	for (size_t j = 0; j < s->n_args; j++) {
		struct scmp_arg_cmp c = {
			.arg = s->args[j].index,
			.op = (enum scmp_compare)s->args[j].op,
			.datum_a = s->args[j].value,      /* the mask for MASKED_EQ */
			.datum_b = s->args[j].value_two,
		};
		if (repeated) {
			r = seccomp_rule_add_array(ctx, act, nr, 1, &c);
			if (r < 0)
				goto out;
		} else {
			cmp[j] = c; /* indexes are distinct, so j < MAX_ARGS */
		}
	}
	r = repeated ? 0 : seccomp_rule_add_array(ctx, act, nr, (unsigned)s->n_args, cmp);
out:
	if (r < 0)
		return herr_errno(e, r, "seccomp: add rule for syscall %s", name);
	return 0;
}

static int set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr a, uint32_t v, const char *what, hull_err *e)
{
	int r = seccomp_attr_set(ctx, a, v);
	if (r < 0)
		return herr_errno(e, r, "seccomp: %s is not supported by libseccomp %u.%u.%u or this kernel", what,
				  seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);
	return 0;
}

/* seccomp_export_bpf writes to an fd (seccomp_export_bpf_mem only exists since 2.6): a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *n, hull_err *e)
{
	_cleanup_fd_ int fd = memfd_create("hull-seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return herr_errno(e, r, "seccomp: export BPF");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return herr_sys(e, "seccomp: fstat BPF memfd");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0)
		return herr_set(e, -EIO, "seccomp: libseccomp exported %lld bytes of BPF", (long long)st.st_size);
	_cleanup_free_ struct sock_filter *buf = xmalloc((size_t)st.st_size);
	ssize_t got = pread(fd, buf, (size_t)st.st_size, 0);
	if (got != st.st_size)
		return got < 0 ? herr_sys(e, "seccomp: read BPF memfd") : herr_set(e, -EIO, "seccomp: short BPF read");
	*n = (size_t)st.st_size / sizeof(struct sock_filter);
	*insns = steal_ptr(&buf);
	return 0;
}

static int build(const struct oci_seccomp *sc, const struct plan *p, struct hull_bpf *out, hull_err *e)
{
	_cleanup_scmp_ scmp_filter_ctx ctx = seccomp_init(p->default_action);
	if (!ctx)
		return herr_set(e, -EINVAL, "seccomp: libseccomp rejected defaultAction %s", sc->default_action);

	uint32_t arches[32];
	int n_arches = resolve_arches(sc, arches, sizeof arches / sizeof arches[0], e);
	if (n_arches < 0)
		return n_arches;
	for (int i = 1; i < n_arches; i++) { /* [0] is native: seccomp_init added it */
		int r = seccomp_arch_add(ctx, arches[i]);
		if (r < 0 && r != -EEXIST)
			return herr_errno(e, r, "seccomp: add architecture %#x", arches[i]);
	}

	int r;
	/* hull sets no_new_privs itself (process.noNewPrivileges); libseccomp would force it. */
	if ((r = set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, "clearing CTL_NNP", e)) < 0)
		return r;
	/* The attributes below only matter to seccomp_load(), which hull does not use; they are
	 * set so that an unsupported flag fails here, early, and the bits go to hull_bpf.flags. */
	if ((p->flags & SECCOMP_FILTER_FLAG_TSYNC) && (r = set_attr(ctx, SCMP_FLTATR_CTL_TSYNC, 1, "TSYNC", e)) < 0)
		return r;
	if ((p->flags & SECCOMP_FILTER_FLAG_LOG) && (r = set_attr(ctx, SCMP_FLTATR_CTL_LOG, 1, "LOG", e)) < 0)
		return r;
	if ((p->flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW) &&
	    (r = set_attr(ctx, SCMP_FLTATR_CTL_SSB, 1, "SPEC_ALLOW", e)) < 0)
		return r;
	if (p->any_notify && seccomp_api_get() < 5)
		return herr_set(e, -ENOTSUP,
				"%s: SCMP_ACT_NOTIFY needs libseccomp >= 2.5 and Linux >= 5.0 (API level %u)", SC_PATH,
				seccomp_api_get());

	size_t n_rules = 0;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *s = &sc->syscalls[i];
		if (p->actions[i] == p->default_action)
			continue; /* libseccomp rejects a rule that repeats the default action */
		for (size_t j = 0; j < s->n_names; j++) {
			int nr = seccomp_syscall_resolve_name(s->names[j]);
			if (nr == __NR_SCMP_ERROR) {
				hull_debug("seccomp: unknown syscall \"%s\" skipped", s->names[j]);
				continue;
			}
			if ((r = add_rule(ctx, s, p->actions[i], nr, s->names[j], e)) < 0)
				return r;
			n_rules++;
			if (p->actions[i] == SCMP_ACT_NOTIFY)
				out->notify = true;
		}
	}
	/* A binary tree over the syscall numbers instead of a linear scan: podman's profile
	 * has ~400 syscalls, each checked on every syscall otherwise. Only for longer rule sets
	 * (runc's threshold: 32 syscalls); libseccomp <= 2.5.4 mishandles the tree with none. */
	if (n_rules > 32 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		hull_debug("seccomp: binary tree optimization not available");

	_cleanup_free_ struct sock_filter *prog = NULL;
	size_t n_prog = 0;
	if ((r = export_bpf(ctx, &prog, &n_prog, e)) < 0)
		return r;

	_cleanup_free_ void *stub = NULL;
	size_t n_stub = 0;
	if (default_denies(p->default_action)) {
		struct seccomp_arch_max am[32];
		for (int i = 0; i < n_arches; i++)
			am[i] = (struct seccomp_arch_max){.scmp_arch = arches[i], .max_nr = profile_max_nr(sc, arches[i])};
		n_stub = seccomp_enosys_stub(am, (size_t)n_arches, &stub);
	}
	if (n_stub + n_prog > BPF_MAXINSNS)
		return herr_set(e, -E2BIG, "seccomp: the filter has %zu instructions, the kernel accepts at most %d",
				n_stub + n_prog, BPF_MAXINSNS);
	struct sock_filter *all = xmalloc((n_stub + n_prog) * sizeof *all);
	if (n_stub)
		memcpy(all, stub, n_stub * sizeof *all);
	memcpy(all + n_stub, prog, n_prog * sizeof *all);
	out->insns = all;
	out->n_insns = n_stub + n_prog;
	return 0;
}

int seccomp_prepare(const struct oci_seccomp *sc, const char *cache_dir, struct hull_bpf *out, hull_err *e)
{
	memset(out, 0, sizeof *out);
	struct plan p = {0};
	int r = validate(sc, &p, e);
	if (r < 0)
		goto done;
	out->flags = p.flags;
	/* WAIT_KILLABLE_RECV describes how a notified syscall waits; the kernel rejects it
	 * without a listener. Without NOTIFY rules it has nothing to act on. */
	if ((out->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !p.any_notify) {
		hull_debug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY rules: ignored");
		out->flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}

	uint8_t key[32];
	if (cache_dir) {
		seccomp_cache_key(sc, key);
		if (seccomp_cache_load(cache_dir, key, out) == 1) {
			out->from_cache = true;
			r = 0;
			goto done;
		}
	}
	r = build(sc, &p, out, e);
	if (r < 0) {
		seccomp_bpf_free(out);
		goto done;
	}
	if ((out->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !out->notify)
		out->flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* its NOTIFY rules were all skipped */
	if (cache_dir) {
		hull_err ce = {0};
		if (seccomp_cache_store(cache_dir, key, out, &ce) < 0)
			hull_debug("seccomp: cache not written: %s", ce.msg);
	}
	r = 0;
done:
	plan_free(&p);
	return r;
}

void seccomp_bpf_free(struct hull_bpf *bpf)
{
	if (!bpf)
		return;
	free(bpf->insns);
	bpf->insns = NULL;
	bpf->n_insns = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

int seccomp_load_bpf(const struct hull_bpf *bpf, int *notify_fd, hull_err *e)
{
	if (notify_fd)
		*notify_fd = -1;
	if (!bpf->insns || bpf->n_insns == 0 || bpf->n_insns > BPF_MAXINSNS)
		return herr_set(e, -EINVAL, "seccomp: no filter to load");
	struct sock_fprog prog = {.len = (unsigned short)bpf->n_insns, .filter = bpf->insns};
	unsigned long flags = bpf->flags;
	if (bpf->notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC reports a thread it failed to sync as the return value, which collides with
		 * the listener fd; TSYNC_ESRCH makes that an error instead (the kernel demands it). */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	long r = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0) {
		if (errno == EACCES)
			return herr_sys(e, "seccomp: load filter (set no_new_privs or keep CAP_SYS_ADMIN)");
		return herr_sys(e, "seccomp: load filter (flags %#lx)", flags);
	}
	if (bpf->notify) {
		if (notify_fd)
			*notify_fd = (int)r;
		else
			close((int)r); /* nobody to answer: the kernel fails notified syscalls with ENOSYS */
	} else if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && r > 0) {
		return herr_set(e, -EAGAIN, "seccomp: thread %ld could not be synchronized to the filter", r);
	}
	return 0;
}

enum { HANDOFF_WAITING = -1, HANDOFF_ABORT = -2 };

int seccomp_load_handoff(const struct hull_bpf *bpf, int (*send_fd)(int fd, void *arg), void *arg, hull_err *e)
{
	int fd;
	if (!bpf->notify)
		return seccomp_load_bpf(bpf, &fd, e);

	int *slot = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slot == MAP_FAILED)
		return herr_sys(e, "seccomp: mmap");
	__atomic_store_n(slot, HANDOFF_WAITING, __ATOMIC_RELEASE);
	pid_t parent = getpid();
	/* CLONE_FILES: the helper sees the listener fd the moment seccomp() returns it. Forked
	 * before the filter, the helper itself is not filtered. Raw clone (no stack given)
	 * behaves like fork for memory. */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int r = herr_sys(e, "seccomp: clone listener helper");
		munmap(slot, sizeof(int));
		return r;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (int waited = 0;; waited++) {
			int v = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
			if (v >= 0)
				_exit(-send_fd(v, arg) & 0xff);
			if (v == HANDOFF_ABORT || getppid() != parent || waited > 30000) /* 30 s */
				_exit(ECANCELED);
			usleep(1000);
		}
	}
	/* From the filter on, this process only writes memory until the helper is done (a
	 * profile may notify or deny anything, including the wait). */
	int r = seccomp_load_bpf(bpf, &fd, e);
	__atomic_store_n(slot, r < 0 ? HANDOFF_ABORT : fd, __ATOMIC_RELEASE);
	int status = 0;
	pid_t w;
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	int werr = errno;
	munmap(slot, sizeof(int));
	if (r < 0)
		return r;
	close(fd); /* the helper sent its own reference; ours would only leak into the process */
	if (w < 0)
		return herr_errno(e, -werr, "seccomp: wait for the listener helper");
	if (!WIFEXITED(status))
		return herr_set(e, -EIO, "seccomp: listener helper killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return herr_errno(e, -WEXITSTATUS(status), "seccomp: hand over the listener fd");
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* listenerPath                                                                                */

char *seccomp_listener_state_json(const char *state_json, pid_t pid, const char *metadata)
{
	struct strbuf sb = {0};
	sb_append(&sb, "{\"ociVersion\":");
	sb_append_json_str(&sb, HULL_OCI_VERSION);
	sb_appendf(&sb, ",\"fds\":[\"seccompFd\"],\"pid\":%d", (int)pid);
	if (metadata) {
		sb_append(&sb, ",\"metadata\":");
		sb_append_json_str(&sb, metadata);
	}
	sb_append(&sb, ",\"state\":");
	/* embed the state object as is, without trailing whitespace/newline */
	const char *s = state_json ? state_json : "{}";
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	_cleanup_free_ char *trimmed = strndup(s, len);
	if (!trimmed)
		abort();
	sb_append(&sb, trimmed);
	sb_append(&sb, "}");
	return sb.buf;
}

int seccomp_send_listener(const char *listener_path, int notify_fd, const char *state_json, hull_err *e)
{
	if (!listener_path || !*listener_path)
		return herr_set(e, -EINVAL, "seccomp: empty listenerPath");
	/* Agents parse the container process state, not the bare runtime state: catch a caller
	 * that forgot to wrap it rather than send something the agent cannot use. */
	if (!state_json || !strstr(state_json, "\"fds\":[\"seccompFd\"]"))
		return herr_set(e, -EINVAL,
				"seccomp: internal error: listenerPath needs the container process state "
				"(seccomp_listener_state_json)");
	_cleanup_fd_ int sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return herr_sys(e, "seccomp: socket");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_fd_ int pathfd = -1;
	if (strlen(listener_path) < sizeof sa.sun_path) {
		strcpy(sa.sun_path, listener_path);
	} else {
		/* Too long for sun_path: connect through the magic link of an O_PATH fd. */
		pathfd = open(listener_path, O_PATH | O_CLOEXEC);
		if (pathfd < 0)
			return herr_sys(e, "seccomp: open listenerPath %s", listener_path);
		snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d", pathfd);
	}
	int r;
	do
		r = connect(sk, (struct sockaddr *)&sa, sizeof sa);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return herr_sys(e, "seccomp: connect to listenerPath %s", listener_path);

	const char *data = state_json ? state_json : "";
	size_t len = strlen(data), off = 0;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sk, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return herr_sys(e, "seccomp: send the listener fd to %s", listener_path);
	/* The fd went with the first call; the spec allows the rest in further calls. */
	for (off = (size_t)n; off < len; off += (size_t)n) {
		do
			n = send(sk, data + off, len - off, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return herr_sys(e, "seccomp: send the container state to %s", listener_path);
	}
	return 0;
}
