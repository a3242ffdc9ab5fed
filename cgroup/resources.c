/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources -> cgroup v2 control files, with the conversions runc, crun and youki
 * agree on. Every field is either written or rejected naming its JSON path. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "cgroup-internal.h"
#include "systemd.h"
#include "cgroup.h"

void (*cg_write_observer)(const char *file, const char *value);

/* ---- pure conversions ----------------------------------------------------------------------- */

/* ln(m) for m in [1, 2): 2*atanh((m-1)/(m+1)), |z| <= 1/3 so the series converges fast.
 * Own math in long double so hull needs no libm; exact for m == 1. */
static long double ln_mantissa(long double m)
{
	long double z = (m - 1) / (m + 1), z2 = z * z, term = z, sum = 0;
	for (int k = 1; term != 0 && k < 200; k += 2) {
		sum += term / k;
		term *= z2;
	}
	return 2 * sum;
}

/* e^x for 0 <= x < 3 by its Taylor series; exact (1) for x == 0. */
static long double exp_small(long double x)
{
	long double sum = 1, term = 1;
	for (int n = 1; n < 200; n++) {
		term = term * x / n;
		if (term < 1e-30L)
			break;
		sum += term;
	}
	return sum;
}

uint64_t cg_shares_to_weight(uint64_t shares)
{
	static const long double ln2 = 0.693147180559945309417232121458176568L;
	static const long double ln10 = 2.302585092994045684017991454684364208L;
	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	/* weight = ceil(10^((L^2 + 125 L) / 612 - 7/34)), L = log2(shares): a quadratic in log
	 * space through (2, 1), (1024, 100) and (262144, 10000). 7/34 = 126/612 so the exponent is
	 * one exact division when L is an integer (1024 -> exactly 2 -> exactly 100). */
	int k = 63 - __builtin_clzll(shares);
	long double m = (long double)shares / (long double)(1ULL << k);
	long double l = k + ln_mantissa(m) / ln2;
	long double ex = (l * l + 125 * l - 126) / 612;
	int ip = (int)ex; /* 0 <= ex < 4 */
	long double v = exp_small((ex - ip) * ln10);
	for (int i = 0; i < ip; i++)
		v *= 10;
	uint64_t w = (uint64_t)v;
	if ((long double)w < v)
		w++;
	return w;
}

uint64_t cg_blkio_weight_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight <= 10)
		return 1;
	return 1 + (weight - 10) * 9999 / 990;
}

int cg_swap_to_v2(bool has_swap, int64_t swap, bool has_limit, int64_t limit, int64_t *swap_max, hull_err *e)
{
	if (!has_swap || swap == 0) {
		/* runc/cgroup v1 compatibility: an unlimited memory limit without a swap value means
		 * memory and swap both unlimited */
		if (has_limit && limit == -1) {
			*swap_max = -1;
			return 1;
		}
		return 0;
	}
	if (swap < -1)
		return herr_set(e, -EINVAL, "linux.resources.memory.swap: invalid value %" PRId64, swap);
	if (swap == -1) {
		*swap_max = -1;
		return 1;
	}
	if (!has_limit || limit == 0 || limit == -1)
		return herr_set(e, -EINVAL,
				"linux.resources.memory.swap: a swap limit (%" PRId64 ") needs a memory limit "
				"(swap is memory+swap in OCI)",
				swap);
	if (limit < 0)
		return herr_set(e, -EINVAL, "linux.resources.memory.limit: invalid value %" PRId64, limit);
	if (swap < limit)
		return herr_set(e, -EINVAL,
				"linux.resources.memory.swap (%" PRId64 ") must be >= linux.resources.memory.limit (%" PRId64
				"): swap is memory+swap in OCI",
				swap, limit);
	*swap_max = swap - limit;
	return 1;
}

bool cg_valid_hugepage_size(const char *s)
{
	size_t n = 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || s[0] == '0')
		return false;
	return (s[n] == 'K' || s[n] == 'M' || s[n] == 'G') && s[n + 1] == 'B' && s[n + 2] == '\0';
}

/* io.max wants one device per write; limits of the same device share a line. */
size_t cg_io_max_lines(const struct oci_blkio *b, char ***lines)
{
	const struct {
		const char *key;
		const struct oci_blkio_dev *v;
		size_t n;
	} kinds[] = {
		{"rbps", b->throttle_read_bps, b->n_throttle_read_bps},
		{"wbps", b->throttle_write_bps, b->n_throttle_write_bps},
		{"riops", b->throttle_read_iops, b->n_throttle_read_iops},
		{"wiops", b->throttle_write_iops, b->n_throttle_write_iops},
	};
	struct dev {
		int64_t major, minor;
		struct strbuf sb;
	} *devs = NULL;
	size_t nd = 0;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (size_t i = 0; i < kinds[k].n; i++) {
			const struct oci_blkio_dev *d = &kinds[k].v[i];
			size_t j = 0;
			while (j < nd && !(devs[j].major == d->major && devs[j].minor == d->minor))
				j++;
			if (j == nd) {
				devs = xrealloc(devs, (nd + 1) * sizeof *devs);
				devs[nd] = (struct dev){.major = d->major, .minor = d->minor};
				sb_appendf(&devs[nd].sb, "%" PRId64 ":%" PRId64, d->major, d->minor);
				nd++;
			}
			/* a rate of 0 meant "no limit" in cgroup v1; io.max rejects 0 */
			if (d->rate == 0)
				sb_appendf(&devs[j].sb, " %s=max", kinds[k].key);
			else
				sb_appendf(&devs[j].sb, " %s=%" PRIu64, kinds[k].key, d->rate);
		}
	}
	char **out = xcalloc(nd + 1, sizeof *out);
	for (size_t j = 0; j < nd; j++)
		out[j] = devs[j].sb.buf;
	free(devs);
	*lines = out;
	return nd;
}

/* ---- which controllers, and what cannot be honoured ------------------------------------------ */

static void need_set(struct cg_need *need, enum cg_controller c, bool hard, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void need_set(struct cg_need *need, enum cg_controller c, bool hard, const char *fmt, ...)
{
	/* keep the first field that asked, unless a hard request comes after soft ones */
	if (need->field[c][0] && (need->hard[c] || !hard))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(need->field[c], sizeof need->field[c], fmt, ap);
	va_end(ap);
	need->hard[c] = hard;
}

static bool bad_device_numbers(int64_t major, int64_t minor)
{
	return major < 0 || minor < 0 || major > 0xfffff || minor > 0xfffff;
}

static int need_memory(const struct oci_memory *m, struct cg_need *need, hull_err *e)
{
	const char *f = "linux.resources.memory";
	if (!m->present)
		return 0;
	if (m->has_limit && m->limit < -1)
		return herr_set(e, -EINVAL, "%s.limit: invalid value %" PRId64, f, m->limit);
	if (m->has_reservation && m->reservation < -1)
		return herr_set(e, -EINVAL, "%s.reservation: invalid value %" PRId64, f, m->reservation);
	if (m->has_kernel && m->kernel != 0 && m->kernel != -1)
		return herr_set(e, -ENOTSUP, "%s.kernel: kernel memory limits are not supported on cgroup v2", f);
	if (m->has_kernel_tcp && m->kernel_tcp != 0 && m->kernel_tcp != -1)
		return herr_set(e, -ENOTSUP, "%s.kernelTCP: kernel TCP memory limits are not supported on cgroup v2", f);
	/* 0 (and -1 wrapped to uint64) mean "kernel default", which is all cgroup v2 has */
	if (m->has_swappiness && m->swappiness != 0 && m->swappiness != UINT64_MAX)
		return herr_set(e, -ENOTSUP, "%s.swappiness: cgroup v2 has no per-cgroup swappiness", f);
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return herr_set(e, -ENOTSUP, "%s.disableOOMKiller: the OOM killer cannot be disabled on cgroup v2", f);
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return herr_set(e, -ENOTSUP, "%s.useHierarchy: cgroup v2 memory accounting is always hierarchical", f);
	int64_t swap_max;
	int rc = cg_swap_to_v2(m->has_swap, m->swap, m->has_limit, m->limit, &swap_max, e);
	if (rc < 0)
		return rc;
	/* -1 (max) is the default of memory.max and memory.swap.max; memory.low's default is 0 */
	bool hard = (m->has_limit && m->limit > 0) || (m->has_swap && m->swap > 0) ||
		    (m->has_reservation && m->reservation != 0);
	if (hard || (m->has_limit && m->limit == -1) || (m->has_swap && m->swap == -1))
		need_set(need, CG_MEMORY, hard, "%s", f);
	return 0;
}

static int need_cpu(const struct oci_cpu *c, struct cg_need *need, hull_err *e)
{
	const char *f = "linux.resources.cpu";
	if (!c->present)
		return 0;
	if ((c->has_rt_runtime && c->rt_runtime != 0) || (c->has_rt_period && c->rt_period != 0))
		return herr_set(e, -ENOTSUP, "%s.%s: realtime CPU limits are not supported on cgroup v2", f,
				c->has_rt_runtime && c->rt_runtime != 0 ? "realtimeRuntime" : "realtimePeriod");
	if (c->has_idle && c->idle != 0 && c->idle != 1)
		return herr_set(e, -EINVAL, "%s.idle: must be 0 or 1, not %" PRId64, f, c->idle);
	/* defaults: weight 100 (shares 1024), cpu.max "max 100000", burst 0, idle 0 */
	bool hard = (c->has_shares && c->shares != 0 && c->shares != 1024) || (c->has_quota && c->quota > 0) ||
		    (c->has_period && c->period != 0 && c->period != 100000) || (c->has_burst && c->burst != 0) ||
		    (c->has_idle && c->idle != 0);
	if (hard || (c->has_shares && c->shares != 0) || c->has_quota || c->has_period || c->has_burst || c->has_idle)
		need_set(need, CG_CPU, hard, "%s", f);
	if (c->cpus && *c->cpus)
		need_set(need, CG_CPUSET, true, "%s.cpus", f);
	if (c->mems && *c->mems)
		need_set(need, CG_CPUSET, true, "%s.mems", f);
	return 0;
}

static int need_blkio(const struct oci_blkio *b, struct cg_need *need, hull_err *e)
{
	const char *f = "linux.resources.blockIO";
	if (!b->present)
		return 0;
	if (b->has_weight && b->weight != 0 && (b->weight < 10 || b->weight > 1000))
		return herr_set(e, -EINVAL, "%s.weight: %" PRIu16 " out of range 10..1000", f, b->weight);
	if (b->has_leaf_weight && b->leaf_weight != 0)
		return herr_set(e, -ENOTSUP, "%s.leafWeight: not supported on cgroup v2", f);
	bool any = b->has_weight && b->weight != 0;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_blkio_dev *d = &b->weight_device[i];
		if (bad_device_numbers(d->major, d->minor))
			return herr_set(e, -EINVAL, "%s.weightDevice[%zu]: invalid device %" PRId64 ":%" PRId64, f, i,
					d->major, d->minor);
		if (d->has_leaf_weight && d->leaf_weight != 0)
			return herr_set(e, -ENOTSUP, "%s.weightDevice[%zu].leafWeight: not supported on cgroup v2", f, i);
		if (d->has_weight && (d->weight < 10 || d->weight > 1000))
			return herr_set(e, -EINVAL, "%s.weightDevice[%zu].weight: %" PRIu16 " out of range 10..1000", f,
					i, d->weight);
		any |= d->has_weight;
	}
	const struct {
		const char *name;
		const struct oci_blkio_dev *v;
		size_t n;
	} thr[] = {
		{"throttleReadBpsDevice", b->throttle_read_bps, b->n_throttle_read_bps},
		{"throttleWriteBpsDevice", b->throttle_write_bps, b->n_throttle_write_bps},
		{"throttleReadIOPSDevice", b->throttle_read_iops, b->n_throttle_read_iops},
		{"throttleWriteIOPSDevice", b->throttle_write_iops, b->n_throttle_write_iops},
	};
	for (size_t k = 0; k < sizeof thr / sizeof thr[0]; k++)
		for (size_t i = 0; i < thr[k].n; i++) {
			if (bad_device_numbers(thr[k].v[i].major, thr[k].v[i].minor))
				return herr_set(e, -EINVAL, "%s.%s[%zu]: invalid device %" PRId64 ":%" PRId64, f,
						thr[k].name, i, thr[k].v[i].major, thr[k].v[i].minor);
			any = true;
		}
	if (any)
		need_set(need, CG_IO, true, "%s", f);
	return 0;
}

static bool valid_unified_key(const char *k)
{
	if (!*k || strcmp(k, ".") == 0 || strcmp(k, "..") == 0 || strstr(k, ".."))
		return false;
	for (const char *p = k; *p; p++)
		if (*p == '/' || isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return false;
	return true;
}

int cg_resources_need(const struct oci_resources *res, struct cg_need *need, hull_err *e)
{
	memset(need, 0, sizeof *need);
	if (!res)
		return 0;
	int rc;
	if ((rc = need_memory(&res->memory, need, e)) < 0 || (rc = need_cpu(&res->cpu, need, e)) < 0 ||
	    (rc = need_blkio(&res->blkio, need, e)) < 0)
		return rc;
	if (res->has_pids)
		need_set(need, CG_PIDS, res->pids_limit > 0, "linux.resources.pids");
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const char *ps = res->hugepage_limits[i].page_size;
		if (!ps || !cg_valid_hugepage_size(ps))
			return herr_set(e, -EINVAL, "linux.resources.hugepageLimits[%zu].pageSize: invalid size \"%s\" (want e.g. \"2MB\")",
					i, ps ? ps : "");
		need_set(need, CG_HUGETLB, true, "linux.resources.hugepageLimits");
	}
	if (res->network.present && (res->network.has_class_id || res->network.n_priorities))
		return herr_set(e, -ENOTSUP,
				"linux.resources.network: classID/priorities need the net_cls/net_prio controllers, "
				"which cgroup v2 does not have");
	for (size_t i = 0; i < res->n_rdma; i++) {
		const char *d = res->rdma[i].device;
		if (!d || !*d || strpbrk(d, " \t\n"))
			return herr_set(e, -EINVAL, "linux.resources.rdma: invalid device name \"%s\"", d ? d : "");
		if (res->rdma[i].has_hca_handles || res->rdma[i].has_hca_objects)
			need_set(need, CG_RDMA, true, "linux.resources.rdma[\"%s\"]", d);
	}
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		if (!k || !valid_unified_key(k))
			return herr_set(e, -EINVAL, "linux.resources.unified: invalid key \"%s\" (must be a cgroup file name)",
					k ? k : "");
		const char *dot = strchr(k, '.');
		int c = dot ? cg_controller_from_name(k, (size_t)(dot - k)) : -1;
		if (c >= 0)
			need_set(need, c, true, "linux.resources.unified[\"%s\"]", k);
	}
	return 0;
}

/* ---- writing ------------------------------------------------------------------------------- */

static bool has_file(struct hull_cgroup *cg, const char *file)
{
	struct stat st;
	return fstatat(cg->dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* One write(2) per value: cgroup files parse each write on its own. */
static int set(struct hull_cgroup *cg, const char *field, const char *file, const char *value, hull_err *e)
{
	if (cg_write_observer)
		cg_write_observer(file, value);
	_cleanup_fd_ int fd = openat(cg->dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;
		_cleanup_free_ char *p = cg_display_path(cg, file);
		return herr_errno(e, err, "%s: open %s", field, p);
	}
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0 || (size_t)n != len) {
		int err = n < 0 ? -errno : -EIO;
		_cleanup_free_ char *p = cg_display_path(cg, file);
		return herr_errno(e, err, "%s: write \"%s\" to %s", field, value, p);
	}
	return 0;
}

static void num_or_max(char *buf, size_t n, int64_t v)
{
	if (v == -1)
		snprintf(buf, n, "max");
	else
		snprintf(buf, n, "%" PRId64, v);
}

static int check_before_update(struct hull_cgroup *cg, const struct oci_memory *m, hull_err *e)
{
	_cleanup_free_ char *cur = NULL;
	if (cg_read_at(cg->dirfd, "memory.current", &cur) < 0)
		return 0; /* best effort, like runc: no usage known, nothing to compare */
	uint64_t usage = strtoull(cur, NULL, 10);
	if (m->has_swap && m->swap > 0 && (uint64_t)m->swap <= usage)
		return herr_set(e, -EBUSY,
				"linux.resources.memory.swap: rejecting memory+swap limit %" PRId64 " <= current usage %" PRIu64
				" (checkBeforeUpdate)",
				m->swap, usage);
	if (m->has_limit && m->limit > 0 && (uint64_t)m->limit <= usage)
		return herr_set(e, -EBUSY,
				"linux.resources.memory.limit: rejecting memory limit %" PRId64 " <= current usage %" PRIu64
				" (checkBeforeUpdate)",
				m->limit, usage);
	return 0;
}

static int apply_memory(struct hull_cgroup *cg, const struct oci_memory *m, bool is_update, hull_err *e)
{
	char buf[32];
	int64_t swap_max = 0;
	int rc, w;
	if (!m->present)
		return 0;
	if ((w = cg_swap_to_v2(m->has_swap, m->swap, m->has_limit, m->limit, &swap_max, e)) < 0)
		return w;
	if (is_update && m->has_check_before_update && m->check_before_update &&
	    (rc = check_before_update(cg, m, e)) < 0)
		return rc;
	if (w) {
		num_or_max(buf, sizeof buf, swap_max);
		/* no swap accounting (swapaccount=0): "max" and "0" are what the kernel does anyway */
		bool skip = !has_file(cg, "memory.swap.max") && (swap_max == -1 || swap_max == 0);
		if (!skip && (rc = set(cg, "linux.resources.memory.swap", "memory.swap.max", buf, e)) < 0)
			return rc;
	}
	if (m->has_limit && m->limit != 0) {
		num_or_max(buf, sizeof buf, m->limit);
		if ((rc = set(cg, "linux.resources.memory.limit", "memory.max", buf, e)) < 0)
			return rc;
	}
	if (m->has_reservation && m->reservation != 0) {
		num_or_max(buf, sizeof buf, m->reservation);
		if ((rc = set(cg, "linux.resources.memory.reservation", "memory.low", buf, e)) < 0)
			return rc;
	}
	return 0;
}

/* cpu.max "$MAX [$PERIOD]": only the quota when no period is given, so an update keeps the
 * period; only a period keeps the current quota. */
static int apply_cpu_max(struct hull_cgroup *cg, const struct oci_cpu *c, bool *burst_done, hull_err *e)
{
	char quota[32], val[64];
	if (c->has_quota) {
		if (c->quota > 0)
			snprintf(quota, sizeof quota, "%" PRId64, c->quota);
		else
			snprintf(quota, sizeof quota, "max");
	} else {
		_cleanup_free_ char *cur = NULL;
		snprintf(quota, sizeof quota, "max");
		if (cg_read_at(cg->dirfd, "cpu.max", &cur) == 0)
			sscanf(cur, "%31s", quota);
	}
	if (c->has_period && c->period != 0)
		snprintf(val, sizeof val, "%s %" PRIu64, quota, c->period);
	else
		snprintf(val, sizeof val, "%s", quota);
	int rc = set(cg, c->has_quota ? "linux.resources.cpu.quota" : "linux.resources.cpu.period", "cpu.max", val, e);
	if (rc == -EINVAL && c->has_burst) {
		/* the kernel keeps burst <= quota: lower the burst first, then the quota */
		char b[32];
		snprintf(b, sizeof b, "%" PRIu64, c->burst);
		if ((rc = set(cg, "linux.resources.cpu.burst", "cpu.max.burst", b, e)) < 0)
			return rc;
		*burst_done = true;
		rc = set(cg, c->has_quota ? "linux.resources.cpu.quota" : "linux.resources.cpu.period", "cpu.max", val, e);
	}
	return rc;
}

static int apply_cpu(struct hull_cgroup *cg, const struct oci_cpu *c, hull_err *e)
{
	char buf[32];
	int rc;
	bool burst_done = false;
	if (!c->present)
		return 0;
	/* cpu.weight cannot be written while cpu.idle is 1: leave idle first, enter it last */
	if (c->has_idle && c->idle == 0 && (rc = set(cg, "linux.resources.cpu.idle", "cpu.idle", "0", e)) < 0)
		return rc;
	if (c->has_shares && c->shares != 0) {
		snprintf(buf, sizeof buf, "%" PRIu64, cg_shares_to_weight(c->shares));
		if ((rc = set(cg, "linux.resources.cpu.shares", "cpu.weight", buf, e)) < 0)
			return rc;
	}
	if (c->has_idle && c->idle == 1 && (rc = set(cg, "linux.resources.cpu.idle", "cpu.idle", "1", e)) < 0)
		return rc;
	if ((c->has_quota || c->has_period) && (rc = apply_cpu_max(cg, c, &burst_done, e)) < 0)
		return rc;
	if (c->has_burst && !burst_done) {
		snprintf(buf, sizeof buf, "%" PRIu64, c->burst);
		if ((rc = set(cg, "linux.resources.cpu.burst", "cpu.max.burst", buf, e)) < 0)
			return rc;
	}
	return 0;
}

static int apply_cpuset(struct hull_cgroup *cg, const struct oci_cpu *c, hull_err *e)
{
	int rc;
	if (!c->present)
		return 0;
	if (c->cpus && *c->cpus && (rc = set(cg, "linux.resources.cpu.cpus", "cpuset.cpus", c->cpus, e)) < 0)
		return rc;
	if (c->mems && *c->mems && (rc = set(cg, "linux.resources.cpu.mems", "cpuset.mems", c->mems, e)) < 0)
		return rc;
	return 0;
}

static int apply_blkio(struct hull_cgroup *cg, const struct oci_blkio *b, hull_err *e)
{
	char buf[64];
	int rc;
	if (!b->present)
		return 0;
	/* BFQ takes the v1 range as is; without BFQ io.weight (iocost) takes 1..10000 */
	bool bfq = has_file(cg, "io.bfq.weight");
	if (b->has_weight && b->weight != 0) {
		if (bfq)
			snprintf(buf, sizeof buf, "%" PRIu16, b->weight);
		else
			snprintf(buf, sizeof buf, "%" PRIu64, cg_blkio_weight_to_io_weight(b->weight));
		if ((rc = set(cg, "linux.resources.blockIO.weight", bfq ? "io.bfq.weight" : "io.weight", buf, e)) < 0)
			return rc;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_blkio_dev *d = &b->weight_device[i];
		if (!d->has_weight)
			continue;
		uint64_t w = bfq ? d->weight : cg_blkio_weight_to_io_weight(d->weight);
		snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, w);
		char field[64];
		snprintf(field, sizeof field, "linux.resources.blockIO.weightDevice[%zu]", i);
		if ((rc = set(cg, field, bfq ? "io.bfq.weight" : "io.weight", buf, e)) < 0)
			return rc;
	}
	char **lines;
	size_t n = cg_io_max_lines(b, &lines);
	rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = set(cg, "linux.resources.blockIO.throttle", "io.max", lines[i], e);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return rc;
}

static int apply_hugetlb(struct hull_cgroup *cg, const struct oci_resources *res, hull_err *e)
{
	for (size_t i = 0; i < res->n_hugepage_limits; i++) {
		const struct oci_hugepage_limit *h = &res->hugepage_limits[i];
		char field[64], file[64], rsvd[64], val[32];
		snprintf(field, sizeof field, "linux.resources.hugepageLimits[%zu]", i);
		snprintf(file, sizeof file, "hugetlb.%s.max", h->page_size);
		snprintf(rsvd, sizeof rsvd, "hugetlb.%s.rsvd.max", h->page_size);
		snprintf(val, sizeof val, "%" PRIu64, h->limit);
		if (!has_file(cg, file)) {
			_cleanup_free_ char *p = cg_display_path(cg, NULL);
			return herr_set(e, -ENOTSUP, "%s: page size \"%s\" is not supported here (no %s in %s)", field,
					h->page_size, file, p);
		}
		int rc = set(cg, field, file, val, e);
		/* reservations (kernel >= 5.7) are limited too, or mmap'd-but-unfaulted pages escape */
		if (rc >= 0 && has_file(cg, rsvd))
			rc = set(cg, field, rsvd, val, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int apply_rdma(struct hull_cgroup *cg, const struct oci_resources *res, hull_err *e)
{
	for (size_t i = 0; i < res->n_rdma; i++) {
		const struct oci_rdma *r = &res->rdma[i];
		if (!r->has_hca_handles && !r->has_hca_objects)
			continue;
		struct strbuf sb = {0};
		sb_append(&sb, r->device);
		if (r->has_hca_handles)
			sb_appendf(&sb, " hca_handle=%" PRIu32, r->hca_handles);
		if (r->has_hca_objects)
			sb_appendf(&sb, " hca_object=%" PRIu32, r->hca_objects);
		char field[160];
		snprintf(field, sizeof field, "linux.resources.rdma[\"%s\"]", r->device);
		int rc = set(cg, field, "rdma.max", sb.buf, e);
		sb_free(&sb);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* unified goes last so it can refine what the typed fields wrote (runc and crun do the same) */
static int apply_unified(struct hull_cgroup *cg, const struct oci_resources *res, hull_err *e)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key, *v = res->unified[i].value ? res->unified[i].value : "";
		char field[160];
		snprintf(field, sizeof field, "linux.resources.unified[\"%s\"]", k);
		if (!has_file(cg, k)) {
			_cleanup_free_ char *p = cg_display_path(cg, NULL);
			return herr_set(e, -ENOENT, "%s: no such file in cgroup %s", field, p);
		}
		if (!strchr(v, '\n')) {
			int rc = set(cg, field, k, v, e);
			if (rc < 0)
				return rc;
			continue;
		}
		/* multi-line values (io.max for several devices): one write per line */
		_cleanup_free_ char *copy = xstrdup(v);
		char *save = NULL;
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			int rc = set(cg, field, k, line, e);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Every hard-needed controller must be in the cgroup's cgroup.controllers. On update, one that
 * create did not enable (it only enables what the config needed) is enabled up the path now.
 * avail[c] tells the writers whether c is there (soft needs are skipped when it is not). */
static int ensure_controllers(struct hull_cgroup *cg, const struct cg_need *need, bool is_update,
			      bool avail[CG_NCONTROLLERS], hull_err *e)
{
	_cleanup_free_ char *ctrls = NULL;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		avail[c] = true;
	if (cg_read_at(cg->dirfd, "cgroup.controllers", &ctrls) < 0)
		return 0; /* cannot tell: let the writes report */
	struct cg_need add = {0};
	bool missing = false;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (need->hard[c] && !cg_word_in(ctrls, cg_controller_name(c))) {
			memcpy(add.field[c], need->field[c], sizeof add.field[c]);
			add.hard[c] = missing = true;
		}
	if (missing && is_update && cg->mount && cg->path) {
		int rc = cg_check_offers(cg->mount, cg->path, &add, e);
		if (rc < 0)
			return rc;
		if ((rc = cg_enable_controllers(cg->mount, cg->path, &add, e)) < 0)
			return rc;
		free(ctrls);
		ctrls = NULL;
		if (cg_read_at(cg->dirfd, "cgroup.controllers", &ctrls) < 0)
			return 0;
	}
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		avail[c] = cg_word_in(ctrls, cg_controller_name(c));
		if (need->hard[c] && !avail[c])
			return cg_unavailable_error(e, need->field[c], c, cg->mount ? cg->mount : "?",
						    cg->path ? cg->path : "?", ctrls);
		if (need->field[c][0] && !avail[c])
			hull_debug("%s asks for the %s default; no %s controller here, so it is in effect already",
				   need->field[c], cg_controller_name(c), cg_controller_name(c));
	}
	return 0;
}

int cg_apply(struct hull_cgroup *cg, const struct oci_resources *res, bool is_update, hull_err *e)
{
	struct cg_need need;
	bool avail[CG_NCONTROLLERS];
	int rc;
	if (!res)
		return 0;
	if ((rc = cg_resources_need(res, &need, e)) < 0)
		return rc;
	/* systemd driver: the unit's properties first, so a later daemon-reload keeps the update */
	if (is_update && cg->unit && (rc = cgsd_update(cg, res, e)) < 0)
		return rc;
	if ((rc = ensure_controllers(cg, &need, is_update, avail, e)) < 0)
		return rc;
	if (res->has_pids && avail[CG_PIDS]) {
		char buf[32];
		num_or_max(buf, sizeof buf, res->pids_limit > 0 ? res->pids_limit : -1);
		if ((rc = set(cg, "linux.resources.pids.limit", "pids.max", buf, e)) < 0)
			return rc;
	}
	/* a controller that is not avail[] here was only asked for its defaults (see cg_need) */
	if ((avail[CG_MEMORY] && (rc = apply_memory(cg, &res->memory, is_update, e)) < 0) ||
	    (rc = apply_blkio(cg, &res->blkio, e)) < 0 || (avail[CG_CPU] && (rc = apply_cpu(cg, &res->cpu, e)) < 0) ||
	    (rc = apply_cpuset(cg, &res->cpu, e)) < 0 || (rc = apply_hugetlb(cg, res, e)) < 0 ||
	    (rc = apply_rdma(cg, res, e)) < 0 || (rc = apply_unified(cg, res, e)) < 0)
		return rc;
	return 0;
}
