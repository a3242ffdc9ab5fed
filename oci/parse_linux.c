/* SPDX-License-Identifier: Apache-2.0 */
/* The "linux" object of config.json, and LinuxResources (also update --resources). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../common/util.h"
#include "json.h"
#include "tables.h"

/* ---- small validators ---------------------------------------------------------------- */

/* A network interface name as the kernel accepts it (dev_valid_name): 1..15 bytes, not "."
 * or "..", no '/', ':' or whitespace. */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= 16 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *c = s; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\v' ||
		    *c == '\f')
			return false;
	return true;
}

/* A single path component (a cgroup file or resctrl group name): never lets the name escape
 * the directory it is opened in. */
static bool valid_file_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int check_abs_paths(struct jp *p, const char *key, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i][0] != '/') {
			size_t o = jp_key(p, key);
			jp_idx(p, i);
			int r = jp_err(p, "must be an absolute path, got \"%s\"", v[i]);
			jp_pop(p, o);
			return r;
		}
	}
	return 0;
}

/* ---- shared: ID mappings ------------------------------------------------------------- */

int oci_parse_idmap(struct jp *p, yajl_val v, void *out)
{
	struct oci_idmap *m = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_u32(p, v, "containerID", &m->container_id), "containerID");
	REQ(p, jf_u32(p, v, "hostID", &m->host_id), "hostID");
	REQ(p, jf_u32(p, v, "size", &m->size), "size");
	if (m->size == 0)
		return jp_err_at(p, "size", "must be greater than 0");
	if ((uint64_t)m->container_id + m->size - 1 > UINT32_MAX || (uint64_t)m->host_id + m->size - 1 > UINT32_MAX)
		return jp_err_at(p, "size", "range %" PRIu32 " does not fit in 32-bit IDs", m->size);
	return 0;
}

/* ---- linux.resources ----------------------------------------------------------------- */

static int parse_dev_cgroup(struct jp *p, yajl_val v, void *out)
{
	struct oci_device_cgroup *d = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	d->type = 'a';
	d->major = d->minor = -1;
	strcpy(d->access, "rwm");
	REQ(p, jf_bool(p, v, "allow", &d->allow), "allow");

	_cleanup_free_ char *type = NULL;
	int r = jf_str(p, v, "type", &type);
	TRY(r);
	if (r && type[0]) { /* "" is Go's zero value: all */
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return jp_err_at(p, "type", "invalid device type \"%s\" (expected a, c or b)", type);
		d->type = type[0];
	}
	/* -1 is the wildcard ("*"), as in runc */
	TRY(jf_i64(p, v, "major", -1, INT64_MAX, &d->major));
	TRY(jf_i64(p, v, "minor", -1, INT64_MAX, &d->minor));

	_cleanup_free_ char *access = NULL;
	r = jf_str(p, v, "access", &access);
	TRY(r);
	if (r && access[0]) {
		bool rd = false, wr = false, mk = false;
		for (const char *c = access; *c; c++) {
			if (*c == 'r')
				rd = true;
			else if (*c == 'w')
				wr = true;
			else if (*c == 'm')
				mk = true;
			else
				return jp_err_at(p, "access", "invalid device access \"%s\" (expected letters of \"rwm\")",
						 access);
		}
		/* canonical order */
		char *a = d->access;
		if (rd)
			*a++ = 'r';
		if (wr)
			*a++ = 'w';
		if (mk)
			*a++ = 'm';
		*a = '\0';
	}
	return 0;
}

#define OPT_I64(obj, key, min, field, flag)                                   \
	do {                                                                  \
		int _o = jf_i64(p, obj, key, min, INT64_MAX, &(field));       \
		TRY(_o);                                                      \
		if (_o)                                                       \
			(flag) = true;                                        \
	} while (0)
#define OPT_U64(obj, key, max, field, flag)                                   \
	do {                                                                  \
		int _o = jf_u64(p, obj, key, max, &(field));                  \
		TRY(_o);                                                      \
		if (_o)                                                       \
			(flag) = true;                                        \
	} while (0)
#define OPT_BOOL(obj, key, field, flag)                                       \
	do {                                                                  \
		int _o = jf_bool(p, obj, key, &(field));                      \
		TRY(_o);                                                      \
		if (_o)                                                       \
			(flag) = true;                                        \
	} while (0)

static int parse_memory(struct jp *p, yajl_val v, void *out)
{
	struct oci_memory *m = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	m->present = true;
	/* -1 means unlimited; other negative values are meaningless */
	OPT_I64(v, "limit", -1, m->limit, m->has_limit);
	OPT_I64(v, "reservation", -1, m->reservation, m->has_reservation);
	OPT_I64(v, "swap", -1, m->swap, m->has_swap);
	OPT_I64(v, "kernel", -1, m->kernel, m->has_kernel);
	OPT_I64(v, "kernelTCP", -1, m->kernel_tcp, m->has_kernel_tcp);
	uint64_t sw = 0;
	int r = jf_u64(p, v, "swappiness", UINT64_MAX, &sw);
	TRY(r);
	/* runc treats (uint64)-1 as "not set"; anything else must be a valid vm.swappiness */
	if (r && sw != UINT64_MAX) {
		if (sw > 100)
			return jp_err_at(p, "swappiness", "value %" PRIu64 " out of range (0..100)", sw);
		m->has_swappiness = true;
		m->swappiness = sw;
	}
	OPT_BOOL(v, "disableOOMKiller", m->disable_oom_killer, m->has_disable_oom_killer);
	OPT_BOOL(v, "useHierarchy", m->use_hierarchy, m->has_use_hierarchy);
	OPT_BOOL(v, "checkBeforeUpdate", m->check_before_update, m->has_check_before_update);
	return 0;
}

static int parse_cpu(struct jp *p, yajl_val v, void *out)
{
	struct oci_cpu *c = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	c->present = true;
	OPT_U64(v, "shares", UINT64_MAX, c->shares, c->has_shares);
	OPT_I64(v, "quota", -1, c->quota, c->has_quota);
	OPT_U64(v, "burst", UINT64_MAX, c->burst, c->has_burst);
	OPT_U64(v, "period", UINT64_MAX, c->period, c->has_period);
	OPT_I64(v, "realtimeRuntime", -1, c->rt_runtime, c->has_rt_runtime);
	OPT_U64(v, "realtimePeriod", UINT64_MAX, c->rt_period, c->has_rt_period);
	TRY(jf_str(p, v, "cpus", &c->cpus));
	TRY(jf_str(p, v, "mems", &c->mems));
	/* cpu.idle: 0 (default) or 1 (SCHED_IDLE) */
	int r = jf_i64(p, v, "idle", 0, 1, &c->idle);
	TRY(r);
	c->has_idle = r > 0;
	return 0;
}

/* blkio.weight / leaf_weight accept 10..1000; 0 means "not set", as in runc (Docker sends
 * "weight": 0 for every container without --blkio-weight) */
#define BLKIO_WEIGHT_MIN 10
#define BLKIO_WEIGHT_MAX 1000

static int parse_weight(struct jp *p, yajl_val obj, const char *key, uint16_t *out, bool *has)
{
	uint64_t w = 0;
	int r = jf_u64(p, obj, key, UINT16_MAX, &w);
	TRY(r);
	if (!r || w == 0)
		return 0;
	if (w < BLKIO_WEIGHT_MIN || w > BLKIO_WEIGHT_MAX)
		return jp_err_at(p, key, "value %" PRIu64 " out of range (%d..%d)", w, BLKIO_WEIGHT_MIN,
				 BLKIO_WEIGHT_MAX);
	*out = (uint16_t)w;
	*has = true;
	return 0;
}

static int parse_blkio_major_minor(struct jp *p, yajl_val v, struct oci_blkio_dev *d)
{
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_i64(p, v, "major", 0, UINT32_MAX, &d->major), "major");
	REQ(p, jf_i64(p, v, "minor", 0, UINT32_MAX, &d->minor), "minor");
	return 0;
}

static int parse_blkio_weight_dev(struct jp *p, yajl_val v, void *out)
{
	struct oci_blkio_dev *d = out;
	TRY(parse_blkio_major_minor(p, v, d));
	TRY(parse_weight(p, v, "weight", &d->weight, &d->has_weight));
	TRY(parse_weight(p, v, "leafWeight", &d->leaf_weight, &d->has_leaf_weight));
	return 0;
}

static int parse_blkio_throttle_dev(struct jp *p, yajl_val v, void *out)
{
	struct oci_blkio_dev *d = out;
	TRY(parse_blkio_major_minor(p, v, d));
	REQ(p, jf_u64(p, v, "rate", UINT64_MAX, &d->rate), "rate");
	return 0;
}

static int parse_blkio(struct jp *p, yajl_val v, void *out)
{
	struct oci_blkio *b = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	b->present = true;
	TRY(parse_weight(p, v, "weight", &b->weight, &b->has_weight));
	TRY(parse_weight(p, v, "leafWeight", &b->leaf_weight, &b->has_leaf_weight));
	TRY(jf_array(p, v, "weightDevice", sizeof *b->weight_device, &b->weight_device, &b->n_weight_device,
		     parse_blkio_weight_dev));
	TRY(jf_array(p, v, "throttleReadBpsDevice", sizeof(struct oci_blkio_dev), &b->throttle_read_bps,
		     &b->n_throttle_read_bps, parse_blkio_throttle_dev));
	TRY(jf_array(p, v, "throttleWriteBpsDevice", sizeof(struct oci_blkio_dev), &b->throttle_write_bps,
		     &b->n_throttle_write_bps, parse_blkio_throttle_dev));
	TRY(jf_array(p, v, "throttleReadIOPSDevice", sizeof(struct oci_blkio_dev), &b->throttle_read_iops,
		     &b->n_throttle_read_iops, parse_blkio_throttle_dev));
	TRY(jf_array(p, v, "throttleWriteIOPSDevice", sizeof(struct oci_blkio_dev), &b->throttle_write_iops,
		     &b->n_throttle_write_iops, parse_blkio_throttle_dev));
	return 0;
}

static int parse_pids(struct jp *p, yajl_val v, void *out)
{
	struct oci_resources *res = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	/* The schema marks limit required, the text OPTIONAL: {} simply sets nothing. -1 is "max";
	 * any other negative number means nothing and is refused rather than silently unlimited. */
	int r = jf_i64(p, v, "limit", -1, INT64_MAX, &res->pids_limit);
	TRY(r);
	res->has_pids = r > 0;
	return 0;
}

/* "<size><K|M|G>B" with a size that does not start with 0: 64KB, 2MB, 1GB */
static bool valid_page_size(const char *s)
{
	if (*s < '1' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

static int parse_hugepage(struct jp *p, yajl_val v, void *out)
{
	struct oci_hugepage_limit *h = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_str(p, v, "pageSize", &h->page_size), "pageSize");
	if (!valid_page_size(h->page_size))
		return jp_err_at(p, "pageSize", "invalid page size \"%s\" (expected e.g. \"2MB\" or \"1GB\")",
				 h->page_size);
	REQ(p, jf_u64(p, v, "limit", UINT64_MAX, &h->limit), "limit");
	return 0;
}

static int parse_net_prio(struct jp *p, yajl_val v, void *out)
{
	struct oci_net_prio *np = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_str(p, v, "name", &np->name), "name");
	if (!valid_ifname(np->name))
		return jp_err_at(p, "name", "invalid interface name \"%s\"", np->name);
	REQ(p, jf_u32(p, v, "priority", &np->priority), "priority");
	return 0;
}

static int parse_network(struct jp *p, yajl_val v, void *out)
{
	struct oci_network_res *n = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	n->present = true;
	int r = jf_u32(p, v, "classID", &n->class_id);
	TRY(r);
	n->has_class_id = r > 0;
	TRY(jf_array(p, v, "priorities", sizeof *n->priorities, &n->priorities, &n->n_priorities, parse_net_prio));
	return 0;
}

static int parse_rdma(struct jp *p, yajl_val v, void *out)
{
	struct oci_resources *res = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	size_t len = v->u.object.len;
	res->rdma = xcalloc(len ? len : 1, sizeof *res->rdma);
	res->n_rdma = 0;
	for (size_t i = 0; i < len; i++) {
		const char *dev = v->u.object.keys[i];
		yajl_val ent = v->u.object.values[i];
		size_t o = jp_mapkey(p, dev);
		struct oci_rdma *rd = &res->rdma[res->n_rdma];
		int r = 0;
		if (!*dev)
			r = jp_err(p, "device name must not be empty");
		if (r >= 0)
			r = jp_want(p, ent, yajl_t_object, "object");
		if (r >= 0) {
			rd->device = xstrdup(dev);
			res->n_rdma++;
			r = jf_u32(p, ent, "hcaHandles", &rd->hca_handles);
			rd->has_hca_handles = r > 0;
		}
		if (r >= 0) {
			r = jf_u32(p, ent, "hcaObjects", &rd->hca_objects);
			rd->has_hca_objects = r > 0;
		}
		if (r >= 0 && !rd->has_hca_handles && !rd->has_hca_objects)
			r = jp_err(p, "at least one of hcaHandles and hcaObjects is required");
		jp_pop(p, o);
		TRY(r);
	}
	return 0;
}

/* The cgroup v2 controllers whose interface files linux.resources.unified may write. */
static const char *const unified_controllers[] = {"cpu", "cpuset", "io", "memory", "pids", "hugetlb", "rdma", "misc"};

/* cgroup core files ("cgroup.*") are the runtime's, not the config's: cgroup.procs and
 * cgroup.threads move any host process into the container's cgroup (where delete --force kills
 * it), cgroup.kill kills, cgroup.freeze is pause/resume's, cgroup.subtree_control and
 * cgroup.type change the tree the runtime manages. The only exceptions are the two limits on
 * how many cgroups the container may create below its own: they bound nothing outside it. */
static const char *const unified_core_allowed[] = {"cgroup.max.depth", "cgroup.max.descendants"};

const char *oci_unified_key_problem(const char *k)
{
	if (!k || !*k || strchr(k, '/') || strstr(k, ".."))
		return "invalid cgroup file name (expected \"<controller>.<file>\")";
	for (const char *c = k; *c; c++)
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c))
			return "invalid cgroup file name (expected \"<controller>.<file>\")";
	const char *dot = strchr(k, '.');
	if (!dot || dot == k || !dot[1])
		return "invalid cgroup file name (expected \"<controller>.<file>\")";
	size_t n = (size_t)(dot - k);
	if (n == 6 && strncmp(k, "cgroup", 6) == 0) {
		for (size_t i = 0; i < sizeof unified_core_allowed / sizeof *unified_core_allowed; i++)
			if (strcmp(k, unified_core_allowed[i]) == 0)
				return NULL;
		return "a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for "
		       "cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)";
	}
	for (size_t i = 0; i < sizeof unified_controllers / sizeof *unified_controllers; i++)
		if (strlen(unified_controllers[i]) == n && strncmp(k, unified_controllers[i], n) == 0)
			return NULL;
	return "not a file of a cgroup v2 controller (allowed: <controller>.<file> for cpu, cpuset, io, memory, "
	       "pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)";
}

/* Keys of linux.resources.unified name files in the container's cgroup directory:
 * "<controller>.<file>", never a path and never a cgroup core file. */
static int parse_unified(struct jp *p, yajl_val v, void *out)
{
	struct oci_resources *res = out;
	TRY(jp_kv(p, v, &res->unified, &res->n_unified));
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *k = res->unified[i].key;
		const char *why = oci_unified_key_problem(k);
		if (why) {
			size_t o = jp_mapkey(p, k);
			int r = jp_err(p, "%s", why);
			jp_pop(p, o);
			return r;
		}
	}
	return 0;
}

static int parse_devices_cgroup(struct jp *p, yajl_val v, void *out)
{
	struct oci_resources *res = out;
	res->has_devices = true;
	return jp_array(p, v, sizeof *res->devices, &res->devices, &res->n_devices, parse_dev_cgroup);
}

int oci_parse_resources_obj(struct jp *p, yajl_val v, void *out)
{
	struct oci_resources *res = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	res->present = true;
	TRY(jf_sub(p, v, "devices", parse_devices_cgroup, res));
	TRY(jf_sub(p, v, "memory", parse_memory, &res->memory));
	TRY(jf_sub(p, v, "cpu", parse_cpu, &res->cpu));
	TRY(jf_sub(p, v, "blockIO", parse_blkio, &res->blkio));
	TRY(jf_sub(p, v, "pids", parse_pids, res));
	TRY(jf_array(p, v, "hugepageLimits", sizeof *res->hugepage_limits, &res->hugepage_limits,
		     &res->n_hugepage_limits, parse_hugepage));
	TRY(jf_sub(p, v, "network", parse_network, &res->network));
	TRY(jf_sub(p, v, "rdma", parse_rdma, res));
	TRY(jf_sub(p, v, "unified", parse_unified, res));
	return 0;
}

int oci_resources_parse(const char *json, size_t len, const char *file, struct oci_resources *out, hull_err *e)
{
	memset(out, 0, sizeof *out);
	if (!file)
		file = "resources.json";
	yajl_val root = NULL;
	TRY(oci_json_parse(json, len, file, &root, e));
	struct jp p;
	jp_init(&p, file, NULL, e);
	int r = oci_parse_resources_obj(&p, root, out);
	yajl_tree_free(root);
	if (r < 0)
		oci_resources_clear(out);
	return r;
}

/* ---- linux.seccomp ------------------------------------------------------------------- */

static int parse_seccomp_arg(struct jp *p, yajl_val v, void *out)
{
	struct oci_seccomp_arg *a = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	uint64_t idx = 0;
	/* a syscall has six arguments */
	REQ(p, jf_u64(p, v, "index", 5, &idx), "index");
	a->index = (unsigned)idx;
	REQ(p, jf_u64(p, v, "value", UINT64_MAX, &a->value), "value");
	TRY(jf_u64(p, v, "valueTwo", UINT64_MAX, &a->value_two));
	REQ(p, jf_enum(p, v, "op", oci_seccomp_op_enum, "seccomp operator", &a->op), "op");
	return 0;
}

static int parse_seccomp_action(struct jp *p, yajl_val obj, const char *key, char **out)
{
	int r = jf_str(p, obj, key, out);
	if (r > 0 && !oci_enum_find(oci_seccomp_action_enum, *out))
		return jp_err_at(p, key, "unknown seccomp action \"%s\"", *out);
	return r;
}

static int parse_syscall(struct jp *p, yajl_val v, void *out)
{
	struct oci_seccomp_syscall *sc = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	REQ(p, jf_strv(p, v, "names", &sc->names, &sc->n_names), "names");
	if (sc->n_names == 0)
		return jp_err_at(p, "names", "must contain at least one entry");
	for (size_t i = 0; i < sc->n_names; i++)
		if (!sc->names[i][0]) {
			size_t o = jp_key(p, "names");
			jp_idx(p, i);
			int r = jp_err(p, "must not be empty");
			jp_pop(p, o);
			return r;
		}
	REQ(p, parse_seccomp_action(p, v, "action", &sc->action), "action");
	int r = jf_u32(p, v, "errnoRet", &sc->errno_ret);
	TRY(r);
	if (r) {
		if (!oci_seccomp_action_takes_errno(sc->action))
			return jp_err_at(p, "errnoRet", "not allowed with action %s (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
					 sc->action);
		sc->has_errno_ret = true;
	}
	TRY(jf_array(p, v, "args", sizeof *sc->args, &sc->args, &sc->n_args, parse_seccomp_arg));
	return 0;
}

static int check_seccomp_names(struct jp *p, const char *key, char **v, size_t n, const struct oci_seccomp_name *t,
			       const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (!oci_seccomp_name_find(t, v[i])) {
			size_t o = jp_key(p, key);
			jp_idx(p, i);
			int r = jp_err(p, "unknown %s \"%s\"", what, v[i]);
			jp_pop(p, o);
			return r;
		}
	return 0;
}

static int parse_seccomp(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	struct oci_seccomp *s = xcalloc(1, sizeof *s);
	l->seccomp = s;
	REQ(p, parse_seccomp_action(p, v, "defaultAction", &s->default_action), "defaultAction");
	int r = jf_u32(p, v, "defaultErrnoRet", &s->default_errno_ret);
	TRY(r);
	if (r) {
		if (!oci_seccomp_action_takes_errno(s->default_action))
			return jp_err_at(p, "defaultErrnoRet",
					 "not allowed with defaultAction %s (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
					 s->default_action);
		s->has_default_errno_ret = true;
	}
	TRY(jf_strv(p, v, "architectures", &s->architectures, &s->n_architectures));
	TRY(check_seccomp_names(p, "architectures", s->architectures, s->n_architectures, oci_seccomp_arch_table,
				"seccomp architecture"));
	TRY(jf_strv(p, v, "flags", &s->flags, &s->n_flags));
	TRY(check_seccomp_names(p, "flags", s->flags, s->n_flags, oci_seccomp_flag_table, "seccomp flag"));
	TRY(jf_str(p, v, "listenerPath", &s->listener_path));
	if (s->listener_path && !s->listener_path[0]) { /* Go's zero value */
		free(s->listener_path);
		s->listener_path = NULL;
	}
	TRY(jf_str(p, v, "listenerMetadata", &s->listener_metadata));
	if (s->listener_metadata && s->listener_metadata[0] && !s->listener_path)
		return jp_err_at(p, "listenerMetadata", "must not be set without listenerPath");
	TRY(jf_array(p, v, "syscalls", sizeof *s->syscalls, &s->syscalls, &s->n_syscalls, parse_syscall));

	/* Without an agent to answer, a notifying syscall would block forever. */
	if (!s->listener_path) {
		if (strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0)
			return jp_err_at(p, "defaultAction", "SCMP_ACT_NOTIFY requires listenerPath");
		for (size_t i = 0; i < s->n_syscalls; i++)
			if (strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0) {
				size_t o = jp_key(p, "syscalls");
				jp_idx(p, i);
				r = jp_err_at(p, "action", "SCMP_ACT_NOTIFY requires listenerPath");
				jp_pop(p, o);
				return r;
			}
	}
	return 0;
}

/* ---- the rest of linux.* ------------------------------------------------------------- */

static int parse_namespace(struct jp *p, yajl_val v, void *out)
{
	struct oci_namespace *ns = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	int t = 0;
	REQ(p, jf_enum(p, v, "type", oci_ns_enum, "namespace", &t), "type");
	ns->type = (enum oci_ns_type)t;
	TRY(jf_str(p, v, "path", &ns->path));
	if (ns->path && !ns->path[0]) { /* "" is Go's zero value: create a new one */
		free(ns->path);
		ns->path = NULL;
	}
	if (ns->path && ns->path[0] != '/')
		return jp_err_at(p, "path", "must be an absolute path, got \"%s\"", ns->path);
	return 0;
}

static int parse_namespaces(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_array(p, v, sizeof *l->namespaces, &l->namespaces, &l->n_namespaces, parse_namespace));
	for (size_t j = 1; j < l->n_namespaces; j++)
		for (size_t i = 0; i < j; i++)
			if (l->namespaces[i].type == l->namespaces[j].type) {
				size_t o = jp_idx(p, j);
				int r = jp_err_at(p, "type", "duplicate namespace \"%s\"",
						  oci_ns_type_name(l->namespaces[j].type));
				jp_pop(p, o);
				return r;
			}
	return 0;
}

static int parse_time_offset(struct jp *p, yajl_val v, void *out)
{
	struct oci_time_offset *t = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	t->present = true;
	TRY(jf_i64(p, v, "secs", INT64_MIN, INT64_MAX, &t->secs));
	uint64_t ns = 0;
	TRY(jf_u64(p, v, "nanosecs", 999999999, &ns));
	t->nanosecs = (uint32_t)ns;
	return 0;
}

static int parse_time_offsets(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	TRY(jf_sub(p, v, "boottime", parse_time_offset, &l->time_boottime));
	TRY(jf_sub(p, v, "monotonic", parse_time_offset, &l->time_monotonic));
	return 0;
}

static int parse_device(struct jp *p, yajl_val v, void *out)
{
	struct oci_device *d = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	_cleanup_free_ char *type = NULL;
	REQ(p, jf_str(p, v, "type", &type), "type");
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return jp_err_at(p, "type", "invalid device type \"%s\" (expected c, b, u or p)", type);
	d->type = type[0];
	REQ(p, jf_str(p, v, "path", &d->path), "path");
	if (d->path[0] != '/')
		return jp_err_at(p, "path", "must be an absolute path, got \"%s\"", d->path);
	/* major/minor: REQUIRED unless type is p (a fifo has none) */
	int r = jf_i64(p, v, "major", 0, UINT32_MAX, &d->major);
	TRY(r);
	if (!r && d->type != 'p')
		return jp_missing(p, "major");
	r = jf_i64(p, v, "minor", 0, UINT32_MAX, &d->minor);
	TRY(r);
	if (!r && d->type != 'p')
		return jp_missing(p, "minor");
	uint64_t mode = 0;
	/* In decimal. The schema says 0..511 (permission bits), but podman and containerd copy
	 * the host node's mode without the file type, which can carry setuid/setgid/sticky bits:
	 * accept 07777, refuse anything with file-type bits. */
	r = jf_u64(p, v, "fileMode", 07777, &mode);
	TRY(r);
	d->has_file_mode = r > 0;
	d->file_mode = (uint32_t)mode;
	r = jf_u32(p, v, "uid", &d->uid);
	TRY(r);
	d->has_uid = r > 0;
	r = jf_u32(p, v, "gid", &d->gid);
	TRY(r);
	d->has_gid = r > 0;
	return 0;
}

static int parse_net_devices(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	size_t len = v->u.object.len;
	l->net_devices = xcalloc(len ? len : 1, sizeof *l->net_devices);
	l->n_net_devices = 0;
	for (size_t i = 0; i < len; i++) {
		const char *host = v->u.object.keys[i];
		yajl_val ent = v->u.object.values[i];
		size_t o = jp_mapkey(p, host);
		int r = 0;
		if (!valid_ifname(host))
			r = jp_err(p, "invalid interface name");
		if (r >= 0)
			r = jp_want(p, ent, yajl_t_object, "object");
		if (r >= 0) {
			struct oci_net_device *nd = &l->net_devices[l->n_net_devices++];
			nd->host_name = xstrdup(host);
			r = jf_str(p, ent, "name", &nd->name);
			if (r > 0 && !nd->name[0]) { /* "" keeps the host name */
				free(nd->name);
				nd->name = NULL;
			} else if (r > 0 && !valid_ifname(nd->name))
				r = jp_err_at(p, "name", "invalid interface name \"%s\"", nd->name);
		}
		jp_pop(p, o);
		TRY(r);
	}
	for (size_t j = 1; j < l->n_net_devices; j++)
		for (size_t i = 0; i < j; i++) {
			const char *a = l->net_devices[i].name ? l->net_devices[i].name : l->net_devices[i].host_name;
			const char *b = l->net_devices[j].name ? l->net_devices[j].name : l->net_devices[j].host_name;
			if (strcmp(a, b) == 0 && !strstr(a, "%d")) {
				size_t o = jp_mapkey(p, l->net_devices[j].host_name);
				int r = jp_err(p, "two devices would be named \"%s\" in the container", b);
				jp_pop(p, o);
				return r;
			}
		}
	return 0;
}

static int parse_intel_rdt(struct jp *p, yajl_val v, void *out)
{
	struct oci_intel_rdt *rdt = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	rdt->present = true;
	TRY(jf_str(p, v, "closID", &rdt->clos_id));
	if (rdt->clos_id && rdt->clos_id[0] && !valid_file_name(rdt->clos_id))
		return jp_err_at(p, "closID", "invalid resctrl group name \"%s\"", rdt->clos_id);
	TRY(jf_str(p, v, "l3CacheSchema", &rdt->l3_cache_schema));
	TRY(jf_str(p, v, "memBwSchema", &rdt->mem_bw_schema));
	if (rdt->mem_bw_schema && (strncmp(rdt->mem_bw_schema, "MB:", 3) != 0 || strchr(rdt->mem_bw_schema, '\n')))
		return jp_err_at(p, "memBwSchema", "must be one line starting with \"MB:\"");
	TRY(jf_strv(p, v, "schemata", &rdt->schemata, &rdt->n_schemata));
	for (size_t i = 0; i < rdt->n_schemata; i++)
		if (strchr(rdt->schemata[i], '\n')) {
			size_t o = jp_key(p, "schemata");
			jp_idx(p, i);
			int r = jp_err(p, "must not contain a newline");
			jp_pop(p, o);
			return r;
		}
	TRY(jf_bool(p, v, "enableMonitoring", &rdt->enable_monitoring));
	return 0;
}

static int parse_personality(struct jp *p, yajl_val v, void *out)
{
	struct oci_personality *pe = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	int dom = 0;
	REQ(p, jf_enum(p, v, "domain", oci_personality_enum, "personality domain", &dom), "domain");
	pe->domain = xstrdup(jv_get(v, "domain")->u.string);
	TRY(jf_strv(p, v, "flags", &pe->flags, &pe->n_flags));
	/* "Currently no flag values are supported." (config-linux.md) */
	if (pe->n_flags) {
		size_t o = jp_key(p, "flags");
		jp_idx(p, 0);
		int r = jp_err(p, "unknown personality flag \"%s\"", pe->flags[0]);
		jp_pop(p, o);
		return r;
	}
	pe->present = true;
	return 0;
}

static int parse_memory_policy(struct jp *p, yajl_val v, void *out)
{
	struct oci_memory_policy *mp = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	int mode = 0;
	REQ(p, jf_enum(p, v, "mode", oci_mpol_mode_enum, "memory policy mode", &mode), "mode");
	mp->mode = xstrdup(jv_get(v, "mode")->u.string);
	TRY(jf_str(p, v, "nodes", &mp->nodes));
	if (mp->nodes && !oci_is_cpu_list(mp->nodes))
		return jp_err_at(p, "nodes", "invalid node list \"%s\" (expected e.g. \"0-3,7\")", mp->nodes);
	TRY(jf_strv(p, v, "flags", &mp->flags, &mp->n_flags));
	for (size_t i = 0; i < mp->n_flags; i++)
		if (!oci_enum_find(oci_mpol_flag_enum, mp->flags[i])) {
			size_t o = jp_key(p, "flags");
			jp_idx(p, i);
			int r = jp_err(p, "unknown memory policy flag \"%s\"", mp->flags[i]);
			jp_pop(p, o);
			return r;
		}
	mp->present = true;
	return 0;
}

static int parse_propagation(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_want(p, v, yajl_t_string, "string"));
	if (!v->u.string[0]) /* Go's zero value */
		return 0;
	int prop = 0;
	TRY(jp_enum(p, v, oci_propagation_enum, "rootfs propagation", &prop));
	l->rootfs_propagation = (enum oci_propagation)prop;
	return 0;
}

/* sysctl keys become paths under /proc/sys: no absolute paths and no "..". */
static int parse_sysctl(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_kv(p, v, &l->sysctl, &l->n_sysctl));
	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *k = l->sysctl[i].key;
		if (k[0] == '/' || k[0] == '.' || strstr(k, "..") || strstr(k, "/.")) {
			size_t o = jp_mapkey(p, k);
			int r = jp_err(p, "invalid sysctl name");
			jp_pop(p, o);
			return r;
		}
	}
	return 0;
}

static bool has_ns(const struct oci_linux *l, enum oci_ns_type t)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].type == t)
			return true;
	return false;
}

int oci_parse_linux_obj(struct jp *p, yajl_val v, void *out)
{
	struct oci_linux *l = out;
	TRY(jp_want(p, v, yajl_t_object, "object"));
	TRY(jf_sub(p, v, "namespaces", parse_namespaces, l));
	TRY(jf_array(p, v, "uidMappings", sizeof *l->uid_mappings, &l->uid_mappings, &l->n_uid_mappings,
		     oci_parse_idmap));
	TRY(jf_array(p, v, "gidMappings", sizeof *l->gid_mappings, &l->gid_mappings, &l->n_gid_mappings,
		     oci_parse_idmap));
	TRY(jf_sub(p, v, "timeOffsets", parse_time_offsets, l));
	TRY(jf_array(p, v, "devices", sizeof *l->devices, &l->devices, &l->n_devices, parse_device));
	TRY(jf_sub(p, v, "netDevices", parse_net_devices, l));
	TRY(jf_str(p, v, "cgroupsPath", &l->cgroups_path));
	TRY(jf_sub(p, v, "resources", oci_parse_resources_obj, &l->resources));
	TRY(jf_sub(p, v, "rootfsPropagation", parse_propagation, l));
	TRY(jf_sub(p, v, "seccomp", parse_seccomp, l));
	TRY(jf_sub(p, v, "sysctl", parse_sysctl, l));
	TRY(jf_strv(p, v, "maskedPaths", &l->masked_paths, &l->n_masked_paths));
	TRY(check_abs_paths(p, "maskedPaths", l->masked_paths, l->n_masked_paths));
	TRY(jf_strv(p, v, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths));
	TRY(check_abs_paths(p, "readonlyPaths", l->readonly_paths, l->n_readonly_paths));
	TRY(jf_str(p, v, "mountLabel", &l->mount_label));
	TRY(jf_sub(p, v, "intelRdt", parse_intel_rdt, &l->intel_rdt));
	TRY(jf_sub(p, v, "personality", parse_personality, &l->personality));
	TRY(jf_sub(p, v, "memoryPolicy", parse_memory_policy, &l->memory_policy));

	/* Settings that only mean something inside a namespace the config does not ask for. */
	if ((l->n_uid_mappings || l->n_gid_mappings) && !has_ns(l, OCI_NS_USER))
		return jp_err_at(p, l->n_uid_mappings ? "uidMappings" : "gidMappings",
				 "ID mappings need a user namespace in .linux.namespaces");
	/* a new user namespace without mappings leaves every id unmapped (the process would be
	 * the overflow uid and could not even become root in it): say which setting is missing */
	for (size_t i = 0; i < l->n_namespaces; i++) {
		if (l->namespaces[i].type != OCI_NS_USER || l->namespaces[i].path)
			continue;
		if (!l->n_uid_mappings || !l->n_gid_mappings)
			return jp_err_at(p, !l->n_uid_mappings ? "uidMappings" : "gidMappings",
					 "required: .linux.namespaces[%zu] creates a user namespace, which needs uid and "
					 "gid mappings",
					 i);
	}
	if ((l->time_boottime.present || l->time_monotonic.present) && !has_ns(l, OCI_NS_TIME))
		return jp_err_at(p, "timeOffsets", "time offsets need a time namespace in .linux.namespaces");
	return 0;
}
