/* SPDX-License-Identifier: Apache-2.0 */
/* One error convention for all of hull: a function returns >= 0 on success and a
 * negative errno on failure, after recording a human message in a struct hull_err
 * that the caller passed down. Callers add context on the way up with herr_prefix(). */
#ifndef HULL_ERR_H
#define HULL_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define HULL_ERR_MSG_MAX 2048

typedef struct hull_err {
	int code;                   /* negative errno, 0 when no error recorded */
	char msg[HULL_ERR_MSG_MAX]; /* one line, no trailing newline */
} hull_err;

/* Record "fmt..." as the message; returns code (a negative errno, e.g. -EINVAL). */
int herr_set(hull_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record "fmt...: strerror(errno)"; returns -errno (or -EIO if errno is 0). */
int herr_sys(hull_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same as herr_sys but with an explicit negative errno instead of errno. */
int herr_errno(hull_err *e, int neg_errno, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepend "fmt...: " to the recorded message; returns e->code. */
int herr_prefix(hull_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void herr_clear(hull_err *e);

#endif
