// SPDX-License-Identifier: Apache-2.0
// measure: run one command and report its wall time and peak RSS, for bench/run.
//
//   measure -o FILE [-t SECONDS] CMD [ARG...]
//
// Appends "<wall_us> <maxrss_kb> <status>" to FILE (one line per call). The wall time is
// CLOCK_MONOTONIC around fork+exec+wait of CMD only (not of this program or of the shell that
// started it). maxrss is getrusage(RUSAGE_CHILDREN).ru_maxrss after the wait: the largest peak
// RSS among CMD and the descendants it waited for (a runtime's helper processes), never the
// container process that CMD leaves running. status is the exit status, or 128+signal.
// CMD's stdin, stdout and stderr are inherited: the caller redirects them. With -t, CMD is
// SIGKILLed after SECONDS (a hung runtime must not hang the benchmark); status is then 137.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child_pid;

static void on_alarm(int sig)
{
	(void)sig;
	kill(child_pid, SIGKILL);
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: measure -o FILE [-t SECONDS] CMD [ARG...]\n");
		return 2;
	}
	int cmd = 3;
	unsigned timeout = 0;
	if (argc > 5 && strcmp(argv[3], "-t") == 0) {
		timeout = (unsigned)atoi(argv[4]);
		cmd = 5;
	}
	FILE *out = fopen(argv[2], "ae");
	if (!out) {
		perror(argv[2]);
		return 2;
	}
	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[cmd], argv + cmd);
		fprintf(stderr, "measure: exec %s: %s\n", argv[cmd], strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	if (timeout) {
		signal(SIGALRM, on_alarm);
		alarm(timeout);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			return 2;
		}
	long long wall = now_us() - t0;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(out, "%lld %ld %d\n", wall, ru.ru_maxrss, status);
	fclose(out);
	return status;
}
