// SPDX-License-Identifier: Apache-2.0
// sd-probe: a static program the sd_notify / socket-activation tests (t_notify.sh) run inside
// containers, standing in for a systemd-aware service (busybox has no unix datagram client).
//
//   sd-probe notify MSG...     send each MSG as one datagram to $NOTIFY_SOCKET (sd_notify(3));
//                              prints sent=ok or sent=<errno name> per MSG
//   sd-probe notify-fd MSG     send MSG with an fd (this program's stdin) attached (FDSTORE=1)
//   sd-probe listen TEXT       socket activation (sd_listen_fds(3)): check LISTEN_PID is our
//                              pid and LISTEN_FDS >= 1, accept one connection on fd 3, write
//                              TEXT and a newline to it. Prints listen_fds=, listen_pid=, pid=.
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EROFS: return "EROFS";
	default: return strerror(e);
	}
}

static int notify_addr(struct sockaddr_un *a, socklen_t *len)
{
	const char *s = getenv("NOTIFY_SOCKET");
	if (!s || !*s || strlen(s) >= sizeof a->sun_path) {
		printf("sent=no-NOTIFY_SOCKET\n");
		return -1;
	}
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, s);
	if (s[0] == '@')
		a->sun_path[0] = 0;
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(s) + (s[0] == '@' ? 0 : 1));
	return 0;
}

static int send_msg(const char *msg, int fd)
{
	struct sockaddr_un a;
	socklen_t alen;
	if (notify_addr(&a, &alen) < 0)
		return 1;
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = strlen(msg)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh = {.msg_name = &a, .msg_namelen = alen, .msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&cm, 0, sizeof cm);
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof cm.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	int r = s < 0 ? -1 : (int)sendmsg(s, &mh, MSG_NOSIGNAL);
	printf("sent=%s\n", r < 0 ? errname(errno) : "ok");
	fflush(stdout);
	if (s >= 0)
		close(s);
	return r < 0;
}

static int listen_one(const char *text)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	printf("listen_fds=%s\nlisten_pid=%s\npid=%d\n", fds ? fds : "", pid ? pid : "", (int)getpid());
	fflush(stdout);
	if (!fds || atoi(fds) < 1 || !pid || atoi(pid) != (int)getpid())
		return 1;
	int c = accept(3, NULL, NULL);
	if (c < 0) {
		printf("accept=%s\n", errname(errno));
		return 1;
	}
	dprintf(c, "%s\n", text);
	close(c);
	printf("accept=ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "notify")) {
		int rc = 0;
		for (int i = 2; i < argc; i++)
			rc |= send_msg(argv[i], -1);
		return rc;
	}
	if (argc == 3 && !strcmp(argv[1], "notify-fd"))
		return send_msg(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return listen_one(argv[2]);
	fprintf(stderr, "usage: sd-probe notify MSG... | notify-fd MSG | listen TEXT\n");
	return 2;
}
