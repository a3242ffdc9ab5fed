/* SPDX-License-Identifier: Apache-2.0 */
/* start, state, kill, delete, list, run, pause/resume, ps, update, events. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../cgroup/systemd.h"
#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "container.h"
#include "create.h"
#include "hooks.h"
#include "notify.h"
#include "rootfs.h"
#include "state.h"
#include "terminal.h"

const char *hull_default_root(void)
{
	static char buf[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() == 0 && xdg && *xdg) {
		/* uid 0 inside a user namespace that does not map the host root (rootless podman) */
		_cleanup_free_ char *map = NULL;
		if (read_file_at(AT_FDCWD, "/proc/self/uid_map", &map, NULL, NULL) == 0) {
			unsigned inside, outside, count;
			if (sscanf(map, "%u %u %u", &inside, &outside, &count) == 3 &&
			    !(inside == 0 && outside == 0 && count == 4294967295u)) {
				snprintf(buf, sizeof buf, "%s/hull", xdg);
				return buf;
			}
		}
	}
	return "/run/hull";
}

/* An open, locked container: its state dir fd and record. */
struct box {
	int dirfd;
	struct hull_record rec;
	enum hull_status status;
};

static void box_close(struct box *b)
{
	if (b->dirfd >= 0)
		close(b->dirfd);
	b->dirfd = -1;
	record_free(&b->rec);
}

static int box_open(const struct hull_global *g, const char *id, struct box *b, hull_err *e)
{
	memset(b, 0, sizeof *b);
	b->dirfd = state_dir_open(g->root, id, true, e);
	if (b->dirfd < 0)
		return b->dirfd;
	int r = record_read(b->dirfd, &b->rec, e);
	if (r < 0) {
		/* a create that is still running (or died) has no record yet */
		close(b->dirfd);
		b->dirfd = -1;
		return r == -ENOENT ? herr_set(e, -ENOENT, "container %s does not exist", id) : r;
	}
	b->status = record_status(b->dirfd, &b->rec);
	return 0;
}

static int box_cgroup(struct box *b, struct hull_cgroup *cg, hull_err *e)
{
	memset(cg, 0, sizeof *cg);
	cg->dirfd = -1;
	if (!b->rec.cgroup_path)
		return herr_set(e, -ENOENT, "container %s has no cgroup", b->rec.id);
	int r = cg_open(cg, b->rec.cgroup_mount, b->rec.cgroup_path, e);
	if (r >= 0) {
		cg->created = b->rec.cgroup_created;
		cg->unit = b->rec.systemd_unit ? xstrdup(b->rec.systemd_unit) : NULL;
	}
	return r;
}

static int load_spec(struct box *b, struct oci_spec **spec, hull_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_file_at(b->dirfd, "config.json", &buf, &len, e);
	if (r < 0)
		return r;
	return oci_spec_parse(buf, len, "config.json", spec, e);
}

static int signal_init(struct box *b, int sig, hull_err *e);

/* SIGKILL everything in the container (its cgroup, or the init alone without one). */
static void kill_container(struct box *b)
{
	struct hull_cgroup cg = {.dirfd = -1};
	if (b->rec.cgroup_path && box_cgroup(b, &cg, NULL) >= 0)
		cg_kill_all(&cg, SIGKILL, NULL);
	else
		signal_init(b, SIGKILL, NULL);
	cg_release(&cg);
}

/* Open the fifo's read side, releasing the init blocked in open(O_WRONLY), and read until
 * EOF: "0" means connected; anything after it is the init's error (startContainer hook,
 * identity, execve); EOF with only "0" means the process was exec'd. */
static int release_init(struct box *b, hull_err *e)
{
	_cleanup_fd_ int fifo = openat(b->dirfd, "exec.fifo", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fifo < 0)
		return herr_sys(e, "open exec fifo");
	char buf[HULL_ERR_MSG_MAX];
	size_t len = 0;
	struct pollfd pfd = {.fd = fifo, .events = POLLIN};
	for (;;) {
		int pr = poll(&pfd, 1, 100);
		if (pr < 0 && errno != EINTR)
			return herr_sys(e, "wait for container init");
		if (pr <= 0) {
			/* no writer yet: a dead init never connects */
			if (proc_start_time(b->rec.pid, NULL) != b->rec.pid_start)
				return herr_set(e, -ESRCH, "container %s: init exited before start", b->rec.id);
			continue;
		}
		ssize_t n = read(fifo, buf + len, sizeof buf - 1 - len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return herr_sys(e, "read exec fifo");
		if (n == 0 || len + (size_t)n >= sizeof buf - 1) {
			len += n > 0 ? (size_t)n : 0;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	unlinkat(b->dirfd, "exec.fifo", 0);
	if (len == 0)
		return herr_set(e, -ESRCH, "container %s: init exited before start", b->rec.id);
	if (len > 1)
		return herr_set(e, -EIO, "%s", buf + 1);
	return 0;
}

static int start_box(struct box *b, hull_err *e)
{
	if (b->status == HULL_PAUSED && !b->rec.started)
		return herr_set(e, -EINVAL, "cannot start a paused container (resume it first)");
	if (b->status != HULL_CREATED)
		return herr_set(e, -EINVAL, "cannot start a container that has %s",
				b->status == HULL_STOPPED ? "stopped" : "already been started");
	struct oci_spec *spec = NULL;
	int r = load_spec(b, &spec, e);
	if (r < 0)
		return r;
	/* NOTIFY_SOCKET: the container's socket is bound before the process runs */
	struct notify_relay relay;
	if ((r = notify_relay_open(b->dirfd, &relay, e)) >= 0 && (r = release_init(b, e)) >= 0) {
		b->rec.started = true;
		r = record_write(b->dirfd, &b->rec, e);
	}
	/* runc and crun: the container is running for the caller once it said READY=1 */
	if (r >= 0 && (r = notify_relay_wait(&relay, b->dirfd, &b->rec, e)) == -ETIMEDOUT)
		kill_container(b);
	notify_relay_close(&relay);
	if (r >= 0) {
		_cleanup_free_ char *st = state_json(&b->rec, HULL_RUNNING);
		/* runtime-spec lifecycle step 9: a failed poststart hook is an error and stops the
		 * container (delete then destroys it) */
		if ((r = hooks_run(&spec->hooks, OCI_HOOK_POSTSTART, st, e)) < 0)
			kill_container(b);
	}
	oci_spec_free(spec);
	return r;
}

int hull_start(const struct hull_global *g, const char *id, hull_err *e)
{
	struct box b;
	int r = box_open(g, id, &b, e);
	if (r < 0)
		return r;
	r = start_box(&b, e);
	box_close(&b);
	return r;
}

int hull_state(const struct hull_global *g, const char *id, char **json, hull_err *e)
{
	struct box b;
	int r = box_open(g, id, &b, e);
	if (r < 0)
		return r;
	*json = state_json(&b.rec, b.status);
	box_close(&b);
	return 0;
}

static int signal_init(struct box *b, int sig, hull_err *e)
{
	/* a pidfd pins the process: the signal cannot hit a recycled pid */
	_cleanup_fd_ int pidfd = (int)syscall(SYS_pidfd_open, b->rec.pid, 0);
	if (pidfd < 0)
		return herr_set(e, -ESRCH, "container not running");
	if (proc_start_time(b->rec.pid, NULL) != b->rec.pid_start)
		return herr_set(e, -ESRCH, "container not running");
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return herr_sys(e, "kill container %s", b->rec.id);
	return 0;
}

int hull_kill(const struct hull_global *g, const char *id, int sig, bool all, hull_err *e)
{
	struct box b;
	int r = box_open(g, id, &b, e);
	if (r < 0)
		return r;
	if (b.status == HULL_STOPPED && !all) {
		box_close(&b);
		return herr_set(e, -ESRCH, "container not running");
	}
	if (all && b.rec.cgroup_path) {
		struct hull_cgroup cg;
		r = box_cgroup(&b, &cg, e);
		if (r >= 0)
			r = cg_kill_all(&cg, sig, e);
		cg_release(&cg);
	} else if (b.status == HULL_STOPPED) {
		r = herr_set(e, -ESRCH, "container not running");
	} else {
		r = signal_init(&b, sig, e);
	}
	box_close(&b);
	return r;
}

/* Wait (bounded) for the container's init to be gone; false while it still exists. */
static bool wait_gone(pid_t pid, uint64_t start)
{
	bool gone = true;
	_cleanup_fd_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0 && proc_start_time(pid, NULL) == start) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		gone = poll(&p, 1, 10000) > 0;
	}
	/* our own child (run): reap it */
	waitpid(pid, NULL, WNOHANG);
	return gone;
}

/* delete --force: SIGKILL everything and make sure it is gone. The init is signalled by
 * pidfd as well: a process moved out of the container's cgroup from outside is still the
 * container's. A process that survives (frozen through another hierarchy, stuck in the
 * kernel) is an error: the caller keeps the state so that delete can be retried. */
static int kill_for_delete(struct box *b, struct hull_cgroup *cg, bool have_cg, hull_err *e)
{
	if (have_cg) {
		cg_kill_all(cg, SIGKILL, NULL);
		/* a paused container is thawed so the kill can land */
		if (b->status == HULL_PAUSED)
			cg_freeze(cg, false, NULL);
	}
	if (b->status == HULL_STOPPED)
		return 0;
	signal_init(b, SIGKILL, NULL);
	if (!wait_gone(b->rec.pid, b->rec.pid_start))
		return herr_set(e, -EBUSY,
				"cannot delete container %s: its init (pid %d) is still alive 10 s after SIGKILL "
				"(frozen from outside, or stuck in the kernel); the state is kept, retry delete --force",
				b->rec.id, (int)b->rec.pid);
	return 0;
}

int hull_delete(const struct hull_global *g, const char *id, bool force, hull_err *e)
{
	struct box b;
	int r = box_open(g, id, &b, e);
	if (r < 0) {
		if (force && r == -ENOENT) {
			herr_clear(e);
			/* a half-created dir (no record) still goes away with --force */
			state_dir_remove(g->root, id, NULL);
			return 0;
		}
		return r;
	}
	/* runtime-spec: deleting a container that is not stopped is an error with no effect */
	if (b.status != HULL_STOPPED && !force) {
		r = herr_set(e, -EBUSY, "cannot delete container %s that is not stopped: %s", id, hull_status_name(b.status));
		box_close(&b);
		return r;
	}
	struct hull_cgroup cg = {.dirfd = -1};
	bool have_cg = false;
	if (b.rec.cgroup_path) {
		hull_err ce = {0};
		int cr = box_cgroup(&b, &cg, &ce);
		have_cg = cr >= 0;
		/* a cgroup we cannot open may still hold processes: never forget it (gone, or a
		 * path hull would never have created: nothing to remove) */
		if (cr < 0 && cr != -ENOENT && cr != -EINVAL) {
			r = herr_set(e, cr, "cannot delete container %s: %s; the state is kept", id, ce.msg);
			box_close(&b);
			return r;
		}
	}
	r = force ? kill_for_delete(&b, &cg, have_cg, e) : 0;
	/* the state goes only once the cgroup (and with it every process) is gone */
	if (r >= 0 && have_cg && (r = cg_destroy(&cg, e)) < 0)
		herr_prefix(e, "cannot delete container %s (the state is kept, retry delete --force)", id);
	cg_release(&cg);
	if (r < 0) {
		box_close(&b);
		return r;
	}
	if (!have_cg && b.rec.systemd_unit) {
		/* systemd stopped the unit and removed its cgroup: a failed unit may still be listed */
		hull_err ue = {0};
		struct hull_cgroup gone = {.dirfd = -1, .unit = b.rec.systemd_unit};
		if (cgsd_destroy(&gone, &ue) < 0)
			hull_warn("%s", ue.msg);
	}
	struct oci_spec *spec = NULL;
	bool have_spec = load_spec(&b, &spec, NULL) >= 0;
	_cleanup_free_ char *dir = state_dir_path(g->root, id);
	if (b.rec.overlay)
		rootfs_overlay_cleanup(dir, NULL);
	_cleanup_free_ char *st = state_json(&b.rec, HULL_STOPPED);
	r = state_dir_remove(g->root, id, e);
	if (r >= 0 && have_spec)
		hooks_run_poststop(&spec->hooks, st);
	oci_spec_free(spec);
	box_close(&b);
	return r;
}

int hull_list(const struct hull_global *g, enum hull_list_format f, char **out, hull_err *e)
{
	struct strbuf sb = {0};
	_cleanup_closedir_ DIR *d = opendir(g->root);
	if (f == HULL_LIST_JSON)
		sb_append(&sb, "[");
	else if (f == HULL_LIST_TABLE)
		sb_appendf(&sb, "%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	bool first = true;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !hull_id_valid(de->d_name))
			continue;
		struct box b;
		if (box_open(g, de->d_name, &b, NULL) < 0)
			continue;
		pid_t pid = b.status == HULL_STOPPED ? 0 : b.rec.pid;
		if (f == HULL_LIST_QUIET) {
			sb_appendf(&sb, "%s\n", b.rec.id);
		} else if (f == HULL_LIST_TABLE) {
			sb_appendf(&sb, "%-12s %-8d %-10s %-40s %-30s %s\n", b.rec.id, (int)pid, hull_status_name(b.status),
				   b.rec.bundle, b.rec.created, b.rec.owner == 0 ? "root" : "");
		} else {
			char *s = state_json(&b.rec, b.status);
			sb_appendf(&sb, "%s%s", first ? "" : ",", s);
			free(s);
		}
		first = false;
		box_close(&b);
	}
	if (f == HULL_LIST_JSON)
		sb_append(&sb, "]\n");
	*out = sb.buf ? sb.buf : xstrdup("");
	return 0;
}

static int wait_child_status(pid_t pid, int *status)
{
	int ws;
	for (;;) {
		pid_t r = waitpid(pid, &ws, 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

/* Foreground run forwards the usual terminal signals to the container init. */
static volatile sig_atomic_t fwd_pid;
static void forward_signal(int sig)
{
	if (fwd_pid > 0)
		kill(fwd_pid, sig);
}

static void forward_signals(pid_t pid)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	fwd_pid = pid;
	struct sigaction sa = {.sa_handler = forward_signal, .sa_flags = SA_RESTART};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

int hull_run(const struct hull_global *g, const struct hull_create_opts *o, int *exit_status, hull_err *e)
{
	struct hull_create_opts co = *o;
	co.allow_tty_relay = !o->detach && !o->console_socket;
	struct hull_created c = {.pty_master = -1};
	int r = hull_create_internal(g, &co, &c, e);
	if (r < 0)
		return r;
	/* the process must see our window size from its first instruction: set it before start */
	struct winsize ws;
	if (c.pty_master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(c.pty_master, TIOCSWINSZ, &ws);
	if ((r = hull_start(g, o->id, e)) < 0) {
		hull_delete(g, o->id, true, NULL);
		if (c.pty_master >= 0)
			close(c.pty_master);
		return r;
	}
	*exit_status = 0;
	if (o->detach) {
		if (c.pty_master >= 0)
			close(c.pty_master);
		return 0;
	}
	forward_signals(c.pid);
	if (c.pty_master >= 0) {
		hull_err ignored = {0};
		terminal_relay(c.pty_master, &ignored);
		close(c.pty_master);
	}
	r = wait_child_status(c.pid, exit_status);
	fwd_pid = 0;
	if (r < 0) {
		/* found by tests/faults: a failed wait left the container's state and cgroup */
		herr_errno(e, r, "wait for container %s", o->id);
		if (!o->keep)
			hull_delete(g, o->id, true, NULL);
		return r;
	}
	if (!o->keep) {
		hull_err de = {0};
		if (hull_delete(g, o->id, true, &de) < 0)
			hull_warn("%s", de.msg);
	}
	return 0;
}

static int with_cgroup(const struct hull_global *g, const char *id, struct box *b, struct hull_cgroup *cg, hull_err *e)
{
	int r = box_open(g, id, b, e);
	if (r < 0)
		return r;
	r = box_cgroup(b, cg, e);
	if (r < 0)
		box_close(b);
	return r;
}

int hull_pause(const struct hull_global *g, const char *id, hull_err *e)
{
	struct box b;
	struct hull_cgroup cg;
	int r = with_cgroup(g, id, &b, &cg, e);
	if (r < 0)
		return r;
	if (b.status != HULL_RUNNING && b.status != HULL_CREATED)
		r = herr_set(e, -EINVAL, "container %s is not running", id);
	else
		r = cg_freeze(&cg, true, e);
	cg_release(&cg);
	box_close(&b);
	return r;
}

int hull_resume(const struct hull_global *g, const char *id, hull_err *e)
{
	struct box b;
	struct hull_cgroup cg;
	int r = with_cgroup(g, id, &b, &cg, e);
	if (r < 0)
		return r;
	if (b.status != HULL_PAUSED)
		r = herr_set(e, -EINVAL, "container %s is not paused", id);
	else
		r = cg_freeze(&cg, false, e);
	cg_release(&cg);
	box_close(&b);
	return r;
}

static bool pid_listed(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* runc's `ps ID [ps options]`: run ps(1) (default -ef) and keep the header and the lines
 * whose PID column is one of the container's processes. */
static int ps_table(const pid_t *pids, size_t n, char **ps_args, int n_ps_args, struct strbuf *sb, hull_err *e)
{
	char *argv[64] = {"ps"};
	int argc = 1;
	if (n_ps_args <= 0)
		argv[argc++] = "-ef";
	for (int i = 0; i < n_ps_args && argc < 62; i++)
		argv[argc++] = ps_args[i];
	argv[argc] = NULL;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return herr_sys(e, "pipe");
	pid_t child = fork();
	if (child < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return herr_sys(e, "fork ps");
	}
	if (child == 0) {
		dup2(pfd[1], 1);
		execvp("ps", argv);
		_exit(127);
	}
	close(pfd[1]);
	_cleanup_fclose_ FILE *f = fdopen(pfd[0], "r");
	if (!f) {
		close(pfd[0]);
		waitpid(child, NULL, 0);
		return herr_sys(e, "read ps output");
	}
	char *line = NULL;
	size_t cap = 0;
	int pid_col = -1;
	while (getline(&line, &cap, f) > 0) {
		if (pid_col < 0) {
			/* the header names the columns: find "PID" */
			_cleanup_free_ char *hdr = xstrdup(line);
			char *save = NULL;
			int col = 0;
			pid_col = 0;
			for (char *t = strtok_r(hdr, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++) {
				if (!strcmp(t, "PID")) {
					pid_col = col;
					break;
				}
			}
			sb_append(sb, line);
			continue;
		}
		_cleanup_free_ char *copy = xstrdup(line);
		char *save = NULL, *t = strtok_r(copy, " \t\n", &save);
		for (int col = 0; t && col < pid_col; col++)
			t = strtok_r(NULL, " \t\n", &save);
		if (t && pid_listed(pids, n, strtol(t, NULL, 10)))
			sb_append(sb, line);
	}
	free(line);
	int ws;
	waitpid(child, &ws, 0);
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return herr_set(e, -EIO, "ps %s failed (exit %d)", n_ps_args > 0 ? ps_args[0] : "-ef",
				WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
	return 0;
}

int hull_ps(const struct hull_global *g, const char *id, bool json, char **ps_args, int n_ps_args, char **out,
	    hull_err *e)
{
	struct box b;
	struct hull_cgroup cg;
	int r = with_cgroup(g, id, &b, &cg, e);
	if (r < 0)
		return r;
	pid_t *pids = NULL;
	size_t n = 0;
	r = cg_pids(&cg, &pids, &n, e);
	cg_release(&cg);
	box_close(&b);
	if (r < 0)
		return r;
	struct strbuf sb = {0};
	if (json) {
		sb_append(&sb, "[");
		for (size_t i = 0; i < n; i++)
			sb_appendf(&sb, "%s%d", i ? "," : "", (int)pids[i]);
		sb_append(&sb, "]\n");
		r = 0;
	} else {
		r = ps_table(pids, n, ps_args, n_ps_args, &sb, e);
	}
	free(pids);
	if (r < 0) {
		sb_free(&sb);
		return r;
	}
	*out = sb.buf ? sb.buf : xstrdup("");
	return 0;
}

int hull_update(const struct hull_global *g, const char *id, const char *resources_json, const char *source,
		hull_err *e)
{
	struct oci_resources res;
	memset(&res, 0, sizeof res);
	const char *file = source ? source : "resources";
	int r = oci_resources_parse(resources_json, strlen(resources_json), file, &res, e);
	if (r >= 0)
		r = oci_resources_check_supported(&res, file, e);
	if (r < 0) {
		oci_resources_clear(&res);
		return r;
	}
	struct box b;
	struct hull_cgroup cg;
	r = with_cgroup(g, id, &b, &cg, e);
	if (r >= 0) {
		if (b.status == HULL_STOPPED)
			r = herr_set(e, -EINVAL, "container %s is not running", id);
		else
			r = cg_apply(&cg, &res, true, e);
		if (r >= 0 && res.has_devices)
			r = cg_devices_apply(&cg, res.devices, res.n_devices, NULL, 0, e);
		cg_release(&cg);
		box_close(&b);
	}
	oci_resources_clear(&res);
	return r;
}

int hull_events(const struct hull_global *g, const char *id, bool stats, int interval_ms, hull_err *e)
{
	long last_oom = -1;
	for (;;) {
		struct box b;
		struct hull_cgroup cg;
		int r = with_cgroup(g, id, &b, &cg, e);
		if (r < 0)
			return r;
		if (b.status == HULL_STOPPED) {
			cg_release(&cg);
			box_close(&b);
			return stats ? herr_set(e, -EINVAL, "container %s is not running", id) : 0;
		}
		_cleanup_free_ char *data = NULL;
		r = cg_stats_json(&cg, &data, e);
		long oom = 0;
		if (!stats && cg_oom_count(&cg, &oom, NULL) >= 0 && last_oom >= 0 && oom > last_oom)
			printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
		last_oom = oom;
		cg_release(&cg);
		box_close(&b);
		if (r < 0)
			return r;
		printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id, data);
		fflush(stdout);
		if (stats)
			return 0;
		struct timespec ts = {.tv_sec = interval_ms / 1000, .tv_nsec = (interval_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}
