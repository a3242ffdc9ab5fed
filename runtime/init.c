/* SPDX-License-Identifier: Apache-2.0 */
/* The container init's set-up sequence, in the order the runtime-spec and the kernel
 * require (see create.c for the parent's half of the protocol):
 *   open the overlay layers (while still hull's uid) -> wait for id maps -> become root in
 *   the user ns -> join namespaces -> lo up -> mounts (rootfs_prepare) -> [parent runs
 *   prestart/createRuntime hooks] -> createContainer hooks -> pivot_root -> console ->
 *   masked/readonly paths -> hostname, sysctl, rlimits, oom, personality, keyring, LSM ->
 *   cwd, exec lookup -> [a seccomp notify filter is loaded here, so its fd can be handed
 *   over before READY] -> READY -> block on the exec fifo -> startContainer hooks ->
 *   user + caps and the seccomp filter (enter_identity) -> execve.
 * (Read init_setup and init_finish below for the exact order; this is the map.) */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"
#include "../netns/netns.h"
#include "enter.h"
#include "hooks.h"
#include "linux_ns.h"
#include "notify.h"
#include "pathres.h"
#include "process.h"
#include "rootfs.h"
#include "sync.h"
#include "terminal.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static int become_root_in_userns(hull_err *e)
{
	/* after the parent wrote the maps, switch to uid/gid 0 of the new namespace so that
	 * files created during set-up belong to the container's root */
	if (setresgid(0, 0, 0) < 0)
		return herr_sys(e, "setresgid(0) in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return herr_sys(e, "setresuid(0) in the user namespace");
	return 0;
}

/* Bind the pty slave onto /dev/console by fd (never /dev/pts/N by path: CVE-2025-52565).
 * The mount point is created if missing and otherwise only pinned with O_PATH, never
 * opened: a fifo put there (by another container sharing /dev) would block us, and
 * opening a device would run its driver. */
static int mount_console(int slave, hull_err *e)
{
	_cleanup_fd_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return herr_sys(e, "open / for /dev/console");
	_cleanup_fd_ int target =
		pathres_open(rootfd, "/dev/console", PATHRES_MKFILE | PATHRES_NOFOLLOW, 0600, NULL, e);
	if (target < 0)
		return herr_prefix(e, "create /dev/console");
	struct stat st;
	if (fstat(target, &st) < 0)
		return herr_sys(e, "stat /dev/console");
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return herr_set(e, -EINVAL, "/dev/console exists and is neither a file nor a device");
	_cleanup_fd_ int tree = (int)syscall(SYS_open_tree, slave, "", OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
	if (tree < 0)
		return herr_sys(e, "clone the pty for /dev/console");
	if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return herr_sys(e, "mount the pty on /dev/console");
	return 0;
}

/* Open a pty in the container's own devpts (after pivot, /dev/ptmx is ours) and hand the
 * master to the parent, which passes it to --console-socket or relays it. */
static int setup_terminal(struct init_args *a, int *slave_out, hull_err *e)
{
	const struct oci_process *p = a->ctx->spec->process;
	_cleanup_fd_ int master = -1, slave = -1;
	char name[64];
	int r = terminal_open_pty(&master, &slave, name, sizeof name, p->has_console_size ? p->console_height : 0,
				  p->has_console_size ? p->console_width : 0, e);
	if (r < 0)
		return r;
	r = mount_console(slave, e);
	if (r < 0)
		return r;
	r = sync_send(a->sync_fd, SYNC_PTY_MASTER, 0, name, master);
	if (r < 0)
		return herr_errno(e, r, "send the pty master to hull");
	*slave_out = steal_fd(&slave);
	return 0;
}

static int wait_hooks_done(struct init_args *a, char **state, hull_err *e)
{
	struct sync_msg *m = NULL;
	int r = sync_expect(a->sync_fd, SYNC_HOOKS_DONE, &m, NULL, e);
	if (r < 0)
		return r;
	*state = xstrdup(m->len ? m->payload : "{}");
	free(m);
	return 0;
}

static int set_names(const struct oci_spec *s, hull_err *e)
{
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return herr_sys(e, "sethostname %s", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return herr_sys(e, "setdomainname %s", s->domainname);
	return 0;
}

static int send_notify_fd(int fd, void *arg)
{
	return sync_send(*(int *)arg, SYNC_SECCOMP_FD, 0, NULL, fd);
}

/* A notify filter's listener fd goes to the parent, which passes it to listenerPath. The
 * hand-off happens from a helper started before the filter, so a profile that notifies
 * sendmsg or write cannot wedge the init. */
static int load_seccomp(struct init_args *a, hull_err *e)
{
	int r = seccomp_load_handoff(a->seccomp, send_notify_fd, &a->sync_fd, e);
	if (r < 0)
		return r;
	return sync_expect(a->sync_fd, SYNC_ACK, NULL, NULL, e);
}

/* Hooks in the container namespaces see the pid as the container sees it. */
static char *state_with_own_pid(const char *state)
{
	const char *p = strstr(state, "\"pid\":");
	if (!p)
		return xstrdup(state);
	const char *end = p + 6;
	while (*end >= '0' && *end <= '9')
		end++;
	return xasprintf("%.*s\"pid\":%d%s", (int)(p - state), state, (int)getpid(), end);
}

/* Everything up to READY; returns the slave pty fd through *slave (or -1). */
static int init_setup(struct init_args *a, int *slave, char **state, char **exec_path, hull_err *e)
{
	struct hull_ctx *ctx = a->ctx;
	const struct oci_spec *s = ctx->spec;
	const struct oci_process *p = s->process;
	int r;

	/* the overlay dirs (0700, hull's uid) must be opened before we become the container's
	 * root of a new user namespace, and in the mount namespace that will hold the overlay:
	 * a joined one only after joining it */
	bool join_mnt = a->join_fds[OCI_NS_MOUNT] >= 0;
	if (!join_mnt && (r = rootfs_overlay_open(ctx, e)) < 0)
		return r;
	r = sync_expect(a->sync_fd, SYNC_MAPPED, NULL, NULL, e);
	if (r < 0)
		return r;
	if (ctx->new_userns && (r = become_root_in_userns(e)) < 0)
		return r;
	/* the user namespace first, as always for the init (no self_userns_fd) */
	if ((r = enter_join_namespaces(a->join_fds, -1, false, e)) < 0)
		return r;
	if (join_mnt && (r = rootfs_overlay_open(ctx, e)) < 0)
		return r;
	const struct oci_namespace *net = oci_spec_find_ns(s, OCI_NS_NETWORK);
	if (net && !net->path && (r = netns_lo_up(e)) < 0)
		return herr_prefix(e, "bring up lo in the new network namespace");
	/* the host procfs, opened before the container can influence anything: /proc/self and
	 * /proc/sys resolve against our own (new) namespaces */
	if ((ctx->proc_fd = procfs_open_verified("/proc", e)) < 0)
		return ctx->proc_fd;
	if (!ctx->new_mountns)
		return herr_set(e, -EINVAL, "%s: .linux.namespaces: a mount namespace is required", ctx->config_path);
	if ((r = rootfs_prepare(ctx, e)) < 0)
		return r;
	if ((r = sync_send(a->sync_fd, SYNC_PREPARED, 0, NULL, -1)) < 0)
		return herr_errno(e, r, "talk to hull");
	if ((r = wait_hooks_done(a, state, e)) < 0)
		return r;
	char *own = state_with_own_pid(*state);
	free(*state);
	*state = own;
	if ((r = hooks_run(&s->hooks, OCI_HOOK_CREATE_CONTAINER, *state, e)) < 0)
		return r;
	if ((r = rootfs_pivot(ctx, e)) < 0)
		return r;
	if (a->want_pty && (r = setup_terminal(a, slave, e)) < 0)
		return r;
	if ((r = rootfs_finalize(ctx, e)) < 0)
		return r;
	if ((r = set_names(s, e)) < 0)
		return r;
	if (s->linux_ && (r = process_set_sysctl(ctx->proc_fd, s->linux_->sysctl, s->linux_->n_sysctl, e)) < 0)
		return r;
	if (s->linux_ && (r = process_set_personality(&s->linux_->personality, e)) < 0)
		return r;
	if ((r = enter_process_attrs(ctx->proc_fd, p, false, e)) < 0)
		return r;
	if (!ctx->no_new_keyring && (r = process_new_keyring(ctx->id, e)) < 0)
		return r;
	if ((r = process_chdir(p->cwd, e)) < 0)
		return r;
	if ((r = process_find_exec(p, exec_path, e)) < 0)
		return r;
	if (*slave >= 0 && (r = terminal_setup_slave(*slave, e)) < 0)
		return r;
	/* A notify listener is reached through the parent, which is only alive until READY:
	 * such a filter is loaded now (no_new_privs first when asked). Others wait for start. */
	if (a->seccomp && a->seccomp->notify) {
		if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return herr_sys(e, "set no_new_privs");
		if ((r = load_seccomp(a, e)) < 0)
			return r;
	}
	return 0;
}

/* After start: the identity switch and the filter. The init stays root (and non-dumpable)
 * until here so the exec fifo can be opened through /proc/self/fd and nothing that joins
 * the container before start can ptrace it. */
static int init_finish(struct init_args *a, hull_err *e)
{
	/* a notify filter is already loaded (see init_setup) */
	bool late = a->seccomp && !a->seccomp->notify;
	return enter_identity(a->ctx->spec->process, late ? a->seccomp : NULL, a->ctx->new_userns, e);
}

/* Block until `hull start` opens the fifo for reading, then say "0" (connected). The write
 * end stays open, close-on-exec, until execve: start reads until EOF, so an error written
 * here before exiting (a startContainer hook, the identity switch, execve) reaches it. */
static int open_start_fifo(struct init_args *a, hull_err *e)
{
	char rel[64];
	snprintf(rel, sizeof rel, "self/fd/%d", a->fifo_fd);
	_cleanup_fd_ int fd = openat(a->ctx->proc_fd, rel, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return herr_sys(e, "open exec fifo");
	if (write_all(fd, "0", 1) < 0)
		return herr_sys(e, "write exec fifo");
	close(a->fifo_fd);
	return steal_fd(&fd);
}

void container_init(struct init_args *a)
{
	struct hull_ctx *ctx = a->ctx;
	const struct oci_process *p = ctx->spec->process;
	hull_err err = {0};
	_cleanup_free_ char *state = NULL;
	_cleanup_free_ char *exec_path = NULL;
	int slave = -1, start_fd = -1;

	/* no core dumps or ptrace of the half-set-up init by the container (CVE-2016-9962);
	 * die with hull while half set up. Neither may fail silently (found by tests/faults). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		herr_sys(&err, "container init: prctl");
		sync_send_error(a->sync_fd, &err);
		_exit(1);
	}
	if (getppid() == 1) /* the parent is already gone */
		_exit(1);

	if (init_setup(a, &slave, &state, &exec_path, &err) < 0) {
		sync_send_error(a->sync_fd, &err);
		_exit(1);
	}
	/* from here the parent may exit: we must survive it (else create "succeeds" and the
	 * container is stopped as soon as hull exits) */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0) {
		herr_sys(&err, "container init: clear the parent-death signal");
		sync_send_error(a->sync_fd, &err);
		_exit(1);
	}
	sync_send(a->sync_fd, SYNC_READY, 0, NULL, -1);
	close(a->sync_fd);

	if ((start_fd = open_start_fifo(a, &err)) < 0)
		goto fail;
	if (hooks_run(&ctx->spec->hooks, OCI_HOOK_START_CONTAINER, state, &err) < 0)
		goto fail;
	/* only 0-2 and the --preserve-fds range reach the process (CVE-2024-21626); the start
	 * fifo closes at execve. Closed before the filter: a profile may deny close_range. */
	process_close_fds(ctx->preserve_fds, start_fd);
	if (init_finish(a, &err) < 0)
		goto fail;
	process_close_fds(ctx->preserve_fds, start_fd);
	if (slave > 2)
		close(slave);
	listen_fds_set_pid();
	execve(exec_path, p->args, p->env ? p->env : (char *[]){NULL});
	herr_sys(&err, "exec %s", exec_path);
fail:
	if (start_fd >= 0)
		write_all(start_fd, err.msg, strlen(err.msg));
	else
		dprintf(2, "hull: %s\n", err.msg);
	_exit(127);
}
