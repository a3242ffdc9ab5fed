/* SPDX-License-Identifier: Apache-2.0 */
/* The state file (<root>/<id>/state.json, runtime/state.c): a corrupt or hostile record must
 * give an error, never a crash. A record that parses must survive a write/read round trip
 * unchanged, and the runtime-spec state JSON made from it must be valid JSON. */
#include <yajl/yajl_tree.h>

#include "../../runtime/state.h"
#include "fuzz.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_same(const struct hull_record *a, const struct hull_record *b)
{
#define STR(f)                                                                           \
	if (!same_str(a->f, b->f))                                                        \
		fuzz_fail("round trip changed " #f ": \"%s\" -> \"%s\"", a->f ? a->f : "(null)", \
			  b->f ? b->f : "(null)");
#define NUM(f)                                                                                      \
	if (a->f != b->f)                                                                            \
		fuzz_fail("round trip changed " #f ": %llu -> %llu", (unsigned long long)a->f, \
			  (unsigned long long)b->f);
	STR(id) STR(bundle) STR(rootfs) STR(created) STR(cgroup_mount) STR(cgroup_path)
	NUM(pid) NUM(pid_start) NUM(owner) NUM(cgroup_created) NUM(overlay) NUM(started) NUM(n_annotations)
	for (size_t i = 0; i < a->n_annotations; i++) {
		STR(annotations[i].key)
		STR(annotations[i].value)
	}
#undef STR
#undef NUM
}

static void check_json(const char *json, const char *what)
{
	char err[256];
	yajl_val v = yajl_tree_parse(json, err, sizeof err);
	if (!v || !YAJL_IS_OBJECT(v))
		fuzz_fail("%s is not a JSON object: %s", what, json);
	yajl_tree_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hull_record r;
	hull_err e = {0};
	int rc = record_parse((const char *)data, size, &r, &e);
	if (rc < 0) {
		fuzz_check_msg(rc, e.msg, data, size, "record_parse");
		/* no record_free: like its callers, expect a failed parse to keep nothing */
		return 0;
	}
	char *json = record_json(&r);
	struct hull_record r2;
	hull_err e2 = {0};
	if (record_parse(json, strlen(json), &r2, &e2) < 0)
		fuzz_fail("record_json output does not parse again (%s): %s", e2.msg, json);
	check_same(&r, &r2);
	for (enum hull_status s = HULL_CREATING; s <= HULL_STOPPED; s++) {
		char *state = state_json(&r, s);
		check_json(state, "state_json");
		free(state);
	}
	record_free(&r2);
	free(json);
	record_free(&r);
	return 0;
}
