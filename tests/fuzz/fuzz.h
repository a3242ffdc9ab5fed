/* SPDX-License-Identifier: Apache-2.0 */
/* Shared bits of the libFuzzer harnesses (tests/fuzz/README.md). A harness feeds one input
 * to one of hull's parsers, entirely in memory: no file is opened, nothing is written, and
 * everything it allocates is freed (libFuzzer's leak check is on). An invariant that does
 * not hold calls fuzz_fail(), which aborts so that libFuzzer keeps the input. */
#ifndef HULL_FUZZ_H
#define HULL_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((noreturn, format(printf, 1, 2))) static inline void fuzz_fail(const char *fmt, ...);
static inline void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz: invariant broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* A failed parse must say why, on one line. hull_log_error flattens newlines, so a newline
 * is only an error when the input had none (an echoed value may carry one). */
static inline void fuzz_check_msg(int r, const char *msg, const uint8_t *data, size_t size, const char *what)
{
	if (r >= 0)
		return;
	static int verbose = -1; /* FUZZ_VERBOSE=1: print every error (to see what a seed reaches) */
	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "%s: %s\n", what, msg);
	if (!msg[0])
		fuzz_fail("%s failed (%d) without a message", what, r);
	if (strchr(msg, '\n') && !memchr(data, '\n', size))
		fuzz_fail("%s failed (%d) with a multi-line message: \"%s\"", what, r, msg);
}

/* A NUL-terminated copy of the input (the parsers take C strings or want a terminator). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Split the input at NUL bytes into a NULL-terminated vector of at most max words (the
 * rest is dropped). *buf and *argv are malloc'd; the words point into *buf. */
static inline int fuzz_split(const uint8_t *data, size_t size, size_t max, char **buf, char ***argv)
{
	*buf = fuzz_cstr(data, size);
	*argv = calloc(max + 1, sizeof **argv);
	if (!*argv)
		abort();
	int n = 0;
	size_t i = 0;
	while (i < size && (size_t)n < max) {
		(*argv)[n++] = *buf + i;
		i += strlen(*buf + i) + 1;
	}
	return n;
}

#endif
