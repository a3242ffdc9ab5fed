/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver, see systemd.h. The first half is pure (path expansion and the
 * conversion of linux.resources and annotations to unit properties, unit tested); the second
 * half talks to systemd through sd-bus, which is dlopen()ed on first use. */
#include "systemd.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "cgroup-internal.h"

#define INFINITY_U64 UINT64_MAX
#define PROP_ANNOTATION "org.systemd.property."
#define JOB_TIMEOUT_MS_DEFAULT 30000

/* ---- path ----------------------------------------------------------------------------------- */

/* systemd accepts these in unit names (besides '@' for templates, which a container never is) */
static bool unit_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(":-_.\\", *s))
			return false;
	return true;
}

void cgsd_path_free(struct cgsd_path *p)
{
	free(p->slice);
	free(p->unit);
	free(p->cgroup);
	*p = (struct cgsd_path){0};
}

int cgsd_parse_path(const char *cgroups_path, const char *id, bool user_manager, struct cgsd_path *out,
		    hull_err *e)
{
	const char *what = "linux.cgroupsPath";
	*out = (struct cgsd_path){0};
	_cleanup_free_ char *slice = NULL, *prefix = NULL, *name = NULL;
	if (!cgroups_path || !*cgroups_path) {
		if (!id || !*id)
			return herr_set(e, -EINVAL, "%s: empty, and no container id to name the unit after", what);
		slice = xstrdup("");
		prefix = xstrdup("hull");
		name = xstrdup(id);
	} else {
		const char *c1 = strchr(cgroups_path, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':'))
			return herr_set(e, -EINVAL,
					"%s: \"%s\" is not of the form \"slice:prefix:name\" that --systemd-cgroup needs",
					what, cgroups_path);
		slice = strndup(cgroups_path, (size_t)(c1 - cgroups_path));
		prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
		name = xstrdup(c2 + 1);
		if (!slice || !prefix)
			abort();
	}
	if (!*name)
		return herr_set(e, -EINVAL, "%s: \"%s\": the name part is empty", what, cgroups_path);
	if (!unit_chars_ok(name) || !unit_chars_ok(prefix) || !unit_chars_ok(slice))
		return herr_set(e, -EINVAL, "%s: \"%s\": systemd unit names allow only letters, digits and \":-_.\\\"",
				what, cgroups_path ? cgroups_path : "");
	if (!*slice) {
		free(slice);
		slice = xstrdup(user_manager ? "user.slice" : "system.slice");
	}
	struct strbuf sb = {0};
	size_t nl = strlen(name);
	bool is_slice = nl > 6 && strcmp(name + nl - 6, ".slice") == 0;
	/* a slice's place follows from its own name; a scope lives in the given slice */
	_cleanup_free_ char *whatp = xasprintf("%s \"%s\"", what, cgroups_path ? cgroups_path : "");
	int rc = cg_expand_slice(&sb, is_slice ? name : slice, whatp, e);
	if (rc >= 0 && is_slice) {
		struct strbuf parent = {0}; /* validate the parent too */
		rc = cg_expand_slice(&parent, slice, whatp, e);
		sb_free(&parent);
	}
	if (rc < 0) {
		sb_free(&sb);
		return rc;
	}
	char *unit = is_slice ? xstrdup(name) : *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
	if (strlen(unit) > 255) {
		free(unit);
		sb_free(&sb);
		return herr_set(e, -EINVAL, "%s: \"%s\": the unit name is longer than systemd's 255 characters", what,
				cgroups_path ? cgroups_path : "");
	}
	if (!is_slice)
		sb_appendf(&sb, "/%s", unit);
	if (!sb.len) {
		free(unit);
		sb_free(&sb);
		return herr_set(e, -EINVAL, "%s: \"%s\" names the root slice; a container needs its own unit", what,
				cgroups_path);
	}
	out->slice = steal_ptr(&slice);
	out->unit = unit;
	out->cgroup = sb.buf;
	return 0;
}

/* ---- properties ----------------------------------------------------------------------------- */

void cgsd_props_free(struct cgsd_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct cgsd_prop *q = &p->v[i];
		free(q->name);
		free(q->s);
		for (size_t k = 0; k < q->n; k++) {
			if (q->strs)
				free(q->strs[k]);
			if (q->strs2)
				free(q->strs2[k]);
		}
		free(q->strs);
		free(q->strs2);
		free(q->nums);
		free(q->bytes);
	}
	free(p->v);
	*p = (struct cgsd_props){0};
}

static struct cgsd_prop *prop_add(struct cgsd_props *p, const char *name, enum cgsd_ptype t)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	struct cgsd_prop *q = &p->v[p->n++];
	*q = (struct cgsd_prop){.name = xstrdup(name), .type = t};
	return q;
}

static void prop_u64(struct cgsd_props *p, const char *name, uint64_t v)
{
	prop_add(p, name, CGSD_T)->u = v;
}

static void prop_str(struct cgsd_props *p, const char *name, const char *v)
{
	prop_add(p, name, CGSD_S)->s = xstrdup(v);
}

/* append (s1, num) or (s1, s2) to an a(st)/a(ss) property, creating it on first use */
static struct cgsd_prop *prop_pairs(struct cgsd_props *p, const char *name, enum cgsd_ptype t)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].type == t && strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return prop_add(p, name, t);
}

static void pair_st(struct cgsd_props *p, const char *name, const char *s, uint64_t v)
{
	struct cgsd_prop *q = prop_pairs(p, name, CGSD_AST);
	q->strs = xrealloc(q->strs, (q->n + 1) * sizeof *q->strs);
	q->nums = xrealloc(q->nums, (q->n + 1) * sizeof *q->nums);
	q->strs[q->n] = xstrdup(s);
	q->nums[q->n] = v;
	q->n++;
}

static void pair_ss(struct cgsd_props *p, const char *name, const char *s1, const char *s2)
{
	struct cgsd_prop *q = prop_pairs(p, name, CGSD_ASS);
	q->strs = xrealloc(q->strs, (q->n + 1) * sizeof *q->strs);
	q->strs2 = xrealloc(q->strs2, (q->n + 1) * sizeof *q->strs2);
	q->strs[q->n] = xstrdup(s1);
	q->strs2[q->n] = xstrdup(s2);
	q->n++;
}

int cgsd_cpu_mask(const char *list, uint8_t **bytes, size_t *n, const char *field, hull_err *e)
{
	*bytes = NULL;
	*n = 0;
	size_t cap = 0;
	uint8_t *b = NULL;
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *end;
		errno = 0;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p || errno)
			goto bad;
		p = end;
		if (*p == '-') {
			const char *s = ++p;
			hi = strtoul(s, &end, 10);
			if (end == s || errno || hi < lo)
				goto bad;
			p = end;
		}
		if (hi >= 65536)
			goto bad;
		if (hi / 8 + 1 > cap) {
			size_t nc = hi / 8 + 1;
			b = xrealloc(b, nc);
			memset(b + cap, 0, nc - cap);
			cap = nc;
		}
		for (unsigned long c = lo; c <= hi; c++)
			b[c / 8] |= (uint8_t)(1u << (c % 8));
		while (*p == ' ' || *p == '\n')
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	*bytes = b;
	*n = cap;
	return 0;
bad:
	free(b);
	return herr_set(e, -EINVAL, "%s: invalid cpu/node list \"%s\"", field, list);
}

static int prop_mask(struct cgsd_props *p, const char *name, const char *list, const char *field, hull_err *e)
{
	uint8_t *bytes;
	size_t n;
	int rc = cgsd_cpu_mask(list, &bytes, &n, field, e);
	if (rc < 0)
		return rc;
	struct cgsd_prop *q = prop_add(p, name, CGSD_AY);
	q->bytes = bytes;
	q->n = n;
	return 0;
}

/* systemd converts CPUQuotaPerSecUSec to a percentage; round up to 10ms as runc does so the
 * cgroup file hull writes afterwards (the exact quota) is never above what systemd allows */
static uint64_t quota_per_sec(int64_t quota, uint64_t period)
{
	uint64_t q = (uint64_t)quota * 1000000 / period;
	if ((uint64_t)quota * 1000000 % period)
		q++;
	return (q + 9999) / 10000 * 10000;
}

static void io_limits(struct cgsd_props *p, const char *name, const struct oci_blkio_dev *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char dev[64];
		snprintf(dev, sizeof dev, "/dev/block/%" PRId64 ":%" PRId64, d[i].major, d[i].minor);
		pair_st(p, name, dev, d[i].rate ? d[i].rate : INFINITY_U64);
	}
}

static int parse_max_u64(const char *v, uint64_t *out)
{
	while (*v == ' ')
		v++;
	if (strncmp(v, "max", 3) == 0) {
		*out = INFINITY_U64;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (end == v || errno || (*end && *end != '\n' && *end != ' '))
		return -EINVAL;
	*out = x;
	return 0;
}

/* unified keys with a systemd property; the rest only go to the files */
static int unified_props(struct cgsd_props *p, const struct oci_resources *res, hull_err *e)
{
	static const struct {
		const char *key, *prop;
	} u64_keys[] = {
		{"memory.max", "MemoryMax"}, {"memory.high", "MemoryHigh"}, {"memory.low", "MemoryLow"},
		{"memory.min", "MemoryMin"}, {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
		{"cpu.weight", "CPUWeight"},
	};
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key, *v = res->unified[i].value;
		char field[200];
		snprintf(field, sizeof field, "linux.resources.unified.%s", k);
		uint64_t x;
		bool done = false;
		for (size_t j = 0; j < sizeof u64_keys / sizeof *u64_keys && !done; j++) {
			if (strcmp(k, u64_keys[j].key) != 0)
				continue;
			if (parse_max_u64(v, &x) < 0)
				return herr_set(e, -EINVAL, "%s: invalid value \"%s\"", field, v);
			prop_u64(p, u64_keys[j].prop, x);
			done = true;
		}
		if (done)
			continue;
		if (!strcmp(k, "cpu.max")) {
			uint64_t q, per = 100000;
			const char *sp = strchr(v, ' ');
			if (parse_max_u64(v, &q) < 0 || (sp && (parse_max_u64(sp + 1, &per) < 0 || !per)))
				return herr_set(e, -EINVAL, "%s: invalid value \"%s\"", field, v);
			prop_u64(p, "CPUQuotaPerSecUSec", q == INFINITY_U64 ? INFINITY_U64 : quota_per_sec((int64_t)q, per));
			if (sp)
				prop_u64(p, "CPUQuotaPeriodUSec", per);
		} else if (!strcmp(k, "cpuset.cpus") || !strcmp(k, "cpuset.mems")) {
			int rc = prop_mask(p, k[7] == 'c' ? "AllowedCPUs" : "AllowedMemoryNodes", v, field, e);
			if (rc < 0)
				return rc;
		} else if (!strcmp(k, "io.weight")) {
			const char *w = strncmp(v, "default ", 8) == 0 ? v + 8 : v;
			if (strchr(w, ':'))
				continue; /* per-device lines: the file only */
			if (parse_max_u64(w, &x) < 0 || x == INFINITY_U64)
				return herr_set(e, -EINVAL, "%s: invalid value \"%s\"", field, v);
			prop_u64(p, "IOWeight", x);
		}
	}
	return 0;
}

static void access_str(unsigned acc, char out[4])
{
	int n = 0;
	if (acc & BPF_DEVCG_ACC_READ)
		out[n++] = 'r';
	if (acc & BPF_DEVCG_ACC_WRITE)
		out[n++] = 'w';
	if (acc & BPF_DEVCG_ACC_MKNOD)
		out[n++] = 'm';
	out[n] = '\0';
}

/* The name /proc/devices gives a major ("136 pts" -> "pts"), for DeviceAllow=char-pts. */
static char *major_name(char type, int64_t major)
{
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(AT_FDCWD, "/proc/devices", &buf, NULL, NULL) < 0)
		return NULL;
	bool in = false;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "Character", 9) || !strncmp(l, "Block", 5)) {
			in = (type == 'c') == (l[0] == 'C');
			continue;
		}
		long long m;
		char name[64];
		if (in && sscanf(l, " %lld %63s", &m, name) == 2 && m == major && !strchr(name, '/'))
			return xstrdup(name);
	}
	return NULL;
}

/* DevicePolicy=strict + DeviceAllow when hull's rule list is an allow-list (nothing but
 * allows after the last blanket deny), so systemd's own device program allows exactly what
 * hull's does. Otherwise (deny rules systemd cannot express) no device property: hull's
 * program alone enforces, systemd attaches none. */
static int device_props(struct cgsd_props *p, const struct oci_resources *res, const struct oci_device *devices,
			size_t n_devices, hull_err *e)
{
	struct cg_dev_rule *list = NULL;
	size_t nl = 0;
	int rc = cg_devices_rules(res->devices, res->n_devices, devices, n_devices, &list, &nl, e);
	if (rc < 0)
		return rc;
	size_t start = 0;
	for (size_t i = 0; i < nl; i++)
		if (!list[i].allow && list[i].type == 'a' && list[i].major < 0 && list[i].minor < 0)
			start = i + 1;
	struct cgsd_props dev = {0};
	bool ok = true, allow_all = false;
	for (size_t i = start; i < nl && ok; i++) {
		const struct cg_dev_rule *r = &list[i];
		char acc[4], path[64];
		access_str(r->access, acc);
		if (!r->allow) {
			ok = false;
		} else if (r->type == 'a') {
			if (r->major >= 0 || r->minor >= 0 || r->access != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD))
				ok = false;
			else
				allow_all = true;
		} else if (r->major < 0) {
			if (r->minor >= 0)
				ok = false;
			else
				pair_ss(&dev, "DeviceAllow", r->type == 'c' ? "char-*" : "block-*", acc);
		} else if (r->minor < 0) {
			_cleanup_free_ char *name = major_name(r->type, r->major);
			if (!name) {
				ok = false;
			} else {
				snprintf(path, sizeof path, "%s-%s", r->type == 'c' ? "char" : "block", name);
				pair_ss(&dev, "DeviceAllow", path, acc);
			}
		} else {
			snprintf(path, sizeof path, "/dev/%s/%" PRId64 ":%" PRId64, r->type == 'c' ? "char" : "block",
				 r->major, r->minor);
			pair_ss(&dev, "DeviceAllow", path, acc);
		}
	}
	free(list);
	if (ok && allow_all) {
		prop_str(p, "DevicePolicy", "auto");
	} else if (ok) {
		prop_str(p, "DevicePolicy", "strict");
		/* an empty DeviceAllow= resets the list; then the entries */
		prop_add(p, "DeviceAllow", CGSD_ASS);
		for (size_t i = 0; i < dev.n; i++) {
			p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
			p->v[p->n++] = dev.v[i];
		}
		free(dev.v);
		dev = (struct cgsd_props){0};
	} else {
		hull_debug("systemd: device rules with denies systemd cannot express; hull's device program alone enforces them");
	}
	cgsd_props_free(&dev);
	return 0;
}

int cgsd_resource_props(const struct oci_resources *res, const struct oci_device *devices, size_t n_devices,
			bool with_devices, struct cgsd_props *out, hull_err *e)
{
	*out = (struct cgsd_props){0};
	if (!res)
		return 0;
	const struct oci_memory *m = &res->memory;
	const struct oci_cpu *c = &res->cpu;
	const struct oci_blkio *b = &res->blkio;
	int rc;
	if (m->has_limit && m->limit != 0)
		prop_u64(out, "MemoryMax", m->limit > 0 ? (uint64_t)m->limit : INFINITY_U64);
	if (m->has_reservation && m->reservation != 0)
		prop_u64(out, "MemoryLow", m->reservation > 0 ? (uint64_t)m->reservation : INFINITY_U64);
	int64_t swap_max;
	rc = cg_swap_to_v2(m->has_swap, m->swap, m->has_limit, m->limit, &swap_max, e);
	if (rc < 0)
		goto fail;
	if (rc == 1)
		prop_u64(out, "MemorySwapMax", swap_max < 0 ? INFINITY_U64 : (uint64_t)swap_max);
	if (c->has_shares && c->shares)
		prop_u64(out, "CPUWeight", cg_shares_to_weight(c->shares));
	uint64_t period = c->has_period && c->period ? c->period : 100000;
	if (c->has_quota && c->quota > 0)
		prop_u64(out, "CPUQuotaPerSecUSec", quota_per_sec(c->quota, period));
	else if (c->has_quota && c->quota < 0)
		prop_u64(out, "CPUQuotaPerSecUSec", INFINITY_U64);
	if (c->has_period && c->period)
		prop_u64(out, "CPUQuotaPeriodUSec", c->period);
	if (c->cpus && *c->cpus && (rc = prop_mask(out, "AllowedCPUs", c->cpus, "linux.resources.cpu.cpus", e)) < 0)
		goto fail;
	if (c->mems && *c->mems && (rc = prop_mask(out, "AllowedMemoryNodes", c->mems, "linux.resources.cpu.mems", e)) < 0)
		goto fail;
	if (res->has_pids)
		prop_u64(out, "TasksMax", res->pids_limit > 0 ? (uint64_t)res->pids_limit : INFINITY_U64);
	if (b->has_weight && b->weight)
		prop_u64(out, "IOWeight", cg_blkio_weight_to_io_weight(b->weight));
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_blkio_dev *d = &b->weight_device[i];
		if (!d->has_weight)
			continue;
		char dev[64];
		snprintf(dev, sizeof dev, "/dev/block/%" PRId64 ":%" PRId64, d->major, d->minor);
		pair_st(out, "IODeviceWeight", dev, cg_blkio_weight_to_io_weight(d->weight));
	}
	io_limits(out, "IOReadBandwidthMax", b->throttle_read_bps, b->n_throttle_read_bps);
	io_limits(out, "IOWriteBandwidthMax", b->throttle_write_bps, b->n_throttle_write_bps);
	io_limits(out, "IOReadIOPSMax", b->throttle_read_iops, b->n_throttle_read_iops);
	io_limits(out, "IOWriteIOPSMax", b->throttle_write_iops, b->n_throttle_write_iops);
	if ((rc = unified_props(out, res, e)) < 0)
		goto fail;
	if (with_devices && (rc = device_props(out, res, devices, n_devices, e)) < 0)
		goto fail;
	return 0;
fail:
	cgsd_props_free(out);
	return rc;
}

/* ---- annotations: a GVariant text subset ------------------------------------------------------ */

static const char *skip_ws(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* 'text' or "text" with backslash escapes; returns the end after the closing quote */
static const char *parse_quoted(const char *s, char **out)
{
	char q = *s++;
	struct strbuf sb = {0};
	sb_append(&sb, "");
	for (; *s && *s != q; s++) {
		if (*s == '\\' && s[1])
			s++;
		sb_appendf(&sb, "%c", *s);
	}
	if (*s != q) {
		sb_free(&sb);
		return NULL;
	}
	*out = sb.buf;
	return s + 1;
}

static int parse_number(const char *s, bool is_double, struct cgsd_prop *q)
{
	char *end;
	errno = 0;
	if (is_double) {
		q->d = strtod(s, &end);
	} else if (q->type == CGSD_I || q->type == CGSD_X || q->type == CGSD_N) {
		q->i = strtoll(s, &end, 0);
	} else {
		if (*skip_ws(s) == '-')
			return -EINVAL;
		q->u = strtoull(s, &end, 0);
	}
	if (end == s || errno || *skip_ws(end))
		return -EINVAL;
	switch (q->type) {
	case CGSD_U: return q->u > UINT32_MAX ? -ERANGE : 0;
	case CGSD_Q: return q->u > UINT16_MAX ? -ERANGE : 0;
	case CGSD_Y: return q->u > UINT8_MAX ? -ERANGE : 0;
	case CGSD_I: return q->i < INT32_MIN || q->i > INT32_MAX ? -ERANGE : 0;
	case CGSD_N: return q->i < INT16_MIN || q->i > INT16_MAX ? -ERANGE : 0;
	default: return 0;
	}
}

static int parse_gvariant(const char *v, struct cgsd_prop *q)
{
	static const struct {
		const char *kw;
		enum cgsd_ptype t;
	} kws[] = {
		{"uint64", CGSD_T}, {"@t", CGSD_T}, {"uint32", CGSD_U}, {"@u", CGSD_U}, {"int64", CGSD_X},
		{"@x", CGSD_X},     {"int32", CGSD_I}, {"@i", CGSD_I},  {"uint16", CGSD_Q}, {"@q", CGSD_Q},
		{"int16", CGSD_N},  {"@n", CGSD_N}, {"byte", CGSD_Y},  {"@y", CGSD_Y},    {"double", CGSD_D},
		{"@d", CGSD_D},     {"boolean", CGSD_B}, {"@b", CGSD_B}, {"@s", CGSD_S},  {"@as", CGSD_AS},
	};
	v = skip_ws(v);
	bool typed = false;
	for (size_t i = 0; i < sizeof kws / sizeof *kws; i++) {
		size_t l = strlen(kws[i].kw);
		if (!strncmp(v, kws[i].kw, l) && isspace((unsigned char)v[l])) {
			q->type = kws[i].t;
			v = skip_ws(v + l);
			typed = true;
			break;
		}
	}
	if (!typed) {
		if (*v == '\'' || *v == '"')
			q->type = CGSD_S;
		else if (*v == '[')
			q->type = CGSD_AS;
		else if (!strncmp(v, "true", 4) || !strncmp(v, "false", 5))
			q->type = CGSD_B;
		else if (strpbrk(v, ".eE"))
			q->type = CGSD_D;
		else
			q->type = CGSD_I; /* GVariant's default for a bare integer */
	}
	switch (q->type) {
	case CGSD_B:
		if (!strcmp(v, "true"))
			q->u = 1;
		else if (!strcmp(v, "false"))
			q->u = 0;
		else
			return -EINVAL;
		return 0;
	case CGSD_S: {
		if (*v != '\'' && *v != '"')
			return -EINVAL;
		const char *end = parse_quoted(v, &q->s);
		return end && !*skip_ws(end) ? 0 : -EINVAL;
	}
	case CGSD_AS: {
		if (*v != '[')
			return -EINVAL;
		v = skip_ws(v + 1);
		while (*v != ']') {
			char *s;
			if ((*v != '\'' && *v != '"') || !(v = parse_quoted(v, &s)))
				return -EINVAL;
			q->strs = xrealloc(q->strs, (q->n + 1) * sizeof *q->strs);
			q->strs[q->n++] = s;
			v = skip_ws(v);
			if (*v == ',')
				v = skip_ws(v + 1);
			else if (*v != ']')
				return -EINVAL;
		}
		return *skip_ws(v + 1) ? -EINVAL : 0;
	}
	case CGSD_D:
		return parse_number(v, true, q);
	default:
		return parse_number(v, false, q);
	}
}

static bool prop_name_ok(const char *n)
{
	if (!isupper((unsigned char)*n))
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n))
			return false;
	return true;
}

int cgsd_annotation_props(const struct oci_kv *ann, size_t n, struct cgsd_props *out, hull_err *e)
{
	*out = (struct cgsd_props){0};
	const size_t pl = strlen(PROP_ANNOTATION);
	for (size_t i = 0; i < n; i++) {
		const char *k = ann[i].key;
		if (strncmp(k, PROP_ANNOTATION, pl) != 0)
			continue;
		const char *name = k + pl;
		if (!prop_name_ok(name)) {
			cgsd_props_free(out);
			return herr_set(e, -EINVAL, "annotations.%s: \"%s\" is not a systemd property name", k, name);
		}
		struct cgsd_prop *q = prop_add(out, name, CGSD_S);
		int rc = parse_gvariant(ann[i].value, q);
		size_t nl = strlen(name);
		bool sec = nl > 3 && !strcmp(name + nl - 3, "Sec") && !(nl > 4 && name[nl - 4] == 'U');
		if (rc >= 0 && sec) {
			/* "TimeoutStopSec" takes seconds: systemd's property is TimeoutStopUSec */
			double secs;
			switch (q->type) {
			case CGSD_T: case CGSD_U: case CGSD_Q: case CGSD_Y: secs = (double)q->u; break;
			case CGSD_I: case CGSD_X: case CGSD_N: secs = (double)q->i; break;
			case CGSD_D: secs = q->d; break;
			default: secs = -1;
			}
			if (secs < 0) {
				rc = -EINVAL;
			} else {
				free(q->name);
				q->name = xasprintf("%.*sUSec", (int)(nl - 3), name);
				q->type = CGSD_T;
				q->u = (uint64_t)(secs * 1e6 + 0.5);
			}
		}
		if (rc < 0) {
			cgsd_props_free(out);
			return herr_set(e, -EINVAL,
					"annotations.%s: invalid value \"%s\" (GVariant text, e.g. \"uint64 123\", \"'text'\", "
					"\"true\", \"['a']\")",
					k, ann[i].value);
		}
	}
	return 0;
}

char *cgsd_props_text(const struct cgsd_props *p)
{
	static const char *const sig[] = {
		[CGSD_T] = "t", [CGSD_U] = "u", [CGSD_I] = "i", [CGSD_X] = "x", [CGSD_Q] = "q",
		[CGSD_N] = "n", [CGSD_Y] = "y", [CGSD_D] = "d", [CGSD_B] = "b", [CGSD_S] = "s",
		[CGSD_AS] = "as", [CGSD_AY] = "ay", [CGSD_AU] = "au", [CGSD_AST] = "a(st)", [CGSD_ASS] = "a(ss)",
	};
	struct strbuf sb = {0};
	sb_append(&sb, "");
	for (size_t i = 0; i < p->n; i++) {
		const struct cgsd_prop *q = &p->v[i];
		sb_appendf(&sb, "%s=%s:", q->name, sig[q->type]);
		switch (q->type) {
		case CGSD_T: case CGSD_U: case CGSD_Q: case CGSD_Y:
			if (q->u == INFINITY_U64)
				sb_append(&sb, "infinity");
			else
				sb_appendf(&sb, "%" PRIu64, q->u);
			break;
		case CGSD_I: case CGSD_X: case CGSD_N: sb_appendf(&sb, "%" PRId64, q->i); break;
		case CGSD_D: sb_appendf(&sb, "%g", q->d); break;
		case CGSD_B: sb_append(&sb, q->u ? "true" : "false"); break;
		case CGSD_S: sb_append(&sb, q->s); break;
		case CGSD_AS:
			for (size_t k = 0; k < q->n; k++)
				sb_appendf(&sb, "%s%s", k ? "," : "", q->strs[k]);
			break;
		case CGSD_AY:
			for (size_t k = 0; k < q->n; k++)
				sb_appendf(&sb, "%02x", q->bytes[k]);
			break;
		case CGSD_AU:
			for (size_t k = 0; k < q->n; k++)
				sb_appendf(&sb, "%s%" PRIu64, k ? "," : "", q->nums[k]);
			break;
		case CGSD_AST:
			for (size_t k = 0; k < q->n; k++) {
				sb_appendf(&sb, "%s%s ", k ? "," : "", q->strs[k]);
				if (q->nums[k] == INFINITY_U64)
					sb_append(&sb, "infinity");
				else
					sb_appendf(&sb, "%" PRIu64, q->nums[k]);
			}
			break;
		case CGSD_ASS:
			for (size_t k = 0; k < q->n; k++)
				sb_appendf(&sb, "%s%s %s", k ? "," : "", q->strs[k], q->strs2[k]);
			break;
		}
		sb_append(&sb, "\n");
	}
	return sb.buf;
}

/* ---- sd-bus, loaded on first use ---------------------------------------------------------------- */

/* The few sd-bus entry points hull needs; the types come from the headers, so a mismatch
 * with the library's ABI is a compile error, not a crash. */
#define SDB_FUNCS(X)                                                                                   \
	X(sd_bus_new)                                                                                  \
	X(sd_bus_set_address)                                                                          \
	X(sd_bus_start)                                                                                \
	X(sd_bus_open_system)                                                                          \
	X(sd_bus_open_user)                                                                            \
	X(sd_bus_flush_close_unref)                                                                    \
	X(sd_bus_message_new_method_call)                                                              \
	X(sd_bus_message_append)                                                                       \
	X(sd_bus_message_append_array)                                                                 \
	X(sd_bus_message_open_container)                                                               \
	X(sd_bus_message_close_container)                                                              \
	X(sd_bus_message_read)                                                                         \
	X(sd_bus_message_unref)                                                                        \
	X(sd_bus_call)                                                                                 \
	X(sd_bus_call_method)                                                                          \
	X(sd_bus_match_signal)                                                                         \
	X(sd_bus_process)                                                                              \
	X(sd_bus_wait)                                                                                 \
	X(sd_bus_slot_unref)                                                                           \
	X(sd_bus_error_free)                                                                           \
	X(sd_bus_error_has_name)                                                                       \
	X(sd_bus_get_property_string)

static struct {
	bool loaded;
#define X(f) __typeof__(f) *f;
	SDB_FUNCS(X)
#undef X
} sdb;

static int sdb_load(hull_err *e)
{
	if (sdb.loaded)
		return 0;
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return herr_set(e, -ENOTSUP, "--systemd-cgroup: cannot load libsystemd.so.0 (install libsystemd0): %s",
				dlerror());
#define X(f)                                                                                                        \
	if (!(sdb.f = (__typeof__(f) *)dlsym(h, #f)))                                                                    \
		return herr_set(e, -ENOTSUP, "--systemd-cgroup: libsystemd.so.0 lacks %s (systemd too old?)", #f);
	SDB_FUNCS(X)
#undef X
	sdb.loaded = true;
	return 0;
}

struct sdconn {
	sd_bus *bus;
	bool direct; /* the manager's private socket: no bus daemon, no sender names */
	bool user;
};

static void sdconn_close(struct sdconn *c)
{
	if (c->bus)
		sdb.sd_bus_flush_close_unref(c->bus);
	c->bus = NULL;
}

static bool systemd_booted(void)
{
	struct stat st;
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

/* root: the system manager's private socket (what systemctl uses; works without dbus-daemon
 * and skips a hop), else the system bus. Others: their user manager. */
static int sdconn_open(struct sdconn *c, hull_err *e)
{
	*c = (struct sdconn){0};
	c->user = geteuid() != 0;
	if (!c->user && !systemd_booted())
		return herr_set(e, -ENOTSUP,
				"--systemd-cgroup: systemd is not running on this host (PID 1 is not systemd, no "
				"/run/systemd/system); use the cgroupfs driver (drop --systemd-cgroup)");
	int rc = sdb_load(e);
	if (rc < 0)
		return rc;
	if (!c->user && access("/run/systemd/private", F_OK) == 0) {
		if ((rc = sdb.sd_bus_new(&c->bus)) >= 0 &&
		    (rc = sdb.sd_bus_set_address(c->bus, "unix:path=/run/systemd/private")) >= 0 &&
		    (rc = sdb.sd_bus_start(c->bus)) >= 0) {
			c->direct = true;
			return 0;
		}
		hull_debug("systemd private socket: %s; trying the system bus", strerror(-rc));
		sdconn_close(c);
	}
	rc = c->user ? sdb.sd_bus_open_user(&c->bus) : sdb.sd_bus_open_system(&c->bus);
	if (rc < 0) {
		c->bus = NULL;
		return herr_errno(e, rc, "--systemd-cgroup: connect to the systemd %s manager (%s)",
				  c->user ? "user" : "system", c->user ? "$XDG_RUNTIME_DIR/bus" : "system bus");
	}
	return 0;
}

static const char *bus_err(const sd_bus_error *be, int rc)
{
	return be && be->message ? be->message : strerror(rc < 0 ? -rc : rc);
}

/* Real device node of a block device for systemd's IO*Max (it stats the path, and the
 * /dev/block/M:m links exist only where udev runs). */
static char *block_node(const char *dev_block)
{
	unsigned maj, min;
	if (sscanf(dev_block, "/dev/block/%u:%u", &maj, &min) != 2)
		return xstrdup(dev_block);
	char p[64];
	snprintf(p, sizeof p, "/sys/dev/block/%u:%u/uevent", maj, min);
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(AT_FDCWD, p, &buf, NULL, NULL) >= 0) {
		char *d = strstr(buf, "DEVNAME=");
		if (d) {
			d += 8;
			d[strcspn(d, "\n")] = '\0';
			char *node = xasprintf("/dev/%s", d);
			struct stat st;
			if (stat(node, &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == maj && minor(st.st_rdev) == min)
				return node;
			free(node);
		}
	}
	return xstrdup(dev_block);
}

static int append_prop(sd_bus_message *m, const struct cgsd_prop *q)
{
	static const char *const sig[] = {
		[CGSD_T] = "t", [CGSD_U] = "u", [CGSD_I] = "i", [CGSD_X] = "x", [CGSD_Q] = "q",
		[CGSD_N] = "n", [CGSD_Y] = "y", [CGSD_D] = "d", [CGSD_B] = "b", [CGSD_S] = "s",
		[CGSD_AS] = "as", [CGSD_AY] = "ay", [CGSD_AU] = "au", [CGSD_AST] = "a(st)", [CGSD_ASS] = "a(ss)",
	};
	int rc;
	if ((rc = sdb.sd_bus_message_open_container(m, 'r', "sv")) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "s", q->name)) < 0 ||
	    (rc = sdb.sd_bus_message_open_container(m, 'v', sig[q->type])) < 0)
		return rc;
	switch (q->type) {
	case CGSD_T: rc = sdb.sd_bus_message_append(m, "t", q->u); break;
	case CGSD_U: rc = sdb.sd_bus_message_append(m, "u", (uint32_t)q->u); break;
	case CGSD_Q: rc = sdb.sd_bus_message_append(m, "q", (uint16_t)q->u); break;
	case CGSD_Y: rc = sdb.sd_bus_message_append(m, "y", (uint8_t)q->u); break;
	case CGSD_I: rc = sdb.sd_bus_message_append(m, "i", (int32_t)q->i); break;
	case CGSD_N: rc = sdb.sd_bus_message_append(m, "n", (int16_t)q->i); break;
	case CGSD_X: rc = sdb.sd_bus_message_append(m, "x", q->i); break;
	case CGSD_D: rc = sdb.sd_bus_message_append(m, "d", q->d); break;
	case CGSD_B: rc = sdb.sd_bus_message_append(m, "b", (int)(q->u != 0)); break;
	case CGSD_S: rc = sdb.sd_bus_message_append(m, "s", q->s); break;
	case CGSD_AY: rc = sdb.sd_bus_message_append_array(m, 'y', q->bytes, q->n); break;
	case CGSD_AS:
	case CGSD_AU:
	case CGSD_AST:
	case CGSD_ASS:
		rc = sdb.sd_bus_message_open_container(m, 'a', sig[q->type] + 1);
		for (size_t k = 0; rc >= 0 && k < q->n; k++) {
			if (q->type == CGSD_AS) {
				rc = sdb.sd_bus_message_append(m, "s", q->strs[k]);
			} else if (q->type == CGSD_AU) {
				rc = sdb.sd_bus_message_append(m, "u", (uint32_t)q->nums[k]);
			} else if (q->type == CGSD_AST) {
				_cleanup_free_ char *node = block_node(q->strs[k]);
				rc = sdb.sd_bus_message_append(m, "(st)", node, q->nums[k]);
			} else {
				rc = sdb.sd_bus_message_append(m, "(ss)", q->strs[k], q->strs2[k]);
			}
		}
		if (rc >= 0)
			rc = sdb.sd_bus_message_close_container(m);
		break;
	}
	if (rc < 0)
		return rc;
	if ((rc = sdb.sd_bus_message_close_container(m)) < 0)
		return rc;
	return sdb.sd_bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, const struct cgsd_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		int rc = append_prop(m, &p->v[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* JobRemoved signals seen so far (they may arrive before the method reply is read) */
struct jobwatch {
	char *job;    /* the job we wait for, NULL until the call returned */
	char *result; /* its result once removed */
	char **seen, **seen_result;
	size_t n_seen;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct jobwatch *w = userdata;
	uint32_t id;
	const char *path, *unit, *result;
	if (sdb.sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	w->seen = xrealloc(w->seen, (w->n_seen + 1) * sizeof *w->seen);
	w->seen_result = xrealloc(w->seen_result, (w->n_seen + 1) * sizeof *w->seen_result);
	w->seen[w->n_seen] = xstrdup(path);
	w->seen_result[w->n_seen] = xstrdup(result);
	w->n_seen++;
	return 0;
}

static void jobwatch_free(struct jobwatch *w)
{
	for (size_t i = 0; i < w->n_seen; i++) {
		free(w->seen[i]);
		free(w->seen_result[i]);
	}
	free(w->seen);
	free(w->seen_result);
	free(w->job);
	free(w->result);
	*w = (struct jobwatch){0};
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int job_timeout_ms(void)
{
	const char *s = getenv("HULL_SYSTEMD_TIMEOUT_MS");
	int v = s ? atoi(s) : 0;
	return v > 0 ? v : JOB_TIMEOUT_MS_DEFAULT;
}

/* Wait for w->job's JobRemoved; 0 with w->result set, or an error naming unit and verb. */
static int job_wait(struct sdconn *c, struct jobwatch *w, const char *verb, const char *unit, hull_err *e)
{
	long long deadline = mono_ms() + job_timeout_ms();
	for (;;) {
		for (size_t i = 0; i < w->n_seen; i++)
			if (!strcmp(w->seen[i], w->job)) {
				w->result = xstrdup(w->seen_result[i]);
				return 0;
			}
		int rc = sdb.sd_bus_process(c->bus, NULL);
		if (rc < 0)
			return herr_errno(e, rc, "--systemd-cgroup: %s unit %s: lost the connection to systemd", verb, unit);
		if (rc > 0)
			continue;
		long long left = deadline - mono_ms();
		if (left <= 0)
			return herr_set(e, -ETIMEDOUT, "--systemd-cgroup: %s unit %s: systemd's job %s did not finish in %d ms",
					verb, unit, w->job, job_timeout_ms());
		rc = sdb.sd_bus_wait(c->bus, (uint64_t)left * 1000);
		if (rc < 0)
			return herr_errno(e, rc, "--systemd-cgroup: %s unit %s: wait for systemd", verb, unit);
	}
}

static int add_job_match(struct sdconn *c, struct jobwatch *w, sd_bus_slot **slot, hull_err *e)
{
	int rc = sdb.sd_bus_match_signal(c->bus, slot, c->direct ? NULL : "org.freedesktop.systemd1",
					 "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "JobRemoved",
					 on_job_removed, w);
	return rc < 0 ? herr_errno(e, rc, "--systemd-cgroup: subscribe to systemd's JobRemoved") : 0;
}

static sd_bus_message *new_call(struct sdconn *c, const char *method, int *rc)
{
	sd_bus_message *m = NULL;
	*rc = sdb.sd_bus_message_new_method_call(c->bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
						 "org.freedesktop.systemd1.Manager", method);
	return *rc < 0 ? NULL : m;
}

static void reset_failed(struct sdconn *c, const char *unit)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sdb.sd_bus_call_method(c->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
			       "org.freedesktop.systemd1.Manager", "ResetFailedUnit", &be, NULL, "s", unit);
	sdb.sd_bus_error_free(&be);
}

/* Call a job-returning method (StartTransientUnit, StopUnit) built by `build` and wait for
 * its job. *exists is set when systemd answered UnitExists, *gone for NoSuchUnit. */
static int run_job(struct sdconn *c, sd_bus_message *m, const char *verb, const char *unit, bool *exists, bool *gone,
		   hull_err *e)
{
	struct jobwatch w = {0};
	sd_bus_slot *slot = NULL;
	sd_bus_message *reply = NULL;
	sd_bus_error be = SD_BUS_ERROR_NULL;
	int rc = add_job_match(c, &w, &slot, e);
	if (rc < 0)
		goto out;
	rc = sdb.sd_bus_call(c->bus, m, (uint64_t)job_timeout_ms() * 1000, &be, &reply);
	if (rc < 0) {
		if (exists && sdb.sd_bus_error_has_name(&be, "org.freedesktop.systemd1.UnitExists"))
			*exists = true;
		if (gone && sdb.sd_bus_error_has_name(&be, "org.freedesktop.systemd1.NoSuchUnit"))
			*gone = true;
		rc = herr_errno(e, rc, "--systemd-cgroup: %s unit %s: %s", verb, unit, bus_err(&be, rc));
		goto out;
	}
	const char *job;
	if ((rc = sdb.sd_bus_message_read(reply, "o", &job)) < 0) {
		rc = herr_errno(e, rc, "--systemd-cgroup: %s unit %s: bad reply from systemd", verb, unit);
		goto out;
	}
	w.job = xstrdup(job);
	if ((rc = job_wait(c, &w, verb, unit, e)) < 0)
		goto out;
	if (strcmp(w.result, "done") != 0)
		rc = herr_set(e, -EIO, "--systemd-cgroup: %s unit %s: systemd's job ended with result \"%s\"", verb, unit,
			      w.result);
out:
	sdb.sd_bus_error_free(&be);
	if (reply)
		sdb.sd_bus_message_unref(reply);
	if (slot)
		sdb.sd_bus_slot_unref(slot);
	jobwatch_free(&w);
	return rc;
}

static int start_unit(struct sdconn *c, const struct cgsd_path *p, pid_t holder, const char *id,
		      const struct cgsd_props *res_props, const struct cgsd_props *ann_props, bool *exists, hull_err *e)
{
	int rc;
	sd_bus_message *m = new_call(c, "StartTransientUnit", &rc);
	if (!m)
		return herr_errno(e, rc, "--systemd-cgroup: build StartTransientUnit");
	bool is_slice = holder <= 0;
	_cleanup_free_ char *desc = xasprintf("hull container %s", id);
	if ((rc = sdb.sd_bus_message_append(m, "ss", p->unit, "fail")) < 0 ||
	    (rc = sdb.sd_bus_message_open_container(m, 'a', "(sv)")) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "(sv)", "Description", "s", desc)) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "(sv)", "DefaultDependencies", "b", 0)) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "(sv)", "MemoryAccounting", "b", 1)) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "(sv)", "CPUAccounting", "b", 1)) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "(sv)", "IOAccounting", "b", 1)) < 0 ||
	    (rc = sdb.sd_bus_message_append(m, "(sv)", "TasksAccounting", "b", 1)) < 0)
		goto out;
	if (is_slice)
		rc = sdb.sd_bus_message_append(m, "(sv)", "Wants", "as", 1, p->slice);
	else if ((rc = sdb.sd_bus_message_append(m, "(sv)", "Slice", "s", p->slice)) >= 0 &&
		 (rc = sdb.sd_bus_message_append(m, "(sv)", "Delegate", "b", 1)) >= 0)
		rc = sdb.sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)holder);
	if (rc < 0 || (rc = append_props(m, res_props)) < 0 || (rc = append_props(m, ann_props)) < 0 ||
	    (rc = sdb.sd_bus_message_close_container(m)) < 0 || (rc = sdb.sd_bus_message_append(m, "a(sa(sv))", 0)) < 0)
		goto out;
	rc = run_job(c, m, "start", p->unit, exists, NULL, e);
	sdb.sd_bus_message_unref(m);
	return rc;
out:
	sdb.sd_bus_message_unref(m);
	return herr_errno(e, rc, "--systemd-cgroup: build StartTransientUnit for %s", p->unit);
}

static int stop_unit(struct sdconn *c, const char *unit, hull_err *e)
{
	int rc;
	sd_bus_message *m = new_call(c, "StopUnit", &rc);
	if (!m)
		return herr_errno(e, rc, "--systemd-cgroup: build StopUnit");
	bool gone = false;
	if ((rc = sdb.sd_bus_message_append(m, "ss", unit, "replace")) < 0) {
		sdb.sd_bus_message_unref(m);
		return herr_errno(e, rc, "--systemd-cgroup: build StopUnit");
	}
	rc = run_job(c, m, "stop", unit, NULL, &gone, e);
	sdb.sd_bus_message_unref(m);
	if (gone) {
		herr_clear(e);
		rc = 0;
	}
	/* a unit that ended "failed" (e.g. its processes were SIGKILLed) would stay listed */
	reset_failed(c, unit);
	return rc;
}

/* The unit's cgroup as systemd reports it (ControlGroup of the Scope/Slice interface). */
static int unit_cgroup(struct sdconn *c, const char *unit, bool is_slice, char **out, hull_err *e)
{
	sd_bus_error be = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int rc = sdb.sd_bus_call_method(c->bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					"org.freedesktop.systemd1.Manager", "GetUnit", &be, &reply, "s", unit);
	const char *path = NULL;
	if (rc >= 0)
		rc = sdb.sd_bus_message_read(reply, "o", &path);
	char *cg = NULL;
	if (rc >= 0)
		rc = sdb.sd_bus_get_property_string(c->bus, "org.freedesktop.systemd1", path,
						    is_slice ? "org.freedesktop.systemd1.Slice" : "org.freedesktop.systemd1.Scope",
						    "ControlGroup", &be, &cg);
	if (rc < 0)
		rc = herr_errno(e, rc, "--systemd-cgroup: read the cgroup of unit %s: %s", unit, bus_err(&be, rc));
	else if (!cg || cg[0] != '/')
		rc = herr_set(e, -EIO, "--systemd-cgroup: unit %s has no cgroup (ControlGroup \"%s\")", unit, cg ? cg : "");
	if (reply)
		sdb.sd_bus_message_unref(reply);
	sdb.sd_bus_error_free(&be);
	if (rc < 0) {
		free(cg);
		return rc;
	}
	*out = cg;
	return 0;
}

/* A process that only holds the scope until the container init is cloned into its cgroup:
 * systemd needs a pid to start a scope, and hull clones the init straight into the final
 * cgroup (CLONE_INTO_CGROUP) so that its cgroup namespace is rooted there. */
static pid_t spawn_holder(hull_err *e)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return herr_sys(e, "--systemd-cgroup: fork the scope's placeholder process");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	return pid;
}

void cgsd_release_holder(struct hull_cgroup *cg)
{
	if (cg->holder > 0) {
		kill(cg->holder, SIGKILL);
		while (waitpid(cg->holder, NULL, 0) < 0 && errno == EINTR)
			;
	}
	cg->holder = 0;
}

int cgsd_create(struct hull_cgroup *cg, const char *mount, const char *id, const struct oci_spec *spec, hull_err *e)
{
	const struct oci_linux *l = spec->linux_;
	const struct oci_resources *res = &l->resources;
	struct cgsd_path p = {0};
	struct cgsd_props rp = {0}, ap = {0};
	struct sdconn c = {0};
	struct cg_need need;
	_cleanup_free_ char *cgpath = NULL;
	pid_t holder = 0;
	bool started = false;
	*cg = (struct hull_cgroup){.dirfd = -1};
	/* everything that can be checked without systemd first: bad input leaves nothing */
	int rc = cgsd_parse_path(l->cgroups_path, id, geteuid() != 0, &p, e);
	if (rc >= 0)
		rc = cg_resources_need(res, &need, e);
	if (rc >= 0)
		rc = cgsd_resource_props(res, l->devices, l->n_devices, true, &rp, e);
	if (rc >= 0)
		rc = cgsd_annotation_props(spec->annotations, spec->n_annotations, &ap, e);
	if (rc >= 0)
		rc = sdconn_open(&c, e);
	if (rc < 0)
		goto fail;
	bool is_slice = strcmp(p.unit + strlen(p.unit) - 6, ".slice") == 0;
	if (!is_slice && (holder = spawn_holder(e)) < 0) {
		rc = holder;
		holder = 0;
		goto fail;
	}
	bool exists = false;
	rc = start_unit(&c, &p, holder, id, &rp, &ap, &exists, e);
	if (rc < 0 && exists) {
		/* a failed unit of that name, left by a crash: reset it and try once more */
		hull_debug("%s", e->msg);
		herr_clear(e);
		reset_failed(&c, p.unit);
		exists = false;
		rc = start_unit(&c, &p, holder, id, &rp, &ap, &exists, e);
		if (rc < 0 && exists)
			herr_prefix(e, "a unit of this name is active (another container with cgroupsPath \"%s\"?)",
				    l->cgroups_path ? l->cgroups_path : "");
	}
	if (rc < 0)
		goto fail;
	started = true;
	if ((rc = unit_cgroup(&c, p.unit, is_slice, &cgpath, e)) < 0)
		goto fail;
	if (strcmp(cgpath, p.cgroup) != 0)
		hull_debug("systemd put %s at %s (expected %s)", p.unit, cgpath, p.cgroup);
	/* the files: exact values and what systemd has no property for (hugetlb, rdma, ...) */
	if ((rc = cg_check_offers(mount, cgpath, &need, e)) < 0 || (rc = cg_enable_controllers(mount, cgpath, &need, e)) < 0 ||
	    (rc = cg_open(cg, mount, cgpath, e)) < 0)
		goto fail;
	cg->unit = xstrdup(p.unit);
	cg->holder = holder;
	cg->created = true;
	holder = 0;
	if ((rc = cg_apply(cg, res, false, e)) < 0)
		goto fail;
	sdconn_close(&c);
	cgsd_path_free(&p);
	cgsd_props_free(&rp);
	cgsd_props_free(&ap);
	return 0;
fail:
	if (cg->holder > 0)
		holder = cg->holder;
	cg->holder = 0;
	if (holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
	}
	if (started)
		stop_unit(&c, p.unit, NULL);
	cg_release(cg);
	sdconn_close(&c);
	cgsd_path_free(&p);
	cgsd_props_free(&rp);
	cgsd_props_free(&ap);
	return rc;
}

int cgsd_update(const struct hull_cgroup *cg, const struct oci_resources *res, hull_err *e)
{
	struct cgsd_props rp = {0};
	struct sdconn c = {0};
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error be = SD_BUS_ERROR_NULL;
	int rc = cgsd_resource_props(res, NULL, 0, res->has_devices, &rp, e);
	if (rc < 0)
		return rc;
	if (!rp.n)
		goto out;
	if ((rc = sdconn_open(&c, e)) < 0)
		goto out;
	m = new_call(&c, "SetUnitProperties", &rc);
	if (!m || (rc = sdb.sd_bus_message_append(m, "sb", cg->unit, 1)) < 0 ||
	    (rc = sdb.sd_bus_message_open_container(m, 'a', "(sv)")) < 0 || (rc = append_props(m, &rp)) < 0 ||
	    (rc = sdb.sd_bus_message_close_container(m)) < 0) {
		rc = herr_errno(e, rc, "--systemd-cgroup: build SetUnitProperties for %s", cg->unit);
		goto out;
	}
	rc = sdb.sd_bus_call(c.bus, m, (uint64_t)job_timeout_ms() * 1000, &be, &reply);
	if (rc < 0)
		rc = herr_errno(e, rc, "--systemd-cgroup: set properties of unit %s: %s", cg->unit, bus_err(&be, rc));
out:
	if (sdb.loaded)
		sdb.sd_bus_error_free(&be);
	if (reply)
		sdb.sd_bus_message_unref(reply);
	if (m)
		sdb.sd_bus_message_unref(m);
	sdconn_close(&c);
	cgsd_props_free(&rp);
	return rc;
}

int cgsd_destroy(struct hull_cgroup *cg, hull_err *e)
{
	cgsd_release_holder(cg);
	struct sdconn c;
	int rc = sdconn_open(&c, e);
	if (rc >= 0)
		rc = stop_unit(&c, cg->unit, e);
	sdconn_close(&c);
	return rc;
}
