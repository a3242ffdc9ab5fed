/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup manager: pure conversions, path naming, mountinfo parsing, the device program (run in
 * a tiny BPF interpreter), and cg_apply/cg_stats_json against a temp dir of fake control files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/cgroup.h"
#include "common/cleanup.h"
#include "common/util.h"

/* ---- shares -> weight ------------------------------------------------------------------------ */

Test(cgroup, shares_to_weight_fixed_points)
{
	/* the three points the log-quadratic mapping is built through, plus "unset" */
	cr_assert_eq(cg_shares_to_weight(0), 0);
	cr_assert_eq(cg_shares_to_weight(2), 1);
	cr_assert_eq(cg_shares_to_weight(1024), 100, "the v1 default must map to the v2 default");
	cr_assert_eq(cg_shares_to_weight(262144), 10000);
	/* out of range clamps */
	cr_assert_eq(cg_shares_to_weight(1), 1);
	cr_assert_eq(cg_shares_to_weight(1000000), 10000);
}

Test(cgroup, shares_to_weight_known_values)
{
	/* values the runc >= 1.3.2 / crun >= 1.23 formula gives (k8s "new conversion" blog table) */
	cr_assert_eq(cg_shares_to_weight(512), 59);
	cr_assert_eq(cg_shares_to_weight(2048), 174);
	cr_assert_eq(cg_shares_to_weight(100), 17);
	cr_assert_eq(cg_shares_to_weight(102400), 4429);
}

Test(cgroup, shares_to_weight_monotonic_in_range)
{
	uint64_t prev = 0;
	for (uint64_t s = 2; s <= 262144; s++) {
		uint64_t w = cg_shares_to_weight(s);
		cr_assert(w >= 1 && w <= 10000, "shares %lu -> %lu", (unsigned long)s, (unsigned long)w);
		cr_assert(w >= prev, "not monotonic at %lu", (unsigned long)s);
		prev = w;
	}
}

/* ---- swap, io weight, io.max ------------------------------------------------------------------ */

Test(cgroup, swap_conversion)
{
	hull_err e = {0};
	int64_t out = 12345;
	cr_assert_eq(cg_swap_to_v2(true, 300, true, 100, &out, &e), 1);
	cr_assert_eq(out, 200, "OCI swap is memory+swap: swap.max = swap - limit");
	cr_assert_eq(cg_swap_to_v2(true, 100, true, 100, &out, &e), 1);
	cr_assert_eq(out, 0, "swap == limit disables swap");
	cr_assert_eq(cg_swap_to_v2(true, -1, true, 100, &out, &e), 1);
	cr_assert_eq(out, -1);
	cr_assert_eq(cg_swap_to_v2(false, 0, true, -1, &out, &e), 1, "unlimited memory => unlimited swap");
	cr_assert_eq(out, -1);
	cr_assert_eq(cg_swap_to_v2(false, 0, true, 100, &out, &e), 0, "no swap given: leave swap.max alone");
	cr_assert_eq(cg_swap_to_v2(true, 0, true, 100, &out, &e), 0);
}

Test(cgroup, swap_conversion_errors)
{
	hull_err e = {0};
	int64_t out;
	cr_assert_lt(cg_swap_to_v2(true, 50, true, 100, &out, &e), 0);
	cr_assert(strstr(e.msg, "linux.resources.memory.swap") && strstr(e.msg, "50") && strstr(e.msg, "100"), "%s",
		  e.msg);
	herr_clear(&e);
	cr_assert_lt(cg_swap_to_v2(true, 500, false, 0, &out, &e), 0);
	cr_assert(strstr(e.msg, "needs a memory limit"), "%s", e.msg);
	herr_clear(&e);
	cr_assert_lt(cg_swap_to_v2(true, 500, true, -1, &out, &e), 0);
}

Test(cgroup, blkio_weight_conversion)
{
	cr_assert_eq(cg_blkio_weight_to_io_weight(0), 0);
	cr_assert_eq(cg_blkio_weight_to_io_weight(10), 1);
	cr_assert_eq(cg_blkio_weight_to_io_weight(1000), 10000);
	cr_assert_eq(cg_blkio_weight_to_io_weight(500), 1 + 490 * 9999 / 990);
}

Test(cgroup, io_max_lines_group_by_device)
{
	struct oci_blkio_dev rbps[] = {{.major = 8, .minor = 0, .rate = 1048576}, {.major = 8, .minor = 16, .rate = 0}};
	struct oci_blkio_dev wiops[] = {{.major = 8, .minor = 0, .rate = 100}};
	struct oci_blkio b = {.present = true,
			      .throttle_read_bps = rbps,
			      .n_throttle_read_bps = 2,
			      .throttle_write_iops = wiops,
			      .n_throttle_write_iops = 1};
	char **lines;
	size_t n = cg_io_max_lines(&b, &lines);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(lines[0], "8:0 rbps=1048576 wiops=100");
	cr_assert_str_eq(lines[1], "8:16 rbps=max", "rate 0 (v1: no limit) becomes max");
	cr_assert_null(lines[2]);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

Test(cgroup, hugepage_size_names)
{
	cr_assert(cg_valid_hugepage_size("2MB"));
	cr_assert(cg_valid_hugepage_size("1GB"));
	cr_assert(cg_valid_hugepage_size("64KB"));
	cr_assert_not(cg_valid_hugepage_size("2M"));
	cr_assert_not(cg_valid_hugepage_size("../2MB"));
	cr_assert_not(cg_valid_hugepage_size("MB"));
	cr_assert_not(cg_valid_hugepage_size("2MB.rsvd"));
}

/* ---- naming ------------------------------------------------------------------------------ */

static char *resolve(const char *p, const char *own, bool systemd, hull_err *e)
{
	char *out = NULL;
	if (cg_resolve_path(p, "c1", own, systemd, &out, e) < 0)
		return NULL;
	return out;
}

#define ASSERT_RESOLVES(in, own, want)                                        \
	do {                                                                  \
		hull_err e_ = {0};                                            \
		_cleanup_free_ char *got_ = resolve(in, own, false, &e_);     \
		cr_assert_not_null(got_, "%s: %s", in ? in : "(null)", e_.msg); \
		cr_assert_str_eq(got_, want, "input %s", in ? in : "(null)"); \
	} while (0)

#define ASSERT_REJECTS(in, own, needle)                                           \
	do {                                                                      \
		hull_err e_ = {0};                                                \
		_cleanup_free_ char *got_ = resolve(in, own, false, &e_);         \
		cr_assert_null(got_, "%s resolved to %s", in, got_ ? got_ : ""); \
		cr_assert(strstr(e_.msg, needle), "%s: %s", in, e_.msg);          \
	} while (0)

Test(cgroup, resolve_default_and_absolute)
{
	ASSERT_RESOLVES(NULL, "/", "/hull/c1");
	ASSERT_RESOLVES("", "/", "/hull/c1");
	ASSERT_RESOLVES("/machine/web", "/ignored", "/machine/web");
	ASSERT_RESOLVES("//a/./b//", "/", "/a/b");
	ASSERT_REJECTS("/a/../../etc", "/", "\"..\"");
	ASSERT_REJECTS("/", "/", "root cgroup");
}

Test(cgroup, resolve_relative_to_own_cgroup)
{
	ASSERT_RESOLVES("foo/bar", "/user.slice/sess", "/user.slice/sess/foo/bar");
	ASSERT_RESOLVES("foo", "/", "/foo");
	ASSERT_REJECTS("../escape", "/user.slice", "\"..\"");
}

Test(cgroup, resolve_systemd_form_without_systemd)
{
	ASSERT_RESOLVES("system.slice:ctr:t16", "/", "/system.slice/ctr-t16.scope");
	ASSERT_RESOLVES("machine-a-b.slice:libpod:abc", "/", "/machine.slice/machine-a.slice/machine-a-b.slice/libpod-abc.scope");
	ASSERT_RESOLVES(":crio:x", "/", "/system.slice/crio-x.scope");
	ASSERT_RESOLVES("-.slice:p:n", "/", "/p-n.scope");
	ASSERT_RESOLVES("kubepods.slice:p:pod1.slice", "/", "/kubepods.slice/pod1.slice");
	ASSERT_REJECTS("notaslice:p:n", "/", "invalid slice name");
	ASSERT_REJECTS("a--b.slice:p:n", "/", "invalid slice name");
	ASSERT_REJECTS("-a.slice:p:n", "/", "invalid slice name");
	ASSERT_REJECTS("system.slice:p:a/b", "/", "slice:prefix:name");
}

Test(cgroup, resolve_systemd_driver_refused)
{
	hull_err e = {0};
	char *out = NULL;
	cr_assert_lt(cg_resolve_path("system.slice:ctr:t1", "t1", "/", true, &out, &e), 0);
	cr_assert_str_eq(e.msg, "systemd cgroup driver not supported: systemd is not running");
	cr_assert_null(out);
}

/* ---- mountinfo / proc cgroup -------------------------------------------------------------------- */

static const char hybrid_mountinfo[] =
	"22 1 8:1 / / rw,relatime - ext4 /dev/vda rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw\n";

Test(cgroup, mountinfo_hybrid_picks_unified)
{
	hull_err e = {0};
	_cleanup_free_ char *m = NULL;
	cr_assert_eq(cg_parse_mountinfo(hybrid_mountinfo, &m, &e), 0, "%s", e.msg);
	cr_assert_str_eq(m, "/sys/fs/cgroup/unified");
}

Test(cgroup, mountinfo_pure_v2_preferred)
{
	const char txt[] = "50 1 0:40 / /mnt/other\\040cg rw - cgroup2 none rw\n"
			   "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
	hull_err e = {0};
	_cleanup_free_ char *m = NULL;
	cr_assert_eq(cg_parse_mountinfo(txt, &m, &e), 0, "%s", e.msg);
	cr_assert_str_eq(m, "/sys/fs/cgroup");
}

Test(cgroup, mountinfo_other_mountpoint_unescaped)
{
	const char txt[] = "50 1 0:40 / /mnt/my\\040cg rw - cgroup2 none rw\n";
	hull_err e = {0};
	_cleanup_free_ char *m = NULL;
	cr_assert_eq(cg_parse_mountinfo(txt, &m, &e), 0, "%s", e.msg);
	cr_assert_str_eq(m, "/mnt/my cg");
}

Test(cgroup, mountinfo_v1_only_fails)
{
	const char txt[] = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";
	hull_err e = {0};
	char *m = NULL;
	cr_assert_lt(cg_parse_mountinfo(txt, &m, &e), 0);
	cr_assert(strstr(e.msg, "cgroup2"), "%s", e.msg);
}

Test(cgroup, proc_self_cgroup_line)
{
	hull_err e = {0};
	_cleanup_free_ char *p = NULL;
	cr_assert_eq(cg_parse_proc_cgroup("4:memory:/x\n0::/user.slice/s1\n", &p, &e), 0);
	cr_assert_str_eq(p, "/user.slice/s1");
	char *q = NULL;
	cr_assert_lt(cg_parse_proc_cgroup("4:memory:/x\n", &q, &e), 0);
}

/* ---- resource validation ----------------------------------------------------------------------- */

#define ASSERT_NEED_FAILS(res, needle)                                      \
	do {                                                                \
		hull_err e_ = {0};                                          \
		struct cg_need n_;                                          \
		cr_assert_lt(cg_resources_need(&(res), &n_, &e_), 0);       \
		cr_assert(strstr(e_.msg, needle), "want %s in: %s", needle, e_.msg); \
	} while (0)

Test(cgroup, unsupported_fields_rejected_by_name)
{
	struct oci_resources r = {.present = true};
	r.memory = (struct oci_memory){.present = true, .has_swappiness = true, .swappiness = 60};
	ASSERT_NEED_FAILS(r, "linux.resources.memory.swappiness");
	r.memory = (struct oci_memory){.present = true, .has_disable_oom_killer = true, .disable_oom_killer = true};
	ASSERT_NEED_FAILS(r, "linux.resources.memory.disableOOMKiller");
	r.memory = (struct oci_memory){.present = true, .has_kernel = true, .kernel = 1 << 20};
	ASSERT_NEED_FAILS(r, "linux.resources.memory.kernel");
	r.memory = (struct oci_memory){0};
	r.cpu = (struct oci_cpu){.present = true, .has_rt_runtime = true, .rt_runtime = 950000};
	ASSERT_NEED_FAILS(r, "linux.resources.cpu.realtimeRuntime");
	r.cpu = (struct oci_cpu){0};
	r.network = (struct oci_network_res){.present = true, .has_class_id = true, .class_id = 42};
	ASSERT_NEED_FAILS(r, "linux.resources.network");
	r.network = (struct oci_network_res){0};
	r.blkio = (struct oci_blkio){.present = true, .has_weight = true, .weight = 5};
	ASSERT_NEED_FAILS(r, "linux.resources.blockIO.weight");
	r.blkio = (struct oci_blkio){.present = true, .has_leaf_weight = true, .leaf_weight = 300};
	ASSERT_NEED_FAILS(r, "linux.resources.blockIO.leafWeight");
}

Test(cgroup, harmless_zero_values_accepted)
{
	struct oci_resources r = {.present = true};
	r.memory = (struct oci_memory){.present = true, .has_swappiness = true, .swappiness = 0,
				       .has_disable_oom_killer = true, .disable_oom_killer = false};
	r.cpu = (struct oci_cpu){.present = true, .has_rt_runtime = true, .rt_runtime = 0};
	hull_err e = {0};
	struct cg_need n;
	cr_assert_eq(cg_resources_need(&r, &n, &e), 0, "%s", e.msg);
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		cr_assert_eq(n.field[c][0], '\0', "%s needed for a no-op config", cg_controller_name(c));
}

Test(cgroup, unified_keys_validated)
{
	struct oci_kv kvs[] = {{"../memory.max", "1"}};
	struct oci_resources r = {.present = true, .unified = kvs, .n_unified = 1};
	ASSERT_NEED_FAILS(r, "invalid cgroup file name");
	kvs[0].key = "memory/max";
	ASSERT_NEED_FAILS(r, "invalid cgroup file name");
	/* cgroup core files are refused here too, not only by the parser (a caller that builds
	 * oci_resources itself must not write cgroup.procs either) */
	kvs[0].key = "cgroup.procs";
	ASSERT_NEED_FAILS(r, "linux.resources.unified[\"cgroup.procs\"]: a cgroup core file");
	kvs[0].key = "cgroup.kill";
	ASSERT_NEED_FAILS(r, "cgroup core file");
	kvs[0].key = "net_cls.classid";
	ASSERT_NEED_FAILS(r, "not a file of a cgroup v2 controller");
	kvs[0].key = "memory.high";
	hull_err e = {0};
	struct cg_need n;
	cr_assert_eq(cg_resources_need(&r, &n, &e), 0);
	cr_assert_str_eq(n.field[CG_MEMORY], "linux.resources.unified[\"memory.high\"]");
}

Test(cgroup, controllers_needed_map)
{
	struct oci_hugepage_limit hp[] = {{"2MB", 1 << 21}};
	struct oci_resources r = {.present = true, .has_pids = true, .pids_limit = 10, .hugepage_limits = hp,
				  .n_hugepage_limits = 1};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 512, .cpus = "0"};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = 1 << 20};
	hull_err e = {0};
	struct cg_need n;
	cr_assert_eq(cg_resources_need(&r, &n, &e), 0, "%s", e.msg);
	cr_assert_str_eq(n.field[CG_PIDS], "linux.resources.pids");
	cr_assert_str_eq(n.field[CG_MEMORY], "linux.resources.memory");
	cr_assert_str_eq(n.field[CG_CPU], "linux.resources.cpu");
	cr_assert_str_eq(n.field[CG_CPUSET], "linux.resources.cpu.cpus");
	cr_assert_str_eq(n.field[CG_HUGETLB], "linux.resources.hugepageLimits");
	cr_assert_eq(n.field[CG_IO][0], '\0');
	cr_assert_eq(n.field[CG_RDMA][0], '\0');
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		cr_assert_eq(n.hard[c], n.field[c][0] != '\0', "%s: real limits are hard needs", cg_controller_name(c));
}

Test(cgroup, kernel_defaults_are_soft_needs)
{
	/* what containerd's ctr sends (shares 1024) and "unlimited" values */
	struct oci_resources r = {.present = true, .has_pids = true, .pids_limit = -1};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 1024, .has_quota = true, .quota = -1,
				 .has_period = true, .period = 100000};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = -1};
	hull_err e = {0};
	struct cg_need n;
	cr_assert_eq(cg_resources_need(&r, &n, &e), 0, "%s", e.msg);
	cr_assert_str_eq(n.field[CG_CPU], "linux.resources.cpu");
	cr_assert_not(n.hard[CG_CPU]);
	cr_assert_not(n.hard[CG_PIDS]);
	cr_assert_not(n.hard[CG_MEMORY]);
	/* any real limit makes it hard */
	r.cpu.quota = 50000;
	r.pids_limit = 100;
	r.memory.limit = 1 << 20;
	cr_assert_eq(cg_resources_need(&r, &n, &e), 0, "%s", e.msg);
	cr_assert(n.hard[CG_CPU] && n.hard[CG_PIDS] && n.hard[CG_MEMORY]);
	/* the hard request names itself even when a soft one came first */
	struct oci_kv kv[] = {{"cpu.weight", "300"}};
	struct oci_resources r2 = {.present = true, .unified = kv, .n_unified = 1};
	r2.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 1024};
	cr_assert_eq(cg_resources_need(&r2, &n, &e), 0, "%s", e.msg);
	cr_assert(n.hard[CG_CPU]);
	cr_assert_str_eq(n.field[CG_CPU], "linux.resources.unified[\"cpu.weight\"]");
}

/* ---- cg_apply against a temp dir ------------------------------------------------------------- */

static char tmpdir[64];
static int tmpfd = -1;

static void mkfile(const char *name, const char *content)
{
	int fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0, "create %s", name);
	if (content)
		cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static char *slurp(const char *name)
{
	char *s = NULL;
	cr_assert_eq(read_file_at(tmpfd, name, &s, NULL, NULL), 0, "read %s", name);
	return s;
}

#define ASSERT_FILE(name, want)                                         \
	do {                                                            \
		_cleanup_free_ char *got_ = slurp(name);                \
		cr_assert_str_eq(got_, want, "content of %s", name);    \
	} while (0)

static const char *const fake_files[] = {
	"cgroup.procs", "pids.max", "memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.max",
	"cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "io.weight", "io.max", "hugetlb.2MB.max",
	"hugetlb.2MB.rsvd.max", "rdma.max", "memory.high",
};

#define MAX_WRITES 64
static char *writes_file[MAX_WRITES], *writes_val[MAX_WRITES];
static int nwrites;

static void observe(const char *file, const char *value)
{
	if (nwrites < MAX_WRITES) {
		writes_file[nwrites] = xstrdup(file);
		writes_val[nwrites] = xstrdup(value);
		nwrites++;
	}
}

static void tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/hull-cgtest-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	tmpfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(tmpfd, 0);
	mkfile("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
	for (size_t i = 0; i < sizeof fake_files / sizeof fake_files[0]; i++)
		mkfile(fake_files[i], "");
	nwrites = 0;
	cg_write_observer = observe;
}

static void tmp_teardown(void)
{
	cg_write_observer = NULL;
	for (int i = 0; i < nwrites; i++) {
		free(writes_file[i]);
		free(writes_val[i]);
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	cr_assert_eq(system(cmd), 0);
	close(tmpfd);
}

static struct hull_cgroup tmp_cg(void)
{
	return (struct hull_cgroup){.mount = "/fake/cgroup2", .path = "/hull/x", .dirfd = tmpfd};
}

Test(cgroup_apply, full_config_written, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_blkio_dev rbps[] = {{.major = 8, .minor = 0, .rate = 1000}, {.major = 8, .minor = 16, .rate = 2000}};
	struct oci_blkio_dev wdev[] = {{.major = 8, .minor = 0, .has_weight = true, .weight = 1000}};
	struct oci_hugepage_limit hp[] = {{"2MB", 4194304}};
	struct oci_rdma rdma[] = {{.device = "mlx5_0", .has_hca_handles = true, .hca_handles = 3}};
	struct oci_kv unified[] = {{"memory.high", "500000"}};
	struct oci_resources r = {.present = true,
				  .has_pids = true,
				  .pids_limit = 2048,
				  .hugepage_limits = hp,
				  .n_hugepage_limits = 1,
				  .rdma = rdma,
				  .n_rdma = 1,
				  .unified = unified,
				  .n_unified = 1};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = 1000000, .has_swap = true,
				       .swap = 3000000, .has_reservation = true, .reservation = 400000};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 1024, .has_quota = true, .quota = 50000,
				 .has_period = true, .period = 100000, .has_burst = true, .burst = 10000,
				 .cpus = "0-1", .mems = "0"};
	r.blkio = (struct oci_blkio){.present = true, .has_weight = true, .weight = 500, .weight_device = wdev,
				     .n_weight_device = 1, .throttle_read_bps = rbps, .n_throttle_read_bps = 2};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "%s", e.msg);
	ASSERT_FILE("pids.max", "2048");
	ASSERT_FILE("memory.max", "1000000");
	ASSERT_FILE("memory.swap.max", "2000000");
	ASSERT_FILE("memory.low", "400000");
	ASSERT_FILE("cpu.weight", "100");
	ASSERT_FILE("cpu.max", "50000 100000");
	ASSERT_FILE("cpu.max.burst", "10000");
	ASSERT_FILE("cpuset.cpus", "0-1");
	ASSERT_FILE("cpuset.mems", "0");
	ASSERT_FILE("hugetlb.2MB.max", "4194304");
	ASSERT_FILE("hugetlb.2MB.rsvd.max", "4194304");
	ASSERT_FILE("rdma.max", "mlx5_0 hca_handle=3");
	ASSERT_FILE("memory.high", "500000");
	/* no io.bfq.weight here: io.weight with the 10..1000 -> 1..10000 conversion */
	bool saw_default = false, saw_dev = false;
	int io_max = 0;
	for (int i = 0; i < nwrites; i++) {
		if (strcmp(writes_file[i], "io.weight") == 0 && strcmp(writes_val[i], "4950") == 0)
			saw_default = true;
		if (strcmp(writes_file[i], "io.weight") == 0 && strcmp(writes_val[i], "8:0 10000") == 0)
			saw_dev = true;
		if (strcmp(writes_file[i], "io.max") == 0) {
			cr_assert_str_eq(writes_val[i], io_max == 0 ? "8:0 rbps=1000" : "8:16 rbps=2000");
			io_max++;
		}
	}
	cr_assert(saw_default && saw_dev);
	cr_assert_eq(io_max, 2, "one io.max write per device");
	cr_assert_str_eq(writes_file[nwrites - 1], "memory.high", "unified is written last");
}

Test(cgroup_apply, bfq_weight_preferred, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("io.bfq.weight", "");
	struct oci_resources r = {.present = true};
	r.blkio = (struct oci_blkio){.present = true, .has_weight = true, .weight = 500};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "%s", e.msg);
	ASSERT_FILE("io.bfq.weight", "500");
	ASSERT_FILE("io.weight", "");
}

Test(cgroup_apply, unlimited_values_write_max, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_resources r = {.present = true, .has_pids = true, .pids_limit = 0};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = -1};
	r.cpu = (struct oci_cpu){.present = true, .has_quota = true, .quota = -1, .has_period = true, .period = 100000};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "%s", e.msg);
	ASSERT_FILE("pids.max", "max");
	ASSERT_FILE("memory.max", "max");
	ASSERT_FILE("memory.swap.max", "max");
	ASSERT_FILE("cpu.max", "max 100000");
}

Test(cgroup_apply, period_only_keeps_quota, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("cpu.max", "20000 100000\n");
	struct oci_resources r = {.present = true};
	r.cpu = (struct oci_cpu){.present = true, .has_period = true, .period = 50000};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, true, &e), 0, "%s", e.msg);
	cr_assert_eq(nwrites, 1);
	cr_assert_str_eq(writes_file[0], "cpu.max");
	cr_assert_str_eq(writes_val[0], "20000 50000");
}

Test(cgroup_apply, no_swap_accounting_tolerated, .init = tmp_setup, .fini = tmp_teardown)
{
	unlinkat(tmpfd, "memory.swap.max", 0);
	struct oci_resources r = {.present = true};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = 100, .has_swap = true, .swap = 100};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "swap disabled without swap accounting is a no-op: %s", e.msg);
	ASSERT_FILE("memory.max", "100");
	r.memory.swap = 300;
	cr_assert_lt(cg_apply(&cg, &r, false, &e), 0, "a real swap limit must not be dropped silently");
	cr_assert(strstr(e.msg, "linux.resources.memory.swap") && strstr(e.msg, "memory.swap.max"), "%s", e.msg);
}

Test(cgroup_apply, missing_controller_error, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("cgroup.controllers", "hugetlb\n");
	struct oci_resources r = {.present = true};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = 1 << 20};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_lt(cg_apply(&cg, &r, false, &e), 0);
	cr_assert_str_eq(e.msg, "cannot apply linux.resources.memory: controller \"memory\" not available in cgroup "
				"/hull/x (cgroup2 at /fake/cgroup2 offers: hugetlb)");
	ASSERT_FILE("memory.max", "");
}

Test(cgroup_apply, defaults_skip_missing_controllers, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("cgroup.controllers", "hugetlb\n");
	struct oci_resources r = {.present = true, .has_pids = true, .pids_limit = 0};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 1024};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = -1};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "defaults are in effect without the controller: %s", e.msg);
	cr_assert_eq(nwrites, 0);
	r.pids_limit = 2048; /* podman's default: a real limit */
	cr_assert_lt(cg_apply(&cg, &r, false, &e), 0);
	cr_assert_str_eq(e.msg, "cannot apply linux.resources.pids: controller \"pids\" not available in cgroup "
				"/hull/x (cgroup2 at /fake/cgroup2 offers: hugetlb)");
}

Test(cgroup_apply, defaults_written_when_controller_present, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_resources r = {.present = true, .has_pids = true, .pids_limit = 0};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 1024};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, true, &e), 0, "%s", e.msg);
	ASSERT_FILE("cpu.weight", "100");
	ASSERT_FILE("pids.max", "max");
}

Test(cgroup_apply, check_before_update, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("memory.current", "1000000\n");
	struct oci_resources r = {.present = true};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = 500000,
				       .has_check_before_update = true, .check_before_update = true};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_lt(cg_apply(&cg, &r, true, &e), 0);
	cr_assert(strstr(e.msg, "rejecting memory limit 500000 <= current usage 1000000"), "%s", e.msg);
	ASSERT_FILE("memory.max", "");
	r.memory.limit = 2000000;
	cr_assert_eq(cg_apply(&cg, &r, true, &e), 0, "%s", e.msg);
	ASSERT_FILE("memory.max", "2000000");
	/* at create time the check does not apply */
	r.memory.limit = 500000;
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "%s", e.msg);
}

Test(cgroup_apply, unified_errors_name_the_key, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_kv kv[] = {{"memory.nonexistent", "1"}};
	struct oci_resources r = {.present = true, .unified = kv, .n_unified = 1};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_lt(cg_apply(&cg, &r, false, &e), 0);
	cr_assert(strstr(e.msg, "linux.resources.unified[\"memory.nonexistent\"]"), "%s", e.msg);
}

Test(cgroup_apply, unified_multiline_one_write_per_line, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_kv kv[] = {{"io.max", "8:0 rbps=1\n8:16 wbps=2\n"}};
	struct oci_resources r = {.present = true, .unified = kv, .n_unified = 1};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "%s", e.msg);
	cr_assert_eq(nwrites, 2);
	cr_assert_str_eq(writes_val[0], "8:0 rbps=1");
	cr_assert_str_eq(writes_val[1], "8:16 wbps=2");
}

Test(cgroup_apply, unknown_hugepage_size, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_hugepage_limit hp[] = {{"1GB", 1 << 30}};
	struct oci_resources r = {.present = true, .hugepage_limits = hp, .n_hugepage_limits = 1};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_lt(cg_apply(&cg, &r, false, &e), 0);
	cr_assert(strstr(e.msg, "linux.resources.hugepageLimits[0]") && strstr(e.msg, "1GB"), "%s", e.msg);
}

Test(cgroup_apply, idle_and_shares_order, .init = tmp_setup, .fini = tmp_teardown)
{
	struct oci_resources r = {.present = true};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 2048, .has_idle = true, .idle = 1};
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	cr_assert_eq(cg_apply(&cg, &r, false, &e), 0, "%s", e.msg);
	/* the kernel refuses cpu.weight while idle: weight first, idle last */
	cr_assert_eq(nwrites, 2);
	cr_assert_str_eq(writes_file[0], "cpu.weight");
	cr_assert_str_eq(writes_val[0], "174");
	cr_assert_str_eq(writes_file[1], "cpu.idle");
}

/* ---- stats ---------------------------------------------------------------------------------- */

static yajl_val jget(yajl_val root, const char *a, const char *b, const char *c)
{
	const char *path[] = {a, b, c, NULL};
	return yajl_tree_get(root, path, yajl_t_any);
}

Test(cgroup_stats, runc_shape, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\n"
			   "throttled_usec 30\n");
	mkfile("memory.current", "4096\n");
	mkfile("memory.peak", "8192\n");
	mkfile("memory.stat", "anon 1024\nfile 2048\npgfault 9\n");
	mkfile("memory.swap.current", "100\n");
	mkfile("memory.swap.max", "1000\n");
	mkfile("memory.max", "10000\n");
	mkfile("pids.current", "3\n");
	mkfile("pids.max", "max\n");
	mkfile("io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
	mkfile("hugetlb.2MB.current", "2097152\n");
	mkfile("hugetlb.2MB.events", "max 4\n");
	mkfile("hugetlb.2MB.rsvd.current", "0\n");
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cg_stats_json(&cg, &json, &e), 0, "%s", e.msg);
	char err[256];
	yajl_val root = yajl_tree_parse(json, err, sizeof err);
	cr_assert_not_null(root, "invalid JSON (%s): %s", err, json);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "cpu", "usage", "total")), 1500000);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "cpu", "usage", "kernel")), 500000);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "cpu", "usage", "user")), 1000000);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "cpu", "throttling", "throttledPeriods")), 2);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "cpu", "throttling", "throttledTime")), 30000);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "usage", "usage")), 4096);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "usage", "limit")), 10000);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "usage", "max")), 8192);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "cache", NULL)), 2048);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "raw", "pgfault")), 9);
	/* v1 compatible: swap reported as memory+swap */
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "swap", "usage")), 4196);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "memory", "swap", "limit")), 11000);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "pids", "current", NULL)), 3);
	cr_assert_null(jget(root, "pids", "limit", NULL), "\"max\" pids is reported as no limit");
	yajl_val bytes = jget(root, "blkio", "ioServiceBytesRecursive", NULL);
	cr_assert(YAJL_IS_ARRAY(bytes) && bytes->u.array.len == 2, "%s", json);
	yajl_val w = bytes->u.array.values[1];
	const char *op[] = {"op", NULL}, *val[] = {"value", NULL}, *maj[] = {"major", NULL};
	cr_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(w, op, yajl_t_string)), "Write");
	cr_assert_eq(YAJL_GET_INTEGER(yajl_tree_get(w, val, yajl_t_number)), 200);
	cr_assert_eq(YAJL_GET_INTEGER(yajl_tree_get(w, maj, yajl_t_number)), 8);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "hugetlb", "2MB", "usage")), 2097152);
	cr_assert_eq(YAJL_GET_INTEGER(jget(root, "hugetlb", "2MB", "failcnt")), 4);
	cr_assert_eq(YAJL_GET_OBJECT(jget(root, "hugetlb", NULL, NULL))->len, 1, "rsvd is not a page size");
	yajl_tree_free(root);
}

Test(cgroup_stats, missing_files_omitted, .init = tmp_setup, .fini = tmp_teardown)
{
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cg_stats_json(&cg, &json, &e), 0, "%s", e.msg);
	cr_assert_str_eq(json, "{\"cpu\":{},\"memory\":{},\"pids\":{},\"blkio\":{},\"hugetlb\":{}}");
}

Test(cgroup_stats, unlimited_memory_limit, .init = tmp_setup, .fini = tmp_teardown)
{
	mkfile("memory.current", "4096\n");
	mkfile("memory.max", "max\n");
	mkfile("cgroup.procs", "12\n13\n");
	struct hull_cgroup cg = tmp_cg();
	hull_err e = {0};
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cg_stats_json(&cg, &json, &e), 0, "%s", e.msg);
	cr_assert(strstr(json, "\"usage\":{\"limit\":18446744073709551615,\"usage\":4096,\"failcnt\":0}"), "%s", json);
	cr_assert(strstr(json, "\"pids\":{\"current\":2}"), "no pids controller: count cgroup.procs: %s", json);
}

/* ---- device program ------------------------------------------------------------------------- */

/* A tiny interpreter for the instruction subset the compiler emits. Returns the program's r0. */
static int run_prog(const struct bpf_insn *p, size_t n, unsigned type, unsigned access, uint32_t major,
		    uint32_t minor)
{
	uint64_t r[11] = {0};
	uint32_t ctx[3] = {(access << 16) | type, major, minor};
	bool r1_ctx = true;
	for (size_t pc = 0, steps = 0; steps < 100000; pc++, steps++) {
		cr_assert_lt(pc, n, "fell off the end of the program");
		struct bpf_insn i = p[pc];
		cr_assert(i.dst_reg <= 10 && i.src_reg <= 10);
		switch (i.code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			cr_assert(i.src_reg == 1 && r1_ctx && i.off >= 0 && i.off <= 8 && i.off % 4 == 0);
			r[i.dst_reg] = ctx[i.off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K: r[i.dst_reg] = (uint32_t)r[i.dst_reg] & (uint32_t)i.imm; break;
		case BPF_ALU | BPF_RSH | BPF_K: r[i.dst_reg] = (uint32_t)r[i.dst_reg] >> i.imm; break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i.dst_reg] = (uint32_t)r[i.src_reg];
			if (i.dst_reg == 1)
				r1_ctx = false;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K: r[i.dst_reg] = (uint64_t)(int64_t)i.imm; break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i.dst_reg] != (uint64_t)(int64_t)i.imm)
				pc += i.off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (r[i.dst_reg] == (uint64_t)(int64_t)i.imm)
				pc += i.off;
			break;
		case BPF_JMP | BPF_EXIT: return (int)r[0];
		default: cr_assert_fail("unexpected opcode 0x%x at %zu", i.code, pc);
		}
	}
	cr_assert_fail("program did not terminate");
	return -1;
}

/* The kernel verifier rejects unreachable instructions and jumps out of the program. */
static void assert_well_formed(const struct bpf_insn *p, size_t n)
{
	bool *seen = calloc(n, 1);
	size_t stack[4096], sp = 0;
	stack[sp++] = 0;
	while (sp) {
		size_t pc = stack[--sp];
		cr_assert_lt(pc, n, "jump out of the program");
		if (seen[pc])
			continue;
		seen[pc] = true;
		uint8_t cls = p[pc].code & 0x07;
		if (p[pc].code == (BPF_JMP | BPF_EXIT))
			continue;
		if (cls == BPF_JMP) {
			cr_assert_geq(p[pc].off, 0);
			stack[sp++] = pc + 1 + (size_t)p[pc].off;
		}
		stack[sp++] = pc + 1;
	}
	for (size_t i = 0; i < n; i++)
		cr_assert(seen[i], "instruction %zu is unreachable", i);
	free(seen);
}

struct prog {
	struct bpf_insn *insns;
	size_t n;
};

static struct prog compile(const struct oci_device_cgroup *rules, size_t n, const struct oci_device *devs,
			   size_t nd)
{
	hull_err e = {0};
	struct cg_dev_rule *list = NULL;
	size_t nl = 0;
	struct prog p = {0};
	cr_assert_geq(cg_devices_rules(rules, n, devs, nd, &list, &nl, &e), 0, "%s", e.msg);
	cr_assert_eq(cg_devices_compile(list, nl, &p.insns, &p.n, &e), 0, "%s", e.msg);
	free(list);
	assert_well_formed(p.insns, p.n);
	return p;
}

static unsigned acc(const char *s)
{
	unsigned a = 0;
	for (; *s; s++)
		a |= *s == 'r' ? BPF_DEVCG_ACC_READ : *s == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
	return a;
}

static bool allowed(struct prog p, char type, uint32_t major, uint32_t minor, const char *access)
{
	return run_prog(p.insns, p.n, type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, acc(access), major,
			minor) == 1;
}

#define DENY_ALL {.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"}

Test(cgroup_devices, podman_deny_all_keeps_standard_devices)
{
	struct oci_device_cgroup rules[] = {DENY_ALL};
	struct prog p = compile(rules, 1, NULL, 0);
	cr_assert(allowed(p, 'c', 1, 3, "rw"), "/dev/null");
	cr_assert(allowed(p, 'c', 1, 9, "r"), "/dev/urandom");
	cr_assert(allowed(p, 'c', 5, 2, "rw"), "/dev/ptmx");
	cr_assert(allowed(p, 'c', 136, 7, "rw"), "/dev/pts/7");
	cr_assert(allowed(p, 'c', 10, 200, "m"), "mknod of any char device");
	cr_assert(allowed(p, 'b', 8, 0, "m"), "mknod of any block device");
	cr_assert_not(allowed(p, 'c', 10, 200, "rw"), "/dev/net/tun is not a default device");
	cr_assert_not(allowed(p, 'b', 8, 0, "r"), "block devices are denied");
	cr_assert_not(allowed(p, 'c', 1, 1, "r"), "/dev/mem is denied");
	free(p.insns);
}

Test(cgroup_devices, containerd_list_same_result_smaller_program)
{
	struct oci_device_cgroup rules[] = {
		DENY_ALL,
		{true, 'c', 1, 3, "rwm"},  {true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 7, "rwm"},
		{true, 'c', 5, 0, "rwm"},  {true, 'c', 1, 5, "rwm"}, {true, 'c', 1, 9, "rwm"},
		{true, 'c', 5, 1, "rwm"},  {true, 'c', 136, -1, "rwm"}, {true, 'c', 5, 2, "rwm"},
	};
	size_t n = sizeof rules / sizeof rules[0];
	struct prog p = compile(rules, n, NULL, 0);
	struct prog podman = compile(rules, 1, NULL, 0);
	cr_assert_lt(p.n, podman.n + 9 * 5, "defaults the config already allows are not emitted twice");
	const uint32_t probes[][2] = {{1, 3}, {1, 5}, {5, 2}, {136, 0}, {10, 200}, {1, 1}};
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
		for (const char *a = "r\0w\0m\0rw\0rwm\0"; *a; a += strlen(a) + 1)
			cr_assert_eq(allowed(p, 'c', probes[i][0], probes[i][1], a),
				     allowed(podman, 'c', probes[i][0], probes[i][1], a), "c %u:%u %s", probes[i][0],
				     probes[i][1], a);
	free(p.insns);
	free(podman.insns);
}

Test(cgroup_devices, explicit_deny_of_default_device_wins)
{
	struct oci_device_cgroup rules[] = {{false, 'c', 1, 5, "rwm"}};
	struct prog p = compile(rules, 1, NULL, 0);
	cr_assert_not(allowed(p, 'c', 1, 5, "r"), "/dev/zero was denied by the config");
	cr_assert_not(allowed(p, 'c', 1, 5, "m"), "its mknod too, despite the c *:* m default");
	cr_assert(allowed(p, 'c', 1, 3, "rw"), "/dev/null still allowed");
	free(p.insns);
}

Test(cgroup_devices, last_match_wins_with_partial_access)
{
	struct oci_device_cgroup rules[] = {DENY_ALL, {true, 'c', 10, 229, "rwm"}, {false, 'c', 10, 229, "w"}};
	struct prog p = compile(rules, 3, NULL, 0);
	cr_assert(allowed(p, 'c', 10, 229, "r"));
	cr_assert(allowed(p, 'c', 10, 229, "m"));
	cr_assert_not(allowed(p, 'c', 10, 229, "w"));
	cr_assert_not(allowed(p, 'c', 10, 229, "rw"), "open O_RDWR needs write, which was denied later");
	free(p.insns);
}

Test(cgroup_devices, allow_needs_every_requested_bit)
{
	struct oci_device_cgroup rules[] = {DENY_ALL, {true, 'b', 7, -1, "r"}};
	struct prog p = compile(rules, 2, NULL, 0);
	cr_assert(allowed(p, 'b', 7, 3, "r"), "loop devices read");
	cr_assert_not(allowed(p, 'b', 7, 3, "rw"));
	cr_assert_not(allowed(p, 'c', 7, 3, "r"), "type must match");
	free(p.insns);
}

Test(cgroup_devices, privileged_allow_all)
{
	struct oci_device_cgroup rules[] = {{true, 'a', -1, -1, "rwm"}};
	struct prog p = compile(rules, 1, NULL, 0);
	cr_assert(allowed(p, 'b', 8, 0, "rwm"));
	cr_assert(allowed(p, 'c', 1, 1, "rw"));
	/* allow-all decides: prologue + one block (mov, exit) and nothing after it */
	cr_assert_eq(p.n, 6 + 2);
	free(p.insns);
}

Test(cgroup_devices, deny_after_allow_all)
{
	struct oci_device_cgroup rules[] = {{true, 'a', -1, -1, "rwm"}, {false, 'b', 8, -1, "w"}};
	struct prog p = compile(rules, 2, NULL, 0);
	cr_assert(allowed(p, 'b', 8, 0, "r"));
	cr_assert_not(allowed(p, 'b', 8, 0, "w"));
	cr_assert(allowed(p, 'b', 9, 0, "w"));
	free(p.insns);
}

Test(cgroup_devices, linux_devices_entries_allowed)
{
	struct oci_device_cgroup rules[] = {DENY_ALL};
	struct oci_device devs[] = {{.type = 'c', .path = "/dev/fuse", .major = 10, .minor = 229},
				    {.type = 'b', .path = "/dev/loop0", .major = 7, .minor = 0},
				    {.type = 'p', .path = "/dev/fifo"}};
	struct prog p = compile(rules, 1, devs, 3);
	cr_assert(allowed(p, 'c', 10, 229, "rwm"));
	cr_assert(allowed(p, 'b', 7, 0, "rw"));
	cr_assert_not(allowed(p, 'b', 7, 1, "rw"));
	free(p.insns);
}

Test(cgroup_devices, no_rules_default_deny_plus_defaults)
{
	struct prog p = compile(NULL, 0, NULL, 0);
	cr_assert(allowed(p, 'c', 1, 3, "rw"));
	cr_assert_not(allowed(p, 'c', 4, 0, "rw"));
	free(p.insns);
}

Test(cgroup_devices, invalid_rule_type)
{
	struct oci_device_cgroup rules[] = {{true, 'x', 1, 1, "r"}};
	struct cg_dev_rule *list = NULL;
	size_t n = 0;
	hull_err e = {0};
	cr_assert_lt(cg_devices_rules(rules, 1, NULL, 0, &list, &n, &e), 0);
	cr_assert(strstr(e.msg, "linux.resources.devices[0].type"), "%s", e.msg);
}
