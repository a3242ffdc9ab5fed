// SPDX-License-Identifier: Apache-2.0
// seccomp-agent: a minimal linux.seccomp.listenerPath agent for the security tests. It runs on
// the host, listens on a unix socket, receives from the runtime the "container process state"
// JSON with the seccomp notify fd (SCM_RIGHTS), and answers every notification itself.
//
//   seccomp-agent SOCKET OUTDIR REPLY [SECS]
//     REPLY   errno:N   the syscall fails with errno N
//             success   the syscall "succeeds" (returns 0) without being done
//             continue  the kernel runs the syscall (SECCOMP_USER_NOTIF_FLAG_CONTINUE)
//     OUTDIR  gets: ready (once listening), state.json (what came with the fd), fd (what the
//             received fd is: "seccomp-notify" when the kernel accepts it as a listener),
//             log (one "nr=N pid=P" line per notification), done (at exit)
//     SECS    give up after this many seconds without the container (default 60)
// One connection is served; the agent exits when the filter's last user is gone.
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char outdir[4096];

static void put(const char *name, const char *data, size_t len, int append)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
	if (fd < 0)
		return;
	if (write(fd, data, len) < 0)
		perror("write");
	close(fd);
}

static void puts_file(const char *name, const char *s, int append)
{
	put(name, s, strlen(s), append);
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path) {
		fprintf(stderr, "seccomp-agent: socket path too long\n");
		return -1;
	}
	strcpy(a.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4) < 0) {
		perror("seccomp-agent: listen");
		return -1;
	}
	return s;
}

// Read the whole message stream; the first fd passed with SCM_RIGHTS is returned.
static int receive(int c, char *buf, size_t cap, size_t *len)
{
	int fd = -1;
	*len = 0;
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = {.iov_base = buf + *len, .iov_len = cap - 1 - *len};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
		ssize_t n = recvmsg(c, &m, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
			if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS && fd < 0)
				memcpy(&fd, CMSG_DATA(h), sizeof fd);
		}
		*len += (size_t)n;
		if (*len >= cap - 1)
			break;
	}
	buf[*len] = 0;
	return fd;
}

static int serve(int nfd, const char *reply)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	for (;;) {
		struct pollfd p = {.fd = nfd, .events = POLLIN};
		int r = poll(&p, 1, 60000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 1;
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			return 0; // no task uses the filter any more
		memset(&req, 0, sizeof req);
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			perror("seccomp-agent: NOTIF_RECV");
			return 1;
		}
		char line[128];
		snprintf(line, sizeof line, "nr=%d pid=%u\n", req.data.nr, req.pid);
		puts_file("log", line, 1);
		memset(&resp, 0, sizeof resp);
		resp.id = req.id;
		if (strncmp(reply, "errno:", 6) == 0)
			resp.error = -atoi(reply + 6);
		else if (strcmp(reply, "continue") == 0)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		// "success": val 0, error 0
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			perror("seccomp-agent: NOTIF_SEND");
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: seccomp-agent SOCKET OUTDIR errno:N|success|continue [SECS]\n");
		return 2;
	}
	snprintf(outdir, sizeof outdir, "%s", argv[2]);
	int secs = argc > 4 ? atoi(argv[4]) : 60;
	int s = listen_on(argv[1]);
	if (s < 0)
		return 1;
	puts_file("ready", "1\n", 0);
	struct pollfd p = {.fd = s, .events = POLLIN};
	if (poll(&p, 1, secs * 1000) <= 0) {
		puts_file("done", "timeout\n", 0);
		return 1;
	}
	int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0) {
		perror("seccomp-agent: accept");
		return 1;
	}
	static char buf[1 << 16];
	size_t len;
	int nfd = receive(c, buf, sizeof buf, &len);
	close(c);
	put("state.json", buf, len, 0);
	if (nfd < 0) {
		puts_file("fd", "none\n", 0);
		puts_file("done", "no-fd\n", 0);
		return 1;
	}
	// a seccomp listener answers NOTIF_ID_VALID for an unknown id with ENOENT; any other
	// kind of fd with ENOTTY/EINVAL
	unsigned long long bogus = 0;
	int v = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &bogus);
	puts_file("fd", v < 0 && errno == ENOENT ? "seccomp-notify\n" : "not-a-listener\n", 0);
	int rc = serve(nfd, argv[3]);
	puts_file("done", rc == 0 ? "hangup\n" : "error\n", 0);
	return rc;
}
