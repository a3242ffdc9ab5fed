/* SPDX-License-Identifier: Apache-2.0 */
/* Parent <-> container init messages over a SOCK_SEQPACKET socketpair: one datagram per
 * message, a fixed header and a bounded payload, so neither side can be confused by a
 * short or oversized read. */
#ifndef HULL_RUNTIME_SYNC_H
#define HULL_RUNTIME_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

enum sync_type {
	SYNC_MAPPED = 1,   /* parent -> child: id maps written, net devices moved: go on */
	SYNC_PREPARED,     /* child -> parent: mounts done, run prestart/createRuntime hooks */
	SYNC_HOOKS_DONE,   /* parent -> child: payload = state JSON for the container's hooks */
	SYNC_READY,        /* child -> parent: set-up complete, blocking on the exec fifo */
	SYNC_ERROR,        /* either way: payload = one-line message, code = negative errno */
	SYNC_PTY_MASTER,   /* child -> parent: fd attached (SCM_RIGHTS), payload = pty name */
	SYNC_SECCOMP_FD,   /* child -> parent: seccomp notify fd attached, for listenerPath */
	SYNC_ACK,          /* parent -> child: generic acknowledgement */
	SYNC_PID,          /* exec helper -> parent: code = pid of the process it forked */
};

#define SYNC_PAYLOAD_MAX 65536

struct sync_msg {
	uint32_t type;
	int32_t code;
	uint32_t len;
	char payload[]; /* len bytes, NUL-terminated inside len */
};

/* Send a message (payload may be NULL); fd >= 0 is attached with SCM_RIGHTS. */
int sync_send(int sock, enum sync_type type, int code, const char *payload, int fd);
/* Receive one message; *msg is malloc'd. *fd gets an attached fd or -1 (fd may be NULL). */
int sync_recv(int sock, struct sync_msg **msg, int *fd);
/* Receive and require `want`; a SYNC_ERROR becomes the error in e. */
int sync_expect(int sock, enum sync_type want, struct sync_msg **msg, int *fd, hull_err *e);
/* Child side: report an error and return its code. */
int sync_send_error(int sock, const hull_err *e);

#endif
