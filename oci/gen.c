/* SPDX-License-Identifier: Apache-2.0 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

#include "../common/util.h"

yajl_gen gen_new(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		abort(); /* only on OOM, which hull treats as fatal (see xmalloc) */
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "\t");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return g;
}

char *gen_finish(yajl_gen g)
{
	const unsigned char *buf = NULL;
	size_t len = 0;
	yajl_gen_get_buf(g, &buf, &len);
	char *out = xmalloc(len + 2);
	memcpy(out, buf, len);
	/* yajl's beautifier already ends the top-level value with a newline */
	if (len == 0 || out[len - 1] != '\n')
		out[len++] = '\n';
	out[len] = '\0';
	yajl_gen_free(g);
	return out;
}

void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void gen_key(yajl_gen g, const char *k)
{
	gen_str(g, k);
}

void gen_int(yajl_gen g, long long v)
{
	yajl_gen_integer(g, v);
}

void gen_bool(yajl_gen g, bool v)
{
	yajl_gen_bool(g, v);
}

void gen_kstr(yajl_gen g, const char *k, const char *v)
{
	gen_key(g, k);
	gen_str(g, v);
}

void gen_kint(yajl_gen g, const char *k, long long v)
{
	gen_key(g, k);
	gen_int(g, v);
}

void gen_kbool(yajl_gen g, const char *k, bool v)
{
	gen_key(g, k);
	gen_bool(g, v);
}

void gen_kstrv(yajl_gen g, const char *k, const char *const *v)
{
	gen_key(g, k);
	gen_aopen(g);
	for (; *v; v++)
		gen_str(g, *v);
	gen_aclose(g);
}

void gen_open(yajl_gen g)
{
	yajl_gen_map_open(g);
}

void gen_close(yajl_gen g)
{
	yajl_gen_map_close(g);
}

void gen_aopen(yajl_gen g)
{
	yajl_gen_array_open(g);
}

void gen_aclose(yajl_gen g)
{
	yajl_gen_array_close(g);
}
