/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/state.c: the state record's text form (record_json / record_parse). The inputs
 * that broke it under the fuzzer are in tests/fuzz/regressions/state/. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/state.h"

static int parse(const char *s, struct hull_record *r, hull_err *e)
{
	return record_parse(s, strlen(s), r, e);
}

Test(state_record, round_trip)
{
	struct oci_kv ann[] = {{(char *)"k", (char *)"v \"q\"\n"}};
	struct hull_record r = {.id = (char *)"c1", .pid = 42, .pid_start = 123456789, .bundle = (char *)"/b",
				.created = (char *)"2026-01-01T00:00:00.000000000Z", .owner = 1000,
				.cgroup_path = (char *)"/hull/c1", .cgroup_created = true, .started = true,
				.annotations = ann, .n_annotations = 1};
	char *json = record_json(&r);
	struct hull_record back;
	hull_err e = {0};
	cr_assert_eq(parse(json, &back, &e), 0, "%s", e.msg);
	cr_assert_str_eq(back.id, "c1");
	cr_assert_eq(back.pid, 42);
	cr_assert_eq(back.pid_start, 123456789);
	cr_assert_str_eq(back.bundle, "/b");
	cr_assert_null(back.rootfs);
	cr_assert_eq(back.owner, 1000);
	cr_assert_null(back.cgroup_mount);
	cr_assert_str_eq(back.cgroup_path, "/hull/c1");
	cr_assert(back.cgroup_created && back.started && !back.overlay);
	cr_assert_eq(back.n_annotations, 1);
	cr_assert_str_eq(back.annotations[0].value, "v \"q\"\n");
	record_free(&back);
	free(json);
}

/* Found by fuzz_state: the partly filled record leaked (the callers do not free it on error). */
Test(state_record, no_id_is_an_error_that_keeps_nothing)
{
	struct hull_record r;
	hull_err e = {0};
	cr_assert_eq(parse("{\"pid\":1,\"bundle\":\"/b\",\"annotations\":{\"k\":\"v\"}}", &r, &e), -EINVAL);
	cr_assert_str_eq(e.msg, "corrupt container state: no id");
	cr_assert_null(r.bundle);
	cr_assert_null(r.annotations);
	cr_assert_eq(r.n_annotations, 0);
}

/* Found by fuzz_state: yajl's multi-line message went into the one-line error. */
Test(state_record, syntax_error_is_one_line)
{
	struct hull_record r;
	hull_err e = {0};
	cr_assert_eq(parse("{\"id\":\"x\",}", &r, &e), -EINVAL);
	cr_assert_null(strchr(e.msg, '\n'), "%s", e.msg);
	cr_assert(strstr(e.msg, "corrupt container state: state.json: invalid JSON at line 1"), "%s", e.msg);
	cr_assert_eq(parse("[1]", &r, &e), -EINVAL);
	cr_assert(strstr(e.msg, "expected object"), "%s", e.msg);
}

/* yajl_tree_free recurses per level: a deeply nested record overflowed the stack. */
Test(state_record, deep_nesting_is_refused)
{
	size_t depth = 100000;
	char *s = malloc(2 * depth + 32);
	size_t n = (size_t)sprintf(s, "{\"id\":\"x\",\"a\":");
	memset(s + n, '[', depth);
	memset(s + n + depth, ']', depth);
	strcpy(s + n + 2 * depth, "}");
	struct hull_record r;
	hull_err e = {0};
	cr_assert_eq(parse(s, &r, &e), -EINVAL);
	cr_assert(strstr(e.msg, "nested deeper"), "%s", e.msg);
	free(s);
}

/* Found by fuzz_state (round trip): pid_start -1 was read as 2^64-1 and written back as a
 * number the next read took for 0; pid 4294967297 was silently read as pid 1. */
Test(state_record, out_of_range_numbers_are_corruption)
{
	const char *bad[] = {
		"{\"id\":\"x\",\"pid_start\":-1}",
		"{\"id\":\"x\",\"pid\":4294967297}",
		"{\"id\":\"x\",\"pid\":-2}",
		"{\"id\":\"x\",\"pid\":\"12\"}",
		"{\"id\":\"x\",\"owner\":4294967296}",
		"{\"id\":\"x\",\"pid\":1.5}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hull_record r;
		hull_err e = {0};
		cr_assert_eq(parse(bad[i], &r, &e), -EINVAL, "%s", bad[i]);
		cr_assert(strstr(e.msg, "corrupt container state: ."), "%s", e.msg);
		cr_assert_null(r.id);
	}
	struct hull_record r;
	hull_err e = {0};
	cr_assert_eq(parse("{\"id\":\"x\",\"pid\":null,\"owner\":4294967295}", &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.pid, 0);
	cr_assert_eq(r.owner, 4294967295u);
	record_free(&r);
}
