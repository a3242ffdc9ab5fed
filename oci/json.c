/* SPDX-License-Identifier: Apache-2.0 */
/* Typed JSON readers with path tracking (see json.h). */
#include "json.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "../common/cleanup.h"
#include "../common/util.h"

void jp_init(struct jp *p, const char *file, const char *prefix, hull_err *e)
{
	p->file = file ? file : "config.json";
	p->e = e;
	p->len = 0;
	p->path[0] = '\0';
	if (prefix)
		jp_key(p, prefix);
}

static size_t jp_appendf(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t jp_appendf(struct jp *p, const char *fmt, ...)
{
	size_t old = p->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p->path + p->len, sizeof p->path - p->len, fmt, ap);
	va_end(ap);
	/* A path longer than the buffer is cut; the message stays one line and bounded. */
	if (n > 0)
		p->len += (size_t)n;
	if (p->len >= sizeof p->path)
		p->len = sizeof p->path - 1;
	return old;
}

size_t jp_key(struct jp *p, const char *key)
{
	return jp_appendf(p, ".%s", key);
}

size_t jp_mapkey(struct jp *p, const char *key)
{
	return jp_appendf(p, "[\"%s\"]", key);
}

size_t jp_idx(struct jp *p, size_t i)
{
	return jp_appendf(p, "[%zu]", i);
}

void jp_pop(struct jp *p, size_t old)
{
	p->len = old;
	p->path[old] = '\0';
}

static int jp_verr(struct jp *p, const char *fmt, va_list ap)
{
	char msg[HULL_ERR_MSG_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	int r = herr_set(p->e, -EINVAL, "%s: %s: %s", p->file, p->len ? p->path : ".", msg);
	/* Keys and values quoted in messages come from the input: keep the message on one line. */
	if (p->e)
		for (char *c = p->e->msg; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
	return r;
}

int jp_err(struct jp *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = jp_verr(p, fmt, ap);
	va_end(ap);
	return r;
}

int jp_err_at(struct jp *p, const char *key, const char *fmt, ...)
{
	size_t o = jp_key(p, key);
	va_list ap;
	va_start(ap, fmt);
	int r = jp_verr(p, fmt, ap);
	va_end(ap);
	jp_pop(p, o);
	return r;
}

int jp_missing(struct jp *p, const char *key)
{
	return jp_err_at(p, key, "required property missing");
}

const char *jv_type_name(yajl_val v)
{
	if (!v)
		return "nothing";
	switch (v->type) {
	case yajl_t_string: return "string";
	case yajl_t_number: return "number";
	case yajl_t_object: return "object";
	case yajl_t_array: return "array";
	case yajl_t_true:
	case yajl_t_false: return "boolean";
	case yajl_t_null: return "null";
	default: return "unknown";
	}
}

yajl_val jv_get(yajl_val obj, const char *key)
{
	if (!obj || obj->type != yajl_t_object)
		return NULL;
	for (size_t i = obj->u.object.len; i-- > 0;)
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			yajl_val v = obj->u.object.values[i];
			return (v && v->type != yajl_t_null) ? v : NULL;
		}
	return NULL;
}

int jp_want(struct jp *p, yajl_val v, yajl_type t, const char *what)
{
	if (v && v->type == t)
		return 0;
	return jp_err(p, "expected %s, got %s", what, jv_type_name(v));
}

int jp_str(struct jp *p, yajl_val v, char **out)
{
	TRY(jp_want(p, v, yajl_t_string, "string"));
	*out = xstrdup(v->u.string);
	return 0;
}

int jp_bool(struct jp *p, yajl_val v, bool *out)
{
	if (v && (v->type == yajl_t_true || v->type == yajl_t_false)) {
		*out = v->type == yajl_t_true;
		return 0;
	}
	return jp_err(p, "expected boolean, got %s", jv_type_name(v));
}

/* Split the textual number (yajl keeps it verbatim) into sign and magnitude. Using the text,
 * not yajl's long long, is what makes uint64 values above INT64_MAX work. */
static int jp_integer(struct jp *p, yajl_val v, bool *neg, uint64_t *mag, bool *overflow)
{
	if (!v || v->type != yajl_t_number)
		return jp_err(p, "expected integer, got %s", jv_type_name(v));
	const char *s = v->u.number.r;
	*neg = s[0] == '-';
	const char *d = *neg ? s + 1 : s;
	if (!*d)
		return jp_err(p, "expected integer, got %s", s);
	for (const char *c = d; *c; c++)
		if (!isdigit((unsigned char)*c))
			return jp_err(p, "expected integer, got %s", s);
	errno = 0;
	*mag = strtoull(d, NULL, 10);
	*overflow = errno == ERANGE;
	return 0;
}

int jp_u64(struct jp *p, yajl_val v, uint64_t max, uint64_t *out)
{
	bool neg, overflow;
	uint64_t mag;
	TRY(jp_integer(p, v, &neg, &mag, &overflow));
	if (overflow || (neg && mag != 0) || mag > max)
		return jp_err(p, "value %s out of range (0..%" PRIu64 ")", v->u.number.r, max);
	*out = mag;
	return 0;
}

int jp_i64(struct jp *p, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
	bool neg, overflow;
	uint64_t mag;
	TRY(jp_integer(p, v, &neg, &mag, &overflow));
	int64_t val;
	if (overflow)
		goto range;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			goto range;
		val = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			goto range;
		val = (int64_t)mag;
	}
	if (val < min || val > max)
		goto range;
	*out = val;
	return 0;
range:
	return jp_err(p, "value %s out of range (%" PRId64 "..%" PRId64 ")", v->u.number.r, min, max);
}

int jp_strv(struct jp *p, yajl_val v, char ***out, size_t *n)
{
	if (!v || v->type != yajl_t_array)
		return jp_err(p, "expected array of strings, got %s", jv_type_name(v));
	size_t len = v->u.array.len;
	char **arr = xcalloc(len + 1, sizeof *arr);
	*out = arr;
	*n = len;
	for (size_t i = 0; i < len; i++) {
		size_t o = jp_idx(p, i);
		int r = jp_str(p, v->u.array.values[i], &arr[i]);
		jp_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

int jp_kv(struct jp *p, yajl_val v, struct oci_kv **out, size_t *n)
{
	TRY(jp_want(p, v, yajl_t_object, "object of strings"));
	size_t len = v->u.object.len;
	struct oci_kv *kv = xcalloc(len ? len : 1, sizeof *kv);
	*out = kv;
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		const char *key = v->u.object.keys[i];
		size_t o = jp_mapkey(p, key);
		int r = 0;
		if (!*key)
			r = jp_err(p, "keys must not be empty");
		else if (v->u.object.values[i] && v->u.object.values[i]->type == yajl_t_null)
			r = jp_err(p, "expected string, got null");
		else {
			/* A repeated key replaces the earlier value in place (Go map semantics). */
			size_t j;
			for (j = 0; j < *n; j++)
				if (strcmp(kv[j].key, key) == 0)
					break;
			char *val = NULL;
			r = jp_str(p, v->u.object.values[i], &val);
			if (r >= 0) {
				if (j < *n) {
					free(kv[j].value);
					kv[j].value = val;
				} else {
					kv[*n].key = xstrdup(key);
					kv[*n].value = val;
					(*n)++;
				}
			}
		}
		jp_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct oci_enum *oci_enum_find(const struct oci_enum *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

int jp_enum(struct jp *p, yajl_val v, const struct oci_enum *t, const char *what, int *out)
{
	TRY(jp_want(p, v, yajl_t_string, "string"));
	const struct oci_enum *m = oci_enum_find(t, v->u.string);
	if (!m)
		return jp_err(p, "unknown %s \"%s\"", what, v->u.string);
	*out = m->value;
	return 0;
}

int jp_array(struct jp *p, yajl_val v, size_t elem_size, void *out, size_t *n, jp_fn fn)
{
	if (!v || v->type != yajl_t_array)
		return jp_err(p, "expected array, got %s", jv_type_name(v));
	size_t len = v->u.array.len;
	char *arr = xcalloc(len ? len : 1, elem_size);
	memcpy(out, &arr, sizeof arr); /* out is a T** */
	*n = len;
	for (size_t i = 0; i < len; i++) {
		size_t o = jp_idx(p, i);
		int r = fn(p, v->u.array.values[i], arr + i * elem_size);
		jp_pop(p, o);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Look key up and run `read` on it with the path pushed. */
#define JF_BODY(read)                              \
	yajl_val v = jv_get(obj, key);             \
	if (!v)                                    \
		return 0;                          \
	size_t o = jp_key(p, key);                 \
	int r = (read);                            \
	jp_pop(p, o);                              \
	return r < 0 ? r : 1

int jf_sub(struct jp *p, yajl_val obj, const char *key, jp_fn fn, void *out)
{
	JF_BODY(fn(p, v, out));
}

int jf_str(struct jp *p, yajl_val obj, const char *key, char **out)
{
	JF_BODY(jp_str(p, v, out));
}

int jf_bool(struct jp *p, yajl_val obj, const char *key, bool *out)
{
	JF_BODY(jp_bool(p, v, out));
}

int jf_u64(struct jp *p, yajl_val obj, const char *key, uint64_t max, uint64_t *out)
{
	JF_BODY(jp_u64(p, v, max, out));
}

int jf_i64(struct jp *p, yajl_val obj, const char *key, int64_t min, int64_t max, int64_t *out)
{
	JF_BODY(jp_i64(p, v, min, max, out));
}

int jf_u32(struct jp *p, yajl_val obj, const char *key, uint32_t *out)
{
	uint64_t u = 0;
	int r = jf_u64(p, obj, key, UINT32_MAX, &u);
	if (r > 0)
		*out = (uint32_t)u;
	return r;
}

int jf_int(struct jp *p, yajl_val obj, const char *key, int min, int max, int *out)
{
	int64_t i = 0;
	int r = jf_i64(p, obj, key, min, max, &i);
	if (r > 0)
		*out = (int)i;
	return r;
}

int jf_strv(struct jp *p, yajl_val obj, const char *key, char ***out, size_t *n)
{
	JF_BODY(jp_strv(p, v, out, n));
}

int jf_kv(struct jp *p, yajl_val obj, const char *key, struct oci_kv **out, size_t *n)
{
	JF_BODY(jp_kv(p, v, out, n));
}

int jf_array(struct jp *p, yajl_val obj, const char *key, size_t elem_size, void *out, size_t *n, jp_fn fn)
{
	JF_BODY(jp_array(p, v, elem_size, out, n, fn));
}

int jf_enum(struct jp *p, yajl_val obj, const char *key, const struct oci_enum *t, const char *what, int *out)
{
	JF_BODY(jp_enum(p, v, t, what, out));
}

/* "\u0000" inside a string would be decoded into a NUL byte and silently cut the C string
 * yajl_tree hands us (e.g. a mount destination). Reject it instead. */
static bool has_escaped_nul(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\')
			continue;
		if (s[1] == 'u' && strncmp(s + 2, "0000", 4) == 0)
			return true;
		if (s[1])
			s++; /* skip the escaped character (so "\\u0000" is not a match) */
	}
	return false;
}

/* yajl_tree_free() recurses once per nesting level: a hostile document nested a million deep
 * would blow the stack. A config is never deeper than a handful of levels. */
#define JSON_MAX_DEPTH 64

static size_t nesting_depth(const char *s)
{
	size_t depth = 0, max = 0;
	bool in_str = false;
	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = false;
			continue;
		}
		switch (*s) {
		case '"':
			in_str = true;
			break;
		case '[':
		case '{':
			if (++depth > max)
				max = depth;
			break;
		case ']':
		case '}':
			if (depth)
				depth--;
			break;
		case '/': /* yajl_tree accepts comments; brackets inside them do not count */
			if (s[1] == '/') {
				while (s[1] && s[1] != '\n')
					s++;
			} else if (s[1] == '*') {
				for (s += 2; *s && !(s[0] == '*' && s[1] == '/'); s++)
					;
				if (!*s)
					return max;
				s++;
			}
			break;
		}
	}
	return max;
}

/* yajl_tree's message is multi-line with a text excerpt; keep the first line and compute
 * the position ourselves with a second, callback-free parse. */
static int json_syntax_error(const char *buf, size_t len, const char *file, const char *yajl_msg, hull_err *e)
{
	char first[256];
	const char *msg = yajl_msg[0] ? yajl_msg : "parse error";
	size_t n = strcspn(msg, "\n");
	if (n >= sizeof first)
		n = sizeof first - 1;
	memcpy(first, msg, n);
	first[n] = '\0';
	/* trim trailing blanks */
	for (size_t l = strlen(first); l > 0 && isspace((unsigned char)first[l - 1]); l--)
		first[l - 1] = '\0';

	size_t off = len;
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	if (h) {
		yajl_config(h, yajl_allow_comments, 1);
		if (yajl_parse(h, (const unsigned char *)buf, len) != yajl_status_ok) {
			size_t c = yajl_get_bytes_consumed(h);
			off = c > 0 ? c - 1 : 0;
		}
		yajl_free(h);
	}
	size_t line = 1, col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return herr_set(e, -EINVAL, "%s: invalid JSON at line %zu, column %zu: %s", file, line, col, first);
}

int oci_json_parse(const char *json, size_t len, const char *file, yajl_val *out, hull_err *e)
{
	*out = NULL;
	if (!json)
		return herr_set(e, -EINVAL, "%s: invalid JSON: no data", file);
	if (memchr(json, '\0', len))
		return herr_set(e, -EINVAL, "%s: invalid JSON: contains a NUL byte", file);
	_cleanup_free_ char *buf = xmalloc(len + 1);
	memcpy(buf, json, len);
	buf[len] = '\0';
	if (has_escaped_nul(buf))
		return herr_set(e, -EINVAL, "%s: invalid JSON: \\u0000 in a string is not allowed", file);
	if (nesting_depth(buf) > JSON_MAX_DEPTH)
		return herr_set(e, -EINVAL, "%s: invalid JSON: nested deeper than %d levels", file, JSON_MAX_DEPTH);

	char errbuf[1024] = "";
	yajl_val root = yajl_tree_parse(buf, errbuf, sizeof errbuf);
	if (!root)
		return json_syntax_error(buf, len, file, errbuf, e);
	if (root->type != yajl_t_object) {
		int r = herr_set(e, -EINVAL, "%s: .: expected object, got %s", file, jv_type_name(root));
		yajl_tree_free(root);
		return r;
	}
	*out = root;
	return 0;
}

/* A CPU / memory-node list: "N" or "N-M" (N <= M) items separated by commas, blanks allowed
 * around items. The empty string is allowed (means "not set"). */
bool oci_is_cpu_list(const char *s)
{
	const char *c = s;
	while (*c == ' ')
		c++;
	if (!*c)
		return true;
	for (;;) {
		while (*c == ' ')
			c++;
		if (!isdigit((unsigned char)*c))
			return false;
		char *end;
		errno = 0;
		unsigned long a = strtoul(c, &end, 10);
		if (errno)
			return false;
		c = end;
		if (*c == '-') {
			c++;
			if (!isdigit((unsigned char)*c))
				return false;
			unsigned long b = strtoul(c, &end, 10);
			if (errno || b < a)
				return false;
			c = end;
		}
		while (*c == ' ')
			c++;
		if (!*c)
			return true;
		if (*c != ',')
			return false;
		c++;
	}
}
