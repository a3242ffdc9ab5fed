/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v2 manager: locating the hierarchy, naming, creating, entering, freezing,
 * signalling and removing a container's cgroup. Resource files are in resources.c,
 * stats in stats.c, the device eBPF program in devices.c. */
#include "cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "cgroup-internal.h"
#include "systemd.h"

#define FREEZE_TIMEOUT_MS 5000
#define DESTROY_TIMEOUT_MS 2000

/* ---- small helpers ------------------------------------------------------------------------ */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

char *cg_display_path(const struct hull_cgroup *cg, const char *file)
{
	const char *path = cg->path && strcmp(cg->path, "/") != 0 ? cg->path : "";
	if (file)
		return xasprintf("%s%s/%s", cg->mount ? cg->mount : "", path, file);
	return xasprintf("%s%s", cg->mount ? cg->mount : "", path);
}

int cg_read_at(int dirfd, const char *file, char **out)
{
	_cleanup_fd_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 1024, n = 0;
	_cleanup_free_ char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = steal_ptr(&buf);
	return 0;
}

/* Is `word` one of the space-separated words of `list`? */
bool cg_word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; p && *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if ((size_t)(p - s) == wl && strncmp(s, word, wl) == 0)
			return true;
	}
	return false;
}

/* Value of "key N" in a flat-keyed file (cgroup.events, memory.events, ...). */
int cg_keyed_value(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			*out = strtoull(line + kl + 1, NULL, 10);
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

/* ---- controller names ----------------------------------------------------------------------- */

static const char *const controller_names[CG_NCONTROLLERS] = {
	[CG_CPU] = "cpu",   [CG_CPUSET] = "cpuset",   [CG_IO] = "io",     [CG_MEMORY] = "memory",
	[CG_PIDS] = "pids", [CG_HUGETLB] = "hugetlb", [CG_RDMA] = "rdma", [CG_MISC] = "misc",
};

const char *cg_controller_name(enum cg_controller c)
{
	return (unsigned)c < CG_NCONTROLLERS ? controller_names[c] : "?";
}

int cg_controller_from_name(const char *name, size_t len)
{
	for (int i = 0; i < CG_NCONTROLLERS; i++)
		if (strlen(controller_names[i]) == len && strncmp(controller_names[i], name, len) == 0)
			return i;
	return -1;
}

/* ---- locating the hierarchy ------------------------------------------------------------------ */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_mountinfo(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && isdigit((unsigned char)s[i + 1]) &&
		    isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3])) {
			*o++ = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Split a mountinfo line into space-separated fields (max n). Returns the field count. */
static int split_fields(const char *line, size_t len, const char **f, size_t *fl, int n)
{
	int k = 0;
	size_t i = 0;
	while (i < len && k < n) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		f[k] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		fl[k] = (size_t)(line + i - f[k]);
		k++;
	}
	return k;
}

int cg_parse_mountinfo(const char *text, char **mount, hull_err *e)
{
	/* rank: 3 = /sys/fs/cgroup (pure v2), 2 = /sys/fs/cgroup/unified (hybrid), 1 = any other */
	int best_rank = 0;
	_cleanup_free_ char *best = NULL;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *f[32];
		size_t fl[32];
		int n = split_fields(line, len, f, fl, 32);
		/* id parent maj:min root mountpoint options [optional...] - fstype source superopts */
		int sep = -1;
		for (int i = 6; i < n; i++)
			if (fl[i] == 1 && f[i][0] == '-') {
				sep = i;
				break;
			}
		if (n >= 5 && sep > 0 && sep + 1 < n && fl[sep + 1] == 7 && strncmp(f[sep + 1], "cgroup2", 7) == 0) {
			_cleanup_free_ char *mp = unescape_mountinfo(f[4], fl[4]);
			int rank = strcmp(mp, "/sys/fs/cgroup") == 0 ? 3 : strcmp(mp, "/sys/fs/cgroup/unified") == 0 ? 2 : 1;
			/* a later mount over the same point hides the earlier one: take the last of a rank */
			if (rank >= best_rank) {
				best_rank = rank;
				free(best);
				best = steal_ptr(&mp);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!best)
		return herr_set(e, -ENOENT, "no cgroup2 filesystem is mounted (hull needs cgroup v2, pure or hybrid)");
	*mount = steal_ptr(&best);
	return 0;
}

int cg_find_mount(char **mount, hull_err *e)
{
	_cleanup_free_ char *text = NULL;
	int rc = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, NULL, e);
	if (rc < 0)
		return rc;
	return cg_parse_mountinfo(text, mount, e);
}

int cg_parse_proc_cgroup(const char *text, char **path, hull_err *e)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= 3 && strncmp(line, "0::", 3) == 0) {
			*path = len > 3 ? strndup(line + 3, len - 3) : xstrdup("/");
			if (!*path)
				abort();
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return herr_set(e, -ENOENT, "no cgroup2 (\"0::\") entry in /proc/self/cgroup");
}

int cg_self_path(char **out, hull_err *e)
{
	_cleanup_free_ char *text = NULL;
	int rc = read_file_at(AT_FDCWD, "/proc/self/cgroup", &text, NULL, e);
	if (rc < 0)
		return rc;
	return cg_parse_proc_cgroup(text, out, e);
}

/* ---- naming -------------------------------------------------------------------------------- */

/* Append the cleaned components of `p` to sb ("/a/b"); rejects "..". "." and "//" vanish. */
static int append_clean(struct strbuf *sb, const char *p, const char *what, hull_err *e)
{
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		if (len == 1 && s[0] == '.')
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return herr_set(e, -EINVAL, "%s: \"..\" is not allowed in a cgroup path", what);
		sb_appendf(sb, "/%.*s", (int)len, s);
	}
	return 0;
}

/* systemd's slice expansion: "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "". */
int cg_expand_slice(struct strbuf *sb, const char *slice, const char *what, hull_err *e)
{
	size_t len = strlen(slice);
	const size_t sl = strlen(".slice");
	if (len <= sl || strcmp(slice + len - sl, ".slice") != 0 || strchr(slice, '/'))
		return herr_set(e, -EINVAL, "%s: invalid slice name \"%s\"", what, slice);
	size_t base = len - sl;
	if (base == 1 && slice[0] == '-')
		return 0; /* the root slice */
	/* components separated by '-': none may be empty (no leading, trailing or double '-') */
	if (slice[0] == '-' || slice[base - 1] == '-' || memmem(slice, base, "--", 2))
		return herr_set(e, -EINVAL, "%s: invalid slice name \"%s\"", what, slice);
	for (size_t i = 0; i <= base; i++)
		if (i == base || slice[i] == '-')
			sb_appendf(sb, "/%.*s.slice", (int)i, slice);
	return 0;
}

/* "slice:prefix:name" -> "<expanded slice>/<prefix>-<name>.scope" (name.slice stays a slice) */
static int systemd_to_path(struct strbuf *sb, const char *cgroups_path, hull_err *e)
{
	const char *what = "linux.cgroupsPath";
	const char *c1 = strchr(cgroups_path, ':');
	const char *c2 = strchr(c1 + 1, ':');
	_cleanup_free_ char *slice = strndup(cgroups_path, (size_t)(c1 - cgroups_path));
	_cleanup_free_ char *prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	const char *name = c2 + 1;
	if (!slice || !prefix)
		abort();
	if (!*name || strchr(name, '/') || strchr(prefix, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return herr_set(e, -EINVAL, "%s: invalid \"slice:prefix:name\" value \"%s\"", what, cgroups_path);
	int rc = cg_expand_slice(sb, *slice ? slice : "system.slice", what, e);
	if (rc < 0)
		return rc;
	size_t nl = strlen(name);
	if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0)
		sb_appendf(sb, "/%s", name);
	else
		sb_appendf(sb, "/%s-%s.scope", prefix, name);
	return 0;
}

static bool is_systemd_form(const char *p)
{
	if (p[0] == '/')
		return false;
	const char *c1 = strchr(p, ':');
	if (!c1)
		return false;
	const char *c2 = strchr(c1 + 1, ':');
	return c2 && !strchr(c2 + 1, ':');
}

int cg_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup, bool systemd, char **out,
		    hull_err *e)
{
	if (systemd)
		return herr_set(e, -ENOTSUP, "systemd cgroup driver not supported: systemd is not running");
	struct strbuf sb = {0};
	int rc;
	if (!cgroups_path || !*cgroups_path) {
		if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
			return herr_set(e, -EINVAL, "invalid container id \"%s\" for a cgroup name", id ? id : "");
		sb_appendf(&sb, "/hull/%s", id);
		rc = 0;
	} else if (is_systemd_form(cgroups_path)) {
		rc = systemd_to_path(&sb, cgroups_path, e);
	} else if (cgroups_path[0] == '/') {
		rc = append_clean(&sb, cgroups_path, "linux.cgroupsPath", e);
	} else {
		rc = append_clean(&sb, own_cgroup ? own_cgroup : "/", "own cgroup", e);
		if (rc >= 0)
			rc = append_clean(&sb, cgroups_path, "linux.cgroupsPath", e);
	}
	if (rc < 0) {
		sb_free(&sb);
		return rc;
	}
	if (sb.len == 0) {
		sb_free(&sb);
		return herr_set(e, -EINVAL, "linux.cgroupsPath: \"%s\" names the root cgroup; a container needs its own",
				cgroups_path ? cgroups_path : "");
	}
	*out = sb.buf;
	return 0;
}

/* ---- creating -------------------------------------------------------------------------------- */

static int check_path(const char *path, hull_err *e)
{
	if (!path || path[0] != '/' || strcmp(path, "/") == 0)
		return herr_set(e, -EINVAL, "invalid cgroup path \"%s\"", path ? path : "");
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		if ((p - s == 2 && s[0] == '.' && s[1] == '.') || (p - s == 1 && s[0] == '.'))
			return herr_set(e, -EINVAL, "invalid cgroup path \"%s\"", path);
	}
	return 0;
}

static void offers(const char *controllers, char *buf, size_t n)
{
	snprintf(buf, n, "%s", controllers ? controllers : "");
	size_t l = strlen(buf);
	while (l && isspace((unsigned char)buf[l - 1]))
		buf[--l] = '\0';
	if (!l)
		snprintf(buf, n, "none");
}

int cg_unavailable_error(hull_err *e, const char *field, enum cg_controller c, const char *mount, const char *path,
			 const char *controllers)
{
	char list[512];
	offers(controllers, list, sizeof list);
	return herr_set(e, -ENOTSUP, "cannot apply %s: controller \"%s\" not available in cgroup %s (cgroup2 at %s offers: %s)",
			field, cg_controller_name(c), path, mount, list);
}

/* Enable the needed controllers in dirfd's cgroup.subtree_control (those not yet on). */
static int enable_in(int dirfd, const char *mount, const char *dir, const struct cg_need *need, hull_err *e)
{
	_cleanup_free_ char *cur = NULL;
	bool any = false;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		any |= need->hard[c];
	if (!any)
		return 0;
	int rc = cg_read_at(dirfd, "cgroup.subtree_control", &cur);
	if (rc < 0)
		return herr_errno(e, rc, "read %s%s/cgroup.subtree_control", mount, dir);
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!need->hard[c] || cg_word_in(cur, cg_controller_name(c)))
			continue;
		char buf[32];
		snprintf(buf, sizeof buf, "+%s", cg_controller_name(c));
		_cleanup_fd_ int fd = openat(dirfd, "cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
			return herr_sys(e, "cannot apply %s: enable controller \"%s\" in %s%s/cgroup.subtree_control",
					need->field[c], cg_controller_name(c), mount, dir);
	}
	return 0;
}

int cg_enable_controllers(const char *mount, const char *path, const struct cg_need *need, hull_err *e)
{
	_cleanup_fd_ int cur = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return herr_sys(e, "open %s", mount);
	struct strbuf dir = {0};
	int rc = 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		if (p == s)
			break;
		rc = enable_in(cur, mount, dir.len ? dir.buf : "", need, e);
		if (rc < 0)
			break;
		_cleanup_free_ char *comp = strndup(s, (size_t)(p - s));
		if (!comp)
			abort();
		int next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			rc = herr_sys(e, "open %s%s/%s", mount, dir.len ? dir.buf : "", comp);
			break;
		}
		close(cur);
		cur = next;
		sb_appendf(&dir, "/%s", comp);
		while (*p == '/')
			p++;
		if (!*p)
			break; /* cur is the leaf: its subtree_control is not ours to change */
	}
	sb_free(&dir);
	return rc;
}

/* Every needed controller must be offered at the top of the hierarchy; below it hull enables them. */
static int check_root_offers(int rootfd, const char *mount, const char *path, const struct cg_need *need, hull_err *e)
{
	_cleanup_free_ char *ctrls = NULL;
	int rc = cg_read_at(rootfd, "cgroup.controllers", &ctrls);
	if (rc < 0)
		return herr_errno(e, rc, "read %s/cgroup.controllers", mount);
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (need->hard[c] && !cg_word_in(ctrls, cg_controller_name(c)))
			return cg_unavailable_error(e, need->field[c], c, mount, path, ctrls);
	return 0;
}

struct mkdir_state {
	char **comps;   /* path components */
	bool *created;  /* created[i]: hull made comps[0..i] */
	size_t n;
};

static void free_mkdir_state(struct mkdir_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->comps[i]);
	free(st->comps);
	free(st->created);
}

static void split_path(const char *path, struct mkdir_state *st)
{
	st->n = 0;
	st->comps = NULL;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		if (p == s)
			break;
		st->comps = xrealloc(st->comps, (st->n + 1) * sizeof *st->comps);
		st->comps[st->n] = strndup(s, (size_t)(p - s));
		if (!st->comps[st->n])
			abort();
		st->n++;
	}
	st->created = xcalloc(st->n ? st->n : 1, sizeof *st->created);
}

static char *prefix_path(const char *mount, const struct mkdir_state *st, size_t upto)
{
	struct strbuf sb = {0};
	sb_append(&sb, mount);
	for (size_t i = 0; i <= upto; i++)
		sb_appendf(&sb, "/%s", st->comps[i]);
	return sb.buf;
}

/* Remove what this create made, deepest first. */
static void undo_mkdirs(const char *mount, const struct mkdir_state *st)
{
	for (size_t i = st->n; i-- > 0;) {
		if (!st->created[i])
			continue;
		_cleanup_free_ char *p = prefix_path(mount, st, i);
		if (rmdir(p) < 0)
			hull_debug("rmdir %s: %s", p, strerror(errno));
	}
}

/* One walk down the path: enable controllers in each ancestor, mkdir the next level. Returns the
 * leaf fd, -EAGAIN when an ancestor vanished under us (a concurrent delete removed an empty parent). */
static int mkdir_walk(int rootfd, const char *mount, const char *path, struct mkdir_state *st,
		      const struct cg_need *need, hull_err *e)
{
	_cleanup_fd_ int cur = dup(rootfd);
	if (cur < 0)
		return herr_sys(e, "dup");
	struct strbuf dir = {0};
	int rc = 0;
	for (size_t i = 0; i < st->n; i++) {
		st->created[i] = false;
		rc = enable_in(cur, mount, dir.len ? dir.buf : "", need, e);
		if (rc == -ENOENT && i > 0) {
			rc = -EAGAIN;
			break;
		}
		if (rc < 0)
			break;
		if (mkdirat(cur, st->comps[i], 0755) == 0) {
			st->created[i] = true;
		} else if (errno == ENOENT) {
			rc = -EAGAIN;
			break;
		} else if (errno != EEXIST) {
			rc = herr_sys(e, "create cgroup %s: mkdir %s%s/%s", path, mount, dir.len ? dir.buf : "",
				      st->comps[i]);
			break;
		}
		int next = openat(cur, st->comps[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			rc = errno == ENOENT ? -EAGAIN
					     : herr_sys(e, "create cgroup %s: open %s%s/%s", path, mount,
							dir.len ? dir.buf : "", st->comps[i]);
			break;
		}
		close(cur);
		cur = next;
		sb_appendf(&dir, "/%s", st->comps[i]);
	}
	sb_free(&dir);
	if (rc < 0)
		return rc;
	return steal_fd(&cur);
}

int cg_check_offers(const char *mount, const char *path, const struct cg_need *need, hull_err *e)
{
	_cleanup_fd_ int rootfd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return herr_sys(e, "open cgroup2 mount %s", mount);
	return check_root_offers(rootfd, mount, path, need, e);
}

int cg_create(struct hull_cgroup *cg, const char *mount, const char *path, const struct oci_resources *res,
	      hull_err *e)
{
	*cg = (struct hull_cgroup){.dirfd = -1};
	struct cg_need need;
	int rc = check_path(path, e);
	if (rc < 0)
		return rc;
	rc = cg_resources_need(res, &need, e); /* reject unsupported fields before touching anything */
	if (rc < 0)
		return rc;
	_cleanup_fd_ int rootfd = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return herr_sys(e, "open cgroup2 mount %s", mount);
	rc = check_root_offers(rootfd, mount, path, &need, e);
	if (rc < 0)
		return rc;

	struct mkdir_state st;
	split_path(path, &st);
	int fd = -EAGAIN;
	for (int attempt = 0; attempt < 5 && fd == -EAGAIN; attempt++) {
		fd = mkdir_walk(rootfd, mount, path, &st, &need, e);
		if (fd < 0)
			undo_mkdirs(mount, &st);
	}
	if (fd == -EAGAIN)
		fd = herr_errno(e, -ENOENT, "create cgroup %s: a parent kept disappearing", path);
	if (fd < 0) {
		free_mkdir_state(&st);
		return fd;
	}
	cg->mount = xstrdup(mount);
	cg->path = xstrdup(path);
	cg->dirfd = fd;
	cg->created = st.created[st.n - 1];
	rc = cg_apply(cg, res, false, e);
	if (rc < 0) {
		undo_mkdirs(mount, &st);
		cg_release(cg);
	}
	free_mkdir_state(&st);
	return rc;
}

int cg_open(struct hull_cgroup *cg, const char *mount, const char *path, hull_err *e)
{
	*cg = (struct hull_cgroup){.dirfd = -1};
	int rc = check_path(path, e);
	if (rc < 0)
		return rc;
	_cleanup_free_ char *full = xasprintf("%s%s", mount, path);
	int fd = open(full, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open cgroup %s", full);
	cg->mount = xstrdup(mount);
	cg->path = xstrdup(path);
	cg->dirfd = fd;
	return 0;
}

void cg_release(struct hull_cgroup *cg)
{
	if (!cg)
		return;
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	cgsd_release_holder(cg);
	free(cg->mount);
	free(cg->path);
	free(cg->unit);
	*cg = (struct hull_cgroup){.dirfd = -1};
}

int cg_open_for_clone(struct hull_cgroup *cg, hull_err *e)
{
	int fd = openat(cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		_cleanup_free_ char *p = cg_display_path(cg, NULL);
		return herr_sys(e, "open cgroup %s", p);
	}
	return fd;
}

int cg_enter(struct hull_cgroup *cg, pid_t pid, hull_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid);
	_cleanup_fd_ int fd = openat(cg->dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		_cleanup_free_ char *p = cg_display_path(cg, "cgroup.procs");
		return herr_sys(e, "open %s", p);
	}
	/* EINVAL can mean the task is still TASK_NEW (just forked): retry a few times */
	for (int i = 0;; i++) {
		if (write(fd, buf, (size_t)n) == n)
			return 0;
		if ((errno != EINVAL && errno != EINTR) || i >= 5) {
			_cleanup_free_ char *p = cg_display_path(cg, NULL);
			return herr_sys(e, "move pid %d into cgroup %s", (int)pid, p);
		}
		sleep_ms(20);
	}
}

/* ---- freezer ------------------------------------------------------------------------------- */

/* 1 when cgroup.events says "frozen <want>", 0 when not (yet), -errno on error. */
static int events_frozen_is(int fd, bool want)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	uint64_t v, populated;
	if (cg_keyed_value(buf, "frozen", &v) < 0)
		return 1; /* no freezer state reported: nothing to wait for */
	/* seen on 6.18: a cgroup whose tasks all died while frozen can keep reporting "frozen 1"
	 * after the thaw; with nothing left in it there is nothing to wait for */
	if (!want && cg_keyed_value(buf, "populated", &populated) == 0 && populated == 0)
		return 1;
	return (v != 0) == want;
}

static int wait_frozen(struct hull_cgroup *cg, bool want, int timeout_ms)
{
	_cleanup_fd_ int fd = openat(cg->dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		int r = events_frozen_is(fd, want);
		if (r != 0)
			return r < 0 ? r : 0;
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		/* cgroup.events changes raise POLLPRI; the short cap also covers missed wakeups */
		struct pollfd p = {.fd = fd, .events = POLLPRI};
		poll(&p, 1, left < 20 ? (int)left : 20);
		/* a fresh open each round: never trust a cached read of a kernfs file */
		int nfd = openat(cg->dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
		if (nfd >= 0) {
			close(fd);
			fd = nfd;
		}
	}
}

static int write_freeze(struct hull_cgroup *cg, bool freeze)
{
	_cleanup_fd_ int fd = openat(cg->dirfd, "cgroup.freeze", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, freeze ? "1" : "0", 1) != 1)
		return -errno;
	return 0;
}

int cg_freeze(struct hull_cgroup *cg, bool freeze, hull_err *e)
{
	_cleanup_free_ char *p = cg_display_path(cg, NULL);
	int rc = write_freeze(cg, freeze);
	if (rc == -ENOENT && !freeze)
		return 0; /* no freezer: nothing can be frozen */
	if (rc == -ENOENT)
		return herr_errno(e, -ENOTSUP, "freeze cgroup %s: cgroup.freeze missing (the cgroup v2 freezer needs Linux >= 5.2)", p);
	if (rc < 0)
		return herr_errno(e, rc, "%s cgroup %s: write cgroup.freeze", freeze ? "freeze" : "thaw", p);
	rc = wait_frozen(cg, freeze, FREEZE_TIMEOUT_MS);
	if (rc == 0)
		return 0;
	if (freeze)
		write_freeze(cg, false); /* never leave a half-frozen container behind */
	if (rc == -ETIMEDOUT) {
		_cleanup_free_ char *ev = NULL, *fz = NULL;
		cg_read_at(cg->dirfd, "cgroup.events", &ev);
		cg_read_at(cg->dirfd, "cgroup.freeze", &fz);
		return herr_errno(e, rc, "%s cgroup %s: still not %s after %d ms [events: %s freeze: %s]", freeze ? "freeze" : "thaw", p,
				  freeze ? "frozen" : "thawed", FREEZE_TIMEOUT_MS, ev ? ev : "?", fz ? fz : "?");
	}
	return herr_errno(e, rc, "%s cgroup %s: read cgroup.events", freeze ? "freeze" : "thaw", p);
}

int cg_is_frozen(struct hull_cgroup *cg, hull_err *e)
{
	_cleanup_free_ char *want = NULL, *events = NULL;
	/* cgroup.freeze is what was asked for (pause); cgroup.events "frozen" also covers a
	 * cgroup frozen through an ancestor */
	if (cg_read_at(cg->dirfd, "cgroup.freeze", &want) == 0 && want[0] == '1')
		return 1;
	int rc = cg_read_at(cg->dirfd, "cgroup.events", &events);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0) {
		_cleanup_free_ char *p = cg_display_path(cg, "cgroup.events");
		return herr_errno(e, rc, "read %s", p);
	}
	uint64_t v = 0, populated = 1;
	cg_keyed_value(events, "frozen", &v);
	/* an empty cgroup may keep a stale "frozen 1" after its thaw (see events_frozen_is) */
	cg_keyed_value(events, "populated", &populated);
	return v && populated ? 1 : 0;
}

/* ---- processes ----------------------------------------------------------------------------- */

struct pidvec {
	pid_t *v;
	size_t n, cap;
};

static void pidvec_push(struct pidvec *pv, pid_t p)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 16;
		pv->v = xrealloc(pv->v, pv->cap * sizeof *pv->v);
	}
	pv->v[pv->n++] = p;
}

static int collect_pids(int dirfd, const char *disp, struct pidvec *pv, int depth, hull_err *e)
{
	if (depth > 64)
		return herr_set(e, -ELOOP, "cgroup %s is nested too deeply", disp);
	_cleanup_free_ char *procs = NULL;
	int rc = cg_read_at(dirfd, "cgroup.procs", &procs);
	if (rc == -ENOENT || rc == -ENODEV)
		return 0; /* removed while we walked */
	if (rc < 0)
		return herr_errno(e, rc, "read %s/cgroup.procs", disp);
	for (char *p = procs; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v > 0)
			pidvec_push(pv, (pid_t)v);
		p = end;
		while (*p && isspace((unsigned char)*p))
			p++;
	}
	int rfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return herr_sys(e, "open %s", disp);
	_cleanup_closedir_ DIR *d = fdopendir(rfd);
	if (!d) {
		close(rfd);
		return herr_sys(e, "opendir %s", disp);
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		_cleanup_fd_ int sub = openat(dirfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		_cleanup_free_ char *sdisp = xasprintf("%s/%s", disp, de->d_name);
		rc = collect_pids(sub, sdisp, pv, depth + 1, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int cg_pids(struct hull_cgroup *cg, pid_t **pids, size_t *n, hull_err *e)
{
	struct pidvec pv = {0};
	_cleanup_free_ char *disp = cg_display_path(cg, NULL);
	int rc = collect_pids(cg->dirfd, disp, &pv, 0, e);
	if (rc < 0) {
		free(pv.v);
		return rc;
	}
	*pids = pv.v;
	*n = pv.n;
	return 0;
}

int cg_kill_all(struct hull_cgroup *cg, int sig, hull_err *e)
{
	_cleanup_free_ char *disp = cg_display_path(cg, NULL);
	if (sig == SIGKILL) {
		_cleanup_fd_ int fd = openat(cg->dirfd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "1", 1) == 1)
				return 0;
			return herr_sys(e, "kill cgroup %s: write cgroup.kill", disp);
		}
		if (errno != ENOENT)
			return herr_sys(e, "kill cgroup %s: open cgroup.kill", disp);
	}
	/* Freeze so no process can fork a child we would miss, signal each, thaw. A freeze that
	 * fails (no freezer, or a task stuck in D state) must not stop the signal. */
	bool frozen = cg_freeze(cg, true, NULL) == 0;
	pid_t *pids = NULL;
	size_t n = 0;
	int rc = cg_pids(cg, &pids, &n, e);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			rc = herr_sys(e, "kill cgroup %s: signal %d to pid %d", disp, sig, (int)pids[i]);
	free(pids);
	if (frozen) {
		hull_err te = {0};
		int trc = cg_freeze(cg, false, &te);
		if (trc < 0 && rc >= 0) {
			if (e)
				*e = te;
			rc = trc;
		}
	}
	return rc < 0 ? rc : 0;
}

int cg_oom_count(struct hull_cgroup *cg, long *count, hull_err *e)
{
	_cleanup_free_ char *text = NULL;
	int rc = cg_read_at(cg->dirfd, "memory.events", &text);
	if (rc < 0) {
		_cleanup_free_ char *p = cg_display_path(cg, "memory.events");
		return herr_errno(e, rc, "read %s", p);
	}
	uint64_t v = 0;
	cg_keyed_value(text, "oom_kill", &v);
	*count = (long)v;
	return 0;
}

/* ---- removing ------------------------------------------------------------------------------ */

/* rmdir a cgroup and its child cgroups (a container may have made some), deepest first. */
static int rmdir_tree(int parentfd, const char *name, int depth)
{
	if (depth > 64)
		return -ELOOP;
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = -errno;
		close(fd);
		return err;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rmdir_tree(dirfd(d), de->d_name, depth + 1);
	}
	closedir(d);
	if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0)
		return -errno;
	return 0;
}

int cg_destroy(struct hull_cgroup *cg, hull_err *e)
{
	if (!cg->created || !cg->mount || !cg->path)
		return 0;
	/* systemd removes the unit's cgroup when it stops the unit; the rmdir below only finds
	 * what is left when systemd could not be asked */
	if (cg->unit && cgsd_destroy(cg, e) < 0)
		hull_warn("%s", e->msg);
	_cleanup_free_ char *full = cg_display_path(cg, NULL);
	_cleanup_free_ char *parent = xstrdup(full);
	char *slash = strrchr(parent, '/');
	const char *leaf = slash + 1;
	_cleanup_free_ char *leafname = xstrdup(leaf);
	*slash = '\0';
	_cleanup_fd_ int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return errno == ENOENT ? 0 : herr_sys(e, "remove cgroup %s: open parent", full);
	long long deadline = now_ms() + DESTROY_TIMEOUT_MS;
	int rc;
	/* EBUSY while the last tasks finish exiting: retry briefly */
	while ((rc = rmdir_tree(pfd, leafname, 0)) == -EBUSY || rc == -ENOTEMPTY) {
		if (now_ms() >= deadline)
			break;
		sleep_ms(10);
	}
	if (rc < 0 && rc != -ENOENT)
		return herr_errno(e, rc, "remove cgroup %s", full);
	/* hull's default parent: remove it once empty; another container may still use it */
	const char *ppath = cg->path;
	if (strncmp(ppath, "/hull/", 6) == 0 && !strchr(ppath + 6, '/')) {
		_cleanup_free_ char *hull_dir = xasprintf("%s/hull", cg->mount);
		rmdir(hull_dir);
	}
	return 0;
}
