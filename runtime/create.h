/* SPDX-License-Identifier: Apache-2.0 */
#ifndef HULL_RUNTIME_CREATE_H
#define HULL_RUNTIME_CREATE_H

#include "container.h"

struct hull_created {
	pid_t pid;       /* the container init (our child) */
	int pty_master;  /* for `run` without --console-socket, else -1 */
};

/* create, keeping what `run` needs (the init is this process's child). */
int hull_create_internal(const struct hull_global *g, const struct hull_create_opts *o, struct hull_created *out,
			 hull_err *e);

#endif
