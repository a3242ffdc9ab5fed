/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/terminal.c: real ptys from /dev/ptmx, a real console socket, a relay driven
 * through a second pty that plays the user's terminal. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/terminal.h"

TestSuite(terminal, .timeout = 30);

static void open_pty(int *m, int *s, char *name)
{
	hull_err e = {0};
	int r = terminal_open_pty(m, s, name, 64, 0, 0, &e);
	if (r == -ENOENT || r == -ENODEV)
		cr_skip_test("no /dev/ptmx: %s", e.msg);
	cr_assert_eq(r, 0, "%s", e.msg);
}

/* Read exactly `want` bytes (or fail after 2 s). */
static void read_exact(int fd, char *buf, size_t want)
{
	size_t got = 0;
	while (got < want) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		cr_assert_gt(poll(&p, 1, 2000), 0, "timed out after %zu of %zu bytes", got, want);
		ssize_t n = read(fd, buf + got, want - got);
		cr_assert_gt(n, 0, "read: %s", n < 0 ? strerror(errno) : "EOF");
		got += (size_t)n;
	}
	buf[got] = '\0';
}

static void make_raw(int fd)
{
	struct termios t;
	cr_assert_eq(tcgetattr(fd, &t), 0);
	cfmakeraw(&t);
	cr_assert_eq(tcsetattr(fd, TCSANOW, &t), 0);
}

Test(terminal, open_pty_gives_a_connected_pair)
{
	int m, s;
	char name[64];
	open_pty(&m, &s, name);
	unsigned n;
	cr_assert_eq(sscanf(name, "/dev/pts/%u", &n), 1, "name %s", name);
	/* the name is the slave's device node */
	struct stat st_name, st_slave;
	cr_assert_eq(stat(name, &st_name), 0, "%s: %s", name, strerror(errno));
	cr_assert_eq(fstat(s, &st_slave), 0);
	cr_assert_eq(st_name.st_rdev, st_slave.st_rdev);
	cr_assert(fcntl(m, F_GETFD) & FD_CLOEXEC);
	cr_assert(fcntl(s, F_GETFD) & FD_CLOEXEC);
	cr_assert(isatty(s));
	/* data flows master -> slave */
	make_raw(s);
	cr_assert_eq(write(m, "hi", 2), 2);
	char buf[8];
	read_exact(s, buf, 2);
	cr_assert_str_eq(buf, "hi");
	close(m);
	close(s);
}

Test(terminal, open_pty_sets_window_size)
{
	int m, s;
	char name[64];
	hull_err e = {0};
	cr_assert_eq(terminal_open_pty(&m, &s, name, sizeof name, 33, 120, &e), 0, "%s", e.msg);
	struct winsize ws;
	cr_assert_eq(ioctl(s, TIOCGWINSZ, &ws), 0);
	cr_assert_eq(ws.ws_row, 33);
	cr_assert_eq(ws.ws_col, 120);
	close(m);
	close(s);
}

Test(terminal, open_pty_at_resolves_inside_the_root)
{
	_cleanup_fd_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int m, s;
	char name[64];
	hull_err e = {0};
	cr_assert_eq(terminal_open_pty_at(root, "dev/ptmx", &m, &s, name, sizeof name, 0, 0, &e), 0, "%s", e.msg);
	cr_assert(isatty(s));
	close(m);
	close(s);

	/* a root without dev/ptmx: ENOENT, even though the host has /dev/ptmx */
	char dir[] = "/tmp/hull-pty-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	_cleanup_fd_ int fake = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = terminal_open_pty_at(fake, "/dev/ptmx", &m, &s, name, sizeof name, 0, 0, &e);
	rmdir(dir);
	cr_assert_eq(r, -ENOENT, "r=%d %s", r, e.msg);
	cr_assert(strstr(e.msg, "/dev/ptmx"), "%s", e.msg);
}

Test(terminal, name_buffer_too_small)
{
	int m = -1, s = -1;
	char name[8];
	hull_err e = {0};
	cr_assert_eq(terminal_open_pty(&m, &s, name, sizeof name, 0, 0, &e), -ENAMETOOLONG);
	cr_assert_eq(m, -1);
	cr_assert_eq(s, -1);
}

static void receive_master(int lfd, int *fd_out, char *data, size_t data_len, int *n_fds)
{
	_cleanup_fd_ int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_geq(c, 0);
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = {.iov_base = data, .iov_len = data_len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
	cr_assert_gt(n, 0);
	cr_assert_eq(data[n - 1], '\0', "data is not NUL-terminated");
	*n_fds = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		cr_assert_eq(cm->cmsg_level, SOL_SOCKET);
		cr_assert_eq(cm->cmsg_type, SCM_RIGHTS);
		*n_fds += (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fd_out, CMSG_DATA(cm), sizeof(int));
	}
	/* exactly one message: the sender closed after it */
	char extra;
	cr_assert_eq(recv(c, &extra, 1, 0), 0);
}

static void check_console_socket(const char *sock_path)
{
	int m, s;
	char name[64];
	open_pty(&m, &s, name);
	make_raw(s);

	_cleanup_fd_ int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	/* bind through the directory so that long paths work in the test too */
	const char *slash = strrchr(sock_path, '/');
	_cleanup_free_ char *dir = xasprintf("%.*s", (int)(slash - sock_path), sock_path);
	_cleanup_fd_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dfd, slash + 1);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0, "bind: %s", strerror(errno));
	cr_assert_eq(listen(lfd, 1), 0);

	hull_err e = {0};
	cr_assert_eq(terminal_send_master(sock_path, m, name, &e), 0, "%s", e.msg);

	char data[4096];
	int got = -1, n_fds;
	receive_master(lfd, &got, data, sizeof data, &n_fds);
	cr_assert_str_eq(data, name);
	cr_assert_eq(n_fds, 1);
	/* the received fd is the master of our pair */
	cr_assert_eq(write(s, "abc", 3), 3);
	char buf[8];
	read_exact(got, buf, 3);
	cr_assert_str_eq(buf, "abc");
	cr_assert_eq(write(got, "xyz", 3), 3);
	read_exact(s, buf, 3);
	cr_assert_str_eq(buf, "xyz");
	close(got);
	close(m);
	close(s);
	unlink(sock_path);
}

Test(terminal, send_master_over_console_socket)
{
	char dir[] = "/tmp/hull-cs-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	_cleanup_free_ char *path = xasprintf("%s/pty.sock", dir);
	check_console_socket(path);
	rmdir(dir);
}

Test(terminal, send_master_long_socket_path)
{
	char dir[] = "/tmp/hull-cs-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char sub[200];
	snprintf(sub, sizeof sub, "%s/%0150d", dir, 0);
	cr_assert_eq(mkdir(sub, 0700), 0);
	_cleanup_free_ char *path = xasprintf("%s/console.sock", sub);
	cr_assert_gt(strlen(path), sizeof(((struct sockaddr_un *)0)->sun_path));
	check_console_socket(path);
	rmdir(sub);
	rmdir(dir);
}

Test(terminal, send_master_without_listener_names_the_socket)
{
	int m, s;
	char name[64];
	open_pty(&m, &s, name);
	hull_err e = {0};
	int r = terminal_send_master("/tmp/hull-no-such-dir/pty.sock", m, name, &e);
	cr_assert_eq(r, -ENOENT);
	cr_assert(strstr(e.msg, "/tmp/hull-no-such-dir/pty.sock"), "%s", e.msg);
	close(m);
	close(s);
}

Test(terminal, setup_slave_makes_controlling_tty_and_stdio)
{
	int m, s;
	char name[64];
	open_pty(&m, &s, name);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		hull_err e = {0};
		if (terminal_setup_slave(s, &e) < 0)
			_exit(10);
		if (getsid(0) != getpid())
			_exit(11);
		for (int fd = 0; fd <= 2; fd++) {
			const char *tn = ttyname(fd);
			if (!tn || strcmp(tn, name) != 0)
				_exit(12 + fd);
			if (fcntl(fd, F_GETFD) & FD_CLOEXEC)
				_exit(15);
		}
		/* controlling terminal: /dev/tty opens, and we are its foreground group */
		int t = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (t < 0 || tcgetpgrp(t) != getpgrp())
			_exit(16);
		_exit(0);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0, "child step %d failed", WEXITSTATUS(st));
	close(m);
	close(s);
}

Test(terminal, setup_slave_on_fd_0)
{
	int m, s;
	char name[64];
	open_pty(&m, &s, name);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* the slave already is fd 0 (and O_CLOEXEC): it must survive exec */
		if (dup3(s, 0, O_CLOEXEC) < 0)
			_exit(9);
		hull_err e = {0};
		if (terminal_setup_slave(0, &e) < 0)
			_exit(10);
		_exit(fcntl(0, F_GETFD) & FD_CLOEXEC ? 11 : 0);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 0, "child step %d failed", WEXITSTATUS(st));
	close(m);
	close(s);
}

static bool wait_until_winsize(int fd, unsigned short rows, unsigned short cols)
{
	for (int i = 0; i < 200; i++) {
		struct winsize ws;
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row == rows && ws.ws_col == cols)
			return true;
		usleep(10000);
	}
	return false;
}

static bool wait_until_canonical(int fd, bool canonical)
{
	for (int i = 0; i < 200; i++) {
		struct termios t;
		if (tcgetattr(fd, &t) == 0 && !!(t.c_lflag & ICANON) == canonical)
			return true;
		usleep(10000);
	}
	return false;
}

/* The user's terminal is a second pty (um/us): the relay runs in a child whose stdin and stdout
 * are `us`, and relays to the container pty (cm/cs). */
Test(terminal, relay_copies_both_ways_forwards_size_and_restores_tty)
{
	int cm, cs, um, us;
	char cname[64], uname[64];
	open_pty(&cm, &cs, cname);
	open_pty(&um, &us, uname);
	make_raw(cs);
	struct winsize ws = {.ws_row = 30, .ws_col = 100};
	cr_assert_eq(ioctl(us, TIOCSWINSZ, &ws), 0);
	cr_assert(wait_until_canonical(us, true));

	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (dup2(us, 0) < 0 || dup2(us, 1) < 0)
			_exit(20);
		close(cs); /* only the parent holds the container side's slave */
		close(um);
		hull_err e = {0};
		int r = terminal_relay(cm, &e);
		if (r < 0)
			fprintf(stderr, "relay: %s\n", e.msg);
		_exit(r == 0 ? 0 : 21);
	}
	close(cm);

	/* raw mode on the user's tty, and its size copied to the container's pty */
	cr_assert(wait_until_canonical(us, false), "user tty was not put in raw mode");
	cr_assert(wait_until_winsize(cs, 30, 100), "initial window size not forwarded");

	/* typing reaches the container */
	cr_assert_eq(write(um, "ping", 4), 4);
	char buf[64];
	read_exact(cs, buf, 4);
	cr_assert_str_eq(buf, "ping");

	/* container output reaches the user */
	cr_assert_eq(write(cs, "pong\n", 5), 5);
	read_exact(um, buf, 5);
	cr_assert_str_eq(buf, "pong\n");

	/* resize + SIGWINCH */
	ws = (struct winsize){.ws_row = 40, .ws_col = 132};
	cr_assert_eq(ioctl(us, TIOCSWINSZ, &ws), 0);
	cr_assert_eq(kill(pid, SIGWINCH), 0);
	cr_assert(wait_until_winsize(cs, 40, 132), "resize not forwarded");

	/* the container side hangs up: the relay returns 0 and restores the tty */
	close(cs);
	int st;
	for (int i = 0; i < 200 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(10000);
	if (kill(pid, 0) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		cr_assert_fail("relay did not return after the slave closed");
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "relay child status %#x", st);
	cr_assert(wait_until_canonical(us, true), "user tty not restored");
	close(um);
	close(us);
}

Test(terminal, relay_with_pipes_and_stdin_eof)
{
	int cm, cs;
	char cname[64];
	open_pty(&cm, &cs, cname);
	make_raw(cs);
	int in[2], out[2];
	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(20);
		close(cs);
		close(in[1]);
		close(out[0]);
		hull_err e = {0};
		_exit(terminal_relay(cm, &e) == 0 ? 0 : 21);
	}
	close(cm);
	close(in[0]);
	close(out[1]);
	cr_assert_eq(write(in[1], "data", 4), 4);
	close(in[1]); /* EOF on the relay's stdin must not end the relay */
	char buf[16];
	read_exact(cs, buf, 4);
	cr_assert_str_eq(buf, "data");
	cr_assert_eq(write(cs, "back", 4), 4);
	read_exact(out[0], buf, 4);
	cr_assert_str_eq(buf, "back");
	close(cs);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "relay child status %#x", st);
	close(out[0]);
}
