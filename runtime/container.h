/* SPDX-License-Identifier: Apache-2.0 */
/* The container lifecycle: what each `hull` subcommand calls. cmd/ parses argv into these
 * option structs and calls exactly one function. Every function returns 0 or a negative
 * errno with e->msg set to a one-line message (runc's wording where clients parse it). */
#ifndef HULL_RUNTIME_CONTAINER_H
#define HULL_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "../common/err.h"

struct hull_global {
	const char *root;      /* state root, default /run/hull (see hull_default_root) */
	const char *log_path;  /* --log, NULL = none */
	bool log_json;         /* --log-format json */
	bool debug;            /* --debug */
	bool systemd_cgroup;   /* --systemd-cgroup */
	const char *rootless;  /* --rootless true|false|auto, NULL = not given */
};

struct hull_create_opts {
	const char *id;
	const char *bundle;       /* default: cwd */
	const char *config;       /* default: <bundle>/config.json */
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	bool overlay;             /* --overlay */
	int preserve_fds;
	bool detach;              /* run: --detach */
	bool keep;                /* run: --keep (do not delete after exit) */
	bool allow_tty_relay;     /* internal (run): terminal without --console-socket relays on our tty */
};

struct hull_exec_opts {
	const char *id;
	const char *process_path; /* --process FILE */
	char **args;              /* args after the id (when no --process) */
	int n_args;
	const char *cwd;
	char **env;               /* --env K=V (repeatable) */
	int n_env;
	const char *user;         /* --user uid[:gid] */
	char **caps;              /* --cap CAP (repeatable) */
	int n_caps;
	int tty;                  /* -1 = unset, 0/1 */
	int no_new_privs;         /* -1 = unset */
	const char *apparmor, *process_label;
	bool detach;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool ignore_paused;
	char **additional_gids;   /* --additional-gids */
	int n_additional_gids;
};

/* Default state root: /run/hull, or $XDG_RUNTIME_DIR/hull for uid 0 inside a user
 * namespace with a non-empty XDG_RUNTIME_DIR (rootless podman). */
const char *hull_default_root(void);

int hull_create(const struct hull_global *g, const struct hull_create_opts *o, hull_err *e);
int hull_start(const struct hull_global *g, const char *id, hull_err *e);
/* run: create + start; waits unless detach; *exit_status = container status (128+N for a signal). */
int hull_run(const struct hull_global *g, const struct hull_create_opts *o, int *exit_status, hull_err *e);
int hull_kill(const struct hull_global *g, const char *id, int sig, bool all, hull_err *e);
int hull_delete(const struct hull_global *g, const char *id, bool force, hull_err *e);
/* state JSON (runtime-spec state + "rootfs", "created", "owner" like runc), malloc'd. */
int hull_state(const struct hull_global *g, const char *id, char **json, hull_err *e);
/* list: fills a malloc'd text (table, json, or ids only). */
enum hull_list_format { HULL_LIST_TABLE, HULL_LIST_JSON, HULL_LIST_QUIET };
int hull_list(const struct hull_global *g, enum hull_list_format f, char **out, hull_err *e);
int hull_exec(const struct hull_global *g, const struct hull_exec_opts *o, int *exit_status, hull_err *e);
int hull_pause(const struct hull_global *g, const char *id, hull_err *e);
int hull_resume(const struct hull_global *g, const char *id, hull_err *e);
/* ps: json = JSON array of host pids; otherwise a table. ps_args: extra args for ps(1). */
int hull_ps(const struct hull_global *g, const char *id, bool json, char **ps_args, int n_ps_args, char **out,
	    hull_err *e);
/* update: resources_json (LinuxResources JSON) merged with the flag overrides already in it. */
int hull_update(const struct hull_global *g, const char *id, const char *resources_json, const char *source,
		hull_err *e);
/* events: stats once (stats=true) or a stream every interval_ms (stats+oom) until the container stops. */
int hull_events(const struct hull_global *g, const char *id, bool stats, int interval_ms, hull_err *e);

#endif
