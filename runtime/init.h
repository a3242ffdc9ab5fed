/* SPDX-License-Identifier: Apache-2.0 */
/* The container init: the clone of hull that becomes the container's process. */
#ifndef HULL_RUNTIME_INIT_H
#define HULL_RUNTIME_INIT_H

#include "context.h"
#include "seccomp.h"

struct init_args {
	struct hull_ctx *ctx;
	int sync_fd;          /* child end of the socketpair */
	int fifo_fd;          /* O_PATH fd of <state>/exec.fifo */
	int join_fds[OCI_NS_KINDS]; /* namespaces to setns() into, -1 = none */
	const struct hull_bpf *seccomp; /* NULL = none */
	bool want_pty;        /* process.terminal */
};

/* Never returns: execs the container process or _exit()s after reporting the error. */
__attribute__((noreturn)) void container_init(struct init_args *a);

#endif
