/* SPDX-License-Identifier: Apache-2.0 */
/* What the container init knows while it sets itself up. Built by the parent (create.c)
 * before clone; the child inherits it by memory copy, so it holds no locks and no threads. */
#ifndef HULL_RUNTIME_CONTEXT_H
#define HULL_RUNTIME_CONTEXT_H

#include <stdbool.h>
#include <sys/types.h>

#include "../oci/spec.h"

struct hull_ctx {
	const char *id;
	const char *bundle;    /* absolute bundle dir */
	const char *state_dir; /* absolute <root>/<id> */
	const char *rootfs;    /* absolute host path of root.path (resolved against the bundle) */
	const char *config_path; /* absolute path of config.json, for error messages */
	struct oci_spec *spec;

	bool no_pivot;     /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	bool no_new_keyring;
	bool overlay;      /* --overlay / run.oci.hull.overlay=true */
	bool new_userns;   /* a new user namespace is created (devices are bind-mounted) */
	bool new_mountns;  /* the container has its own mount namespace */

	int console_slave_fd; /* pty slave for terminal:true, or -1 (bound on /dev/console) */
	int proc_fd;          /* fd of a procfs hull opened and verified (PROC_SUPER_MAGIC), or -1 */
	int preserve_fds;     /* --preserve-fds N: fds 3..3+N-1 pass to the process */
	const char *cgroup_path; /* host path of the container's cgroup dir, or NULL */
};

#endif
