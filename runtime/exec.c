/* SPDX-License-Identifier: Apache-2.0 */
/* `exec`: a new process inside a running container. The parent joins the container's
 * pid (and time) namespace for its children, clones straight into the container's cgroup,
 * and the child joins the other namespaces (user first), then applies process.json. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "caps.h"
#include "container.h"
#include "linux_ns.h"
#include "process.h"
#include "seccomp.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct exec_job {
	struct hull_record rec;
	int dirfd, proc_fd;
	struct oci_spec *spec;
	struct oci_process *proc; /* the process to run (owned) */
	int ns_fds[OCI_NS_KINDS];
	struct hull_cgroup cg;
	bool have_cg;
	struct hull_bpf bpf;
	bool have_bpf;
	bool new_userns;
	int sync[2];
};

static char **strv_dup(char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static char **strv_append(char **v, size_t *n, const char *s)
{
	v = xrealloc(v, (*n + 2) * sizeof *v);
	v[(*n)++] = xstrdup(s);
	v[*n] = NULL;
	return v;
}

static int parse_user(const char *s, struct oci_user *u, hull_err *e)
{
	char *end;
	unsigned long uid = strtoul(s, &end, 10);
	if (end == s || (*end && *end != ':'))
		return herr_set(e, -EINVAL, "--user %s: expected UID[:GID] (numeric)", s);
	u->uid = (uint32_t)uid;
	if (*end == ':') {
		const char *g = end + 1;
		unsigned long gid = strtoul(g, &end, 10);
		if (end == g || *end)
			return herr_set(e, -EINVAL, "--user %s: expected UID[:GID] (numeric)", s);
		u->gid = (uint32_t)gid;
	}
	return 0;
}

/* runc exec without --process: args from the command line, caps/apparmor/nnp/rlimits
 * inherited from the container's process, env PATH default plus --env. */
static int process_from_flags(const struct hull_exec_opts *o, const struct oci_process *base, struct oci_process **out,
			      hull_err *e)
{
	if (o->n_args <= 0)
		return herr_set(e, -EINVAL, "exec: no command given (args after the container id, or --process)");
	/* clone the base through its JSON-free fields we inherit */
	struct oci_process *p = xcalloc(1, sizeof *p);
	p->args = strv_dup(o->args, (size_t)o->n_args);
	p->n_args = (size_t)o->n_args;
	p->env = strv_dup(base->env, base->n_env);
	p->n_env = base->n_env;
	for (int i = 0; i < o->n_env; i++)
		p->env = strv_append(p->env, &p->n_env, o->env[i]);
	p->cwd = xstrdup(o->cwd ? o->cwd : base->cwd);
	p->user = base->user;
	p->user.additional_gids = NULL;
	p->user.n_additional_gids = 0;
	p->no_new_privileges = o->no_new_privs > 0 ? true : base->no_new_privileges;
	p->terminal = o->tty > 0;
	if (base->apparmor_profile || o->apparmor)
		p->apparmor_profile = xstrdup(o->apparmor ? o->apparmor : base->apparmor_profile);
	if (base->selinux_label || o->process_label)
		p->selinux_label = xstrdup(o->process_label ? o->process_label : base->selinux_label);
	if (base->capabilities) {
		struct oci_capabilities *c = xcalloc(1, sizeof *c);
		const struct oci_capabilities *b = base->capabilities;
		c->bounding = strv_dup(b->bounding, b->n_bounding), c->n_bounding = b->n_bounding;
		c->effective = strv_dup(b->effective, b->n_effective), c->n_effective = b->n_effective;
		c->permitted = strv_dup(b->permitted, b->n_permitted), c->n_permitted = b->n_permitted;
		c->ambient = strv_dup(b->ambient, b->n_ambient), c->n_ambient = b->n_ambient;
		/* --cap adds to bounding/effective/permitted (never inheritable: CVE-2022-29162) */
		for (int i = 0; i < o->n_caps; i++) {
			c->bounding = strv_append(c->bounding, &c->n_bounding, o->caps[i]);
			c->effective = strv_append(c->effective, &c->n_effective, o->caps[i]);
			c->permitted = strv_append(c->permitted, &c->n_permitted, o->caps[i]);
		}
		c->inheritable = strv_dup(NULL, 0);
		p->capabilities = c;
	}
	if (base->n_rlimits) {
		p->rlimits = xcalloc(base->n_rlimits, sizeof *p->rlimits);
		for (size_t i = 0; i < base->n_rlimits; i++) {
			p->rlimits[i] = base->rlimits[i];
			p->rlimits[i].type = xstrdup(base->rlimits[i].type);
		}
		p->n_rlimits = base->n_rlimits;
	}
	*out = p;
	if (o->user && parse_user(o->user, &p->user, e) < 0)
		return e->code;
	if (o->n_additional_gids) {
		p->user.additional_gids = xcalloc((size_t)o->n_additional_gids, sizeof(uint32_t));
		for (int i = 0; i < o->n_additional_gids; i++)
			p->user.additional_gids[i] = (uint32_t)strtoul(o->additional_gids[i], NULL, 10);
		p->user.n_additional_gids = (size_t)o->n_additional_gids;
	}
	return 0;
}

static int load_process(struct exec_job *j, const struct hull_exec_opts *o, hull_err *e)
{
	if (o->process_path) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		int r = read_file_at(AT_FDCWD, o->process_path, &buf, &len, e);
		if (r < 0)
			return r;
		r = oci_process_parse(buf, len, o->process_path, &j->proc, e);
		if (r < 0)
			return r;
		r = oci_process_check_supported(j->proc, o->process_path, e);
		if (r < 0)
			return r;
		/* exec --process never gains inheritable caps it did not name (CVE-2022-29162) */
		if (o->tty > 0)
			j->proc->terminal = true;
		return 0;
	}
	return process_from_flags(o, j->spec->process, &j->proc, e);
}

/* Open the init's namespaces that differ from ours (those the container shares with the
 * host need no setns). */
static int open_container_ns(struct exec_job *j, hull_err *e)
{
	for (int t = 0; t < OCI_NS_KINDS; t++) {
		char rel[64], self[64];
		snprintf(rel, sizeof rel, "%d/ns/%s", (int)j->rec.pid, ns_proc_name(t));
		snprintf(self, sizeof self, "self/ns/%s", ns_proc_name(t));
		struct stat a, b;
		if (fstatat(j->proc_fd, rel, &a, 0) < 0) {
			if (errno == ENOENT)
				continue; /* kernel without this namespace type */
			return herr_sys(e, "inspect container %s namespace", oci_ns_type_name(t));
		}
		if (fstatat(j->proc_fd, self, &b, 0) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		j->ns_fds[t] = openat(j->proc_fd, rel, O_RDONLY | O_CLOEXEC);
		if (j->ns_fds[t] < 0)
			return herr_sys(e, "open container %s namespace", oci_ns_type_name(t));
	}
	j->new_userns = j->ns_fds[OCI_NS_USER] >= 0;
	return 0;
}

static int child_join(struct exec_job *j, hull_err *e)
{
	static const enum oci_ns_type order[] = {OCI_NS_USER, OCI_NS_IPC,    OCI_NS_UTS,
						 OCI_NS_NETWORK, OCI_NS_CGROUP, OCI_NS_MOUNT};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		int fd = j->ns_fds[order[i]];
		if (fd >= 0 && setns(fd, ns_clone_flag(order[i])) < 0)
			return herr_sys(e, "join container %s namespace", oci_ns_type_name(order[i]));
	}
	if (j->new_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return herr_sys(e, "become root in the container user namespace");
	return 0;
}

static int child_setup(struct exec_job *j, const struct hull_exec_opts *o, char **path, hull_err *e)
{
	struct oci_process *p = j->proc;
	int r;
	if ((r = child_join(j, e)) < 0)
		return r;
	if (p->terminal) {
		_cleanup_fd_ int master = -1, slave = -1;
		char name[64];
		r = terminal_open_pty(&master, &slave, name, sizeof name, p->has_console_size ? p->console_height : 0,
				      p->has_console_size ? p->console_width : 0, e);
		if (r < 0)
			return r;
		if ((r = sync_send(j->sync[1], SYNC_PTY_MASTER, 0, name, master)) < 0)
			return herr_errno(e, r, "send the pty master");
		if ((r = terminal_setup_slave(slave, e)) < 0)
			return r;
	}
	if ((r = process_set_rlimits(p, e)) < 0 || (r = process_set_oom_score_adj(j->proc_fd, p, e)) < 0 ||
	    (r = process_set_scheduler(p, e)) < 0 || (r = process_set_io_priority(p, e)) < 0 ||
	    (r = process_set_lsm_labels(j->proc_fd, p, e)) < 0)
		return r;
	/* nothing of hull's may be reachable through /proc/self/fd from here on */
	close(j->proc_fd);
	j->proc_fd = -1;
	process_close_fds(o->preserve_fds, j->sync[1]);
	if ((r = process_chdir(p->cwd ? p->cwd : "/", e)) < 0)
		return r;
	if ((r = process_find_exec(p, path, e)) < 0)
		return r;
	if (j->have_bpf && !p->no_new_privileges && (r = seccomp_load(&j->bpf, NULL, e)) < 0)
		return r;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return herr_sys(e, "set no_new_privs");
	if ((r = caps_apply_user(p->capabilities, &p->user, j->new_userns, e)) < 0)
		return r;
	if (j->have_bpf && p->no_new_privileges && (r = seccomp_load(&j->bpf, NULL, e)) < 0)
		return r;
	return 0;
}

__attribute__((noreturn)) static void exec_child(struct exec_job *j, const struct hull_exec_opts *o)
{
	hull_err err = {0};
	_cleanup_free_ char *path = NULL;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(j->sync[0]);
	if (child_setup(j, o, &path, &err) < 0) {
		sync_send_error(j->sync[1], &err);
		_exit(127);
	}
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	/* the sync socket is close-on-exec: EOF tells the parent the exec happened */
	process_close_fds(o->preserve_fds, j->sync[1]);
	execve(path, j->proc->args, j->proc->env ? j->proc->env : (char *[]){NULL});
	herr_sys(&err, "exec: \"%s\"", path);
	sync_send_error(j->sync[1], &err);
	_exit(127);
}

static void job_free(struct exec_job *j)
{
	for (int t = 0; t < OCI_NS_KINDS; t++)
		if (j->ns_fds[t] >= 0)
			close(j->ns_fds[t]);
	if (j->sync[0] >= 0)
		close(j->sync[0]);
	if (j->sync[1] >= 0)
		close(j->sync[1]);
	if (j->proc_fd >= 0)
		close(j->proc_fd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	if (j->have_bpf)
		seccomp_bpf_free(&j->bpf);
	cg_release(&j->cg);
	oci_process_free(j->proc);
	oci_spec_free(j->spec);
	record_free(&j->rec);
}

static int prepare(struct exec_job *j, const struct hull_global *g, const struct hull_exec_opts *o, hull_err *e)
{
	int r;
	j->dirfd = state_dir_open(g->root, o->id, false, e);
	if (j->dirfd < 0)
		return j->dirfd;
	if ((r = record_read(j->dirfd, &j->rec, e)) < 0)
		return r;
	enum hull_status st = record_status(j->dirfd, &j->rec);
	if (st == HULL_STOPPED)
		return herr_set(e, -ESRCH, "cannot exec in a stopped container");
	if (st == HULL_PAUSED && !o->ignore_paused)
		return herr_set(e, -EBUSY, "cannot exec in a paused container (use --ignore-paused)");
	_cleanup_free_ char *buf = NULL;
	size_t len;
	if ((r = read_file_at(j->dirfd, "config.json", &buf, &len, e)) < 0)
		return r;
	if ((r = oci_spec_parse(buf, len, "config.json", &j->spec, e)) < 0)
		return r;
	if ((r = load_process(j, o, e)) < 0)
		return r;
	if (o->console_socket && !j->proc->terminal)
		return herr_set(e, -EINVAL, "--console-socket given but the process has no terminal");
	if ((j->proc_fd = procfs_open_verified("/proc", e)) < 0)
		return j->proc_fd;
	if ((r = open_container_ns(j, e)) < 0)
		return r;
	if (j->rec.cgroup_path) {
		if ((r = cg_open(&j->cg, j->rec.cgroup_mount, j->rec.cgroup_path, e)) < 0)
			return r;
		j->have_cg = true;
	}
	if (j->spec->linux_ && j->spec->linux_->seccomp) {
		_cleanup_free_ char *cache = xasprintf("%s/.seccomp-cache", g->root);
		if ((r = seccomp_prepare(j->spec->linux_->seccomp, cache, &j->bpf, e)) < 0)
			return r;
		j->have_bpf = true;
	}
	return 0;
}

static int spawn_in_container_ns(struct exec_job *j, const struct hull_exec_opts *o, pid_t *pid, hull_err *e)
{
	if (j->ns_fds[OCI_NS_PID] >= 0 && setns(j->ns_fds[OCI_NS_PID], CLONE_NEWPID) < 0)
		return herr_sys(e, "join container pid namespace");
	if (j->ns_fds[OCI_NS_TIME] >= 0 && setns(j->ns_fds[OCI_NS_TIME], CLONE_NEWTIME) < 0)
		return herr_sys(e, "join container time namespace");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sync) < 0)
		return herr_sys(e, "socketpair");
	_cleanup_fd_ int cgfd = j->have_cg ? cg_open_for_clone(&j->cg, e) : -1;
	if (j->have_cg && cgfd < 0)
		return cgfd;
	/* the new process may be frozen from birth (a paused cgroup, --ignore-paused) and would
	 * keep its copy of the locked state dir fd: drop the lock before cloning, or `resume`
	 * could never take it */
	close(j->dirfd);
	j->dirfd = -1;
	int placed = 0;
	fflush(NULL);
	pid_t p = hull_clone3(0, cgfd, &placed);
	if (p < 0)
		return herr_sys(e, "clone exec process");
	if (p == 0)
		exec_child(j, o);
	*pid = p;
	close(j->sync[1]);
	j->sync[1] = -1;
	if (j->have_cg && !placed)
		return cg_enter(&j->cg, p, e);
	return 0;
}

/* Messages from the exec process until EOF (it exec'd) or an error. */
static int after_spawn(struct exec_job *j, const struct hull_exec_opts *o, pid_t pid, int *master, hull_err *e)
{
	int r = 0;
	(void)pid;
	for (;;) {
		struct sync_msg *m = NULL;
		int fd = -1;
		r = sync_recv(j->sync[0], &m, &fd);
		if (r == -EPIPE)
			return 0;
		if (r < 0)
			return herr_errno(e, r, "read from exec process");
		if (m->type == SYNC_ERROR) {
			r = herr_set(e, m->code < 0 ? m->code : -EIO, "%s", m->payload);
			free(m);
			return r;
		}
		if (m->type == SYNC_PTY_MASTER) {
			if (o->console_socket) {
				r = terminal_send_master(o->console_socket, fd, m->payload, e);
				close(fd);
			} else {
				*master = fd;
			}
		} else if (fd >= 0) {
			close(fd);
		}
		free(m);
		if (r < 0)
			return r;
	}
}

static int spawn(struct exec_job *j, const struct hull_exec_opts *o, pid_t *pid, int *master, hull_err *e)
{
	/* pid and time namespaces apply to the next child: switched for this clone only */
	struct ns_for_children saved;
	int r = ns_save_for_children(j->proc_fd, &saved, e);
	if (r < 0)
		return r;
	r = spawn_in_container_ns(j, o, pid, e);
	ns_restore_for_children(&saved);
	if (r < 0)
		return r;
	return after_spawn(j, o, *pid, master, e);
}

int hull_exec(const struct hull_global *g, const struct hull_exec_opts *o, int *exit_status, hull_err *e)
{
	struct exec_job j;
	memset(&j, 0, sizeof j);
	j.dirfd = j.proc_fd = -1;
	j.sync[0] = j.sync[1] = -1;
	j.cg.dirfd = -1;
	for (int t = 0; t < OCI_NS_KINDS; t++)
		j.ns_fds[t] = -1;
	pid_t pid = -1;
	int master = -1;
	*exit_status = 0;
	int r = prepare(&j, g, o, e);
	if (r >= 0)
		r = spawn(&j, o, &pid, &master, e);
	if (r >= 0 && o->pid_file)
		r = pid_file_write(o->pid_file, pid, e);
	job_free(&j);
	if (r < 0) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		if (master >= 0)
			close(master);
		return r;
	}
	if (o->detach) {
		if (master >= 0)
			close(master);
		return 0;
	}
	if (master >= 0) {
		hull_err ignored = {0};
		terminal_relay(master, &ignored);
		close(master);
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return herr_sys(e, "wait for exec process");
	*exit_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}
