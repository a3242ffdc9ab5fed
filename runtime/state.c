/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "../cgroup/cgroup.h"
#include "../common/cleanup.h"
#include "../common/util.h"
#include "../oci/json_tree.h"
#include "pathres.h"

#define RECORD_FILE "state.json"
#define EXEC_FIFO "exec.fifo"

bool hull_id_valid(const char *id)
{
	if (!id || !*id || strlen(id) > 1024 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p))
			return false;
	return true;
}

char *state_dir_path(const char *root, const char *id)
{
	return xasprintf("%s/%s", root, id);
}

static int lock_dir(int fd, bool exclusive, const char *id, hull_err *e)
{
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR)
			return herr_sys(e, "lock state of container %s", id);
	}
	return 0;
}

/* Modes: the state root and every container dir are 0700. A container dir holds what
 * container root may write (the overlay upper and work dirs, the exec fifo) besides the
 * record and config: no host user but hull's own uid may reach any of it (CVE-2021-41091:
 * a setuid-root file planted in an upper dir). Nobody else needs to: podman/conmon and
 * containerd run hull as root and only use its commands; the init reaches the fifo through
 * /proc/self/fd and opens the overlay dirs before it becomes a mapped user; rootless hull
 * keeps its root under its own uid. Like runc, an existing root keeps its mode (its
 * container dirs are 0700 regardless). */
#define STATE_DIR_MODE 0700

int state_dir_create(const char *root, const char *id, hull_err *e)
{
	int r = mkdir_p(root, STATE_DIR_MODE, e);
	if (r < 0)
		return r;
	_cleanup_fd_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return herr_sys(e, "open state root %s", root);
	/* mkdir is the atomic claim on the id: two concurrent creates cannot both win. */
	if (mkdirat(rootfd, id, STATE_DIR_MODE) < 0) {
		if (errno == EEXIST)
			return herr_set(e, -EEXIST, "container with id %s already exists", id);
		return herr_sys(e, "create state dir %s/%s", root, id);
	}
	_cleanup_fd_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return herr_sys(e, "open state dir %s/%s", root, id);
	r = lock_dir(fd, true, id, e);
	if (r < 0)
		return r;
	return steal_fd(&fd);
}

int state_dir_open(const char *root, const char *id, bool exclusive, hull_err *e)
{
	if (!hull_id_valid(id))
		return herr_set(e, -EINVAL, "invalid container id: %s", id ? id : "");
	_cleanup_free_ char *path = state_dir_path(root, id);
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return herr_set(e, -ENOENT, "container %s does not exist", id);
		return herr_sys(e, "open state dir %s", path);
	}
	int r = lock_dir(fd, exclusive, id, e);
	if (r < 0)
		return r;
	/* A concurrent delete may have removed the dir while we waited for the lock. */
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_nlink == 0)
		return herr_set(e, -ENOENT, "container %s does not exist", id);
	return steal_fd(&fd);
}

int state_dir_remove(const char *root, const char *id, hull_err *e)
{
	_cleanup_fd_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return errno == ENOENT ? 0 : herr_sys(e, "open state root %s", root);
	return rm_tree_at(rootfd, id, e);
}

/* ---- record (de)serialisation ---- */

static void json_kv_str(struct strbuf *sb, const char *key, const char *val, bool comma)
{
	sb_append_json_str(sb, key);
	sb_append(sb, ":");
	if (val)
		sb_append_json_str(sb, val);
	else
		sb_append(sb, "null");
	if (comma)
		sb_append(sb, ",");
}

static void json_annotations(struct strbuf *sb, const struct oci_kv *kv, size_t n)
{
	sb_append(sb, "{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_append(sb, ",");
		sb_append_json_str(sb, kv[i].key);
		sb_append(sb, ":");
		sb_append_json_str(sb, kv[i].value);
	}
	sb_append(sb, "}");
}

char *record_json(const struct hull_record *r)
{
	struct strbuf sb = {0};
	sb_append(&sb, "{");
	json_kv_str(&sb, "id", r->id, true);
	sb_appendf(&sb, "\"pid\":%d,\"pid_start\":%" PRIu64 ",", (int)r->pid, r->pid_start);
	json_kv_str(&sb, "bundle", r->bundle, true);
	json_kv_str(&sb, "rootfs", r->rootfs, true);
	json_kv_str(&sb, "created", r->created, true);
	sb_appendf(&sb, "\"owner\":%u,", (unsigned)r->owner);
	json_kv_str(&sb, "cgroup_mount", r->cgroup_mount, true);
	json_kv_str(&sb, "cgroup_path", r->cgroup_path, true);
	if (r->systemd_unit)
		json_kv_str(&sb, "systemd_unit", r->systemd_unit, true);
	sb_appendf(&sb, "\"cgroup_created\":%s,\"overlay\":%s,\"started\":%s,", r->cgroup_created ? "true" : "false",
		   r->overlay ? "true" : "false", r->started ? "true" : "false");
	sb_append(&sb, "\"annotations\":");
	json_annotations(&sb, r->annotations, r->n_annotations);
	sb_append(&sb, "}\n");
	return sb.buf;
}

int record_write(int dirfd, const struct hull_record *r, hull_err *e)
{
	_cleanup_free_ char *json = record_json(r);
	/* write + rename inside the state dir: readers never see a torn record */
	int rc = 0;
	_cleanup_fd_ int fd = openat(dirfd, RECORD_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		rc = herr_sys(e, "write container state");
	else if (write_all(fd, json, strlen(json)) < 0)
		rc = herr_sys(e, "write container state");
	else if (renameat(dirfd, RECORD_FILE ".tmp", dirfd, RECORD_FILE) < 0)
		rc = herr_sys(e, "write container state");
	return rc;
}

static char *tree_str(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);
	return v ? xstrdup(YAJL_GET_STRING(v)) : NULL;
}

/* An integer field in [0, max]; absent (or null) reads as 0. Anything else is corruption: a
 * value cast to pid_t would otherwise wrap (4294967297 -> pid 1) and a negative pid_start would
 * not survive the next write. */
static int tree_int(yajl_val root, const char *key, long long max, long long *out, hull_err *e)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);
	*out = 0;
	if (!v || YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 || YAJL_GET_INTEGER(v) > max)
		return herr_set(e, -EINVAL, "corrupt container state: .%s: not an integer in [0, %lld]", key, max);
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

static bool tree_bool(yajl_val root, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_any);
	return v && YAJL_IS_TRUE(v);
}

int record_read(int dirfd, struct hull_record *r, hull_err *e)
{
	memset(r, 0, sizeof *r);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int rc = read_file_at(dirfd, RECORD_FILE, &buf, &len, e);
	if (rc < 0)
		return rc;
	return record_parse(buf, len, r, e);
}

int record_parse(const char *json, size_t len, struct hull_record *r, hull_err *e)
{
	memset(r, 0, sizeof *r);
	yajl_val root = NULL;
	int rc = oci_json_parse(json, len, RECORD_FILE, &root, e);
	if (rc < 0) {
		herr_prefix(e, "corrupt container state");
		return rc;
	}
	long long pid, pid_start, owner;
	if ((rc = tree_int(root, "pid", INT_MAX, &pid, e)) < 0 ||
	    (rc = tree_int(root, "pid_start", LLONG_MAX, &pid_start, e)) < 0 ||
	    (rc = tree_int(root, "owner", UINT32_MAX, &owner, e)) < 0) {
		yajl_tree_free(root);
		return rc;
	}
	r->pid = (pid_t)pid;
	r->pid_start = (uint64_t)pid_start;
	r->owner = (uid_t)owner;
	r->id = tree_str(root, "id");
	r->bundle = tree_str(root, "bundle");
	r->rootfs = tree_str(root, "rootfs");
	r->created = tree_str(root, "created");
	r->cgroup_mount = tree_str(root, "cgroup_mount");
	r->cgroup_path = tree_str(root, "cgroup_path");
	r->cgroup_created = tree_bool(root, "cgroup_created");
	r->systemd_unit = tree_str(root, "systemd_unit");
	r->overlay = tree_bool(root, "overlay");
	r->started = tree_bool(root, "started");
	const char *apath[] = {"annotations", NULL};
	yajl_val ann = yajl_tree_get(root, apath, yajl_t_object);
	if (ann && YAJL_GET_OBJECT(ann)->len) {
		size_t n = YAJL_GET_OBJECT(ann)->len;
		r->annotations = xcalloc(n, sizeof *r->annotations);
		for (size_t i = 0; i < n; i++) {
			yajl_val v = YAJL_GET_OBJECT(ann)->values[i];
			r->annotations[r->n_annotations].key = xstrdup(YAJL_GET_OBJECT(ann)->keys[i]);
			r->annotations[r->n_annotations].value = xstrdup(YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "");
			r->n_annotations++;
		}
	}
	yajl_tree_free(root);
	if (!r->id) {
		record_free(r); /* callers keep nothing from a failed read */
		return herr_set(e, -EINVAL, "corrupt container state: no id");
	}
	return 0;
}

void record_free(struct hull_record *r)
{
	free(r->id);
	free(r->bundle);
	free(r->rootfs);
	free(r->created);
	free(r->cgroup_mount);
	free(r->cgroup_path);
	free(r->systemd_unit);
	for (size_t i = 0; i < r->n_annotations; i++) {
		free(r->annotations[i].key);
		free(r->annotations[i].value);
	}
	free(r->annotations);
	memset(r, 0, sizeof *r);
}

uint64_t proc_start_time(pid_t pid, bool *zombie)
{
	char path[64], buf[1024];
	if (zombie)
		*zombie = false;
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read_all(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may contain spaces and ')': fields start after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2; /* field 3: state */
	if (zombie)
		*zombie = (*p == 'Z' || *p == 'X');
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	return strtoull(p, NULL, 10);
}

bool record_init_gone(const struct hull_record *r)
{
	if (r->pid <= 0)
		return true;
	bool zombie;
	uint64_t start = proc_start_time(r->pid, &zombie);
	return start == 0 || zombie || (r->pid_start && start != r->pid_start);
}

enum hull_status record_status(int dirfd, const struct hull_record *r)
{
	if (record_init_gone(r))
		return HULL_STOPPED;
	/* frozen first, as runc does: `pause` accepts a created container, and one that
	 * is frozen must read as paused so that `resume` thaws it and `start`/`exec`
	 * refuse instead of blocking on a frozen process */
	if (r->cgroup_path && r->cgroup_mount) {
		struct hull_cgroup cg = {.dirfd = -1};
		if (cg_open(&cg, r->cgroup_mount, r->cgroup_path, NULL) == 0) {
			int frozen = cg_is_frozen(&cg, NULL);
			cg_release(&cg);
			if (frozen > 0)
				return HULL_PAUSED;
		}
	}
	struct stat st;
	if (!r->started && fstatat(dirfd, EXEC_FIFO, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return HULL_CREATED;
	return HULL_RUNNING;
}

const char *hull_status_name(enum hull_status s)
{
	switch (s) {
	case HULL_CREATING: return "creating";
	case HULL_CREATED: return "created";
	case HULL_RUNNING: return "running";
	case HULL_PAUSED: return "paused";
	default: return "stopped";
	}
}

char *state_json(const struct hull_record *r, enum hull_status s)
{
	struct strbuf sb = {0};
	sb_append(&sb, "{");
	json_kv_str(&sb, "ociVersion", HULL_OCI_VERSION, true);
	json_kv_str(&sb, "id", r->id, true);
	json_kv_str(&sb, "status", hull_status_name(s), true);
	/* the spec: pid is REQUIRED when created or running, and runc reports 0 once stopped */
	sb_appendf(&sb, "\"pid\":%d,", s == HULL_STOPPED ? 0 : (int)r->pid);
	json_kv_str(&sb, "bundle", r->bundle, true);
	json_kv_str(&sb, "rootfs", r->rootfs, true);
	json_kv_str(&sb, "created", r->created, true);
	sb_append(&sb, "\"owner\":\"\",");
	sb_append(&sb, "\"annotations\":");
	json_annotations(&sb, r->annotations, r->n_annotations);
	sb_append(&sb, "}");
	return sb.buf;
}

int pid_file_write(const char *path, pid_t pid, hull_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid); /* go-runc: Atoi, no newline */
	return write_file_atomic(path, buf, (size_t)n, 0644, e);
}

char *rfc3339_now(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", buf, ts.tv_nsec);
}
