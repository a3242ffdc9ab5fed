// SPDX-License-Identifier: Apache-2.0
// hull-recvtty: a recvtty-like --console-socket receiver for the integration tests (it runs on
// the host). It listens on a unix socket, accepts the runtime's connection, receives the pty
// master (SCM_RIGHTS) together with the name sent as the message data, optionally writes INPUT
// to the terminal, and copies everything the container writes into OUTFILE until the container
// closes its side (EIO/EOF) or the timeout passes. Then it prints what it saw, so a test can
// check that exactly one message with exactly one pty master was sent:
//
//   hull-recvtty SOCKET OUTFILE [TIMEOUT_SECONDS [INPUT]]     (default timeout: 30)
//
//   name=<the data of the message>   fds=<fds in the first message>
//   ptmx=yes|no (the fd is a pty master: TIOCGPTN works)   pts=/dev/pts/<N>
//   extra_messages=<more messages on that connection>   connections=<connections accepted>
//
// SOCKET appears only once the program listens (bound under SOCKET.tmp, then renamed), so a
// test waits for it to exist before starting the runtime. Exit status 0 when a pty was received.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "hull-recvtty: %s: %s\n", what, strerror(errno));
	return 1;
}

// One recvmsg: the data goes to name (NUL-terminated), the first passed fd to *fd and the
// number of passed fds to *nfds. Returns the byte count, 0 at EOF, -1 on error.
static ssize_t recv_msg(int sock, char *name, size_t namelen, int *fd, int *nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = name, .iov_len = namelen - 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	name[n] = '\0';
	*fd = -1;
	*nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < count; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof f);
			if (*fd < 0)
				*fd = f;
			else
				close(f);
		}
		*nfds += count;
	}
	// a message with fds and no data still counts as a message
	return n == 0 && *nfds > 0 ? 1 : n;
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX}, taddr = {.sun_family = AF_UNIX};
	char tmp[sizeof addr.sun_path + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (strlen(path) >= sizeof addr.sun_path || strlen(tmp) >= sizeof taddr.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	strcpy(taddr.sun_path, tmp);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		return -1;
	unlink(tmp);
	if (bind(ls, (struct sockaddr *)&taddr, sizeof taddr) < 0 || listen(ls, 4) < 0 || rename(tmp, path) < 0)
		return -1;
	return ls;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: hull-recvtty SOCKET OUTFILE [TIMEOUT_SECONDS [INPUT]]\n");
		return 2;
	}
	alarm(argc > 3 ? (unsigned)atoi(argv[3]) : 30);
	const char *input = argc > 4 ? argv[4] : NULL;
	int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return die(argv[2]);
	int ls = listen_on(argv[1]);
	if (ls < 0)
		return die(argv[1]);
	int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	int connections = 1;
	char name[4096];
	int master = -1, nfds = 0;
	if (recv_msg(conn, name, sizeof name, &master, &nfds) <= 0 || master < 0) {
		fprintf(stderr, "hull-recvtty: the first message carried no fd\n");
		return 1;
	}
	// the runtime closes its end after the one message: anything else is an extra message
	int extra = 0;
	for (;;) {
		struct pollfd p = {.fd = conn, .events = POLLIN};
		if (poll(&p, 1, 3000) <= 0)
			break;
		char junk[4096];
		int f, n;
		ssize_t r = recv_msg(conn, junk, sizeof junk, &f, &n);
		if (r <= 0)
			break;
		extra++;
		if (f >= 0)
			close(f);
	}
	close(conn);

	unsigned int ptn = 0;
	int is_master = ioctl(master, TIOCGPTN, &ptn) == 0;
	if (input && write(master, input, strlen(input)) < 0)
		return die("write the input to the pty");
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) // EIO: every slave fd is closed (the process exited)
			break;
		if (write(out, buf, (size_t)n) != n)
			return die("write");
	}
	// a second connection would be a second message too
	int fl = fcntl(ls, F_GETFL);
	if (fl >= 0 && fcntl(ls, F_SETFL, fl | O_NONBLOCK) == 0) {
		int c;
		while ((c = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
			connections++;
			close(c);
		}
	}
	printf("name=%s\nfds=%d\nptmx=%s\npts=/dev/pts/%u\nextra_messages=%d\nconnections=%d\n", name, nfds,
	       is_master ? "yes" : "no", ptn, extra, connections);
	return 0;
}
