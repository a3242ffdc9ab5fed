/* SPDX-License-Identifier: Apache-2.0 */
/* `exec`: a new process inside a running container. hull clones a helper straight into the
 * container's cgroup; the helper enters everything but the pid namespace (enter.h: namespaces,
 * root, process attributes, no host fd, scrubbed argv/environment, the process's own
 * credentials and seccomp filter) and only then forks the process into the container's
 * pid namespace, where it execs. Nothing of hull's that is visible inside the container
 * holds anything of the host. */
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "container.h"
#include "enter.h"
#include "linux_ns.h"
#include "process.h"
#include "seccomp.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"

struct exec_job {
	struct hull_record rec;
	int dirfd, proc_fd;
	struct oci_spec *spec;
	struct oci_process *proc; /* the process to run (owned) */
	int ns_fds[OCI_NS_KINDS];
	int root_fd;        /* O_PATH: the init's root */
	int self_userns_fd; /* our own user namespace, to order the joins */
	int clone_cgfd;     /* the helper's copy of the cgroup fd it was cloned into */
	pid_t helper;
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
		if (o->tty > 0)
			j->proc->terminal = true;
		return 0;
	}
	return process_from_flags(o, j->spec->process, &j->proc, e);
}

/* Open the init's namespaces that differ from ours (those the container shares with the
 * host need no setns), and its root. */
static int open_container_ns(struct exec_job *j, hull_err *e)
{
	for (int t = 0; t < OCI_NS_KINDS; t++) {
		char rel[64], self[64];
		snprintf(rel, sizeof rel, "%d/ns/%s", (int)j->rec.pid, ns_proc_name(t));
		snprintf(self, sizeof self, "self/ns/%s", ns_proc_name(t));
		struct stat a, b;
		if (fstatat(j->proc_fd, rel, &a, 0) < 0) {
			/* every kernel has mount namespaces: without one the init is exiting (its
			 * namespaces go before it becomes a zombie) */
			if (errno == ENOENT && t == OCI_NS_MOUNT)
				return herr_set(e, -ESRCH, "cannot exec in a stopped container");
			if (errno == ENOENT)
				continue; /* kernel without this namespace type */
			return herr_sys(e, "inspect container %s namespace", oci_ns_type_name(t));
		}
		if (fstatat(j->proc_fd, self, &b, 0) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		j->ns_fds[t] = openat(j->proc_fd, rel, O_RDONLY | O_CLOEXEC);
		if (j->ns_fds[t] < 0 && errno == ENOENT)
			return herr_set(e, -ESRCH, "cannot exec in a stopped container");
		if (j->ns_fds[t] < 0)
			return herr_sys(e, "open container %s namespace", oci_ns_type_name(t));
	}
	j->new_userns = j->ns_fds[OCI_NS_USER] >= 0;
	/* in hull's own mount namespace the process would run with the host's root (an init that
	 * died meanwhile is reported as a stop by the caller) */
	if (j->ns_fds[OCI_NS_MOUNT] < 0)
		return herr_set(e, -EPERM, "the container shares hull's mount namespace: refusing to exec into it");
	char rel[64];
	snprintf(rel, sizeof rel, "%d/root", (int)j->rec.pid);
	j->root_fd = openat(j->proc_fd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (j->root_fd < 0)
		return herr_sys(e, "open the container root");
	if ((j->self_userns_fd = openat(j->proc_fd, "thread-self/ns/user", O_RDONLY | O_CLOEXEC)) < 0)
		return herr_sys(e, "open our user namespace");
	/* all of the above came from /proc/<pid>: still the same process (a pid is not reused
	 * while its process exists), or they could be another process's, even the host's */
	if (record_init_gone(&j->rec))
		return herr_set(e, -ESRCH, "cannot exec in a stopped container");
	return 0;
}

/* ---- the exec helper: outside the container's pid namespace, it enters everything else
 * and becomes the process's credentials, then forks the process into the pid namespace
 * (CLONE_PARENT: it is hull's child). What the forked process holds before its execve:
 * the container's root and cwd, stdio and --preserve-fds, a pipe back to the helper, the
 * pty slave, scrubbed argv/environment, and no more privilege than the process itself. */

/* Everything of hull's the helper still holds; the sync socket is the caller's to keep. */
static void helper_close_own_fds(struct exec_job *j)
{
	int *fds[] = {&j->proc_fd, &j->root_fd, &j->self_userns_fd, &j->clone_cgfd, &j->dirfd};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	for (int t = 0; t < OCI_NS_KINDS; t++)
		if (j->ns_fds[t] >= 0) {
			close(j->ns_fds[t]);
			j->ns_fds[t] = -1;
		}
}

/* The forked process: it is visible in the container from its first instruction. */
__attribute__((noreturn)) static void exec_process(struct exec_job *j, int slave, int err_fd, const char *path)
{
	hull_err err = {0};
	close(j->sync[1]); /* the helper talks to hull; we only report an error through err_fd */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* may be filtered: best effort */
	int r = 0;
	if (slave >= 0) {
		r = terminal_setup_slave(slave, &err);
		if (slave > 2)
			close(slave);
	}
	if (r >= 0)
		r = enter_after_fork(j->proc, &err);
	if (r >= 0) {
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		execve(path, j->proc->args, j->proc->env ? j->proc->env : (char *[]){NULL});
		r = herr_sys(&err, "exec: \"%s\"", path);
	}
	int32_t code = r;
	if (write_all(err_fd, &code, sizeof code) == 0)
		write_all(err_fd, err.msg, strlen(err.msg));
	_exit(127);
}

/* After the fork: the process's error, if any, arrives on err_fd before EOF (its execve). */
static int wait_exec_result(int err_fd, hull_err *e)
{
	char buf[sizeof(int32_t) + HULL_ERR_MSG_MAX];
	size_t got = 0;
	for (;;) {
		ssize_t n = read(err_fd, buf + got, sizeof buf - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof buf - 1)
			break;
	}
	if (got < sizeof(int32_t))
		return 0; /* EOF: it exec'd */
	int32_t code;
	memcpy(&code, buf, sizeof code);
	buf[got] = 0;
	return herr_set(e, code < 0 ? code : -EIO, "%s", buf + sizeof code);
}

static int helper_steps(struct exec_job *j, const struct hull_exec_opts *o, hull_err *e)
{
	struct oci_process *p = j->proc;
	int r;
	/* hull placed us in the container's cgroup: what we fork stays there */
	if ((r = sync_expect(j->sync[1], SYNC_ACK, NULL, NULL, e)) < 0)
		return r;
	r = enter_join_namespaces(j->ns_fds, j->self_userns_fd, j->new_userns, e);
	if (r < 0)
		return r;
	if ((r = enter_root(j->root_fd, e)) < 0)
		return r;
	if ((r = enter_process_attrs(j->proc_fd, p, true, e)) < 0)
		return r;
	if ((r = enter_scrub_args_env(j->proc_fd, e)) < 0)
		return r;
	/* nothing of hull's may be reachable through /proc/<pid>/fd from here on */
	helper_close_own_fds(j);
	process_close_fds(o->preserve_fds, j->sync[1]);
	_cleanup_fd_ int master = -1, slave = -1;
	if (p->terminal) {
		char name[64];
		r = terminal_open_pty(&master, &slave, name, sizeof name, p->has_console_size ? p->console_height : 0,
				      p->has_console_size ? p->console_width : 0, e);
		if (r < 0)
			return r;
		if ((r = sync_send(j->sync[1], SYNC_PTY_MASTER, 0, name, master)) < 0)
			return herr_errno(e, r, "send the pty master");
		close(master);
		master = -1;
	}
	int errp[2];
	if (pipe2(errp, O_CLOEXEC) < 0)
		return herr_sys(e, "pipe");
	_cleanup_fd_ int err_rd = errp[0], err_wr = errp[1];
	if ((r = process_chdir(p->cwd ? p->cwd : "/", e)) < 0)
		return r;
	_cleanup_free_ char *path = NULL;
	if ((r = process_find_exec(p, &path, e)) < 0)
		return r;
	if ((r = enter_identity(p, j->have_bpf ? &j->bpf : NULL, j->new_userns, e)) < 0)
		return r;
	/* raw clone, not clone3: seccomp profiles commonly refuse clone3 (ENOSYS) */
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		return herr_sys(e, "fork the exec process");
	if (pid == 0) {
		close(err_rd);
		exec_process(j, slave, err_wr, path);
	}
	close(err_wr);
	err_wr = -1;
	if ((r = sync_send(j->sync[1], SYNC_PID, pid, NULL, -1)) < 0)
		return herr_errno(e, r, "report the exec process");
	return wait_exec_result(err_rd, e);
}

__attribute__((noreturn)) static void exec_helper(struct exec_job *j, const struct hull_exec_opts *o)
{
	hull_err err = {0};
	/* not visible in the container (its pid namespace is only our children's), but no core
	 * dumps of hull's memory either */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(j->sync[0]);
	if (helper_steps(j, o, &err) < 0) {
		sync_send_error(j->sync[1], &err);
		_exit(127);
	}
	_exit(0);
}

static void job_free(struct exec_job *j)
{
	for (int t = 0; t < OCI_NS_KINDS; t++)
		if (j->ns_fds[t] >= 0)
			close(j->ns_fds[t]);
	int *fds[] = {&j->sync[0], &j->sync[1], &j->proc_fd, &j->dirfd, &j->root_fd, &j->self_userns_fd};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
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
	/* the init can die at any step of this (killed from outside): its /proc entries vanish,
	 * and whatever step saw that first, the user's answer is the same */
	if ((r = open_container_ns(j, e)) < 0 && record_init_gone(&j->rec)) {
		herr_clear(e);
		return herr_set(e, -ESRCH, "cannot exec in a stopped container");
	}
	if (r < 0)
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

/* Start the helper (straight into the container's cgroup) and let it go. */
static int spawn_helper(struct exec_job *j, const struct hull_exec_opts *o, hull_err *e)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sync) < 0)
		return herr_sys(e, "socketpair");
	_cleanup_fd_ int cgfd = j->have_cg ? cg_open_for_clone(&j->cg, e) : -1;
	if (j->have_cg && cgfd < 0)
		return cgfd;
	j->clone_cgfd = cgfd;
	/* the helper may be frozen from birth (a paused cgroup, --ignore-paused) and would
	 * keep its copy of the locked state dir fd: drop the lock before cloning, or `resume`
	 * could never take it */
	close(j->dirfd);
	j->dirfd = -1;
	int placed = 0;
	fflush(NULL);
	pid_t p = hull_clone3(0, cgfd, &placed);
	if (p < 0)
		return herr_sys(e, "clone the exec helper");
	if (p == 0)
		exec_helper(j, o);
	j->clone_cgfd = -1;
	j->helper = p;
	close(j->sync[1]);
	j->sync[1] = -1;
	int r;
	if (j->have_cg && !placed && (r = cg_enter(&j->cg, p, e)) < 0)
		return r;
	if ((r = sync_send(j->sync[0], SYNC_ACK, 0, NULL, -1)) < 0)
		return herr_errno(e, r, "talk to the exec helper");
	return 0;
}

/* The pid the helper reports must be a child of ours (CLONE_PARENT) other than itself. */
static int accept_pid(struct exec_job *j, int32_t pid, pid_t *out, hull_err *e)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	if (*out > 0 || pid <= 0 || pid == j->helper ||
	    waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return herr_set(e, -EPROTO, "exec helper reported a process %d that is not ours", (int)pid);
	*out = pid;
	return 0;
}

/* Messages from the helper until EOF (it is done: the process exec'd) or an error. */
static int after_spawn(struct exec_job *j, const struct hull_exec_opts *o, pid_t *pid, int *master, hull_err *e)
{
	int r = 0;
	for (;;) {
		struct sync_msg *m = NULL;
		int fd = -1;
		r = sync_recv(j->sync[0], &m, &fd);
		if (r == -EPIPE)
			break;
		if (r < 0)
			return herr_errno(e, r, "read from the exec helper");
		if (m->type == SYNC_ERROR) {
			r = herr_set(e, m->code < 0 ? m->code : -EIO, "%s", m->payload);
		} else if (m->type == SYNC_PID) {
			r = accept_pid(j, m->code, pid, e);
		} else if (m->type == SYNC_PTY_MASTER && *master < 0 && *pid <= 0 && fd >= 0) {
			if (o->console_socket) {
				r = terminal_send_master(o->console_socket, fd, m->payload, e);
				close(fd);
			} else {
				*master = fd;
			}
			fd = -1;
		} else {
			r = herr_set(e, -EPROTO, "unexpected message %u from the exec helper", m->type);
		}
		if (fd >= 0)
			close(fd);
		free(m);
		if (r < 0)
			return r;
	}
	int ws;
	while (waitpid(j->helper, &ws, 0) < 0)
		if (errno != EINTR)
			return herr_sys(e, "wait for the exec helper");
	j->helper = -1;
	/* the helper lives in the container's cgroup: a kill of the whole container (delete
	 * --force, kill --all) takes it too, and then the answer is that the container stopped */
	if (WIFSIGNALED(ws) && record_init_gone(&j->rec))
		return herr_set(e, -ESRCH, "cannot exec in a stopped container");
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return herr_set(e, -EIO, "the exec helper died (%s %d)", WIFEXITED(ws) ? "status" : "signal",
				WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
	if (*pid <= 0)
		return herr_set(e, -EIO, "the exec helper exited without starting the process");
	return 0;
}

int hull_exec(const struct hull_global *g, const struct hull_exec_opts *o, int *exit_status, hull_err *e)
{
	struct exec_job j;
	memset(&j, 0, sizeof j);
	j.dirfd = j.proc_fd = j.root_fd = j.self_userns_fd = j.clone_cgfd = -1;
	j.helper = -1;
	j.sync[0] = j.sync[1] = -1;
	j.cg.dirfd = -1;
	for (int t = 0; t < OCI_NS_KINDS; t++)
		j.ns_fds[t] = -1;
	pid_t pid = -1;
	int master = -1;
	*exit_status = 0;
	int r = prepare(&j, g, o, e);
	if (r >= 0)
		r = spawn_helper(&j, o, e);
	if (r >= 0)
		r = after_spawn(&j, o, &pid, &master, e);
	if (r >= 0 && o->pid_file)
		r = pid_file_write(o->pid_file, pid, e);
	pid_t helper = j.helper;
	job_free(&j);
	if (r < 0) {
		pid_t kids[] = {pid, helper};
		for (size_t i = 0; i < 2; i++)
			if (kids[i] > 0) {
				kill(kids[i], SIGKILL);
				while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
					;
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
