/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by every layer. All return >= 0 or a negative errno (+ err). */
#ifndef HULL_UTIL_H
#define HULL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* malloc-or-abort helpers: hull treats OOM as fatal (like crun's xmalloc). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file (relative to dirfd, or AT_FDCWD) into a NUL-terminated buffer. */
int read_file_at(int dirfd, const char *path, char **out, size_t *len, hull_err *e);
/* Write buf to an existing file (O_WRONLY|O_CLOEXEC, no O_CREAT) relative to dirfd. */
int write_file_at(int dirfd, const char *path, const char *buf, size_t len, hull_err *e);
/* Create/replace a file atomically: write to a temporary file in the same directory (random
 * name, O_EXCL|O_NOFOLLOW: nothing planted there is opened), then rename it over path. */
int write_file_atomic(const char *path, const char *buf, size_t len, mode_t mode, hull_err *e);

/* write()/read() loops that retry on EINTR and short counts. Return bytes or -errno. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* mkdir -p for a host path (not inside a container rootfs). */
int mkdir_p(const char *path, mode_t mode, hull_err *e);

/* Parse a signal by name ("KILL", "SIGKILL", "kill") or number ("9"). Returns signo or -EINVAL. */
int parse_signal(const char *s);

/* Append a JSON-escaped, quoted copy of s to a growing buffer (see struct strbuf). */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_append(struct strbuf *sb, const char *s);
void sb_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_append_json_str(struct strbuf *sb, const char *s);
void sb_free(struct strbuf *sb);

#endif
