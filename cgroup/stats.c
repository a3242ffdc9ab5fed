/* SPDX-License-Identifier: Apache-2.0 */
/* `events --stats` data in the shape of runc's types.Stats (cgroup v2 sources), so go-runc
 * and containerd decode it unchanged. Go's omitempty is mirrored: zero values of omitempty
 * fields are left out. A file that does not exist (controller not enabled) omits its part. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/util.h"
#include "cgroup-internal.h"
#include "cgroup.h"

/* A single-value file: a number, or "max" as UINT64_MAX (runc's GetCgroupParamUint). */
static int read_u64(int dirfd, const char *file, uint64_t *v)
{
	_cleanup_free_ char *s = NULL;
	int rc = cg_read_at(dirfd, file, &s);
	if (rc < 0)
		return rc;
	if (strncmp(s, "max", 3) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	return 0;
}

/* ",\"key\":N" unless omitempty and N == 0 */
static void kv(struct strbuf *sb, bool *first, const char *key, uint64_t v, bool omitempty)
{
	if (omitempty && v == 0)
		return;
	sb_appendf(sb, "%s\"%s\":%" PRIu64, *first ? "" : ",", key, v);
	*first = false;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void cpu_stats(struct strbuf *sb, int dirfd)
{
	_cleanup_free_ char *s = NULL;
	sb_append(sb, "\"cpu\":{");
	if (cg_read_at(dirfd, "cpu.stat", &s) == 0) {
		uint64_t usage = 0, user = 0, sys = 0, periods = 0, throttled = 0, throttled_us = 0;
		cg_keyed_value(s, "usage_usec", &usage);
		cg_keyed_value(s, "user_usec", &user);
		cg_keyed_value(s, "system_usec", &sys);
		cg_keyed_value(s, "nr_periods", &periods);
		cg_keyed_value(s, "nr_throttled", &throttled);
		cg_keyed_value(s, "throttled_usec", &throttled_us);
		bool first = true;
		sb_append(sb, "\"usage\":{");
		kv(sb, &first, "total", usage * 1000, true);
		kv(sb, &first, "kernel", sys * 1000, false);
		kv(sb, &first, "user", user * 1000, false);
		sb_append(sb, "},\"throttling\":{");
		first = true;
		kv(sb, &first, "periods", periods, true);
		kv(sb, &first, "throttledPeriods", throttled, true);
		kv(sb, &first, "throttledTime", throttled_us * 1000, true);
		sb_append(sb, "}");
	}
	sb_append(sb, "}");
}

static void memory_entry(struct strbuf *sb, bool comma, const char *name, uint64_t limit, uint64_t usage, uint64_t max)
{
	bool first = true;
	sb_appendf(sb, "%s\"%s\":{", comma ? "," : "", name);
	kv(sb, &first, "limit", limit, false);
	kv(sb, &first, "usage", usage, true);
	kv(sb, &first, "max", max, true);
	kv(sb, &first, "failcnt", 0, false);
	sb_append(sb, "}");
}

static void memory_stats(struct strbuf *sb, int dirfd)
{
	_cleanup_free_ char *stat = NULL;
	sb_append(sb, "\"memory\":{");
	size_t start = sb->len;
	if (cg_read_at(dirfd, "memory.stat", &stat) == 0) {
		uint64_t file = 0;
		cg_keyed_value(stat, "file", &file);
		if (file)
			sb_appendf(sb, "\"cache\":%" PRIu64 ",", file);
		sb_append(sb, "\"raw\":{");
		bool first = true;
		for (char *line = stat; line && *line;) {
			char *nl = strchr(line, '\n');
			char *sp = strchr(line, ' ');
			if (sp && (!nl || sp < nl)) {
				*sp = '\0';
				sb_appendf(sb, "%s", first ? "" : ",");
				sb_append_json_str(sb, line);
				sb_appendf(sb, ":%llu", strtoull(sp + 1, NULL, 10));
				first = false;
			}
			line = nl ? nl + 1 : NULL;
		}
		sb_append(sb, "}");
	}
	uint64_t cur, lim = 0, peak = 0;
	if (read_u64(dirfd, "memory.current", &cur) == 0) {
		read_u64(dirfd, "memory.max", &lim);
		read_u64(dirfd, "memory.peak", &peak);
		memory_entry(sb, sb->len != start, "usage", lim, cur, peak);
		/* cgroup v1 reported memory+swap; v2 files are swap alone, so add memory back */
		uint64_t scur, smax = UINT64_MAX, speak = 0;
		if (read_u64(dirfd, "memory.swap.current", &scur) == 0) {
			read_u64(dirfd, "memory.swap.max", &smax);
			read_u64(dirfd, "memory.swap.peak", &speak);
			(void)speak; /* mem+swap peak cannot be derived: runc reports 0 */
			memory_entry(sb, true, "swap", smax == UINT64_MAX ? UINT64_MAX : sat_add(smax, lim), sat_add(scur, cur),
				     0);
		}
	}
	sb_append(sb, "}");
}

static void pids_stats(struct strbuf *sb, int dirfd, struct hull_cgroup *cg)
{
	uint64_t cur = 0, max = 0;
	bool first = true;
	sb_append(sb, "\"pids\":{");
	if (read_u64(dirfd, "pids.current", &cur) < 0) {
		/* no pids controller: count the processes instead, as runc does */
		pid_t *pids = NULL;
		size_t n = 0;
		if (cg_pids(cg, &pids, &n, NULL) == 0)
			cur = n;
		free(pids);
	}
	if (read_u64(dirfd, "pids.max", &max) == 0 && max == UINT64_MAX)
		max = 0; /* runc reports "no limit" as 0 */
	kv(sb, &first, "current", cur, true);
	kv(sb, &first, "limit", max, true);
	sb_append(sb, "}");
}

static void blkio_table(struct strbuf *sb, const char *name, const char *io_stat, const char *rkey,
			const char *wkey, bool *first_table)
{
	bool any = false;
	for (const char *line = io_stat; line && *line;) {
		const char *nl = strchr(line, '\n');
		unsigned long long major, minor;
		int off = 0;
		if (sscanf(line, "%llu:%llu%n", &major, &minor, &off) == 2) {
			const char *keys[2] = {rkey, wkey}, *ops[2] = {"Read", "Write"};
			for (int k = 0; k < 2; k++) {
				char pat[32];
				snprintf(pat, sizeof pat, " %s=", keys[k]);
				const char *f = strstr(line + off, pat);
				if (!f || (nl && f > nl))
					continue;
				uint64_t v = strtoull(f + strlen(pat), NULL, 10);
				if (!any)
					sb_appendf(sb, "%s\"%s\":[", *first_table ? "" : ",", name);
				sb_appendf(sb, "%s{", any ? "," : "");
				bool first = true;
				kv(sb, &first, "major", major, true);
				kv(sb, &first, "minor", minor, true);
				sb_appendf(sb, "%s\"op\":\"%s\"", first ? "" : ",", ops[k]);
				first = false;
				kv(sb, &first, "value", v, true);
				sb_append(sb, "}");
				any = true;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (any) {
		sb_append(sb, "]");
		*first_table = false;
	}
}

static void blkio_stats(struct strbuf *sb, int dirfd)
{
	_cleanup_free_ char *s = NULL;
	sb_append(sb, "\"blkio\":{");
	if (cg_read_at(dirfd, "io.stat", &s) == 0) {
		bool first = true;
		blkio_table(sb, "ioServiceBytesRecursive", s, "rbytes", "wbytes", &first);
		blkio_table(sb, "ioServicedRecursive", s, "rios", "wios", &first);
	}
	sb_append(sb, "}");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hugetlb_stats(struct strbuf *sb, int dirfd)
{
	sb_append(sb, "\"hugetlb\":{");
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	char **sizes = NULL;
	size_t n = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		/* hugetlb.<size>.current, not hugetlb.<size>.rsvd.current */
		const char *nm = de->d_name;
		size_t l = strlen(nm);
		if (strncmp(nm, "hugetlb.", 8) != 0 || l <= 16 || strcmp(nm + l - 8, ".current") != 0)
			continue;
		char *size = strndup(nm + 8, l - 16);
		if (!size)
			abort();
		if (!cg_valid_hugepage_size(size)) {
			free(size);
			continue;
		}
		sizes = xrealloc(sizes, (n + 1) * sizeof *sizes);
		sizes[n++] = size;
	}
	if (d)
		closedir(d);
	if (n > 1)
		qsort(sizes, n, sizeof *sizes, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char file[64];
		uint64_t usage = 0, failcnt = 0;
		snprintf(file, sizeof file, "hugetlb.%s.current", sizes[i]);
		read_u64(dirfd, file, &usage);
		snprintf(file, sizeof file, "hugetlb.%s.events", sizes[i]);
		_cleanup_free_ char *ev = NULL;
		if (cg_read_at(dirfd, file, &ev) == 0)
			cg_keyed_value(ev, "max", &failcnt);
		sb_appendf(sb, "%s", i ? "," : "");
		sb_append_json_str(sb, sizes[i]);
		sb_append(sb, ":{");
		bool first = true;
		kv(sb, &first, "usage", usage, true);
		kv(sb, &first, "failcnt", failcnt, false);
		sb_append(sb, "}");
		free(sizes[i]);
	}
	free(sizes);
	sb_append(sb, "}");
}

int cg_stats_json(struct hull_cgroup *cg, char **json, hull_err *e)
{
	struct strbuf sb = {0};
	if (cg->dirfd < 0)
		return herr_set(e, -EBADF, "stats: cgroup is not open");
	sb_append(&sb, "{");
	cpu_stats(&sb, cg->dirfd);
	sb_append(&sb, ",");
	memory_stats(&sb, cg->dirfd);
	sb_append(&sb, ",");
	pids_stats(&sb, cg->dirfd, cg);
	sb_append(&sb, ",");
	blkio_stats(&sb, cg->dirfd);
	sb_append(&sb, ",");
	hugetlb_stats(&sb, cg->dirfd);
	sb_append(&sb, "}");
	*json = sb.buf;
	return 0;
}
