// SPDX-License-Identifier: Apache-2.0
// floor: the physical floor of a container start on this machine, for bench/run. It does only
// what every runtime must do for `run` of /bin/true: clone into new mount, pid, ipc, uts (and
// network, unless -N) namespaces, make the mounts private, bind the rootfs onto itself,
// pivot_root into it, exec /bin/true, and wait. No config parsing, no cgroup, no /proc or /dev
// mounts, no capabilities or seccomp, no state: a runtime can approach this, never beat it.
//
//   floor [-N] ROOTFS        exit status: the container's
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *rootfs;

static int die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	return 127;
}

static int child(void *arg)
{
	(void)arg;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return die("make / private");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return die("bind rootfs");
	if (chdir(rootfs) < 0)
		return die("chdir rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return die("detach old root");
	if (chdir("/") < 0)
		return die("chdir /");
	char *argv[] = {"/bin/true", NULL};
	char *envp[] = {"PATH=/bin", NULL};
	execve(argv[0], argv, envp);
	return die("exec /bin/true");
}

int main(int argc, char **argv)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET;
	int i = 1;
	if (i < argc && strcmp(argv[i], "-N") == 0) {
		flags &= ~CLONE_NEWNET;
		i++;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: floor [-N] ROOTFS\n");
		return 2;
	}
	rootfs = argv[i];
	size_t stack_size = 64 * 1024;
	char *stack = malloc(stack_size);
	if (!stack)
		return die("malloc");
	pid_t pid = clone(child, stack + stack_size, flags | SIGCHLD, NULL);
	if (pid < 0)
		return die("clone");
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
