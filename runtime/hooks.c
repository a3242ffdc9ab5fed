/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks (config.md "POSIX-platform Hooks"): fork + execve(path, args, env) with the
 * container state JSON on stdin, stdout/stderr inherited, SIGKILL after `timeout` seconds.
 *
 * No SIGCHLD handler is used (the caller may own one): the child is watched through a pidfd,
 * and reaped with waitpid on its own pid. The state is written with a non-blocking pipe in
 * the same poll loop, so a hook that never reads stdin cannot block the runtime, and SIGPIPE
 * is blocked (then drained) around the writes so that a hook closing stdin early is harmless. */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/log.h"
#include "../common/util.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_from(unsigned first)
{
	if (close_range(first, ~0U, 0) == 0)
		return;
	/* kernels before 5.9: close what could plausibly be open */
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (long fd = first; fd < max; fd++)
		close((int)fd);
}

/* In the forked child: async-signal-safe calls only. Never returns. */
static __attribute__((noreturn)) void hook_child(int in_rd, int err_wr, const char *path, char *const argv[],
						 char *const envp[])
{
	int err;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* a runtime that ignores signals (SIGPIPE...) must not pass that on to hooks */
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &dfl, NULL);

	/* Move both pipe ends above 2 first, so that dup2 to 0 never clobbers the other one. */
	int in = fcntl(in_rd, F_DUPFD_CLOEXEC, 3);
	int ew = fcntl(err_wr, F_DUPFD_CLOEXEC, 3);
	if (in < 0 || ew < 0 || dup2(in, 0) < 0)
		goto fail;
	if (ew != 3 && dup3(ew, 3, O_CLOEXEC) < 0)
		goto fail;
	ew = 3;
	close_from(4); /* fd 3 is the O_CLOEXEC exec-error pipe */
	execve(path, argv, envp);
fail:
	err = errno;
	if (ew >= 0 && write(ew, &err, sizeof err) < 0) {
		/* nothing more to report */
	}
	_exit(127);
}

struct hook_proc {
	pid_t pid;
	int pidfd; /* -1: kernel without pidfd_open, poll waitpid instead */
};

/* Non-blocking "has it exited?" used when there is no pidfd. */
static bool exited_nohang(struct hook_proc *p, int *status)
{
	pid_t r;
	do
		r = waitpid(p->pid, status, WNOHANG);
	while (r < 0 && errno == EINTR);
	return r == p->pid || (r < 0 && errno == ECHILD);
}

static int reap(pid_t pid, int *status)
{
	pid_t r;
	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* Feed `state` to the hook's stdin and wait for it to exit or for the deadline (ms, -1 =
 * none). Returns 0 with *status filled, or -ETIMEDOUT (hook killed and reaped), or -errno. */
static int feed_and_wait(struct hook_proc *p, int wfd, const char *state, size_t len, int64_t deadline,
			 int *status)
{
	size_t off = 0;
	bool writing = len > 0, reaped = false;
	if (!writing)
		close(wfd);
	while (!reaped) {
		struct pollfd pf[2];
		nfds_t n = 0;
		if (p->pidfd >= 0)
			pf[n++] = (struct pollfd){.fd = p->pidfd, .events = POLLIN};
		if (writing)
			pf[n++] = (struct pollfd){.fd = wfd, .events = POLLOUT};
		int tmo = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				break;
			tmo = left > INT32_MAX ? INT32_MAX : (int)left;
		}
		if (p->pidfd < 0 && (tmo < 0 || tmo > 10))
			tmo = 10; /* no pidfd: check with WNOHANG every 10 ms */
		int r = poll(pf, n, tmo);
		if (r < 0 && errno != EINTR) {
			r = -errno;
			if (writing)
				close(wfd);
			kill(p->pid, SIGKILL);
			reap(p->pid, status);
			return r;
		}
		if (writing && pf[n - 1].revents) {
			ssize_t w = write(wfd, state + off, len - off);
			if (w > 0)
				off += (size_t)w;
			/* EPIPE (hook closed stdin) or done: either way, no more input for it */
			if (off == len || (w < 0 && errno != EAGAIN && errno != EINTR)) {
				close(wfd);
				writing = false;
			}
		}
		bool exited = p->pidfd >= 0 ? r > 0 && (pf[0].revents & POLLIN) : exited_nohang(p, status);
		if (exited && p->pidfd >= 0) {
			int rr = reap(p->pid, status);
			if (rr < 0) {
				if (writing)
					close(wfd);
				return rr;
			}
		}
		reaped = exited;
	}
	if (writing)
		close(wfd);
	if (reaped)
		return 0;
	kill(p->pid, SIGKILL);
	reap(p->pid, status);
	return -ETIMEDOUT;
}

/* Wait for the exec-error pipe: EOF means execve succeeded, 4 bytes are its errno. */
static int exec_result(int err_rd)
{
	int err = 0;
	ssize_t n = read_all(err_rd, &err, sizeof err);
	if (n == (ssize_t)sizeof err)
		return -(err > 0 ? err : EIO);
	return 0;
}

/* SIGPIPE blocked while writing; one we caused is drained before restoring the mask. */
struct sigpipe_guard {
	sigset_t old;
	bool was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_restore(struct sigpipe_guard *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1) {
		struct timespec zero = {0, 0};
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int hook_run_one(const struct oci_hook *hk, enum oci_hook_kind kind, size_t idx, const char *state,
			hull_err *e)
{
	char label[48];
	snprintf(label, sizeof label, "%s[%zu]", oci_hook_kind_name(kind), idx);
	if (!hk->path || hk->path[0] != '/')
		return herr_set(e, -EINVAL, "hook %s (%s): path must be absolute", hk->path ? hk->path : "(null)",
				label);

	/* argv/envp are built before fork: the child must not allocate. */
	char *default_argv[] = {hk->path, NULL};
	char *empty_env[] = {NULL};
	char *const *argv = hk->n_args > 0 && hk->args ? hk->args : default_argv;
	char *const *envp = hk->n_env > 0 && hk->env ? hk->env : empty_env;

	int in[2], ep[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return herr_sys(e, "hook %s (%s): pipe", hk->path, label);
	_cleanup_fd_ int in_rd = in[0];
	_cleanup_fd_ int in_wr = in[1];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return herr_sys(e, "hook %s (%s): pipe", hk->path, label);
	_cleanup_fd_ int err_rd = ep[0];
	_cleanup_fd_ int err_wr = ep[1];

	struct hook_proc p = {.pidfd = -1};
	p.pid = fork();
	if (p.pid < 0)
		return herr_sys(e, "hook %s (%s): fork", hk->path, label);
	if (p.pid == 0)
		hook_child(in_rd, err_wr, hk->path, argv, envp);
	close(steal_fd(&in_rd));
	close(steal_fd(&err_wr));

	int status = 0;
	int r = exec_result(err_rd);
	if (r < 0) {
		reap(p.pid, &status);
		return herr_errno(e, r, "hook %s (%s): exec", hk->path, label);
	}

	p.pidfd = (int)syscall(SYS_pidfd_open, p.pid, 0);
	_cleanup_fd_ int pidfd = p.pidfd;
	if (fcntl(in_wr, F_SETFL, O_NONBLOCK) < 0) {
		r = herr_sys(e, "hook %s (%s): pipe", hk->path, label);
		kill(p.pid, SIGKILL);
		reap(p.pid, &status);
		return r;
	}
	int64_t deadline = hk->has_timeout && hk->timeout > 0 ? now_ms() + (int64_t)hk->timeout * 1000 : -1;

	struct sigpipe_guard g;
	sigpipe_block(&g);
	r = feed_and_wait(&p, steal_fd(&in_wr), state, strlen(state), deadline, &status);
	sigpipe_restore(&g);

	if (r == -ETIMEDOUT)
		return herr_set(e, r, "hook %s (%s) timed out after %d s", hk->path, label, hk->timeout);
	if (r < 0)
		return herr_errno(e, r, "hook %s (%s): wait", hk->path, label);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return herr_set(e, -EIO, "hook %s (%s) exited with status %d", hk->path, label, WEXITSTATUS(status));
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));
		return herr_set(e, -EIO, "hook %s (%s) was killed by signal %d (SIG%s)", hk->path, label,
				WTERMSIG(status), abbrev ? abbrev : "?");
	}
	return 0;
}

int hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json, hull_err *e)
{
	if (!h)
		return 0;
	if ((unsigned)kind >= OCI_HOOK_KINDS)
		return herr_set(e, -EINVAL, "hooks: invalid hook kind %d", (int)kind);
	for (size_t i = 0; i < h->n[kind]; i++) {
		int r = hook_run_one(&h->list[kind][i], kind, i, state_json ? state_json : "", e);
		if (r < 0)
			return r;
	}
	return 0;
}

void hooks_run_poststop(const struct oci_hooks *h, const char *state_json)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n[OCI_HOOK_POSTSTOP]; i++) {
		hull_err e = {0};
		if (hook_run_one(&h->list[OCI_HOOK_POSTSTOP][i], OCI_HOOK_POSTSTOP, i, state_json ? state_json : "", &e) < 0)
			hull_warn("%s", e.msg);
	}
}
