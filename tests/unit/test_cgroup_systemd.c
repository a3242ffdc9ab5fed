/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver's pure parts: "slice:prefix:name" expansion and the conversion of
 * linux.resources and org.systemd.property.* annotations to unit properties. No systemd needed. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/systemd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "test_oci_helpers.h"

/* ---- path ------------------------------------------------------------------------------------- */

static void path_ok(const char *in, bool user, const char *slice, const char *unit, const char *cgroup)
{
	struct cgsd_path p;
	hull_err e = {0};
	int r = cgsd_parse_path(in, "c1", user, &p, &e);
	cr_assert_eq(r, 0, "%s: %s", in ? in : "(null)", e.msg);
	cr_assert_str_eq(p.slice, slice, "%s", in ? in : "(null)");
	cr_assert_str_eq(p.unit, unit, "%s", in ? in : "(null)");
	cr_assert_str_eq(p.cgroup, cgroup, "%s", in ? in : "(null)");
	cgsd_path_free(&p);
}

static void path_err(const char *in, const char *msg)
{
	struct cgsd_path p;
	hull_err e = {0};
	cr_assert_lt(cgsd_parse_path(in, "c1", false, &p, &e), 0, "%s accepted", in);
	cr_assert(strstr(e.msg, "linux.cgroupsPath"), "%s: message does not name the field: %s", in, e.msg);
	cr_assert(strstr(e.msg, msg), "%s: want \"%s\" in: %s", in, msg, e.msg);
}

Test(cgroup_systemd, path_expansion)
{
	path_ok("system.slice:docker:abc", false, "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope");
	path_ok("machine.slice:libpod:f00", false, "machine.slice", "libpod-f00.scope", "/machine.slice/libpod-f00.scope");
	/* empty slice: the manager's default */
	path_ok(":crio:abc", false, "system.slice", "crio-abc.scope", "/system.slice/crio-abc.scope");
	path_ok(":crio:abc", true, "user.slice", "crio-abc.scope", "/user.slice/crio-abc.scope");
	/* dashes nest */
	path_ok("a-b-c.slice:p:x", false, "a-b-c.slice", "p-x.scope", "/a.slice/a-b.slice/a-b-c.slice/p-x.scope");
	/* a name ending in .slice is that slice, placed by its own name */
	path_ok("system.slice:p:foo.slice", false, "system.slice", "foo.slice", "/foo.slice");
	path_ok("a-b.slice:p:a-b-c.slice", false, "a-b.slice", "a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice");
	/* the root slice as parent */
	path_ok("-.slice:p:x", false, "-.slice", "p-x.scope", "/p-x.scope");
	/* empty prefix: no leading dash */
	path_ok("system.slice::abc", false, "system.slice", "abc.scope", "/system.slice/abc.scope");
	/* no cgroupsPath: named after the container */
	path_ok(NULL, false, "system.slice", "hull-c1.scope", "/system.slice/hull-c1.scope");
	path_ok("", false, "system.slice", "hull-c1.scope", "/system.slice/hull-c1.scope");
}

Test(cgroup_systemd, path_errors)
{
	path_err("/hull/c1", "slice:prefix:name");
	path_err("a:b", "slice:prefix:name");
	path_err("a.slice:b:c:d", "slice:prefix:name");
	path_err("system.slice:p:", "name part is empty");
	path_err("system:p:x", "invalid slice name");
	path_err("-a.slice:p:x", "invalid slice name");
	path_err("a--b.slice:p:x", "invalid slice name");
	path_err("a-.slice:p:x", "invalid slice name");
	path_err("system.slice:p:x/y", "unit names allow only");
	path_err("system.slice:p p:x", "unit names allow only");
	path_err("system.slice:p:-.slice", "root slice");
	path_err("bad/slice.slice:p:x", "unit names allow only");
}

/* ---- resources --------------------------------------------------------------------------------- */

static char *props_of(const char *linux_json, bool with_devices)
{
	_cleanup_free_ char *cfg = xasprintf(CFG("'linux': %s"), linux_json);
	struct oci_spec *s = spec_ok(cfg);
	struct cgsd_props p;
	hull_err e = {0};
	int r = cgsd_resource_props(&s->linux_->resources, s->linux_->devices, s->linux_->n_devices, with_devices, &p, &e);
	cr_assert_eq(r, 0, "%s", e.msg);
	char *t = cgsd_props_text(&p);
	cgsd_props_free(&p);
	oci_spec_free(s);
	return t;
}

static void has(const char *text, const char *line)
{
	_cleanup_free_ char *l = xasprintf("%s\n", line);
	cr_assert(strstr(text, l), "want line \"%s\" in:\n%s", line, text);
}

Test(cgroup_systemd, resources_to_properties)
{
	_cleanup_free_ char *t = props_of(
		"{'resources': {"
		"'memory': {'limit': 67108864, 'reservation': 33554432, 'swap': 134217728},"
		"'cpu': {'shares': 1024, 'quota': 50000, 'period': 100000, 'cpus': '0-2,9', 'mems': '0'},"
		"'pids': {'limit': 10},"
		"'blockIO': {'weight': 500, 'weightDevice': [{'major': 8, 'minor': 0, 'weight': 10}],"
		"  'throttleReadBpsDevice': [{'major': 254, 'minor': 0, 'rate': 1048576}],"
		"  'throttleWriteIOPSDevice': [{'major': 254, 'minor': 0, 'rate': 0}]},"
		"'unified': {'memory.high': '50000000', 'memory.min': 'max', 'cpu.max': 'max 50000', 'io.weight': 'default 77'}"
		"}}",
		false);
	has(t, "MemoryMax=t:67108864");
	has(t, "MemoryLow=t:33554432");
	has(t, "MemorySwapMax=t:67108864"); /* OCI swap is memory+swap */
	has(t, "CPUWeight=t:100");
	has(t, "CPUQuotaPerSecUSec=t:500000");
	has(t, "CPUQuotaPeriodUSec=t:100000");
	has(t, "AllowedCPUs=ay:0702");
	has(t, "AllowedMemoryNodes=ay:01");
	has(t, "TasksMax=t:10");
	has(t, "IOWeight=t:4950");
	has(t, "IODeviceWeight=a(st):/dev/block/8:0 1");
	has(t, "IOReadBandwidthMax=a(st):/dev/block/254:0 1048576");
	has(t, "IOWriteIOPSMax=a(st):/dev/block/254:0 infinity");
	has(t, "MemoryHigh=t:50000000");
	has(t, "MemoryMin=t:infinity");
	has(t, "IOWeight=t:77");
	cr_assert(!strstr(t, "DevicePolicy"), "with_devices=false must leave devices out:\n%s", t);
	/* unified's cpu.max "max 50000": no quota, the period */
	cr_assert(strstr(t, "CPUQuotaPerSecUSec=t:infinity\nCPUQuotaPeriodUSec=t:50000\n"), "%s", t);
}

Test(cgroup_systemd, unlimited_values_and_quota_rounding)
{
	_cleanup_free_ char *t = props_of(
		"{'resources': {'memory': {'limit': -1, 'swap': -1}, 'cpu': {'quota': 12345, 'period': 100000}, 'pids': {'limit': 0}}}",
		false);
	has(t, "MemoryMax=t:infinity");
	has(t, "MemorySwapMax=t:infinity");
	/* 123450 us per second, rounded up to systemd's 10 ms (1%) steps */
	has(t, "CPUQuotaPerSecUSec=t:130000");
	has(t, "TasksMax=t:infinity");
	_cleanup_free_ char *t2 = props_of("{'resources': {'cpu': {'quota': -1}}}", false);
	has(t2, "CPUQuotaPerSecUSec=t:infinity");
	_cleanup_free_ char *t3 = props_of("{'resources': {}}", true);
	cr_assert(!strstr(t3, "Memory") && !strstr(t3, "CPU") && !strstr(t3, "Tasks"), "%s", t3);
}

Test(cgroup_systemd, bad_values_fail_naming_the_field)
{
	_cleanup_free_ char *cfg = xasprintf(CFG("'linux': %s"), "{'resources': {'cpu': {'cpus': '3-1'}}}");
	struct oci_spec *s = spec_ok(cfg);
	struct cgsd_props p;
	hull_err e = {0};
	cr_assert_lt(cgsd_resource_props(&s->linux_->resources, NULL, 0, false, &p, &e), 0);
	cr_assert(strstr(e.msg, "linux.resources.cpu.cpus") && strstr(e.msg, "3-1"), "%s", e.msg);
	oci_spec_free(s);
	uint8_t *b;
	size_t n;
	cr_assert_lt(cgsd_cpu_mask("1,,2", &b, &n, "f", &e), 0);
	cr_assert_lt(cgsd_cpu_mask("x", &b, &n, "f", &e), 0);
	cr_assert_eq(cgsd_cpu_mask("0-15", &b, &n, "f", &e), 0);
	cr_assert_eq(n, 2);
	cr_assert(b[0] == 0xff && b[1] == 0xff);
	free(b);
}

Test(cgroup_systemd, device_allow_list)
{
	/* the usual deny-all + allows: systemd gets the same allow-list (plus hull's defaults) */
	_cleanup_free_ char *t = props_of("{'resources': {'devices': [{'allow': false, 'access': 'rwm'},"
					  "{'allow': true, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rw'},"
					  "{'allow': true, 'type': 'b', 'major': 254, 'minor': 0, 'access': 'r'}]}}",
					  true);
	has(t, "DevicePolicy=s:strict");
	cr_assert(strstr(t, "/dev/char/1:3 rw"), "%s", t);
	cr_assert(strstr(t, "/dev/block/254:0 r"), "%s", t);
	cr_assert(strstr(t, "char-* m"), "hull's default mknod rule: %s", t);
	/* the list is reset first (an empty DeviceAllow=), then filled */
	cr_assert(strstr(t, "DeviceAllow=a(ss):\n"), "%s", t);
}

Test(cgroup_systemd, device_rules_systemd_cannot_express)
{
	/* allow all, then deny one device: no DevicePolicy, hull's own program enforces */
	_cleanup_free_ char *t = props_of("{'resources': {'devices': [{'allow': true, 'access': 'rwm'},"
					  "{'allow': false, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'}]}}",
					  true);
	cr_assert(!strstr(t, "DevicePolicy") && !strstr(t, "DeviceAllow"), "%s", t);
	/* allow all alone: systemd's default policy */
	_cleanup_free_ char *t2 = props_of("{'resources': {'devices': [{'allow': true, 'access': 'rwm'}]}}", true);
	has(t2, "DevicePolicy=s:auto");
	cr_assert(!strstr(t2, "DeviceAllow"), "%s", t2);
}

/* ---- annotations -------------------------------------------------------------------------------- */

static char *ann_props(const struct oci_kv *kv, size_t n, hull_err *e, int *rc)
{
	struct cgsd_props p;
	*rc = cgsd_annotation_props(kv, n, &p, e);
	if (*rc < 0)
		return NULL;
	char *t = cgsd_props_text(&p);
	cgsd_props_free(&p);
	return t;
}

Test(cgroup_systemd, annotations_gvariant)
{
	struct oci_kv kv[] = {
		{"org.systemd.property.TimeoutStopUSec", "uint64 123456789"},
		{"org.systemd.property.CollectMode", "'inactive-or-failed'"},
		{"org.systemd.property.TimeoutStartSec", "5"},
		{"org.systemd.property.RuntimeMaxSec", "1.5"},
		{"org.systemd.property.CPUAccounting", "true"},
		{"org.systemd.property.Wants", "['a.service', \"b.service\"]"},
		{"org.systemd.property.Nice", "-5"},
		{"org.systemd.property.IOWeight", "@t 300"},
		{"io.kubernetes.cri.sandbox-id", "ignored"},
	};
	hull_err e = {0};
	int rc;
	_cleanup_free_ char *t = ann_props(kv, sizeof kv / sizeof *kv, &e, &rc);
	cr_assert_eq(rc, 0, "%s", e.msg);
	has(t, "TimeoutStopUSec=t:123456789");
	has(t, "CollectMode=s:inactive-or-failed");
	has(t, "TimeoutStartUSec=t:5000000"); /* Sec takes seconds, as in runc */
	has(t, "RuntimeMaxUSec=t:1500000");
	has(t, "CPUAccounting=b:true");
	has(t, "Wants=as:a.service,b.service");
	has(t, "Nice=i:-5");
	has(t, "IOWeight=t:300");
	cr_assert(!strstr(t, "sandbox"), "%s", t);
}

Test(cgroup_systemd, annotations_invalid)
{
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{"org.systemd.property.TimeoutStopUSec", "uint64 -1", "invalid value"},
		{"org.systemd.property.CollectMode", "'unterminated", "invalid value"},
		{"org.systemd.property.X", "uint32 5000000000", "invalid value"},
		{"org.systemd.property.Y", "maybe", "invalid value"},
		{"org.systemd.property.TimeoutStopSec", "'ten'", "invalid value"},
		{"org.systemd.property.lower", "1", "not a systemd property name"},
		{"org.systemd.property.", "1", "not a systemd property name"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct oci_kv kv = {(char *)bad[i].key, (char *)bad[i].value};
		hull_err e = {0};
		int rc;
		char *t = ann_props(&kv, 1, &e, &rc);
		cr_assert_lt(rc, 0, "%s=%s accepted: %s", bad[i].key, bad[i].value, t ? t : "");
		cr_assert(strstr(e.msg, bad[i].key) && strstr(e.msg, bad[i].msg), "%s", e.msg);
	}
}
