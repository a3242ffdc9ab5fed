/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: filters are really loaded, in forked children, and their effect observed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/seccomp.h"
#include "runtime/seccomp_internal.h"

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

/* ---- a JSON profile -> struct oci_seccomp (the test's own little converter) ---- */

static char *jstr(yajl_val v)
{
	return YAJL_IS_STRING(v) ? xstrdup(YAJL_GET_STRING(v)) : NULL;
}

static uint64_t jnum(yajl_val v)
{
	cr_assert(YAJL_IS_NUMBER(v));
	return strtoull(v->u.number.r, NULL, 10);
}

static char **jstrv(yajl_val v, size_t *n)
{
	*n = YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
	if (!YAJL_IS_ARRAY(v))
		return NULL;
	char **out = xcalloc(*n + 1, sizeof *out);
	for (size_t i = 0; i < *n; i++)
		out[i] = jstr(v->u.array.values[i]);
	return out;
}

static int op_value(const char *s)
{
	static const char *const ops[] = {NULL, "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
					  "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
	for (int i = 1; i < 8; i++)
		if (s && strcmp(s, ops[i]) == 0)
			return i;
	cr_assert_fail("bad op %s", s ? s : "(null)");
	return 0;
}

static void to_seccomp(yajl_val o, struct oci_seccomp *sc)
{
	memset(sc, 0, sizeof *sc);
	const char *k_def[] = {"defaultAction", NULL}, *k_errno[] = {"defaultErrnoRet", NULL},
		   *k_arch[] = {"architectures", NULL}, *k_flags[] = {"flags", NULL}, *k_sys[] = {"syscalls", NULL},
		   *k_lp[] = {"listenerPath", NULL}, *k_lm[] = {"listenerMetadata", NULL};
	sc->default_action = jstr(yajl_tree_get(o, k_def, yajl_t_string));
	yajl_val v = yajl_tree_get(o, k_errno, yajl_t_number);
	if (v) {
		sc->has_default_errno_ret = true;
		sc->default_errno_ret = (uint32_t)jnum(v);
	}
	sc->architectures = jstrv(yajl_tree_get(o, k_arch, yajl_t_array), &sc->n_architectures);
	sc->flags = jstrv(yajl_tree_get(o, k_flags, yajl_t_array), &sc->n_flags);
	sc->listener_path = jstr(yajl_tree_get(o, k_lp, yajl_t_string));
	sc->listener_metadata = jstr(yajl_tree_get(o, k_lm, yajl_t_string));
	yajl_val sys = yajl_tree_get(o, k_sys, yajl_t_array);
	if (!sys)
		return;
	sc->n_syscalls = sys->u.array.len;
	sc->syscalls = xcalloc(sc->n_syscalls ? sc->n_syscalls : 1, sizeof *sc->syscalls);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		yajl_val s = sys->u.array.values[i];
		struct oci_seccomp_syscall *d = &sc->syscalls[i];
		const char *k_names[] = {"names", NULL}, *k_act[] = {"action", NULL}, *k_er[] = {"errnoRet", NULL},
			   *k_args[] = {"args", NULL};
		d->names = jstrv(yajl_tree_get(s, k_names, yajl_t_array), &d->n_names);
		d->action = jstr(yajl_tree_get(s, k_act, yajl_t_string));
		if ((v = yajl_tree_get(s, k_er, yajl_t_number))) {
			d->has_errno_ret = true;
			d->errno_ret = (uint32_t)jnum(v);
		}
		yajl_val args = yajl_tree_get(s, k_args, yajl_t_array);
		d->n_args = args ? args->u.array.len : 0;
		d->args = xcalloc(d->n_args ? d->n_args : 1, sizeof *d->args);
		for (size_t j = 0; j < d->n_args; j++) {
			yajl_val a = args->u.array.values[j];
			const char *k_i[] = {"index", NULL}, *k_v[] = {"value", NULL}, *k_v2[] = {"valueTwo", NULL},
				   *k_op[] = {"op", NULL};
			d->args[j].index = (unsigned)jnum(yajl_tree_get(a, k_i, yajl_t_number));
			d->args[j].value = jnum(yajl_tree_get(a, k_v, yajl_t_number));
			yajl_val v2 = yajl_tree_get(a, k_v2, yajl_t_number);
			d->args[j].value_two = v2 ? jnum(v2) : 0;
			d->args[j].op = op_value(YAJL_GET_STRING(yajl_tree_get(a, k_op, yajl_t_string)));
		}
	}
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static void seccomp_clear(struct oci_seccomp *sc)
{
	free(sc->default_action);
	strv_free(sc->architectures);
	strv_free(sc->flags);
	free(sc->listener_path);
	free(sc->listener_metadata);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		strv_free(sc->syscalls[i].names);
		free(sc->syscalls[i].action);
		free(sc->syscalls[i].args);
	}
	free(sc->syscalls);
	memset(sc, 0, sizeof *sc);
}

static void parse_profile(const char *json, struct oci_seccomp *sc)
{
	char err[256];
	yajl_val o = yajl_tree_parse(json, err, sizeof err);
	cr_assert(o, "bad test JSON: %s", err);
	to_seccomp(o, sc);
	yajl_tree_free(o);
}

/* Compile `json`; asserts success. */
static void prepare_json(const char *json, struct hull_bpf *bpf)
{
	struct oci_seccomp sc;
	parse_profile(json, &sc);
	hull_err e = {0};
	int r = seccomp_prepare(&sc, NULL, bpf, &e);
	seccomp_clear(&sc);
	cr_assert_eq(r, 0, "seccomp_prepare: %s", e.msg);
	cr_assert(bpf->n_insns > 0);
}

/* Expect seccomp_prepare to fail with a message containing `want`. */
static void prepare_fails(const char *json, const char *want)
{
	struct oci_seccomp sc;
	parse_profile(json, &sc);
	struct hull_bpf bpf;
	hull_err e = {0};
	int r = seccomp_prepare(&sc, NULL, &bpf, &e);
	seccomp_clear(&sc);
	cr_assert_lt(r, 0, "prepare should fail for %s", json);
	cr_assert(strstr(e.msg, want), "message \"%s\" lacks \"%s\"", e.msg, want);
	cr_assert_null(bpf.insns);
}

/* ---- running a filter in a child ---- */

/* fork; the child sets no_new_privs, loads bpf, runs fn and exits with its result.
 * Returns the wait status. Exit 100 = load failed. */
static int run_filtered(const struct hull_bpf *bpf, int (*fn)(void))
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd;
		hull_err e = {0};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load_bpf(bpf, &fd, &e) < 0)
			_exit(100);
		/* exit_group directly: the sanitizers' _exit hooks need syscalls the profile denies */
		syscall(__NR_exit_group, fn());
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static void assert_exit0(int st)
{
	cr_assert(WIFEXITED(st), "child killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	cr_assert_eq(WEXITSTATUS(st), 0, "child check %d failed (100 = load failed)", WEXITSTATUS(st));
}

static void assert_sigsys(int st)
{
	cr_assert(WIFSIGNALED(st), "child was not killed (exit %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	cr_assert_eq(WTERMSIG(st), SIGSYS);
}

/* errno of a raw syscall that is expected to fail, or 0 if it succeeded */
#define SYS_ERRNO(...) (syscall(__VA_ARGS__) < 0 ? errno : 0)

/* Allowed by the restrictive test profiles: the sanitizer runtime maps memory in the child. */
#define RUNTIME_SYSCALLS "\"mmap\",\"munmap\",\"mprotect\",\"madvise\","

/* ---- rules and actions ---- */

static int child_mkdir_42(void)
{
	if (mkdir("/nonexistent-hull-test/dir", 0700) == 0 || errno != 42)
		return 1;
	if (SYS_ERRNO(__NR_mkdirat, AT_FDCWD, "/nonexistent-hull-test/dir", 0700) != 42)
		return 2;
	/* other syscalls are untouched: the real error comes through */
	if (SYS_ERRNO(__NR_rmdir, "/nonexistent-hull-test/dir") != ENOENT)
		return 3;
	return 0;
}

Test(seccomp, errno_ret_applies)
{
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}",
		     &bpf);
	cr_assert_eq(bpf.flags, 0);
	cr_assert_not(bpf.notify);
	assert_exit0(run_filtered(&bpf, child_mkdir_42));
	seccomp_bpf_free(&bpf);
}

static int child_mkdir_eperm(void)
{
	return SYS_ERRNO(__NR_mkdir, "/nonexistent-hull-test/dir", 0700) == EPERM ? 0 : 1;
}

Test(seccomp, errno_defaults_to_eperm)
{
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\"}]}",
		     &bpf);
	assert_exit0(run_filtered(&bpf, child_mkdir_eperm));
	seccomp_bpf_free(&bpf);
}

static int child_getppid(void)
{
	syscall(__NR_getppid);
	return 0; /* reached only if the filter did not act */
}

Test(seccomp, kill_actions_kill_with_sigsys)
{
	const char *acts[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"};
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		_cleanup_free_ char *json = xasprintf(
			"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"%s\"}]}",
			acts[i]);
		struct hull_bpf bpf;
		prepare_json(json, &bpf);
		assert_sigsys(run_filtered(&bpf, child_getppid));
		seccomp_bpf_free(&bpf);
	}
}

Test(seccomp, default_kill_kills_unlisted)
{
	struct hull_bpf bpf;
	/* everything allowed except what is not listed: getppid is not listed */
	prepare_json("{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":[" RUNTIME_SYSCALLS "\"exit\",\"exit_group\","
		     "\"write\",\"rt_sigreturn\",\"read\",\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     &bpf);
	assert_sigsys(run_filtered(&bpf, child_getppid));
	seccomp_bpf_free(&bpf);
}

static int child_args(void)
{
	/* MASKED_EQ: (mode & 0700) == 0700 -> errno 33 */
	if (SYS_ERRNO(__NR_umask, 0777) != 33)
		return 1;
	if (SYS_ERRNO(__NR_umask, 0077) != 0)
		return 2;
	/* two different indexes: AND */
	if (SYS_ERRNO(__NR_getpriority, 5, 7) != 44)
		return 3;
	if (SYS_ERRNO(__NR_getpriority, 5, 8) != EINVAL) /* one condition only: the kernel answers */
		return 4;
	/* the same index twice: OR (separate rules) */
	if (SYS_ERRNO(__NR_setpriority, 11, 0, 0) != 45 || SYS_ERRNO(__NR_setpriority, 12, 0, 0) != 45)
		return 5;
	if (SYS_ERRNO(__NR_setpriority, 13, 0, 0) != EINVAL)
		return 6;
	/* GT on a 64-bit value */
	if (SYS_ERRNO(__NR_getpriority, 100, 0) != 46)
		return 7;
	return 0;
}

Test(seccomp, args_masked_eq_and_or)
{
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
		     "{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33,"
		     " \"args\":[{\"index\":0,\"value\":448,\"valueTwo\":448,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		     "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":44,"
		     " \"args\":[{\"index\":0,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]},"
		     "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":46,"
		     " \"args\":[{\"index\":0,\"value\":99,\"op\":\"SCMP_CMP_GT\"}]},"
		     "{\"names\":[\"setpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":45,"
		     " \"args\":[{\"index\":0,\"value\":11,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":12,\"op\":\"SCMP_CMP_EQ\"}]}"
		     "]}",
		     &bpf);
	assert_exit0(run_filtered(&bpf, child_args));
	seccomp_bpf_free(&bpf);
}

Test(seccomp, unknown_syscall_name_skipped)
{
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"no_such_syscall_hull\",\"mkdir\","
		     "\"another_future_syscall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
		     &bpf);
	assert_exit0(run_filtered(&bpf, child_mkdir_eperm));
	seccomp_bpf_free(&bpf);
}

static int child_rule_same_as_default(void)
{
	/* getppid's rule repeats the default ERRNO(EPERM) and was skipped: still EPERM; mkdir
	 * has its own errno */
	if (SYS_ERRNO(__NR_getppid) != EPERM)
		return 1;
	return SYS_ERRNO(__NR_mkdir, "/nonexistent-hull-test/d", 0700) == 7 ? 0 : 2;
}

Test(seccomp, rule_equal_to_default_is_skipped)
{
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		     "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
		     "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7},"
		     "{\"names\":[" RUNTIME_SYSCALLS "\"exit_group\",\"exit\",\"rt_sigreturn\",\"write\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     &bpf);
	assert_exit0(run_filtered(&bpf, child_rule_same_as_default));
	seccomp_bpf_free(&bpf);
}

/* ---- ENOSYS for syscalls newer than the profile ---- */

#define OLD_PROFILE(def)                                                                                       \
	"{\"defaultAction\":\"" def "\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]," \
	"\"syscalls\":[{\"names\":[" RUNTIME_SYSCALLS "\"read\",\"write\",\"exit\",\"exit_group\",\"rt_sigreturn\"],"  \
	"\"action\":\"SCMP_ACT_ALLOW\"}]}"

static int child_enosys(void)
{
	/* exit_group (231) is the newest syscall the profile names */
	if (SYS_ERRNO(__NR_clone3, NULL, 0) != ENOSYS)
		return 1;
	/* 460 (lsm_list_modules) is newer than this libseccomp's table too */
	if (SYS_ERRNO(460, 0, 0, 0) != ENOSYS)
		return 2;
	/* an old syscall the profile does not list keeps the default action */
	if (SYS_ERRNO(__NR_mkdir, "/nonexistent-hull-test/d", 0700) != EPERM)
		return 3;
	if (SYS_ERRNO(__NR_getppid) != EPERM)
		return 4;
	return 0;
}

Test(seccomp, enosys_for_syscalls_newer_than_profile)
{
	struct hull_bpf bpf;
	prepare_json(OLD_PROFILE("SCMP_ACT_ERRNO"), &bpf);
	assert_exit0(run_filtered(&bpf, child_enosys));
	seccomp_bpf_free(&bpf);
}

static int child_clone3_enosys(void)
{
	return SYS_ERRNO(__NR_clone3, NULL, 0) == ENOSYS ? 0 : 1;
}

Test(seccomp, enosys_with_kill_default)
{
	struct hull_bpf bpf;
	prepare_json(OLD_PROFILE("SCMP_ACT_KILL_PROCESS"), &bpf);
	/* newer than the profile: ENOSYS, not killed */
	assert_exit0(run_filtered(&bpf, child_clone3_enosys));
	/* old and unlisted: killed */
	assert_sigsys(run_filtered(&bpf, child_getppid));
	seccomp_bpf_free(&bpf);
}

static int child_new_syscall_allowed(void)
{
	/* with an allowing default nothing is rewritten: clone3 with a NULL args is EFAULT/EINVAL */
	int r = SYS_ERRNO(__NR_clone3, NULL, 0);
	return r != ENOSYS && r != EPERM ? 0 : 1;
}

Test(seccomp, no_enosys_stub_for_allowing_default)
{
	struct hull_bpf allow, enosys_default, eperm;
	prepare_json(OLD_PROFILE("SCMP_ACT_ALLOW"), &allow);
	assert_exit0(run_filtered(&allow, child_new_syscall_allowed));
	/* ERRNO(ENOSYS) as default (podman's) needs no stub either; ERRNO(EPERM) does */
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     &enosys_default);
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":[{\"names\":[\"read\"],"
		     "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		     &eperm);
	cr_assert_gt(eperm.n_insns, enosys_default.n_insns);
	struct sock_filter *f = eperm.insns;
	cr_assert_eq(f[0].code, BPF_LD | BPF_W | BPF_ABS, "the stub starts by loading the arch");
	seccomp_bpf_free(&allow);
	seccomp_bpf_free(&enosys_default);
	seccomp_bpf_free(&eperm);
}

/* A classic-BPF interpreter for the instructions the stub uses; the "filter" behind the stub
 * is a single RET ALLOW. Returns the action, or 0xdead on a malformed program. */
static uint32_t run_bpf(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr)
{
	uint32_t a = 0;
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &p[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k == 0)
				a = nr;
			else if (i->k == 4)
				a = arch;
			else
				return 0xdead;
			break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		default: return 0xdead;
		}
	}
	return 0xdead; /* fell off the end */
}

static uint32_t stub_verdict(const struct seccomp_arch_max *am, size_t n_am, uint32_t arch, uint32_t nr)
{
	void *stub = NULL;
	size_t n = seccomp_enosys_stub(am, n_am, &stub);
	struct sock_filter *prog = xcalloc(n + 1, sizeof *prog);
	if (n)
		memcpy(prog, stub, n * sizeof *prog);
	prog[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	uint32_t v = run_bpf(prog, n + 1, arch, nr);
	free(stub);
	free(prog);
	return v;
}

Test(seccomp, enosys_stub_per_arch)
{
	const uint32_t ENOSYS_RET = SECCOMP_RET_ERRNO | ENOSYS, ALLOW = SECCOMP_RET_ALLOW;
	struct seccomp_arch_max am[] = {
		{SCMP_ARCH_X86_64, 231},
		{SCMP_ARCH_X86, 252},
		{SCMP_ARCH_X32, 0x40000000 | 547},
		{SCMP_ARCH_AARCH64, -1}, /* nothing resolves: no section */
	};
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_X86_64, 0), ALLOW);
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_X86_64, 231), ALLOW);
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_X86_64, 232), ENOSYS_RET);
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_X86_64, 435), ENOSYS_RET);
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_X86_64, 0x40000000 | 300), ALLOW, "x32 below its max");
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_X86_64, 0x40000000 | 548), ENOSYS_RET, "x32 above its max");
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_I386, 252), ALLOW);
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_I386, 253), ENOSYS_RET);
	cr_assert_eq(stub_verdict(am, 4, AUDIT_ARCH_AARCH64, 1000), ALLOW, "no section: the filter decides");
	/* x86_64 without x32 in the profile: x32 numbers go to the filter (which kills them) */
	cr_assert_eq(stub_verdict(am, 1, AUDIT_ARCH_X86_64, 0x40000000 | 1000), ALLOW);
	cr_assert_eq(stub_verdict(am, 1, AUDIT_ARCH_X86_64, 1000), ENOSYS_RET);
	/* nothing resolves anywhere: no stub at all */
	void *stub = (void *)1;
	cr_assert_eq(seccomp_enosys_stub(&am[3], 1, &stub), 0);
	cr_assert_null(stub);
}

/* ---- validation ---- */

Test(seccomp, invalid_profiles_rejected_with_path)
{
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
		      "\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":5}]}",
		      ".linux.seccomp.syscalls[0].errnoRet");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":5}", ".linux.seccomp.defaultErrnoRet");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY cannot be the default");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_BOGUS\"]}",
		      ".linux.seccomp.flags[0]");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
		      ".linux.seccomp.architectures[0]");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
		      "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		      ".linux.seccomp.syscalls[0].args[0].index");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
		      "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":70000}]}",
		      "out of range");
	prepare_fails("{\"defaultAction\":\"SCMP_ACT_FOO\"}", "unknown action");
}

Test(seccomp, flags_kept_for_load)
{
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
		     "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_TSYNC\","
		     "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
		     "\"architectures\":[\"SCMP_ARCH_LOONGARCH64\"],"
		     "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
		     &bpf);
	/* WAIT_KILLABLE_RECV needs a listener: dropped without NOTIFY rules */
	cr_assert_eq(bpf.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC);
	/* and the kernel accepts the filter with those flags */
	assert_exit0(run_filtered(&bpf, child_mkdir_eperm));
	seccomp_bpf_free(&bpf);
}

/* ---- cache ---- */

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/hull-seccomp-test.XXXXXX";
	cr_assert_not_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void rm_rf(const char *dir)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static const char *CACHE_PROFILE =
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
	"\"listenerPath\":\"/run/agent.sock\","
	"\"syscalls\":[{\"names\":[" RUNTIME_SYSCALLS "\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	"{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";

static int child_mkdir_42_only(void)
{
	if (SYS_ERRNO(__NR_mkdir, "/nonexistent-hull-test/d", 0700) != 42)
		return 1;
	return SYS_ERRNO(__NR_getppid) == EPERM ? 0 : 2;
}

Test(seccomp, cache_hit_gives_identical_bpf)
{
	_cleanup_free_ char *dir = make_tmpdir();
	_cleanup_free_ char *cache = xasprintf("%s/cache/seccomp", dir); /* created on demand */
	struct oci_seccomp sc;
	parse_profile(CACHE_PROFILE, &sc);
	struct hull_bpf a, b, nocache;
	hull_err e = {0};
	cr_assert_eq(seccomp_prepare(&sc, cache, &a, &e), 0, "%s", e.msg);
	cr_assert_not(a.from_cache);
	cr_assert_eq(seccomp_prepare(&sc, cache, &b, &e), 0, "%s", e.msg);
	cr_assert(b.from_cache, "second prepare must be a cache hit");
	cr_assert_eq(seccomp_prepare(&sc, NULL, &nocache, &e), 0, "%s", e.msg);
	cr_assert_not(nocache.from_cache);
	cr_assert_eq(a.n_insns, b.n_insns);
	cr_assert_eq(a.n_insns, nocache.n_insns);
	cr_assert_eq(memcmp(a.insns, b.insns, a.n_insns * sizeof(struct sock_filter)), 0);
	cr_assert_eq(memcmp(a.insns, nocache.insns, a.n_insns * sizeof(struct sock_filter)), 0);
	cr_assert_eq(a.flags, b.flags);
	cr_assert_eq(a.notify, b.notify);
	/* the cached filter works */
	assert_exit0(run_filtered(&b, child_mkdir_42_only));

	/* listenerPath does not shape the BPF: same key; an errnoRet does */
	uint8_t k1[32], k2[32], k3[32];
	seccomp_cache_key(&sc, k1);
	free(sc.listener_path);
	sc.listener_path = NULL;
	seccomp_cache_key(&sc, k2);
	cr_assert_eq(memcmp(k1, k2, 32), 0);
	sc.syscalls[1].errno_ret = 43;
	seccomp_cache_key(&sc, k3);
	cr_assert_neq(memcmp(k1, k3, 32), 0);

	seccomp_bpf_free(&a);
	seccomp_bpf_free(&b);
	seccomp_bpf_free(&nocache);
	seccomp_clear(&sc);
	rm_rf(dir);
}

static void corrupt_and_check(const char *cache, const struct oci_seccomp *sc, const struct hull_bpf *good,
			      void (*damage)(const char *path))
{
	uint8_t key[32];
	seccomp_cache_key(sc, key);
	_cleanup_free_ char *path = seccomp_cache_path(cache, key);
	damage(path);
	struct hull_bpf again, third;
	hull_err e = {0};
	cr_assert_eq(seccomp_prepare(sc, cache, &again, &e), 0, "%s", e.msg);
	cr_assert_not(again.from_cache, "a damaged cache file must not be used");
	cr_assert_eq(again.n_insns, good->n_insns);
	cr_assert_eq(memcmp(again.insns, good->insns, good->n_insns * sizeof(struct sock_filter)), 0);
	/* and it was rewritten */
	cr_assert_eq(seccomp_prepare(sc, cache, &third, &e), 0, "%s", e.msg);
	cr_assert(third.from_cache);
	seccomp_bpf_free(&again);
	seccomp_bpf_free(&third);
}

static void truncate_file(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(truncate(path, st.st_size - 9), 0);
}

static void flip_byte(const char *path)
{
	int fd = open(path, O_RDWR);
	cr_assert_geq(fd, 0);
	char c;
	cr_assert_eq(pread(fd, &c, 1, 100), 1);
	c ^= 0x01;
	cr_assert_eq(pwrite(fd, &c, 1, 100), 1);
	close(fd);
}

static void empty_file(const char *path)
{
	cr_assert_eq(truncate(path, 0), 0);
}

Test(seccomp, corrupt_cache_is_rebuilt)
{
	_cleanup_free_ char *dir = make_tmpdir();
	struct oci_seccomp sc;
	parse_profile(CACHE_PROFILE, &sc);
	struct hull_bpf good;
	hull_err e = {0};
	cr_assert_eq(seccomp_prepare(&sc, dir, &good, &e), 0, "%s", e.msg);
	corrupt_and_check(dir, &sc, &good, truncate_file);
	corrupt_and_check(dir, &sc, &good, flip_byte);
	corrupt_and_check(dir, &sc, &good, empty_file);
	seccomp_bpf_free(&good);
	seccomp_clear(&sc);
	rm_rf(dir);
}

Test(seccomp, sha256_known_answers)
{
	uint8_t out[32];
	char hex[65];
	hull_sha256("abc", 3, out);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* crosses a block */
	hull_sha256(two, strlen(two), out);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* incremental == one shot */
	struct hull_sha256 s;
	uint8_t inc[32];
	hull_sha256_init(&s);
	for (size_t i = 0; i < strlen(two); i++)
		hull_sha256_update(&s, two + i, 1);
	hull_sha256_final(&s, inc);
	cr_assert_eq(memcmp(inc, out, 32), 0);
}

/* ---- NOTIFY and listenerPath ---- */

static int send_fd_over(int fd, void *arg)
{
	int sock = *(int *)arg;
	char byte = 'F';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* Receive one message and its fd; with until_eof, the rest of the stream too. */
static ssize_t recv_with_fd(int sock, char *buf, size_t cap, int *fd, bool until_eof)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = cap - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
	*fd = -1;
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof *fd);
	size_t total = (size_t)n;
	while (until_eof && n > 0 && total < cap - 1) {
		n = read(sock, buf + total, cap - 1 - total);
		if (n > 0)
			total += (size_t)n;
	}
	buf[total] = '\0';
	return (ssize_t)total;
}

static const char *NOTIFY_PROFILE = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"x\","
				    "\"syscalls\":[{\"names\":[\"mkdirat\",\"sendmsg\",\"write\"],"
				    "\"action\":\"SCMP_ACT_NOTIFY\"}]}";

/* The child: the profile notifies sendmsg and write too, which is why the hand-off must not
 * be done by the filtered process itself. */
static pid_t spawn_notified_child(const struct hull_bpf *bpf, int sock)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		hull_err e = {0};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(9);
		if (seccomp_load_handoff(bpf, send_fd_over, &sock, &e) < 0)
			_exit(10);
		long v = syscall(__NR_mkdirat, AT_FDCWD, "/nonexistent-hull-test/x", 0700);
		_exit(v == 4242 ? 0 : 11);
	}
	return pid;
}

/* The agent side: answer the one notification with 4242. */
static void answer_notification(int agent_fd, pid_t child)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	cr_assert_eq(seccomp_notify_alloc(&req, &resp), 0);
	cr_assert_eq(seccomp_notify_receive(agent_fd, req), 0);
	cr_assert_eq(req->data.nr, __NR_mkdirat);
	cr_assert_eq(req->pid, (uint32_t)child);
	resp->id = req->id;
	resp->val = 4242;
	resp->error = 0;
	resp->flags = 0;
	cr_assert_eq(seccomp_notify_respond(agent_fd, resp), 0);
	seccomp_notify_free(req, resp);
}

static void notify_round_trip(const char *sock_dir)
{
	struct hull_bpf bpf;
	prepare_json(NOTIFY_PROFILE, &bpf);
	cr_assert(bpf.notify);

	_cleanup_free_ char *path = xasprintf("%s/agent.sock", sock_dir);
	int lsk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	/* bind through the directory, so paths longer than sun_path work in the test too */
	int dfd = open(sock_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/agent.sock", dfd);
	cr_assert_eq(bind(lsk, (struct sockaddr *)&sa, sizeof sa), 0, "bind: %s", strerror(errno));
	cr_assert_eq(listen(lsk, 1), 0);

	int sp[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	pid_t child = spawn_notified_child(&bpf, sp[1]);
	close(sp[1]);

	/* runtime side: the init handed the listener to us; pass it on to listenerPath */
	char b[8];
	int notify_fd;
	cr_assert_eq(recv_with_fd(sp[0], b, sizeof b, &notify_fd, false), 1);
	cr_assert_geq(notify_fd, 0, "no listener fd from the child");
	_cleanup_free_ char *state = seccomp_listener_state_json(
		"{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":77,\"bundle\":\"/b\"}\n", child,
		"MKNOD=/dev/null");
	hull_err e = {0};
	cr_assert_eq(seccomp_send_listener(path, notify_fd, state, &e), 0, "%s", e.msg);
	close(notify_fd);

	/* agent side */
	int conn = accept4(lsk, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_geq(conn, 0);
	char json[4096];
	int agent_fd;
	cr_assert_gt(recv_with_fd(conn, json, sizeof json, &agent_fd, true), 0);
	cr_assert_geq(agent_fd, 0, "the fd must come in SCM_RIGHTS");
	char err[128];
	yajl_val o = yajl_tree_parse(json, err, sizeof err);
	cr_assert_not_null(o, "state is not JSON: %s: %s", err, json);
	const char *k_fds[] = {"fds", NULL}, *k_pid[] = {"pid", NULL}, *k_meta[] = {"metadata", NULL},
		   *k_id[] = {"state", "id", NULL}, *k_ver[] = {"ociVersion", NULL};
	yajl_val fds = yajl_tree_get(o, k_fds, yajl_t_array);
	cr_assert(fds && fds->u.array.len == 1);
	cr_assert_str_eq(YAJL_GET_STRING(fds->u.array.values[0]), "seccompFd");
	cr_assert_eq(YAJL_GET_INTEGER(yajl_tree_get(o, k_pid, yajl_t_number)), child);
	cr_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(o, k_meta, yajl_t_string)), "MKNOD=/dev/null");
	cr_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(o, k_id, yajl_t_string)), "c1");
	cr_assert_not_null(yajl_tree_get(o, k_ver, yajl_t_string));
	yajl_tree_free(o);

	answer_notification(agent_fd, child);
	int st;
	cr_assert_eq(waitpid(child, &st, 0), child);
	assert_exit0(st);
	close(agent_fd);
	close(conn);
	close(lsk);
	close(dfd);
	close(sp[0]);
	seccomp_bpf_free(&bpf);
}

Test(seccomp, notify_round_trip_through_listener_path, .timeout = 30)
{
	_cleanup_free_ char *dir = make_tmpdir();
	notify_round_trip(dir);
	rm_rf(dir);
}

Test(seccomp, listener_path_longer_than_sun_path, .timeout = 30)
{
	_cleanup_free_ char *dir = make_tmpdir();
	char *deep = xasprintf("%s/%0120d", dir, 0);
	cr_assert_eq(mkdir(deep, 0700), 0);
	cr_assert_gt(strlen(deep) + strlen("/agent.sock"), sizeof(((struct sockaddr_un *)0)->sun_path));
	notify_round_trip(deep);
	free(deep);
	rm_rf(dir);
}

Test(seccomp, send_listener_fails_without_agent)
{
	hull_err e = {0};
	_cleanup_free_ char *state = seccomp_listener_state_json("{}", 1, NULL);
	int r = seccomp_send_listener("/nonexistent-hull-test/agent.sock", 0, state, &e);
	cr_assert_lt(r, 0);
	cr_assert(strstr(e.msg, "/nonexistent-hull-test/agent.sock"), "%s", e.msg);
	/* a bare runtime state is refused rather than sent in the wrong shape */
	r = seccomp_send_listener("/nonexistent-hull-test/agent.sock", 0, "{\"id\":\"x\"}", &e);
	cr_assert_eq(r, -EINVAL);
	cr_assert(strstr(e.msg, "seccomp_listener_state_json"), "%s", e.msg);
}

Test(seccomp, load_bpf_returns_listener_fd, .timeout = 30)
{
	/* Plain seccomp_load_bpf: the listener comes back to the caller; here the child sends it
	 * itself, so the profile notifies only mkdirat. */
	struct hull_bpf bpf;
	prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdirat\"],"
		     "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		     &bpf);
	int sp[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		int fd;
		hull_err e = {0};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load_bpf(&bpf, &fd, &e) < 0 || fd < 0)
			_exit(10);
		if (send_fd_over(fd, &sp[1]) < 0)
			_exit(12);
		long v = syscall(__NR_mkdirat, AT_FDCWD, "/nonexistent-hull-test/x", 0700);
		_exit(v == 4242 ? 0 : 11);
	}
	close(sp[1]);
	char b[8];
	int agent_fd;
	cr_assert_eq(recv_with_fd(sp[0], b, sizeof b, &agent_fd, false), 1);
	cr_assert_geq(agent_fd, 0);
	answer_notification(agent_fd, child);
	int st;
	cr_assert_eq(waitpid(child, &st, 0), child);
	assert_exit0(st);
	close(agent_fd);
	close(sp[0]);
	seccomp_bpf_free(&bpf);
}

Test(seccomp, listener_state_json_shape)
{
	_cleanup_free_ char *j = seccomp_listener_state_json("{\"id\":\"x\"}", 4422, NULL);
	char err[128];
	yajl_val o = yajl_tree_parse(j, err, sizeof err);
	cr_assert_not_null(o, "%s: %s", err, j);
	const char *k_meta[] = {"metadata", NULL}, *k_pid[] = {"pid", NULL};
	cr_assert_null(yajl_tree_get(o, k_meta, yajl_t_any), "no metadata key without listenerMetadata");
	cr_assert_eq(YAJL_GET_INTEGER(yajl_tree_get(o, k_pid, yajl_t_number)), 4422);
	yajl_tree_free(o);
}

/* ---- podman's default profile ---- */

/* podman 4's `run -d` config, kept in the repository (tests/unit/data/oci/README.md) */
#define PODMAN_CONFIG HULL_SOURCE_DIR "/tests/unit/data/oci/podman-run-d.config.json"

static int child_podman(void)
{
	/* listed with errnoRet 1 */
	if (SYS_ERRNO(__NR_acct, NULL) != EPERM)
		return 1;
	/* not listed: defaultErrnoRet 38 */
	if (SYS_ERRNO(452 /* fchmodat2 */, AT_FDCWD, "/", 0, 0) != ENOSYS)
		return 2;
	/* personality: only the listed argument values pass */
	if (SYS_ERRNO(__NR_personality, 0xffffffffUL) != 0)
		return 3;
	if (SYS_ERRNO(__NR_personality, 0x1234UL) != ENOSYS)
		return 4;
	/* ordinary syscalls work */
	if (SYS_ERRNO(__NR_getppid) != 0 || SYS_ERRNO(__NR_mkdir, "/nonexistent-hull-test/x", 0700) != ENOENT)
		return 5;
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

Test(seccomp, podman_default_profile)
{
	_cleanup_free_ char *text = NULL;
	hull_err e = {0};
	cr_assert_eq(read_file_at(AT_FDCWD, PODMAN_CONFIG, &text, NULL, &e), 0, "%s", e.msg);
	char err[256];
	yajl_val cfg = yajl_tree_parse(text, err, sizeof err);
	cr_assert_not_null(cfg, "%s", err);
	const char *k[] = {"linux", "seccomp", NULL};
	struct oci_seccomp sc;
	to_seccomp(yajl_tree_get(cfg, k, yajl_t_object), &sc);
	yajl_tree_free(cfg);

	_cleanup_free_ char *dir = make_tmpdir();
	struct hull_bpf compiled, cached;
	double t0 = now_ms();
	cr_assert_eq(seccomp_prepare(&sc, NULL, &compiled, &e), 0, "%s", e.msg);
	double t1 = now_ms();
	cr_assert_eq(seccomp_prepare(&sc, dir, &cached, &e), 0, "%s", e.msg); /* fills the cache */
	seccomp_bpf_free(&cached);
	double t2 = now_ms();
	cr_assert_eq(seccomp_prepare(&sc, dir, &cached, &e), 0, "%s", e.msg);
	double t3 = now_ms();
	cr_assert(cached.from_cache);
	cr_assert_eq(cached.n_insns, compiled.n_insns);
	cr_assert_eq(memcmp(cached.insns, compiled.insns, compiled.n_insns * sizeof(struct sock_filter)), 0);
	fprintf(stderr, "podman default profile: %zu BPF instructions, compile %.2f ms, cache hit %.3f ms\n",
		compiled.n_insns, t1 - t0, t3 - t2);
	assert_exit0(run_filtered(&cached, child_podman));
	seccomp_bpf_free(&compiled);
	seccomp_bpf_free(&cached);
	seccomp_clear(&sc);
	rm_rf(dir);
}
