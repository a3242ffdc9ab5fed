/* SPDX-License-Identifier: Apache-2.0 */
/* sd_notify relay and socket activation; see notify.h for the model. */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../common/cleanup.h"
#include "../common/log.h"

#define NOTIFY_RUN_DIR "run"
#define NOTIFY_MSG_MAX 4096     /* systemd reads at most this much of one datagram */
#define NOTIFY_STATUS_MAX 1024  /* a STATUS= longer than this is dropped */
#define NOTIFY_SEND_WAIT_MS 5000
#define NOTIFY_BARRIER_WAIT_MS 10000
#define LISTEN_FDS_MAX 4096

/* ---- environment of the container process ---- */

/* Replace NAME=... in the process env, or append it; takes ownership of entry. */
static void env_put(struct oci_process *p, char *entry)
{
	size_t nl = strcspn(entry, "=") + 1;
	for (size_t i = 0; i < p->n_env; i++) {
		if (!strncmp(p->env[i], entry, nl)) {
			free(p->env[i]);
			p->env[i] = entry;
			return;
		}
	}
	p->env = xrealloc(p->env, (p->n_env + 2) * sizeof *p->env);
	p->env[p->n_env++] = entry;
	p->env[p->n_env] = NULL;
}

static char *const bind_opts[] = {"bind", "nosuid", "noexec", "nodev", "ro"};

static void spec_add_bind(struct oci_spec *s, const char *source, const char *dest)
{
	s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
	struct oci_mount *m = &s->mounts[s->n_mounts++];
	memset(m, 0, sizeof *m);
	m->destination = xstrdup(dest);
	m->type = xstrdup("bind");
	m->source = xstrdup(source);
	m->n_options = sizeof bind_opts / sizeof bind_opts[0];
	m->options = xcalloc(m->n_options + 1, sizeof *m->options);
	for (size_t i = 0; i < m->n_options; i++)
		m->options[i] = xstrdup(bind_opts[i]);
}

/* ---- the caller's socket address ---- */

/* NOTIFY_SOCKET is an absolute path or "@name" (an abstract socket), as systemd sets it. */
static int host_address(const char *host, struct sockaddr_un *a, socklen_t *len, hull_err *e)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	size_t n = strlen(host);
	if ((host[0] != '/' && host[0] != '@') || n < 2 || n >= sizeof a->sun_path)
		return herr_set(e, -EINVAL, "NOTIFY_SOCKET=%s: not an absolute socket path or @abstract name (at most %zu bytes)",
				host, sizeof a->sun_path - 1);
	memcpy(a->sun_path, host, n);
	if (host[0] == '@')
		a->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (host[0] == '/' ? 1 : 0));
	return 0;
}

/* ---- create ---- */

/* mkdir + open without following anything, with the exact mode (umask does not apply). */
static int make_private_dir(int parent, const char *name, mode_t mode, hull_err *e)
{
	if (mkdirat(parent, name, mode) < 0)
		return herr_sys(e, "create %s in the state dir", name);
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open %s in the state dir", name);
	if (fchmod(fd, mode) < 0) {
		int r = herr_sys(e, "chmod %s in the state dir", name);
		close(fd);
		return r;
	}
	return fd;
}

int notify_prepare(int state_dirfd, const char *state_dir, struct oci_spec *spec, hull_err *e)
{
	const char *host = getenv("NOTIFY_SOCKET");
	if (!host || !*host)
		return 0;
	struct sockaddr_un a;
	socklen_t alen;
	int r = host_address(host, &a, &alen, e);
	if (r < 0)
		return r;
	/* notify/ is 0700: no other host user gets to the socket. run/ (0711) is what the
	 * container sees at /run/notify, so any user of the container can reach the socket. */
	_cleanup_fd_ int nfd = make_private_dir(state_dirfd, NOTIFY_DIR, 0700, e);
	if (nfd < 0)
		return nfd;
	_cleanup_fd_ int rfd = make_private_dir(nfd, NOTIFY_RUN_DIR, 0711, e);
	if (rfd < 0)
		return rfd;
	/* The init resolves the source in its own mount namespace (a mount of the parent's
	 * namespace cannot be cloned there), by path: both dirs were just made by us, in a
	 * state dir only root can write, and the container cannot reach them yet. */
	_cleanup_free_ char *src = xasprintf("%s/%s/%s", state_dir, NOTIFY_DIR, NOTIFY_RUN_DIR);
	spec_add_bind(spec, src, NOTIFY_CONTAINER_DIR);
	env_put(spec->process, xstrdup("NOTIFY_SOCKET=" NOTIFY_CONTAINER_DIR "/" NOTIFY_SOCKET_NAME));
	return 1;
}

/* "LISTEN_PID=<pid>" in the process env, completed by the init itself before execve. */
static char *listen_pid_entry;
#define LISTEN_PID_ENTRY_SIZE 32

static int parse_uint(const char *s, long max, long *out)
{
	if (!s || !*s || strlen(s) > 10)
		return -EINVAL;
	long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int listen_fds_prepare(struct oci_spec *spec, hull_err *e)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	if (!fds || !*fds)
		return 0;
	long p = 0, n = 0;
	/* sd_listen_fds(3): fds passed to another process (our parent) are not ours */
	if (parse_uint(pid, INT_MAX, &p) < 0 || p != (long)getpid()) {
		hull_debug("LISTEN_FDS=%s is for pid %s, not hull (%d): ignored", fds, pid ? pid : "(unset)", (int)getpid());
		return 0;
	}
	if (parse_uint(fds, LISTEN_FDS_MAX, &n) < 0)
		return herr_set(e, -EINVAL, "LISTEN_FDS=%s: not a number of file descriptors (0..%d)", fds, LISTEN_FDS_MAX);
	for (int fd = 3; fd < 3 + (int)n; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl < 0)
			return herr_sys(e, "LISTEN_FDS=%ld: fd %d", n, fd);
		/* they must survive the process's execve */
		if ((fl & FD_CLOEXEC) && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return herr_sys(e, "LISTEN_FDS=%ld: clear close-on-exec on fd %d", n, fd);
	}
	if (n == 0)
		return 0;
	env_put(spec->process, xasprintf("LISTEN_FDS=%ld", n));
	const char *names = getenv("LISTEN_FDNAMES");
	if (names)
		env_put(spec->process, xasprintf("LISTEN_FDNAMES=%s", names));
	listen_pid_entry = xmalloc(LISTEN_PID_ENTRY_SIZE);
	snprintf(listen_pid_entry, LISTEN_PID_ENTRY_SIZE, "LISTEN_PID=1");
	env_put(spec->process, listen_pid_entry);
	return (int)n;
}

void listen_fds_set_pid(void)
{
	if (listen_pid_entry)
		snprintf(listen_pid_entry, LISTEN_PID_ENTRY_SIZE, "LISTEN_PID=%d", (int)getpid());
}

/* ---- the filter ---- */

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(s, prefix, n);
}

static bool all_digits(const char *s, size_t len, size_t max)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void put_line(struct strbuf *out, const char *s, size_t len)
{
	sb_appendf(out, "%.*s\n", (int)len, s);
}

bool notify_filter(const char *msg, size_t len, pid_t init_pid, notify_pid_map_fn map, void *arg,
		   struct strbuf *out)
{
	bool ready = false, mainpid = false;
	if (memchr(msg, '\0', len)) /* systemd refuses these too */
		return false;
	for (const char *p = msg, *end = msg + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		const char *v = memchr(p, '=', l);
		size_t vl = v ? l - (size_t)(v + 1 - p) : 0;
		if (v)
			v++;
		if ((l == 7 && !memcmp(p, "READY=1", 7))) {
			ready = true;
			put_line(out, p, l);
		} else if ((l == 10 && !memcmp(p, "STOPPING=1", 10)) || (l == 11 && !memcmp(p, "RELOADING=1", 11))) {
			put_line(out, p, l);
		} else if (has_prefix(p, l, "STATUS=")) {
			if (vl <= NOTIFY_STATUS_MAX && printable(v, vl))
				put_line(out, p, l);
		} else if (has_prefix(p, l, "ERRNO=") || has_prefix(p, l, "EXTEND_TIMEOUT_USEC=")) {
			if (all_digits(v, vl, 20))
				put_line(out, p, l);
		} else if (has_prefix(p, l, "MAINPID=") && !mainpid) {
			pid_t h = all_digits(v, vl, 10) && map ? map(strtol(v, NULL, 10), arg) : 0;
			if (h > 0) {
				sb_appendf(out, "MAINPID=%d\n", (int)h);
				mainpid = true;
			}
		}
		p += l + 1;
	}
	if (ready && !mainpid)
		sb_appendf(out, "MAINPID=%d\n", (int)init_pid);
	return ready;
}

/* ---- start ---- */

int notify_relay_open(int state_dirfd, struct notify_relay *r, hull_err *e)
{
	r->sock = r->host = r->run_dirfd = -1;
	r->host_path = getenv("NOTIFY_SOCKET");
	if (!r->host_path || !*r->host_path)
		return 0;
	_cleanup_fd_ int nfd = openat(state_dirfd, NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd < 0)
		return errno == ENOENT ? 0 : herr_sys(e, "open %s in the state dir", NOTIFY_DIR);
	r->run_dirfd = openat(nfd, NOTIFY_RUN_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->run_dirfd < 0)
		return herr_sys(e, "open %s/%s in the state dir", NOTIFY_DIR, NOTIFY_RUN_DIR);
	struct sockaddr_un a;
	socklen_t alen;
	int rc = host_address(r->host_path, &a, &alen, e);
	if (rc < 0)
		return rc;
	r->host = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->host < 0)
		return herr_sys(e, "socket");
	if (connect(r->host, (struct sockaddr *)&a, alen) < 0)
		return herr_sys(e, "connect to NOTIFY_SOCKET %s", r->host_path);
	/* the container's socket, bound through the dir fd: no path in the state dir is
	 * followed. 0666 so that any user of the container can send. */
	struct sockaddr_un c = {.sun_family = AF_UNIX};
	snprintf(c.sun_path, sizeof c.sun_path, "/proc/self/fd/%d/%s", r->run_dirfd, NOTIFY_SOCKET_NAME);
	if (unlinkat(r->run_dirfd, NOTIFY_SOCKET_NAME, 0) < 0 && errno != ENOENT)
		return herr_sys(e, "remove the old %s", NOTIFY_SOCKET_NAME);
	r->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->sock < 0)
		return herr_sys(e, "socket");
	mode_t old = umask(0111);
	int b = bind(r->sock, (struct sockaddr *)&c, sizeof c);
	umask(old);
	if (b < 0)
		return herr_sys(e, "bind the container's notify socket");
	return 0;
}

void notify_relay_close(struct notify_relay *r)
{
	if (r->sock >= 0) {
		unlinkat(r->run_dirfd, NOTIFY_SOCKET_NAME, 0);
		close(r->sock);
	}
	if (r->host >= 0)
		close(r->host);
	if (r->run_dirfd >= 0)
		close(r->run_dirfd);
	r->sock = r->host = r->run_dirfd = -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int64_t end = now_ms() + ms;
	for (;;) {
		int r = poll(&p, 1, (int)(end - now_ms() > 0 ? end - now_ms() : 0));
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

static int send_host(struct notify_relay *r, const char *msg, size_t len, int fd, hull_err *e)
{
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	for (;;) {
		if (sendmsg(r->host, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return herr_sys(e, "send to NOTIFY_SOCKET %s", r->host_path);
		int w = wait_fd(r->host, POLLOUT, NOTIFY_SEND_WAIT_MS);
		if (w <= 0)
			return herr_set(e, -ETIMEDOUT, "send to NOTIFY_SOCKET %s: not read for %d s", r->host_path,
					NOTIFY_SEND_WAIT_MS / 1000);
	}
}

/* sd_notify_barrier(3): the caller has read everything once it closed the pipe we sent.
 * Without it, a caller (systemd) may look at our messages only after we exited and no
 * longer know which unit they belong to. A caller that does not know BARRIER only costs
 * the wait. */
static void send_barrier(struct notify_relay *r)
{
	int p[2];
	hull_err e = {0};
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	int s = send_host(r, "BARRIER=1", 9, p[1], &e);
	close(p[1]);
	if (s < 0) {
		hull_debug("%s", e.msg);
	} else {
		int w = wait_fd(p[0], POLLIN, NOTIFY_BARRIER_WAIT_MS);
		if (w == 0)
			hull_warn("NOTIFY_SOCKET %s: no answer to BARRIER=1 within %d s", r->host_path,
				  NOTIFY_BARRIER_WAIT_MS / 1000);
	}
	close(p[0]);
}

/* The pid-namespace level of the container: how many NSpid entries its init has. The
 * host procfs is read, never the container's. */
static int nspid_fields(pid_t pid, long *vals, int max)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	_cleanup_free_ char *buf = NULL;
	if (read_file_at(AT_FDCWD, path, &buf, NULL, NULL) < 0)
		return -1;
	char *l = strstr(buf, "\nNSpid:");
	if (!l)
		return -1;
	int n = 0;
	for (char *p = l + 7; n < max;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		vals[n++] = v;
		p = end;
	}
	return n;
}

struct pid_map {
	const struct hull_record *rec;
	int level; /* index in NSpid of the container's own pid namespace */
};

static bool pid_is(pid_t host, const struct pid_map *m, long cpid)
{
	long v[32];
	int n = nspid_fields(host, v, 32);
	return n > m->level && v[m->level] == cpid;
}

/* Only processes of the container's cgroup qualify: the container cannot name a host
 * process as its main pid. */
static pid_t map_container_pid(long cpid, void *arg)
{
	const struct pid_map *m = arg;
	if (m->level < 0)
		return 0;
	if (pid_is(m->rec->pid, m, cpid))
		return m->rec->pid;
	if (!m->rec->cgroup_path)
		return 0;
	struct hull_cgroup cg = {.dirfd = -1};
	pid_t *pids = NULL, found = 0;
	size_t n = 0;
	if (cg_open(&cg, m->rec->cgroup_mount, m->rec->cgroup_path, NULL) >= 0 && cg_pids(&cg, &pids, &n, NULL) >= 0)
		for (size_t i = 0; i < n && !found; i++)
			if (pid_is(pids[i], m, cpid))
				found = pids[i];
	free(pids);
	cg_release(&cg);
	return found;
}

/* Read every queued datagram; true once READY=1 was forwarded. */
static int relay_pending(struct notify_relay *r, struct pid_map *map, hull_err *e)
{
	for (;;) {
		char buf[NOTIFY_MSG_MAX];
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int) * 64)];
		} cm;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf, .msg_controllen = sizeof cm.buf};
		ssize_t n = recvmsg(r->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : herr_sys(e, "read the container's notify socket");
		}
		/* fds the container sent (FDSTORE=1) are not passed on */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < nfd; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
				close(fd);
			}
		}
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
			hull_debug("notify: dropped an oversized datagram from the container");
			continue;
		}
		struct strbuf out = {0};
		bool ready = notify_filter(buf, (size_t)n, map->rec->pid, map_container_pid, map, &out);
		int s = out.len ? send_host(r, out.buf, out.len, -1, e) : 0;
		hull_debug("notify: relayed %zu bytes%s", out.len, ready ? " (READY=1)" : "");
		sb_free(&out);
		if (s < 0)
			return s;
		if (ready)
			return 1;
	}
}

static int timeout_ms(hull_err *e)
{
	const char *s = getenv("HULL_NOTIFY_TIMEOUT");
	long v = NOTIFY_DEFAULT_TIMEOUT_S;
	if (s && *s && parse_uint(s, INT_MAX / 1000, &v) < 0)
		return herr_set(e, -EINVAL, "HULL_NOTIFY_TIMEOUT=%s: not a number of seconds", s);
	return (int)v * 1000;
}

static int relay_loop(struct notify_relay *r, const struct hull_record *rec, int pidfd, int limit, hull_err *e)
{
	long lv[32];
	struct pid_map map = {.rec = rec, .level = nspid_fields(rec->pid, lv, 32) - 1};
	int64_t end = now_ms() + limit;
	for (;;) {
		struct pollfd p[2] = {{.fd = r->sock, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
		int left = limit ? (int)(end - now_ms() > 0 ? end - now_ms() : 0) : -1;
		int pr = poll(p, 2, left);
		if (pr < 0 && errno != EINTR)
			return herr_sys(e, "wait for READY=1 from container %s", rec->id);
		/* what the container sent right before it exited still counts */
		int rr = relay_pending(r, &map, e);
		if (rr != 0)
			return rr < 0 ? rr : 0;
		if (pr > 0 && (p[1].revents & POLLIN))
			return herr_set(e, -ESRCH, "container %s exited before it sent READY=1 to NOTIFY_SOCKET", rec->id);
		if (pr == 0 && limit)
			return herr_set(e, -ETIMEDOUT, "container %s sent no READY=1 to NOTIFY_SOCKET within %d s (HULL_NOTIFY_TIMEOUT)",
					rec->id, limit / 1000);
	}
}

int notify_relay_wait(struct notify_relay *r, int state_dirfd, const struct hull_record *rec, hull_err *e)
{
	if (r->sock < 0)
		return 0;
	int limit = timeout_ms(e);
	if (limit < 0)
		return limit;
	_cleanup_fd_ int pidfd = (int)syscall(SYS_pidfd_open, rec->pid, 0);
	if (pidfd < 0 || proc_start_time(rec->pid, NULL) != rec->pid_start)
		return herr_set(e, -ESRCH, "container %s exited before it sent READY=1 to NOTIFY_SOCKET", rec->id);
	flock(state_dirfd, LOCK_UN);
	int rc = relay_loop(r, rec, pidfd, limit, e);
	if (rc >= 0)
		send_barrier(r);
	while (flock(state_dirfd, LOCK_EX) < 0 && errno == EINTR)
		;
	return rc;
}
