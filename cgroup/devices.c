/* SPDX-License-Identifier: Apache-2.0 */
/* Device access control on cgroup v2: OCI device rules compiled to a
 * BPF_PROG_TYPE_CGROUP_DEVICE program of raw instructions, loaded and attached with bpf(2).
 * No libbpf. The program sees struct bpf_cgroup_dev_ctx {access_type, major, minor} where
 * access_type = (access << 16) | type, and returns 1 to allow, 0 to deny (EPERM). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "cgroup-internal.h"
#include "cgroup.h"

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

/* What every container gets unless its rules deny it explicitly (the runc/crun set). */
static const struct cg_dev_rule default_devices[] = {
	{true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD}, /* mknod of any char device */
	{true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD}, /* mknod of any block device */
	{true, 'c', 1, 3, ACC_ALL},               /* /dev/null */
	{true, 'c', 1, 5, ACC_ALL},               /* /dev/zero */
	{true, 'c', 1, 7, ACC_ALL},               /* /dev/full */
	{true, 'c', 1, 8, ACC_ALL},               /* /dev/random */
	{true, 'c', 1, 9, ACC_ALL},               /* /dev/urandom */
	{true, 'c', 5, 0, ACC_ALL},               /* /dev/tty */
	{true, 'c', 5, 1, ACC_ALL},               /* /dev/console */
	{true, 'c', 5, 2, ACC_ALL},               /* /dev/ptmx */
	{true, 'c', 136, -1, ACC_ALL},            /* /dev/pts/N */
};

static unsigned access_bits(const char *s)
{
	unsigned a = 0;
	for (; s && *s; s++)
		a |= *s == 'r' ? BPF_DEVCG_ACC_READ : *s == 'w' ? BPF_DEVCG_ACC_WRITE : *s == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return a;
}

/* Does allow rule r grant everything d asks for? */
static bool covers(const struct cg_dev_rule *r, const struct cg_dev_rule *d)
{
	return r->allow && (r->type == 'a' || r->type == d->type) && (r->major == -1 || r->major == d->major) &&
	       (r->minor == -1 || r->minor == d->minor) && (d->access & ~r->access) == 0;
}

static void push(struct cg_dev_rule **v, size_t *n, const struct cg_dev_rule *r)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = *r;
}

int cg_devices_rules(const struct oci_device_cgroup *rules, size_t n, const struct oci_device *devices,
		     size_t n_devices, struct cg_dev_rule **out, size_t *n_out, hull_err *e)
{
	struct cg_dev_rule *cfg = NULL, *extra = NULL, *res = NULL;
	size_t nc = 0, nx = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		const struct oci_device_cgroup *r = &rules[i];
		char t = r->type ? r->type : 'a';
		if (t != 'a' && t != 'c' && t != 'b') {
			free(cfg);
			return herr_set(e, -EINVAL, "linux.resources.devices[%zu].type: invalid \"%c\"", i, t);
		}
		if (r->major < -1 || r->minor < -1 || r->major > INT32_MAX || r->minor > INT32_MAX) {
			free(cfg);
			return herr_set(e, -EINVAL, "linux.resources.devices[%zu]: invalid device number", i);
		}
		struct cg_dev_rule d = {r->allow, t, r->major, r->minor, access_bits(r->access)};
		if (d.access)
			push(&cfg, &nc, &d); /* a rule with no access matches nothing */
	}
	/* hull's defaults and linux.devices go right after the last blanket deny, so a leading
	 * "deny all" (podman sends only that) keeps them, and a later specific deny still wins */
	size_t at = 0;
	for (size_t i = 0; i < nc; i++)
		if (!cfg[i].allow && cfg[i].major == -1 && cfg[i].minor == -1)
			at = i + 1;
	for (size_t i = 0; i < sizeof default_devices / sizeof default_devices[0]; i++)
		push(&extra, &nx, &default_devices[i]);
	for (size_t i = 0; i < n_devices; i++) {
		const struct oci_device *d = &devices[i];
		if (d->type == 'p')
			continue; /* FIFOs are not device nodes: no device cgroup check */
		if (d->major < 0 || d->minor < 0 || d->major > INT32_MAX || d->minor > INT32_MAX) {
			free(cfg);
			free(extra);
			return herr_set(e, -EINVAL, "linux.devices[%zu] (%s): invalid device number", i, d->path ? d->path : "");
		}
		struct cg_dev_rule r = {true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, ACC_ALL};
		push(&extra, &nx, &r);
	}
	for (size_t i = 0; i < at; i++)
		push(&res, &nr, &cfg[i]);
	for (size_t i = 0; i < nx; i++) {
		bool redundant = false;
		for (size_t j = at; j < nc && !redundant; j++)
			redundant = covers(&cfg[j], &extra[i]);
		for (size_t j = 0; j < i && !redundant; j++)
			redundant = covers(&extra[j], &extra[i]);
		if (!redundant)
			push(&res, &nr, &extra[i]);
	}
	for (size_t i = at; i < nc; i++)
		push(&res, &nr, &cfg[i]);
	free(cfg);
	free(extra);
	*out = res;
	*n_out = nr;
	return (int)nr;
}

/* ---- compiling ----------------------------------------------------------------------------- */

static struct bpf_insn mk(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	return i;
}
#define LDX_W(dst, src, off) mk(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_IMM(op, dst, imm) mk(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_REG(dst, src) mk(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm) mk(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JMP_IMM(op, dst, imm, off) mk(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define EXIT() mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers after the prologue: r2 = type, r3 = access, r4 = major, r5 = minor; r1 is scratch. */
enum { R0, R1, R2, R3, R4, R5 };

/* A rule with no condition decides everything: nothing evaluated before it matters. */
static bool unconditional(const struct cg_dev_rule *r)
{
	return r->type == 'a' && r->major == -1 && r->minor == -1 && r->access == ACC_ALL;
}

/* Emit one rule: its checks jump past the block when the request does not match. */
static size_t emit_rule(struct bpf_insn *out, const struct cg_dev_rule *r)
{
	struct bpf_insn b[16];
	size_t n = 0;
	size_t jumps[8], nj = 0;
	if (r->type != 'a') {
		jumps[nj++] = n;
		b[n++] = JMP_IMM(BPF_JNE, R2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
	}
	if (r->access != ACC_ALL) {
		b[n++] = MOV32_REG(R1, R3);
		if (r->allow) {
			/* allow matches when every requested bit is granted: (access & ~granted) == 0 */
			b[n++] = ALU32_IMM(BPF_AND, R1, (int32_t)(~r->access & ACC_ALL));
			jumps[nj++] = n;
			b[n++] = JMP_IMM(BPF_JNE, R1, 0, 0);
		} else {
			/* deny matches when any requested bit is denied: (access & denied) != 0 */
			b[n++] = ALU32_IMM(BPF_AND, R1, (int32_t)r->access);
			jumps[nj++] = n;
			b[n++] = JMP_IMM(BPF_JEQ, R1, 0, 0);
		}
	}
	if (r->major != -1) {
		jumps[nj++] = n;
		b[n++] = JMP_IMM(BPF_JNE, R4, (int32_t)r->major, 0);
	}
	if (r->minor != -1) {
		jumps[nj++] = n;
		b[n++] = JMP_IMM(BPF_JNE, R5, (int32_t)r->minor, 0);
	}
	b[n++] = MOV64_IMM(R0, r->allow ? 1 : 0);
	b[n++] = EXIT();
	for (size_t j = 0; j < nj; j++)
		b[jumps[j]].off = (int16_t)(n - jumps[j] - 1); /* to the first insn after the block */
	memcpy(out, b, n * sizeof *b);
	return n;
}

int cg_devices_compile(const struct cg_dev_rule *rules, size_t n, struct bpf_insn **insns, size_t *n_insns,
		       hull_err *e)
{
	struct bpf_insn *p = xcalloc(6 + 16 * n + 2, sizeof *p);
	size_t k = 0;
	p[k++] = LDX_W(R2, R1, 0); /* access_type */
	p[k++] = ALU32_IMM(BPF_AND, R2, 0xffff);
	p[k++] = LDX_W(R3, R1, 0);
	p[k++] = ALU32_IMM(BPF_RSH, R3, 16);
	p[k++] = LDX_W(R4, R1, 4); /* major */
	p[k++] = LDX_W(R5, R1, 8); /* minor */
	bool decided = false;
	/* last match wins: emit the last rule first, the first matching block returns */
	for (size_t i = n; i-- > 0;) {
		k += emit_rule(p + k, &rules[i]);
		if (unconditional(&rules[i])) {
			decided = true; /* the verifier rejects unreachable code after it */
			break;
		}
	}
	if (!decided) {
		p[k++] = MOV64_IMM(R0, 0); /* default deny */
		p[k++] = EXIT();
	}
	if (k > BPF_MAXINSNS) {
		free(p);
		return herr_set(e, -E2BIG, "linux.resources.devices: %zu rules compile to %zu BPF instructions (max %d)", n, k,
				BPF_MAXINSNS);
	}
	*insns = p;
	*n_insns = k;
	return 0;
}

/* ---- loading and attaching ------------------------------------------------------------------ */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int prog_load(const struct bpf_insn *insns, size_t n, hull_err *e)
{
	static const char license[] = "Apache-2.0"; /* device programs call no GPL-only helper */
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)license;
	snprintf(a.prog_name, sizeof a.prog_name, "hull_devices");
	int fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int err = -errno;
	if (err != -EINVAL && err != -EACCES)
		return herr_errno(e, err, "load device eBPF program (%zu insns)", n);
	/* the verifier refused it: load again with a log to say why */
	size_t logsz = 1 << 16;
	_cleanup_free_ char *log = xcalloc(1, logsz);
	a.log_level = 1;
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = (uint32_t)logsz;
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	for (char *c = log; *c; c++)
		if (*c == '\n')
			*c = ' ';
	return herr_errno(e, err, "load device eBPF program (%zu insns): verifier: %.300s", n, log);
}

/* ids of the device programs attached directly to this cgroup */
static int query_device_progs(int cgfd, uint32_t **ids, uint32_t *n, hull_err *e)
{
	uint32_t cap = 16;
	for (;;) {
		uint32_t *v = xcalloc(cap, sizeof *v);
		union bpf_attr a;
		memset(&a, 0, sizeof a);
		a.query.target_fd = (uint32_t)cgfd;
		a.query.attach_type = BPF_CGROUP_DEVICE;
		a.query.prog_ids = (uint64_t)(uintptr_t)v;
		a.query.prog_cnt = cap;
		if (sys_bpf(BPF_PROG_QUERY, &a) == 0) {
			*ids = v;
			*n = a.query.prog_cnt;
			return 0;
		}
		int err = -errno;
		free(v);
		if (err == -ENOSPC && a.query.prog_cnt > cap && cap < 65536) {
			cap = a.query.prog_cnt;
			continue;
		}
		return herr_errno(e, err, "query device eBPF programs");
	}
}

static int prog_fd_by_id(uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
}

static int prog_attach(int cgfd, int progfd, int replace_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.target_fd = (uint32_t)cgfd;
	a.attach_bpf_fd = (uint32_t)progfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (replace_fd >= 0) {
		a.attach_flags |= BPF_F_REPLACE;
		a.replace_bpf_fd = (uint32_t)replace_fd;
	}
	return sys_bpf(BPF_PROG_ATTACH, &a);
}

static int prog_detach(int cgfd, int progfd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.target_fd = (uint32_t)cgfd;
	a.attach_bpf_fd = (uint32_t)progfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	return sys_bpf(BPF_PROG_DETACH, &a);
}

/* Attach progfd, replacing the device programs already on the cgroup (an update). With exactly
 * one old program the swap is atomic (BPF_F_REPLACE); otherwise attach first, then detach, so
 * the container is never without a filter. */
static int attach_replacing(int cgfd, int progfd, const char *disp, hull_err *e)
{
	_cleanup_free_ uint32_t *old = NULL;
	uint32_t nold = 0;
	int rc = query_device_progs(cgfd, &old, &nold, e);
	if (rc < 0)
		return rc;
	if (nold == 1) {
		_cleanup_fd_ int ofd = prog_fd_by_id(old[0]);
		if (ofd >= 0 && prog_attach(cgfd, progfd, ofd) == 0)
			return 0;
	}
	if (prog_attach(cgfd, progfd, -1) < 0)
		return herr_sys(e, "attach device eBPF program to cgroup %s", disp);
	for (uint32_t i = 0; i < nold; i++) {
		_cleanup_fd_ int ofd = prog_fd_by_id(old[i]);
		if (ofd < 0) {
			if (errno == ENOENT)
				continue; /* already gone */
			return herr_sys(e, "detach old device eBPF program %u from cgroup %s", old[i], disp);
		}
		if (prog_detach(cgfd, ofd) < 0 && errno != ENOENT)
			return herr_sys(e, "detach old device eBPF program %u from cgroup %s", old[i], disp);
	}
	return 0;
}

int cg_devices_apply(struct hull_cgroup *cg, const struct oci_device_cgroup *rules, size_t n,
		     const struct oci_device *devices, size_t n_devices, hull_err *e)
{
	_cleanup_free_ struct cg_dev_rule *list = NULL;
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t nl = 0, ni = 0;
	int rc = cg_devices_rules(rules, n, devices, n_devices, &list, &nl, e);
	if (rc < 0)
		return rc;
	if ((rc = cg_devices_compile(list, nl, &insns, &ni, e)) < 0)
		return rc;
	_cleanup_free_ char *disp = cg_display_path(cg, NULL);
	/* BPF_PROG_ATTACH wants a real directory fd, not the O_PATH one */
	_cleanup_fd_ int cgfd = openat(cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return herr_sys(e, "open cgroup %s", disp);
	_cleanup_fd_ int progfd = prog_load(insns, ni, e);
	if (progfd < 0)
		return progfd;
	hull_debug("device eBPF: %zu rules, %zu instructions, attaching to %s", nl, ni, disp);
	/* the cgroup keeps its own reference to the program; our fd can close */
	return attach_replacing(cgfd, progfd, disp, e);
}
