// SPDX-License-Identifier: Apache-2.0
// oci-console: a --console-socket receiver for tests (it runs on the host, not in a container).
// It listens on a unix socket, takes the pty master that the runtime sends with SCM_RIGHTS on
// the first connection, and copies everything the container writes to its terminal into a file
// until the container closes the terminal (EIO/EOF) or the timeout passes.
//
//   oci-console SOCKET OUTFILE [TIMEOUT_SECONDS]      (default timeout: 30)
//
// The socket exists once the program is ready to accept. Exit status 0 when a pty was received.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "oci-console: %s: %s\n", what, strerror(errno));
	return 1;
}

// receive one fd passed with SCM_RIGHTS; -1 on failure
static int recv_fd(int sock)
{
	char data[256];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
			return fd;
		}
	}
	errno = EPROTO;
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: oci-console SOCKET OUTFILE [TIMEOUT_SECONDS]\n");
		return 2;
	}
	alarm(argc > 3 ? (unsigned)atoi(argv[3]) : 30);
	int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return die(argv[2]);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(argv[1]) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return die(argv[1]);
	}
	strcpy(addr.sun_path, argv[1]);
	// bind under a temporary name and rename: the socket path appears only once we listen
	char tmp[sizeof addr.sun_path + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	struct sockaddr_un taddr = {.sun_family = AF_UNIX};
	if (strlen(tmp) >= sizeof taddr.sun_path) {
		errno = ENAMETOOLONG;
		return die(tmp);
	}
	strcpy(taddr.sun_path, tmp);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		return die("socket");
	unlink(tmp);
	if (bind(ls, (struct sockaddr *)&taddr, sizeof taddr) < 0)
		return die("bind");
	if (listen(ls, 1) < 0)
		return die("listen");
	if (rename(tmp, argv[1]) < 0)
		return die("rename");
	int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return die("accept");
	int master = recv_fd(conn);
	if (master < 0)
		return die("recvmsg");
	close(conn);
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) // EIO: every slave fd is closed (the container exited)
			break;
		if (write(out, buf, (size_t)n) != n)
			return die("write");
	}
	return 0;
}
