/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../common/cleanup.h"
#include "../common/util.h"

int sync_send(int sock, enum sync_type type, int code, const char *payload, int fd)
{
	size_t len = payload ? strlen(payload) + 1 : 0;
	if (len > SYNC_PAYLOAD_MAX)
		len = SYNC_PAYLOAD_MAX;
	_cleanup_free_ struct sync_msg *m = xcalloc(1, sizeof *m + len);
	m->type = type;
	m->code = code;
	m->len = (uint32_t)len;
	if (len) {
		memcpy(m->payload, payload, len);
		m->payload[len - 1] = '\0';
	}
	struct iovec iov = {.iov_base = m, .iov_len = sizeof *m + len};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		if (sendmsg(sock, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int sync_recv(int sock, struct sync_msg **msg, int *fd)
{
	size_t cap = sizeof(struct sync_msg) + SYNC_PAYLOAD_MAX;
	_cleanup_free_ struct sync_msg *m = xmalloc(cap);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = m, .iov_len = cap};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	ssize_t n;
	if (fd)
		*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE; /* the other side is gone */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
			int got;
			memcpy(&got, CMSG_DATA(c), sizeof got);
			if (fd)
				*fd = got;
			else
				close(got);
		}
	}
	if ((size_t)n < sizeof *m || m->len != (size_t)n - sizeof *m || (mh.msg_flags & MSG_TRUNC))
		return -EBADMSG;
	if (m->len)
		m->payload[m->len - 1] = '\0';
	*msg = steal_ptr(&m);
	return 0;
}

int sync_expect(int sock, enum sync_type want, struct sync_msg **msg, int *fd, hull_err *e)
{
	struct sync_msg *m = NULL;
	int r = sync_recv(sock, &m, fd);
	if (r == -EPIPE)
		return herr_set(e, -EPIPE, "container init exited unexpectedly");
	if (r < 0)
		return herr_errno(e, r, "read from container init");
	if (m->type == SYNC_ERROR) {
		r = herr_set(e, m->code < 0 ? m->code : -EIO, "%s", m->len ? m->payload : "unknown error");
		free(m);
		return r;
	}
	if (m->type != want) {
		unsigned got = m->type;
		free(m);
		return herr_set(e, -EBADMSG, "container init protocol error: got message %u, want %u", got, (unsigned)want);
	}
	if (msg)
		*msg = m;
	else
		free(m);
	return 0;
}

int sync_send_error(int sock, const hull_err *e)
{
	int code = e->code < 0 ? e->code : -EIO;
	sync_send(sock, SYNC_ERROR, code, e->msg, -1);
	return code;
}
