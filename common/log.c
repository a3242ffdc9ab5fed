/* SPDX-License-Identifier: Apache-2.0 */
/* Logging: one line per record, written with a single write() so that concurrent
 * writers appending to the same --log file (containerd reuses <bundle>/log.json for
 * every call) never interleave within a line.
 *
 * Formats (runc/logrus compatible):
 *   text: time="2026-11-28T15:00:00Z" level=error msg="..."
 *   json: {"level":"error","msg":"...","time":"2026-11-28T15:00:00Z"}
 * The final error of a command additionally goes to stderr as the bare message on
 * one line: podman and containerd match on the message text, so it is kept intact. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug;

int hull_log_init(const char *path, bool json, bool debug)
{
	if (log_fd >= 0) {
		close(log_fd);
		log_fd = -1;
	}
	log_json = json;
	log_debug = debug;
	if (!path || !*path)
		return 0;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	log_fd = fd;
	return 0;
}

bool hull_log_debug_enabled(void)
{
	return log_debug;
}

int hull_log_fd(void)
{
	return log_fd;
}

static const char *level_name(enum hull_log_level lvl)
{
	switch (lvl) {
	case HULL_LOG_DEBUG: return "debug";
	case HULL_LOG_INFO: return "info";
	case HULL_LOG_WARN: return "warning";
	case HULL_LOG_ERROR: return "error";
	}
	return "error";
}

/* RFC 3339 in UTC with second precision, as the clients' samples show. */
static void format_time(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

/* One complete record including the trailing newline (malloc'd in sb). */
static void format_record(struct strbuf *sb, enum hull_log_level lvl, const char *msg)
{
	char ts[64];
	format_time(ts, sizeof ts);
	if (log_json) {
		sb_append(sb, "{\"level\":");
		sb_append_json_str(sb, level_name(lvl));
		sb_append(sb, ",\"msg\":");
		sb_append_json_str(sb, msg);
		sb_append(sb, ",\"time\":");
		sb_append_json_str(sb, ts);
		sb_append(sb, "}\n");
	} else {
		/* logrus quotes msg Go-style; JSON string escaping is the same for what we emit. */
		sb_appendf(sb, "time=\"%s\" level=%s msg=", ts, level_name(lvl));
		sb_append_json_str(sb, msg);
		sb_append(sb, "\n");
	}
}

static void emit(int fd, enum hull_log_level lvl, const char *msg)
{
	struct strbuf sb = {0};
	format_record(&sb, lvl, msg);
	(void)write_all(fd, sb.buf, sb.len);
	sb_free(&sb);
}

void hull_log(enum hull_log_level lvl, const char *fmt, ...)
{
	if (lvl == HULL_LOG_DEBUG && !log_debug)
		return;
	int saved = errno; /* callers log between a failing syscall and herr_sys() */
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0) {
		emit(log_fd >= 0 ? log_fd : STDERR_FILENO, lvl, msg);
		free(msg);
	}
	errno = saved;
}

void hull_log_error(const char *msg)
{
	int saved = errno;
	if (!msg)
		msg = "unknown error";
	if (log_fd >= 0)
		emit(log_fd, HULL_LOG_ERROR, msg);
	/* stderr: exactly the message, forced onto one line so it is the last line. */
	size_t n = strlen(msg);
	char *line = xmalloc(n + 2);
	for (size_t i = 0; i < n; i++)
		line[i] = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
	line[n] = '\n';
	fflush(stdout);
	(void)write_all(STDERR_FILENO, line, n + 1);
	free(line);
	errno = saved;
}
