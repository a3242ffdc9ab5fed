/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to oci/: pretty-printed JSON output through yajl_gen (tab indentation, like
 * `runc spec`). yajl_gen only fails on API misuse or invalid UTF-8, which the fixed texts
 * hull writes cannot contain, so the helpers do not return errors. */
#ifndef HULL_OCI_GEN_H
#define HULL_OCI_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>

yajl_gen gen_new(void);
/* The text so far plus a final newline, malloc'd; frees g. */
char *gen_finish(yajl_gen g);

void gen_str(yajl_gen g, const char *s);
void gen_key(yajl_gen g, const char *k); /* same as gen_str, reads better at key positions */
void gen_int(yajl_gen g, long long v);
void gen_bool(yajl_gen g, bool v);
void gen_kstr(yajl_gen g, const char *k, const char *v);
void gen_kint(yajl_gen g, const char *k, long long v);
void gen_kbool(yajl_gen g, const char *k, bool v);
/* "k": ["a", "b", ...]; a NULL-terminated list */
void gen_kstrv(yajl_gen g, const char *k, const char *const *v);
void gen_open(yajl_gen g);  /* { */
void gen_close(yajl_gen g); /* } */
void gen_aopen(yajl_gen g);  /* [ */
void gen_aclose(yajl_gen g); /* ] */

#endif
