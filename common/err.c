/* SPDX-License-Identifier: Apache-2.0 */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void vformat(hull_err *e, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
}

int herr_set(hull_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	if (code >= 0)
		code = -EINVAL;
	if (e) {
		va_start(ap, fmt);
		vformat(e, fmt, ap);
		va_end(ap);
		e->code = code;
	}
	return code;
}

static int set_with_errno(hull_err *e, int code, const char *fmt, va_list ap)
{
	if (code >= 0)
		code = -EIO;
	if (e) {
		vformat(e, fmt, ap);
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof e->msg - len, ": %s", strerror(-code));
		e->code = code;
	}
	return code;
}

int herr_sys(hull_err *e, const char *fmt, ...)
{
	int code = -errno;
	va_list ap;
	va_start(ap, fmt);
	code = set_with_errno(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int herr_errno(hull_err *e, int neg_errno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int code = set_with_errno(e, neg_errno, fmt, ap);
	va_end(ap);
	return code;
}

int herr_prefix(hull_err *e, const char *fmt, ...)
{
	if (!e)
		return -EINVAL;
	char prefix[HULL_ERR_MSG_MAX], old[HULL_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* prefix + ": " + old, truncated to the buffer (built by hand: no -Wformat-truncation) */
	size_t pl = strnlen(prefix, sizeof e->msg - 1);
	memcpy(e->msg, prefix, pl);
	size_t pos = pl;
	for (const char *s = ": "; *s && pos < sizeof e->msg - 1; s++)
		e->msg[pos++] = *s;
	size_t ol = strnlen(old, sizeof old);
	if (ol > sizeof e->msg - 1 - pos)
		ol = sizeof e->msg - 1 - pos;
	memcpy(e->msg + pos, old, ol);
	e->msg[pos + ol] = '\0';
	if (e->code >= 0)
		e->code = -EINVAL;
	return e->code;
}

void herr_clear(hull_err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}
