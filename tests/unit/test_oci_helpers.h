/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the oci/ unit tests (test_oci*.c). JSON in the tests is written with
 * single quotes, which q() turns into double quotes, so cases stay readable. */
#ifndef HULL_TEST_OCI_HELPERS_H
#define HULL_TEST_OCI_HELPERS_H

#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "oci/spec.h"

#ifndef HULL_SOURCE_DIR
#error "HULL_SOURCE_DIR must be defined for the unit tests"
#endif
#define OCI_DATA HULL_SOURCE_DIR "/tests/unit/data/oci/"

/* A minimal valid config plus x (x must start with a property, no leading comma). */
#define CFG(x) "{'ociVersion': '1.3.0', 'root': {'path': 'rootfs'}, " x "}"
/* A valid process object plus more properties x (x starts with ", " or is empty). */
#define PROC(x) "'process': {'cwd': '/', 'args': ['sh']" x "}"

static inline char *q(const char *single_quoted)
{
	char *s = xstrdup(single_quoted);
	for (char *c = s; *c; c++)
		if (*c == '\'')
			*c = '"';
	return s;
}

/* noinline: gcc 12's -Wdangling-pointer otherwise mistakes the returned buffer for &buf */
static __attribute__((noinline, unused)) char *slurp(const char *name, size_t *len)
{
	char *path = xasprintf("%s%s", OCI_DATA, name);
	char *buf = NULL;
	hull_err e = {0};
	int r = read_file_at(AT_FDCWD, path, &buf, len, &e);
	cr_assert_eq(r, 0, "read fixture %s: %s", path, e.msg);
	free(path);
	return buf;
}

static inline int parse_q(const char *sq, struct oci_spec **s, hull_err *e)
{
	char *j = q(sq);
	int r = oci_spec_parse(j, strlen(j), "config.json", s, e);
	free(j);
	return r;
}

/* Parse a single-quoted config that must be valid. */
static inline struct oci_spec *spec_ok(const char *sq)
{
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = parse_q(sq, &s, &e);
	cr_assert_eq(r, 0, "parse failed: %s\n  input: %s", e.msg, sq);
	cr_assert_not_null(s);
	return s;
}

static inline struct oci_spec *spec_file_ok(const char *name)
{
	char *path = xasprintf("%s%s", OCI_DATA, name);
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = oci_spec_parse_file(path, &s, &e);
	cr_assert_eq(r, 0, "%s: %s", name, e.msg);
	free(path);
	return s;
}

/* A config that must fail with exactly `msg`. Non-fatal so a table of cases reports all. */
static inline void spec_err(const char *sq, const char *msg)
{
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = parse_q(sq, &s, &e);
	cr_expect_eq(r, -EINVAL, "expected -EINVAL, got %d for input: %s", r, sq);
	cr_expect_null(s, "no spec must be returned on error (input: %s)", sq);
	cr_expect_str_eq(e.msg, msg, "input: %s", sq);
	oci_spec_free(s);
}

struct err_case {
	const char *json; /* single-quoted */
	const char *msg;  /* the exact one-line error */
};

static inline void spec_err_table(const struct err_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		spec_err(c[i].json, c[i].msg);
}

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))

#endif
