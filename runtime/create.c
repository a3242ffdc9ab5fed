/* SPDX-License-Identifier: Apache-2.0 */
/* `create`: the parent's half. hull itself is the container's parent only until the
 * container is created; there is no monitor process. The init is a clone3 of this
 * process placed straight into its cgroup (CLONE_INTO_CGROUP), so it stays a descendant
 * of the caller (conmon / the containerd shim are subreapers). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../cgroup/systemd.h"
#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "../netns/netns.h"
#include "container.h"
#include "create.h"
#include "hooks.h"
#include "init.h"
#include "linux_ns.h"
#include "notify.h"
#include "pathres.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"

#define OVERLAY_ANNOTATION "run.oci.hull.overlay"

/* Everything create acquires, so one function can undo it on any failure. */
struct create_job {
	const struct hull_global *g;
	const struct hull_create_opts *o;
	struct oci_spec *spec;
	char *bundle, *config_path, *rootfs, *state_dir;
	int dirfd; /* locked state dir */
	bool state_created;
	struct hull_cgroup cg;
	bool cg_ok;
	struct hull_bpf bpf;
	bool have_bpf;
	struct hull_record rec;
	int sync[2];
	int fifo_fd;
	int join_fds[OCI_NS_KINDS];
	int proc_fd;
	pid_t pid;
	int pty_master;
	char pty_name[64];
	int listen_fds; /* socket activation: LISTEN_FDS passed on */
	bool hooks_started; /* the environment exists and the create hooks began */
};

static void job_init(struct create_job *j, const struct hull_global *g, const struct hull_create_opts *o)
{
	memset(j, 0, sizeof *j);
	j->g = g;
	j->o = o;
	j->dirfd = j->fifo_fd = j->proc_fd = j->pty_master = -1;
	j->sync[0] = j->sync[1] = -1;
	j->cg.dirfd = -1;
	for (int i = 0; i < OCI_NS_KINDS; i++)
		j->join_fds[i] = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Undo everything: a failed create leaves no process, cgroup, mount or state dir. */
static void job_rollback(struct create_job *j)
{
	hull_err ignored = {0};
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (j->cg_ok) {
		cg_kill_all(&j->cg, SIGKILL, &ignored);
		cg_destroy(&j->cg, &ignored);
	}
	if (j->state_dir && j->rec.overlay)
		rootfs_overlay_cleanup(j->state_dir, &ignored);
	if (j->state_created)
		state_dir_remove(j->g->root, j->o->id, &ignored);
	/* lifecycle: a failed prestart/createRuntime/createContainer hook stops the container
	 * and continues at "destroy" and the poststop hooks */
	if (j->hooks_started) {
		_cleanup_free_ char *st = state_json(&j->rec, HULL_STOPPED);
		hooks_run_poststop(&j->spec->hooks, st);
	}
}

static void job_free(struct create_job *j)
{
	close_fd(&j->dirfd);
	close_fd(&j->fifo_fd);
	close_fd(&j->proc_fd);
	close_fd(&j->pty_master);
	close_fd(&j->sync[0]);
	close_fd(&j->sync[1]);
	for (int i = 0; i < OCI_NS_KINDS; i++)
		close_fd(&j->join_fds[i]);
	if (j->have_bpf)
		seccomp_bpf_free(&j->bpf);
	cg_release(&j->cg);
	record_free(&j->rec);
	oci_spec_free(j->spec);
	free(j->bundle);
	free(j->config_path);
	free(j->rootfs);
	free(j->state_dir);
}

/* Which namespace a sysctl lives in (runc's rules); OCI_NS_KINDS = not namespaced. */
static enum oci_ns_type sysctl_namespace(const char *key)
{
	static const char *const ipc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
					  "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
	for (size_t i = 0; i < sizeof ipc / sizeof ipc[0]; i++)
		if (!strcmp(key, ipc[i]))
			return OCI_NS_IPC;
	if (!strncmp(key, "fs.mqueue.", 10))
		return OCI_NS_IPC;
	if (!strncmp(key, "net.", 4))
		return OCI_NS_NETWORK;
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		return OCI_NS_UTS;
	return OCI_NS_KINDS;
}

/* Settings that would change the host when the namespace they need is the host's. */
static int check_namespaced_settings(const struct oci_spec *s, hull_err *e)
{
	const struct oci_linux *l = s->linux_;
	for (size_t i = 0; i < l->n_sysctl; i++) {
		enum oci_ns_type t = sysctl_namespace(l->sysctl[i].key);
		if (t == OCI_NS_KINDS)
			return herr_set(e, -EINVAL, "config.json: .linux.sysctl[\"%s\"]: not in a separate kernel namespace",
					l->sysctl[i].key);
		if (!oci_spec_find_ns(s, t))
			return herr_set(e, -EINVAL, "config.json: .linux.sysctl[\"%s\"]: needs a %s namespace",
					l->sysctl[i].key, oci_ns_type_name(t));
	}
	if ((s->hostname && *s->hostname) || (s->domainname && *s->domainname)) {
		if (!oci_spec_find_ns(s, OCI_NS_UTS))
			return herr_set(e, -EINVAL, "config.json: .%s: cannot be set without a private uts namespace",
					s->hostname && *s->hostname ? "hostname" : "domainname");
	}
	if (l->n_net_devices && !oci_spec_find_ns(s, OCI_NS_NETWORK))
		return herr_set(e, -EINVAL, "config.json: .linux.netDevices: needs a private network namespace");
	return 0;
}

static int load_config(struct create_job *j, hull_err *e)
{
	char cwd[PATH_MAX];
	const char *b = j->o->bundle;
	if (!b || !*b) {
		if (!getcwd(cwd, sizeof cwd))
			return herr_sys(e, "getcwd");
		b = cwd;
	}
	char real[PATH_MAX];
	if (!realpath(b, real))
		return herr_sys(e, "bundle %s", b);
	j->bundle = xstrdup(real);
	j->config_path = j->o->config ? xstrdup(j->o->config) : xasprintf("%s/config.json", j->bundle);
	int r = oci_spec_parse_file(j->config_path, &j->spec, e);
	if (r < 0)
		return r;
	const char *cfg = "config.json";
	if (!j->spec->process)
		return herr_set(e, -EINVAL, "%s: .process: required by create", cfg);
	if (!j->spec->has_root || !j->spec->root.path)
		return herr_set(e, -EINVAL, "%s: .root.path: required", cfg);
	if (!j->spec->linux_)
		return herr_set(e, -EINVAL, "%s: .linux: required on Linux", cfg);
	r = oci_spec_check_supported(j->spec, cfg, e);
	if (r < 0)
		return r;
	/* SELinux mount labels need context= on every mount; hull cannot apply them yet */
	const char *ml = j->spec->linux_->mount_label;
	if (ml && *ml)
		return herr_set(e, -ENOTSUP, "%s: .linux.mountLabel: %s", cfg,
				process_lsm_enabled("selinux") ? "not supported" : "SELinux is not enabled on this host");
	const char *rp = j->spec->root.path;
	_cleanup_free_ char *abs = rp[0] == '/' ? xstrdup(rp) : xasprintf("%s/%s", j->bundle, rp);
	if (!realpath(abs, real))
		return herr_sys(e, "%s: .root.path: %s", cfg, abs);
	struct stat st;
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return herr_set(e, -ENOTDIR, "%s: .root.path: %s is not a directory", cfg, real);
	j->rootfs = xstrdup(real);
	return check_namespaced_settings(j->spec, e);
}

static bool want_overlay(const struct create_job *j)
{
	const char *a = oci_annotation(j->spec, OVERLAY_ANNOTATION);
	return j->o->overlay || (a && !strcmp(a, "true"));
}

static int own_cgroup(char **out, hull_err *e)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_file_at(AT_FDCWD, "/proc/self/cgroup", &buf, NULL, e);
	if (r < 0)
		return r;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "0::", 3)) {
			*out = xstrdup(l + 3);
			return 0;
		}
	}
	*out = xstrdup("/");
	return 0;
}

static int setup_cgroup(struct create_job *j, hull_err *e)
{
	_cleanup_free_ char *mount = NULL, *own = NULL, *path = NULL;
	struct oci_linux *l = j->spec->linux_;
	int r = cg_find_mount(&mount, e);
	if (r < 0)
		return r;
	if (j->g->systemd_cgroup) {
		/* systemd picks the cgroup: the record names the unit and its cgroup as soon as
		 * they exist (a create killed inside cgsd_create can leave the unit: known gap) */
		r = cgsd_create(&j->cg, mount, j->o->id, j->spec, e);
		if (r >= 0) {
			j->rec.cgroup_mount = xstrdup(j->cg.mount);
			j->rec.cgroup_path = xstrdup(j->cg.path);
			j->rec.cgroup_created = j->cg.created;
			j->rec.systemd_unit = j->cg.unit ? xstrdup(j->cg.unit) : NULL;
			r = record_write(j->dirfd, &j->rec, e);
		}
	} else {
		if ((r = own_cgroup(&own, e)) < 0)
			return r;
		if ((r = cg_resolve_path(l->cgroups_path, j->o->id, own, false, &path, e)) < 0)
			return r;
		/* crash consistency: the record names the cgroup before it exists, so that a create
		 * killed from here on is found and cleaned by delete --force. Only a cgroup that does
		 * not exist yet is marked as ours: delete never removes one it did not create. */
		_cleanup_free_ char *full = xasprintf("%s%s", mount, path);
		j->rec.cgroup_mount = xstrdup(mount);
		j->rec.cgroup_path = xstrdup(path);
		j->rec.cgroup_created = access(full, F_OK) < 0 && errno == ENOENT;
		if ((r = record_write(j->dirfd, &j->rec, e)) < 0)
			return r;
		r = cg_create(&j->cg, mount, path, &l->resources, e);
	}
	if (r < 0)
		return r;
	j->cg_ok = true;
	j->rec.cgroup_created = j->cg.created;
	r = cg_devices_apply(&j->cg, l->resources.devices, l->resources.n_devices, l->devices, l->n_devices, e);
	if (r < 0)
		return r;
	return 0;
}

static int open_join_fds(struct create_job *j, uint64_t *flags, hull_err *e)
{
	const struct oci_linux *l = j->spec->linux_;
	*flags = 0;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		const struct oci_namespace *ns = &l->namespaces[i];
		if (!ns->path) {
			*flags |= (uint64_t)ns_clone_flag(ns->type);
			continue;
		}
		int fd = ns_open_checked(ns->path, ns->type, e);
		if (fd < 0)
			return herr_prefix(e, "config.json: .linux.namespaces[%zu].path", i);
		j->join_fds[ns->type] = fd;
	}
	if (j->join_fds[OCI_NS_USER] >= 0 && (*flags & ~(uint64_t)CLONE_NEWPID))
		return herr_set(e, -ENOTSUP,
				"config.json: .linux.namespaces: joining a user namespace while creating other "
				"namespaces is not supported");
	return 0;
}

/* pid and time namespaces apply to children: the parent switches what its next child gets. */
static int prepare_child_namespaces(struct create_job *j, uint64_t *flags, hull_err *e)
{
	const struct oci_linux *l = j->spec->linux_;
	if (j->join_fds[OCI_NS_PID] >= 0) {
		if (setns(j->join_fds[OCI_NS_PID], CLONE_NEWPID) < 0)
			return herr_sys(e, "join pid namespace");
		close_fd(&j->join_fds[OCI_NS_PID]);
	}
	if (j->join_fds[OCI_NS_TIME] >= 0) {
		if (setns(j->join_fds[OCI_NS_TIME], CLONE_NEWTIME) < 0)
			return herr_sys(e, "join time namespace");
		close_fd(&j->join_fds[OCI_NS_TIME]);
	}
	if ((*flags & CLONE_NEWTIME) && (l->time_boottime.present || l->time_monotonic.present)) {
		/* offsets can only be set before any process lives in the namespace: unshare it for
		 * our children, write them, then clone without CLONE_NEWTIME */
		if (unshare(CLONE_NEWTIME) < 0)
			return herr_sys(e, "create time namespace");
		struct strbuf sb = {0};
		if (l->time_monotonic.present)
			sb_appendf(&sb, "monotonic %lld %u\n", (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
		if (l->time_boottime.present)
			sb_appendf(&sb, "boottime %lld %u\n", (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
		_cleanup_fd_ int fd = openat(j->proc_fd, "self/timens_offsets", O_WRONLY | O_CLOEXEC);
		int r = fd < 0 ? herr_sys(e, "open timens_offsets")
			       : (write_all(fd, sb.buf, sb.len) < 0 ? herr_sys(e, "write .linux.timeOffsets") : 0);
		sb_free(&sb);
		if (r < 0)
			return r;
		*flags &= ~(uint64_t)CLONE_NEWTIME;
	} else if (l->time_boottime.present || l->time_monotonic.present) {
		return herr_set(e, -EINVAL, "config.json: .linux.timeOffsets: requires a new time namespace");
	}
	return 0;
}

static int clone_init(struct create_job *j, struct hull_ctx *ctx, uint64_t flags, hull_err *e);

static int spawn_init(struct create_job *j, struct hull_ctx *ctx, hull_err *e)
{
	uint64_t flags;
	int r = open_join_fds(j, &flags, e);
	if (r < 0)
		return r;
	/* pid/time namespaces for children are switched for the init's clone only: hooks run
	 * later must stay in the runtime namespaces */
	struct ns_for_children saved;
	if ((r = ns_save_for_children(j->proc_fd, &saved, e)) < 0)
		return r;
	r = prepare_child_namespaces(j, &flags, e);
	if (r >= 0)
		r = clone_init(j, ctx, flags, e);
	/* the hooks forked later must not start in the container's pid namespace */
	int rr = ns_restore_for_children(&saved);
	if (r >= 0 && rr < 0)
		r = herr_errno(e, rr, "switch back to hull's pid/time namespace for children");
	return r;
}

static int clone_init(struct create_job *j, struct hull_ctx *ctx, uint64_t flags, hull_err *e)
{
	int r;
	ctx->new_userns = flags & CLONE_NEWUSER;
	ctx->new_mountns = (flags & CLONE_NEWNS) || j->join_fds[OCI_NS_MOUNT] >= 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, j->sync) < 0)
		return herr_sys(e, "socketpair");
	_cleanup_fd_ int cgfd = j->cg_ok ? cg_open_for_clone(&j->cg, e) : -1;
	if (j->cg_ok && cgfd < 0)
		return cgfd;
	int placed = 0;
	fflush(NULL);
	pid_t pid = hull_clone3(flags, cgfd, &placed);
	if (pid < 0)
		return herr_sys(e, "clone container init (namespaces 0x%llx)", (unsigned long long)flags);
	if (pid == 0) {
		/* the state dir fd carries the flock: our copy would hold it for the container's life */
		close(j->dirfd);
		close(j->sync[0]);
		struct init_args a = {
			.ctx = ctx,
			.sync_fd = j->sync[1],
			.fifo_fd = j->fifo_fd,
			.seccomp = j->have_bpf ? &j->bpf : NULL,
			.want_pty = j->spec->process->terminal,
		};
		memcpy(a.join_fds, j->join_fds, sizeof a.join_fds);
		container_init(&a);
	}
	j->pid = pid;
	close_fd(&j->sync[1]);
	/* crash consistency: delete --force finds (and kills) the init from the record alone */
	j->rec.pid = pid;
	j->rec.pid_start = proc_start_time(pid, NULL);
	if ((r = record_write(j->dirfd, &j->rec, e)) < 0)
		return r;
	if (j->cg_ok && !placed && (r = cg_enter(&j->cg, pid, e)) < 0)
		return r;
	return 0;
}

/* Parent side of the protocol, mirrored in init.c. */
static int drive_init(struct create_job *j, hull_err *e)
{
	const struct oci_linux *l = j->spec->linux_;
	int r;
	const struct oci_namespace *user = oci_spec_find_ns(j->spec, OCI_NS_USER);
	if (user && !user->path) {
		r = ns_write_id_maps(j->proc_fd, j->pid, l->uid_mappings, l->n_uid_mappings, l->gid_mappings,
				     l->n_gid_mappings, e);
		if (r < 0)
			return r;
	}
	if (l->n_net_devices) {
		/* a joined netns is the target itself: the init only enters it after MAPPED */
		char rel[64];
		snprintf(rel, sizeof rel, "%d/ns/net", (int)j->pid);
		_cleanup_fd_ int nfd = j->join_fds[OCI_NS_NETWORK] >= 0
					       ? fcntl(j->join_fds[OCI_NS_NETWORK], F_DUPFD_CLOEXEC, 3)
					       : openat(j->proc_fd, rel, O_RDONLY | O_CLOEXEC);
		if (nfd < 0)
			return herr_sys(e, "open the container network namespace");
		if ((r = netns_move_devices(l->net_devices, l->n_net_devices, nfd, e)) < 0)
			return r;
	}
	if ((r = sync_send(j->sync[0], SYNC_MAPPED, 0, NULL, -1)) < 0)
		return herr_errno(e, r, "talk to container init");
	if ((r = sync_expect(j->sync[0], SYNC_PREPARED, NULL, NULL, e)) < 0)
		return r;
	j->rec.pid = j->pid; /* the hooks see it in the state */
	/* runtime.md: "created" is the state after lifecycle step 2 (the environment is set up);
	 * prestart, createRuntime, createContainer (steps 3-5) and startContainer (step 7) come
	 * after it. init passes this same state on to createContainer and startContainer. */
	_cleanup_free_ char *st = state_json(&j->rec, HULL_CREATED);
	j->hooks_started = true;
	if ((r = hooks_run(&j->spec->hooks, OCI_HOOK_PRESTART, st, e)) < 0 ||
	    (r = hooks_run(&j->spec->hooks, OCI_HOOK_CREATE_RUNTIME, st, e)) < 0)
		return r;
	if ((r = sync_send(j->sync[0], SYNC_HOOKS_DONE, 0, st, -1)) < 0)
		return herr_errno(e, r, "talk to container init");
	for (;;) {
		struct sync_msg *m = NULL;
		int fd = -1;
		r = sync_recv(j->sync[0], &m, &fd);
		if (r < 0)
			return r == -EPIPE ? herr_set(e, -EPIPE, "container init exited unexpectedly")
					   : herr_errno(e, r, "read from container init");
		enum sync_type t = m->type;
		if (t == SYNC_ERROR) {
			r = herr_set(e, m->code < 0 ? m->code : -EIO, "%s", m->payload);
			free(m);
			close_fd(&fd);
			return r;
		}
		if (t == SYNC_PTY_MASTER) {
			j->pty_master = fd;
			snprintf(j->pty_name, sizeof j->pty_name, "%s", m->len ? m->payload : "");
		} else if (t == SYNC_SECCOMP_FD) {
			free(m);
			_cleanup_free_ char *sj = state_json(&j->rec, HULL_CREATING);
			_cleanup_free_ char *ps = seccomp_listener_state_json(sj, j->pid, l->seccomp->listener_metadata);
			r = seccomp_send_listener(l->seccomp->listener_path, fd, ps, e);
			close_fd(&fd);
			if (r < 0)
				return r;
			sync_send(j->sync[0], SYNC_ACK, 0, NULL, -1);
			continue;
		} else if (t != SYNC_READY) {
			close_fd(&fd);
		}
		free(m);
		if (t == SYNC_READY)
			return 0;
	}
}

static int hand_over_pty(struct create_job *j, hull_err *e)
{
	if (j->pty_master < 0)
		return 0;
	if (j->o->console_socket)
		return terminal_send_master(j->o->console_socket, j->pty_master, j->pty_name, e);
	return 0; /* `run` keeps it for its relay */
}

static int copy_config(struct create_job *j, hull_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_file_at(AT_FDCWD, j->config_path, &buf, &len, e);
	if (r < 0)
		return r;
	_cleanup_free_ char *dst = xasprintf("%s/config.json", j->state_dir);
	return write_file_atomic(dst, buf, len, 0600, e);
}

static void fill_record(struct create_job *j)
{
	struct hull_record *r = &j->rec;
	r->id = xstrdup(j->o->id);
	r->bundle = xstrdup(j->bundle);
	r->rootfs = xstrdup(j->rootfs);
	r->created = rfc3339_now();
	r->owner = getuid();
	r->overlay = want_overlay(j);
	r->n_annotations = j->spec->n_annotations;
	r->annotations = xcalloc(r->n_annotations, sizeof *r->annotations);
	for (size_t i = 0; i < r->n_annotations; i++) {
		r->annotations[i].key = xstrdup(j->spec->annotations[i].key);
		r->annotations[i].value = xstrdup(j->spec->annotations[i].value);
	}
}

/* The notify dir (one component of our 0700 state dir) goes to the container's root, by fd. */
static int chown_for_userns(struct create_job *j, const char *rel, uid_t uid, gid_t gid, hull_err *e)
{
	if (!uid && !gid)
		return 0;
	_cleanup_fd_ int fd = openat(j->dirfd, rel, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open %s for the container user namespace", rel);
	int r = fd_chown(fd, uid, gid);
	return r < 0 ? herr_set(e, r, "chown %s for the container user namespace: %s", rel, strerror(-r)) : 0;
}

/* Host uid/gid that the container's root maps to (0/0 without a new user namespace). */
static void container_root_ids(const struct create_job *j, uid_t *uid, gid_t *gid)
{
	const struct oci_linux *l = j->spec->linux_;
	const struct oci_namespace *u = oci_spec_find_ns(j->spec, OCI_NS_USER);
	*uid = 0;
	*gid = 0;
	if (!u || u->path)
		return;
	for (size_t i = 0; i < l->n_uid_mappings; i++)
		if (l->uid_mappings[i].container_id == 0)
			*uid = l->uid_mappings[i].host_id;
	for (size_t i = 0; i < l->n_gid_mappings; i++)
		if (l->gid_mappings[i].container_id == 0)
			*gid = l->gid_mappings[i].host_id;
}

static int create_steps(struct create_job *j, hull_err *e)
{
	const struct hull_create_opts *o = j->o;
	int r;
	if (!hull_id_valid(o->id))
		return herr_set(e, -EINVAL, "invalid container id: %s", o->id ? o->id : "");
	if ((r = load_config(j, e)) < 0)
		return r;
	if (o->console_socket && !j->spec->process->terminal)
		return herr_set(e, -EINVAL, "--console-socket given but process.terminal is false");
	if (!o->console_socket && j->spec->process->terminal && !o->allow_tty_relay)
		return herr_set(e, -EINVAL, "process.terminal is true but no --console-socket was given");
	if ((r = state_dir_create(j->g->root, o->id, e)) < 0)
		return r;
	j->dirfd = r;
	j->state_created = true;
	j->state_dir = state_dir_path(j->g->root, o->id);
	fill_record(j);
	if ((r = copy_config(j, e)) < 0)
		return r;
	uid_t root_uid;
	gid_t root_gid;
	container_root_ids(j, &root_uid, &root_gid);
	/* systemd integration (notify.c): after the config copy, which stays as given */
	if ((r = notify_prepare(j->dirfd, j->state_dir, j->spec, e)) < 0 ||
	    (r > 0 && (r = chown_for_userns(j, NOTIFY_DIR, root_uid, root_gid, e)) < 0) ||
	    (r = j->listen_fds = listen_fds_prepare(j->spec, e)) < 0)
		return r;
	if (j->rec.overlay && (r = rootfs_overlay_dirs(j->dirfd, root_uid, root_gid, e)) < 0)
		return r;
	if ((r = setup_cgroup(j, e)) < 0)
		return r;
	if (j->spec->linux_->seccomp) {
		_cleanup_free_ char *cache = xasprintf("%s/.seccomp-cache", j->g->root);
		if (mkdir(cache, 0700) < 0 && errno != EEXIST)
			hull_debug("seccomp cache %s: %s", cache, strerror(errno));
		if ((r = seccomp_prepare(j->spec->linux_->seccomp, cache, &j->bpf, e)) < 0)
			return r;
		j->have_bpf = true;
	}
	if (mkfifoat(j->dirfd, "exec.fifo", 0600) < 0)
		return herr_sys(e, "create exec fifo");
	if ((j->fifo_fd = openat(j->dirfd, "exec.fifo", O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return herr_sys(e, "open exec fifo");
	/* the init opens it through /proc/self/fd after it became the container's root */
	if ((root_uid || root_gid) && (r = fd_chown(j->fifo_fd, root_uid, root_gid)) < 0)
		return herr_errno(e, r, "chown exec.fifo for the container user namespace");
	if ((j->proc_fd = procfs_open_verified("/proc", e)) < 0)
		return j->proc_fd;
	struct hull_ctx ctx = {
		.id = o->id,
		.bundle = j->bundle,
		.state_dir = j->state_dir,
		.rootfs = j->rootfs,
		.config_path = j->config_path,
		.spec = j->spec,
		.no_pivot = o->no_pivot,
		.no_new_keyring = o->no_new_keyring,
		.overlay = j->rec.overlay,
		.console_slave_fd = -1,
		.proc_fd = -1,
		.preserve_fds = o->preserve_fds + j->listen_fds, /* runc: listen fds come first */
		.cgroup_path = j->cg_ok ? xasprintf("%s%s", j->cg.mount, j->cg.path) : NULL,
	};
	r = spawn_init(j, &ctx, e);
	free((char *)ctx.cgroup_path);
	if (r < 0)
		return r;
	if ((r = drive_init(j, e)) < 0)
		return r;
	if ((r = hand_over_pty(j, e)) < 0)
		return r;
	bool zombie;
	j->rec.pid = j->pid;
	j->rec.pid_start = proc_start_time(j->pid, &zombie);
	if ((r = record_write(j->dirfd, &j->rec, e)) < 0)
		return r;
	if (o->pid_file && (r = pid_file_write(o->pid_file, j->pid, e)) < 0)
		return r;
	return 0;
}

int hull_create_internal(const struct hull_global *g, const struct hull_create_opts *o, struct hull_created *out,
			 hull_err *e)
{
	struct create_job j;
	job_init(&j, g, o);
	int r = create_steps(&j, e);
	if (r < 0) {
		job_rollback(&j);
		if (j.config_path && !strstr(e->msg, "config.json"))
			herr_prefix(e, "create container %s", o->id ? o->id : "");
		job_free(&j);
		return r;
	}
	if (out) {
		out->pid = j.pid;
		out->pty_master = steal_fd(&j.pty_master);
	}
	job_free(&j);
	return 0;
}

int hull_create(const struct hull_global *g, const struct hull_create_opts *o, hull_err *e)
{
	return hull_create_internal(g, o, NULL, e);
}
