/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to oci/: a thin typed layer over yajl_tree that tracks the JSON path of the value
 * being read, so every error can say "<file>: <json path>: <what is wrong>".
 *
 * Conventions of the jp_* / jf_* readers:
 *  - jp_X(p, v, ...) reads the value v; the path in p already points at v.
 *  - jf_X(p, obj, key, ...) looks key up in obj, pushes ".key" and reads it. Returns 1 when the
 *    key was present, 0 when absent (JSON null counts as absent, like Go's encoding/json),
 *    a negative errno after recording the error.
 *  - Outputs are written before they are completely filled (arrays are zeroed first), so a
 *    failed parse leaves a partial struct that the normal free function releases. */
#ifndef HULL_OCI_JSON_H
#define HULL_OCI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "../common/err.h"
#include "json_tree.h"
#include "spec.h"

#define TRY(x)                        \
	do {                          \
		int _r = (x);         \
		if (_r < 0)           \
			return _r;    \
	} while (0)

/* A required field: absent is an error naming the field's path. */
#define REQ(p, x, key)                            \
	do {                                      \
		int _r = (x);                     \
		if (_r < 0)                       \
			return _r;                \
		if (_r == 0)                      \
			return jp_missing(p, key); \
	} while (0)

struct jp {
	const char *file; /* for messages only */
	hull_err *e;
	size_t len;       /* strlen(path) */
	char path[1024];  /* ".linux.namespaces[2].type"; "" at the document root */
};

void jp_init(struct jp *p, const char *file, const char *prefix, hull_err *e);

/* Path stack: each push returns the old length to hand to jp_pop. */
size_t jp_key(struct jp *p, const char *key);    /* .key */
size_t jp_mapkey(struct jp *p, const char *key); /* ["key"] (for map entries) */
size_t jp_idx(struct jp *p, size_t i);           /* [i] */
void jp_pop(struct jp *p, size_t old);

/* Record "<file>: <path>: <msg>" and return -EINVAL. */
int jp_err(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, for the child `key` of the current path. */
int jp_err_at(struct jp *p, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int jp_missing(struct jp *p, const char *key); /* "<path>.key: required property missing" */

const char *jv_type_name(yajl_val v);
/* Value of key in obj (the last one if repeated, like Go), NULL if absent or null. */
yajl_val jv_get(yajl_val obj, const char *key);

/* Type check: "expected <what>, got <json type>". */
int jp_want(struct jp *p, yajl_val v, yajl_type t, const char *what);

int jp_str(struct jp *p, yajl_val v, char **out);
int jp_bool(struct jp *p, yajl_val v, bool *out);
int jp_u64(struct jp *p, yajl_val v, uint64_t max, uint64_t *out);
int jp_i64(struct jp *p, yajl_val v, int64_t min, int64_t max, int64_t *out);
int jp_strv(struct jp *p, yajl_val v, char ***out, size_t *n);
/* A JSON object of strings -> array of oci_kv in document order; keys must be non-empty. */
int jp_kv(struct jp *p, yajl_val v, struct oci_kv **out, size_t *n);

/* Enum by name. Table is NULL-name terminated. Error: `unknown <what> "<value>"`. */
struct oci_enum {
	const char *name;
	int value;
};
const struct oci_enum *oci_enum_find(const struct oci_enum *t, const char *name);
int jp_enum(struct jp *p, yajl_val v, const struct oci_enum *t, const char *what, int *out);

/* Arrays of structs: allocates *out (T**, zeroed, count in *n) and calls fn on each element
 * with the path at [i]. */
typedef int (*jp_fn)(struct jp *p, yajl_val v, void *out);
int jp_array(struct jp *p, yajl_val v, size_t elem_size, void *out, size_t *n, jp_fn fn);

/* Key variants (see the header comment). */
int jf_sub(struct jp *p, yajl_val obj, const char *key, jp_fn fn, void *out);
int jf_str(struct jp *p, yajl_val obj, const char *key, char **out);
int jf_bool(struct jp *p, yajl_val obj, const char *key, bool *out);
int jf_u64(struct jp *p, yajl_val obj, const char *key, uint64_t max, uint64_t *out);
int jf_i64(struct jp *p, yajl_val obj, const char *key, int64_t min, int64_t max, int64_t *out);
int jf_u32(struct jp *p, yajl_val obj, const char *key, uint32_t *out);
int jf_int(struct jp *p, yajl_val obj, const char *key, int min, int max, int *out);
int jf_strv(struct jp *p, yajl_val obj, const char *key, char ***out, size_t *n);
int jf_kv(struct jp *p, yajl_val obj, const char *key, struct oci_kv **out, size_t *n);
int jf_array(struct jp *p, yajl_val obj, const char *key, size_t elem_size, void *out, size_t *n, jp_fn fn);
int jf_enum(struct jp *p, yajl_val obj, const char *key, const struct oci_enum *t, const char *what, int *out);

/* oci_json_parse(): see json_tree.h (also used outside oci/). */

/* Small pure validators shared by the parsers. */
bool oci_is_cpu_list(const char *s); /* "0-3,7", spaces allowed, may be empty */

/* Internal parsers shared between files (paths relative to the current jp position). */
int oci_parse_env(struct jp *p, yajl_val obj, const char *key, char ***env, size_t *n); /* NAME=value */
int oci_parse_idmap(struct jp *p, yajl_val v, void *out /* struct oci_idmap */);
int oci_parse_process_obj(struct jp *p, yajl_val v, void *out /* struct oci_process */);
int oci_parse_resources_obj(struct jp *p, yajl_val v, void *out /* struct oci_resources */);
int oci_parse_linux_obj(struct jp *p, yajl_val v, void *out /* struct oci_linux */);

/* Internal free helpers. */
void oci_strv_free(char **v, size_t n);
void oci_kv_free(struct oci_kv *kv, size_t n);
void oci_process_clear(struct oci_process *p);
void oci_linux_free(struct oci_linux *l);

#endif
