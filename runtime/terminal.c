/* SPDX-License-Identifier: Apache-2.0 */
/* Terminals for process.terminal:
 *  - a pty pair from a ptmx device; the slave is obtained with TIOCGPTPEER, never by path, so
 *    a /dev/pts/N path swapped under us cannot hand out someone else's terminal;
 *  - the slave becomes the container process's controlling tty and stdio;
 *  - the master goes to --console-socket (one sendmsg: the name as data, SCM_RIGHTS with
 *    exactly one fd, as conmon and containerd expect), or is relayed by `hull run`. */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/util.h"

static int open_ptmx(int dirfd, const char *path)
{
	if (dirfd == AT_FDCWD)
		return open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct open_how how = {
		.flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int terminal_open_pty_at(int dirfd, const char *ptmx_path, int *master, int *slave, char *name, size_t name_len,
			 unsigned rows, unsigned cols, hull_err *e)
{
	_cleanup_fd_ int m = open_ptmx(dirfd, ptmx_path);
	if (m < 0)
		return herr_sys(e, "open %s", ptmx_path);

	int unlock = 0;
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return herr_sys(e, "unlock pty (%s)", ptmx_path);
	unsigned n;
	if (ioctl(m, TIOCGPTN, &n) < 0)
		return herr_sys(e, "get pty number (%s)", ptmx_path);
	int len = snprintf(name, name_len, "/dev/pts/%u", n);
	if (len < 0 || (size_t)len >= name_len)
		return herr_set(e, -ENAMETOOLONG, "pty name /dev/pts/%u does not fit in %zu bytes", n, name_len);

	if (rows > 0 || cols > 0) {
		struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
		if (ioctl(m, TIOCSWINSZ, &ws) < 0)
			return herr_sys(e, "set the size of %s to %ux%u", name, rows, cols);
	}

	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return herr_sys(e, "open the slave of %s", name);
	*slave = s;
	*master = steal_fd(&m);
	return 0;
}

int terminal_open_pty(int *master, int *slave, char *name, size_t name_len, unsigned rows, unsigned cols,
		      hull_err *e)
{
	return terminal_open_pty_at(AT_FDCWD, "/dev/ptmx", master, slave, name, name_len, rows, cols, e);
}

int terminal_setup_slave(int slave, hull_err *e)
{
	/* Already a session leader (e.g. set up by the caller) is fine; anything else is not. */
	if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
		return herr_sys(e, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return herr_sys(e, "make the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++) {
		/* dup2 onto itself keeps O_CLOEXEC: clear it instead */
		if (fd == slave ? fcntl(fd, F_SETFD, 0) < 0 : dup2(slave, fd) < 0)
			return herr_sys(e, "make the pty fd %d", fd);
	}
	return 0;
}

/* Fill a sockaddr_un for `path`; a path longer than sun_path goes through an O_PATH fd of
 * its directory (/proc/self/fd/N/name), which *dirfd then keeps alive until connect. */
static int socket_addr(const char *path, struct sockaddr_un *sa, int *dirfd, hull_err *e)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) < sizeof sa->sun_path) {
		memcpy(sa->sun_path, path, strlen(path) + 1);
		return 0;
	}
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return herr_set(e, -ENAMETOOLONG, "console socket path %s is too long", path);
	_cleanup_free_ char *dir = slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return herr_sys(e, "open %s", dir);
	int n = snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s", *dirfd, slash + 1);
	if (n < 0 || (size_t)n >= sizeof sa->sun_path)
		return herr_set(e, -ENAMETOOLONG, "console socket path %s is too long", path);
	return 0;
}

int terminal_send_master(const char *socket_path, int master, const char *name, hull_err *e)
{
	struct sockaddr_un sa;
	_cleanup_fd_ int dirfd = -1;
	int r = socket_addr(socket_path, &sa, &dirfd, e);
	if (r < 0)
		return r;
	_cleanup_fd_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return herr_sys(e, "console socket: socket");
	while ((r = connect(fd, (struct sockaddr *)&sa, sizeof sa)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return herr_sys(e, "connect to console socket %s", socket_path);

	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof cbuf);
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name) + 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof master);

	ssize_t n;
	while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return herr_sys(e, "send the pty master to console socket %s", socket_path);
	if ((size_t)n != iov.iov_len)
		return herr_set(e, -EIO, "send the pty master to console socket %s: short write", socket_path);
	return 0;
}

/* ---------------------------------------------------------------- relay */

static void copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(to, TIOCSWINSZ, &ws);
}

struct relay {
	int master;
	int sigfd;
	bool stdin_open;
	char in[4096]; /* stdin bytes not yet accepted by the master */
	size_t in_off, in_len;
};

/* master -> stdout. Returns 1 to go on, 0 when the slave side is gone, -errno on error. */
static int relay_from_master(struct relay *r)
{
	char buf[8192];
	ssize_t n = read(r->master, buf, sizeof buf);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 1;
		return errno == EIO ? 0 : -errno; /* EIO: every slave fd is closed */
	}
	if (n == 0)
		return 0;
	ssize_t w = write_all(STDOUT_FILENO, buf, (size_t)n);
	return w < 0 ? (int)w : 1;
}

static int relay_from_stdin(struct relay *r)
{
	ssize_t n = read(STDIN_FILENO, r->in, sizeof r->in);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : -errno;
	if (n == 0) {
		/* like runc: stdin EOF ends the copy in that direction only */
		r->stdin_open = false;
		return 1;
	}
	r->in_off = 0;
	r->in_len = (size_t)n;
	return 1;
}

static int relay_to_master(struct relay *r)
{
	ssize_t n = write(r->master, r->in + r->in_off, r->in_len - r->in_off);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 1 : errno == EIO ? 0 : -errno;
	r->in_off += (size_t)n;
	if (r->in_off == r->in_len)
		r->in_off = r->in_len = 0;
	return 1;
}

static void relay_winch(struct relay *r)
{
	struct signalfd_siginfo si;
	while (read(r->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
		;
	copy_winsize(STDIN_FILENO, r->master);
}

static int relay_loop(struct relay *r)
{
	for (;;) {
		struct pollfd pf[3] = {
			{.fd = r->master, .events = POLLIN | (r->in_len ? POLLOUT : 0)},
			{.fd = r->stdin_open && !r->in_len ? STDIN_FILENO : -1, .events = POLLIN},
			{.fd = r->sigfd, .events = POLLIN},
		};
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int rc = 1;
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			rc = relay_from_master(r);
			/* POLLHUP with nothing left to read also means the slave is gone */
			if (rc == 1 && (pf[0].revents & POLLHUP) && !(pf[0].revents & POLLIN))
				rc = 0;
		}
		if (rc == 1 && (pf[0].revents & POLLOUT))
			rc = relay_to_master(r);
		if (rc == 1 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
			rc = relay_from_stdin(r);
		if (rc <= 0)
			return rc;
		if (pf[2].revents & POLLIN)
			relay_winch(r);
	}
}

int terminal_relay(int master, hull_err *e)
{
	struct relay r = {.master = master, .sigfd = -1, .stdin_open = true};
	bool tty = isatty(STDIN_FILENO);
	struct termios saved;
	if (tty) {
		if (tcgetattr(STDIN_FILENO, &saved) < 0)
			return herr_sys(e, "terminal: tcgetattr");
		struct termios raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
			return herr_sys(e, "terminal: set raw mode");
	}

	/* SIGWINCH through a signalfd: blocked in this thread for the duration */
	sigset_t winch, oldmask;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &winch, &oldmask);
	int rc = 0;
	r.sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r.sigfd < 0)
		rc = herr_sys(e, "terminal: signalfd");

	int flags = fcntl(master, F_GETFL);
	if (rc == 0 && (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0))
		rc = herr_sys(e, "terminal: make the pty master non-blocking");

	if (rc == 0) {
		if (tty)
			copy_winsize(STDIN_FILENO, master);
		rc = relay_loop(&r);
		if (rc < 0)
			herr_errno(e, rc, "terminal: relay");
		else
			rc = 0;
		fcntl(master, F_SETFL, flags);
	}

	if (r.sigfd >= 0)
		close(r.sigfd);
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return rc;
}
