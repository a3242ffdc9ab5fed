/* SPDX-License-Identifier: Apache-2.0 */
/* oci/: exec --process process.json, update --resources LinuxResources JSON, and the
 * "not supported" checks. Paths in these documents start at "." (".args", ".memory.limit"). */
#include "test_oci_helpers.h"

#include <sys/resource.h>

static void process_err(const char *sq, const char *msg)
{
	char *j = q(sq);
	struct oci_process *p = NULL;
	hull_err e = {0};
	int r = oci_process_parse(j, strlen(j), "process.json", &p, &e);
	cr_expect_eq(r, -EINVAL, "input: %s", sq);
	cr_expect_null(p);
	cr_expect_str_eq(e.msg, msg, "input: %s", sq);
	oci_process_free(p);
	free(j);
}

static void resources_err(const char *sq, const char *msg)
{
	char *j = q(sq);
	struct oci_resources r;
	memset(&r, 0xaa, sizeof r); /* the parser must initialise it */
	hull_err e = {0};
	int rc = oci_resources_parse(j, strlen(j), "resources.json", &r, &e);
	cr_expect_eq(rc, -EINVAL, "input: %s", sq);
	cr_expect_str_eq(e.msg, msg, "input: %s", sq);
	cr_expect(!r.present, "a failed parse leaves the struct cleared");
	oci_resources_clear(&r);
	free(j);
}

/* ---- process.json ----------------------------------------------------------------------- */

Test(oci_process, podman_exec)
{
	size_t len;
	char *buf = slurp("podman-exec.process.json", &len);
	struct oci_process *p = NULL;
	hull_err e = {0};
	int r = oci_process_parse(buf, len, "process.json", &p, &e);
	cr_assert_eq(r, 0, "%s", e.msg);
	cr_assert_eq(p->n_args, 3);
	cr_assert_str_eq(p->args[2], "echo exec-ok; id");
	cr_assert(!p->terminal, "no terminal key means false");
	cr_assert_eq(p->capabilities->n_effective, 14);
	cr_assert_eq(p->rlimits[1].resource, RLIMIT_NPROC);
	cr_assert_eq(oci_process_check_supported(p, "process.json", &e), 0, "%s", e.msg);
	oci_process_free(p);
	free(buf);
}

Test(oci_process, containerd_exec_tty)
{
	size_t len;
	char *buf = slurp("containerd-exec-tty.process.json", &len);
	struct oci_process *p = NULL;
	hull_err e = {0};
	cr_assert_eq(oci_process_parse(buf, len, "process.json", &p, &e), 0, "%s", e.msg);
	cr_assert(p->terminal);
	cr_assert(p->no_new_privileges);
	cr_assert_eq(p->user.additional_gids[0], 0);
	oci_process_free(p);
	free(buf);
}

Test(oci_process, bad_input)
{
	process_err("{'args': ['sh']}", "process.json: .cwd: required property missing");
	process_err("{'cwd': 'x', 'args': ['sh']}", "process.json: .cwd: must be an absolute path, got \"x\"");
	process_err("{'cwd': '/'}", "process.json: .args: required property missing");
	process_err("{'cwd': '/', 'args': 'sh'}", "process.json: .args: expected array of strings, got string");
	process_err("{'cwd': '/', 'args': ['sh'], 'capabilities': {'permitted': ['CAP_NOPE']}}",
		    "process.json: .capabilities.permitted[0]: unknown capability \"CAP_NOPE\"");
	process_err("{'cwd': '/', 'args': ['sh'], 'user': {'uid': -1}}",
		    "process.json: .user.uid: value -1 out of range (0..4294967295)");
	process_err("{'cwd': '/', 'args': ['sh'], 'commandLine': 'sh'}", "process.json: .commandLine: not supported on linux");
	process_err("[]", "process.json: .: expected object, got array");
	process_err("{'cwd': '/', 'args': ['sh'],}",
		    "process.json: invalid JSON at line 1, column 29: parse error: invalid object key (must be a string)");
}

Test(oci_process, default_file_name)
{
	struct oci_process *p = NULL;
	hull_err e = {0};
	const char *j = "{\"cwd\": \"/\"}";
	cr_assert_eq(oci_process_parse(j, strlen(j), NULL, &p, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "process.json: .args: required property missing");
}

Test(oci_process, exec_cpu_affinity_not_supported)
{
	char *j = q("{'cwd': '/', 'args': ['sh'], 'execCPUAffinity': {'initial': '0-1'}}");
	struct oci_process *p = NULL;
	hull_err e = {0};
	cr_assert_eq(oci_process_parse(j, strlen(j), "process.json", &p, &e), 0, "%s", e.msg);
	cr_assert_eq(oci_process_check_supported(p, "process.json", &e), -EOPNOTSUPP);
	cr_assert_str_eq(e.msg, "process.json: .execCPUAffinity: not supported");
	oci_process_free(p);
	free(j);
}

/* ---- update --resources ----------------------------------------------------------------- */

Test(oci_resources, podman_update)
{
	size_t len;
	char *buf = slurp("podman-update.resources.json", &len);
	struct oci_resources r;
	hull_err e = {0};
	cr_assert_eq(oci_resources_parse(buf, len, "resources.json", &r, &e), 0, "%s", e.msg);
	cr_assert(r.present);
	cr_assert(r.memory.present && r.memory.has_limit && r.memory.has_swap);
	cr_assert_eq(r.memory.limit, 67108864);
	cr_assert_eq(r.memory.swap, 134217728);
	cr_assert(!r.memory.has_reservation);
	cr_assert(r.cpu.has_quota && r.cpu.has_period);
	cr_assert_eq(r.cpu.quota, 50000);
	cr_assert_eq(r.cpu.period, 100000);
	cr_assert(!r.cpu.has_shares);
	cr_assert(!r.has_devices);
	cr_assert(!r.has_pids);
	cr_assert(!r.blkio.present);
	cr_assert_eq(oci_resources_check_supported(&r, "resources.json", &e), 0, "%s", e.msg);
	oci_resources_clear(&r);
	cr_assert(!r.present, "clear resets the struct");
	free(buf);
}

Test(oci_resources, all_fields)
{
	char *j = q("{'devices': [{'allow': true, 'type': 'b', 'major': 8, 'minor': 1, 'access': 'w'}], "
		    "'memory': {'reservation': 1}, 'cpu': {'cpus': '0', 'shares': 2}, 'pids': {'limit': 0}, "
		    "'blockIO': {'weight': 100}, 'hugepageLimits': [{'pageSize': '64KB', 'limit': 65536}], "
		    "'rdma': {'rxe0': {'hcaHandles': 1}}, 'unified': {'pids.max': '10'}}");
	struct oci_resources r;
	hull_err e = {0};
	cr_assert_eq(oci_resources_parse(j, strlen(j), "resources.json", &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.devices[0].type, 'b');
	cr_assert_str_eq(r.devices[0].access, "w");
	cr_assert_eq(r.memory.reservation, 1);
	cr_assert_str_eq(r.cpu.cpus, "0");
	cr_assert(r.has_pids, "0 is a valid pids limit");
	cr_assert_eq(r.pids_limit, 0);
	cr_assert_eq(r.blkio.weight, 100);
	cr_assert_eq(r.hugepage_limits[0].limit, 65536);
	cr_assert_eq(r.rdma[0].hca_handles, 1);
	cr_assert_str_eq(r.unified[0].value, "10");
	oci_resources_clear(&r);
	free(j);
}

Test(oci_resources, unified_allowed_keys)
{
	char *j = q("{'unified': {'memory.max': '1', 'hugetlb.2MB.max': '0', 'io.max': '8:0 rbps=1', 'cpu.weight': '5', "
		    "'cpuset.cpus': '0', 'pids.max': 'max', 'rdma.max': 'x', 'misc.max': 'x', 'cgroup.max.depth': '2', "
		    "'cgroup.max.descendants': '10'}, 'pids': {'limit': -1}}");
	struct oci_resources r;
	hull_err e = {0};
	cr_assert_eq(oci_resources_parse(j, strlen(j), "resources.json", &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.n_unified, 10);
	cr_assert_eq(r.pids_limit, -1);
	oci_resources_clear(&r);
	free(j);
	cr_assert_null(oci_unified_key_problem("memory.max"));
	cr_assert_not_null(oci_unified_key_problem("cgroup.procs"));
	cr_assert_not_null(oci_unified_key_problem("cgroup.max.depth/../cgroup.procs"));
	cr_assert_not_null(oci_unified_key_problem("memory..max"));
	cr_assert_not_null(oci_unified_key_problem(""));
	cr_assert_not_null(oci_unified_key_problem(NULL));
}

Test(oci_resources, bad_input)
{
	resources_err("{'memory': {'limit': 'x'}}", "resources.json: .memory.limit: expected integer, got string");
	resources_err("{'memory': {'limit': 9223372036854775808}}",
		      "resources.json: .memory.limit: value 9223372036854775808 out of range (-1..9223372036854775807)");
	resources_err("{'cpu': {'quota': 1.5}}", "resources.json: .cpu.quota: expected integer, got 1.5");
	resources_err("{'blockIO': {'leafWeight': 1}}", "resources.json: .blockIO.leafWeight: value 1 out of range (10..1000)");
	resources_err("{'unified': {'..': 'x'}}",
		      "resources.json: .unified[\"..\"]: invalid cgroup file name (expected \"<controller>.<file>\")");
	/* update takes the same rule as create: no cgroup core file, no negative pids limit but -1 */
	resources_err("{'unified': {'cgroup.procs': '1'}}",
		      "resources.json: .unified[\"cgroup.procs\"]: a cgroup core file, which only the runtime may write "
		      "(allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and "
		      "cgroup.max.depth, cgroup.max.descendants)");
	resources_err("{'pids': {'limit': -5}}", "resources.json: .pids.limit: value -5 out of range (-1..9223372036854775807)");
	resources_err("{'devices': [{'allow': 'yes'}]}", "resources.json: .devices[0].allow: expected boolean, got string");
	resources_err("{'memory': ", "resources.json: invalid JSON at line 1, column 12: parse error: premature EOF");
}

Test(oci_resources, not_supported)
{
	const char *cases[][2] = {
		{"{'network': {'classID': 1}}", "resources.json: .network: not supported"},
		{"{'memory': {'kernel': 1048576}}", "resources.json: .memory.kernel: not supported"},
		{"{'memory': {'kernelTCP': 1048576}}", "resources.json: .memory.kernelTCP: not supported"},
		{"{'blockIO': {'leafWeight': 10}}", "resources.json: .blockIO.leafWeight: not supported"},
		{"{'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'weight': 10}, {'major': 8, 'minor': 1, 'leafWeight': 10}]}}",
		 "resources.json: .blockIO.weightDevice[1].leafWeight: not supported"},
	};
	for (size_t i = 0; i < N_CASES(cases); i++) {
		char *j = q(cases[i][0]);
		struct oci_resources r;
		hull_err e = {0};
		cr_assert_eq(oci_resources_parse(j, strlen(j), "resources.json", &r, &e), 0, "%s", e.msg);
		cr_expect_eq(oci_resources_check_supported(&r, "resources.json", &e), -EOPNOTSUPP, "%s", cases[i][0]);
		cr_expect_str_eq(e.msg, cases[i][1]);
		oci_resources_clear(&r);
		free(j);
	}
	/* kernel memory "no limit" (-1) is what hull does anyway */
	char *j = q("{'memory': {'kernel': -1, 'kernelTCP': -1}}");
	struct oci_resources r;
	hull_err e = {0};
	cr_assert_eq(oci_resources_parse(j, strlen(j), NULL, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(oci_resources_check_supported(&r, NULL, &e), 0, "%s", e.msg);
	oci_resources_clear(&r);
	free(j);
}

/* ---- config.json: not supported --------------------------------------------------------- */

Test(oci_supported, config_paths)
{
	const char *cases[][2] = {
		{CFG("'linux': {'intelRdt': {'closID': 'g'}}"), "config.json: .linux.intelRdt: not supported"},
		{CFG("'linux': {'memoryPolicy': {'mode': 'MPOL_DEFAULT'}}"), "config.json: .linux.memoryPolicy: not supported"},
		{CFG(PROC(", 'execCPUAffinity': {'final': '1'}")), "config.json: .process.execCPUAffinity: not supported"},
		{CFG("'mounts': [{'destination': '/a'}, {'destination': '/b', 'options': ['rbind'], "
		     "'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}], 'gidMappings': []}]"),
		 "config.json: .mounts[1].uidMappings: not supported"},
		{CFG("'mounts': [{'destination': '/b', 'options': ['rbind', 'ridmap']}]"), "config.json: .mounts[0].options: not supported"},
		{CFG("'linux': {'resources': {'network': {}}}"), "config.json: .linux.resources.network: not supported"},
		{CFG("'linux': {'resources': {'memory': {'kernelTCP': 5}}}"),
		 "config.json: .linux.resources.memory.kernelTCP: not supported"},
		{CFG("'linux': {'resources': {'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'leafWeight': 10}]}}}"),
		 "config.json: .linux.resources.blockIO.weightDevice[0].leafWeight: not supported"},
	};
	for (size_t i = 0; i < N_CASES(cases); i++) {
		struct oci_spec *s = spec_ok(cases[i][0]);
		hull_err e = {0};
		cr_expect_eq(oci_spec_check_supported(s, "config.json", &e), -EOPNOTSUPP, "%s", cases[i][0]);
		cr_expect_str_eq(e.msg, cases[i][1]);
		oci_spec_free(s);
	}
}

Test(oci_supported, ordinary_configs_pass)
{
	/* fields hull does implement are not refused */
	struct oci_spec *s = spec_ok(CFG(PROC(", 'scheduler': {'policy': 'SCHED_BATCH'}, 'ioPriority': {'class': 'IOPRIO_CLASS_BE'}") ", "
					 "'mounts': [{'destination': '/t', 'type': 'tmpfs', 'options': ['tmpcopyup']}], "
					 "'linux': {'namespaces': [{'type': 'time'}], 'timeOffsets': {'boottime': {'secs': 1}}, "
					 "'personality': {'domain': 'LINUX'}, 'netDevices': {'eth1': {}}, "
					 "'resources': {'rdma': {'x': {'hcaObjects': 1}}, 'unified': {'memory.high': '1'}, "
					 "'hugepageLimits': [{'pageSize': '2MB', 'limit': 0}], 'blockIO': {'weight': 10}}, "
					 "'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_LOG']}}"));
	hull_err e = {0};
	cr_assert_eq(oci_spec_check_supported(s, "config.json", &e), 0, "%s", e.msg);
	oci_spec_free(s);
}
