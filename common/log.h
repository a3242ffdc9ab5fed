/* SPDX-License-Identifier: Apache-2.0 */
/* Logging for the CLI and runtime. Errors go once to stderr (text) and once to --log
 * (text or one JSON object per line: {"level":"error","msg":"...","time":"RFC3339"}).
 * Debug lines only with --debug. The log file is opened O_APPEND|O_CLOEXEC. */
#ifndef HULL_LOG_H
#define HULL_LOG_H

#include <stdbool.h>

enum hull_log_level { HULL_LOG_DEBUG, HULL_LOG_INFO, HULL_LOG_WARN, HULL_LOG_ERROR };

/* path may be NULL (no log file). Returns 0 or negative errno. */
int hull_log_init(const char *path, bool json, bool debug);
void hull_log(enum hull_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define hull_debug(...) hull_log(HULL_LOG_DEBUG, __VA_ARGS__)
#define hull_warn(...) hull_log(HULL_LOG_WARN, __VA_ARGS__)
/* The final error of a command: the log file (if any) and stderr ("hull: <msg>" ... see log.c). */
void hull_log_error(const char *msg);
bool hull_log_debug_enabled(void);
/* fd of the log file or -1 (so a child can keep logging until exec; it is O_CLOEXEC). */
int hull_log_fd(void);

#endif
