/* SPDX-License-Identifier: Apache-2.0 */
/* The hull subcommands. Each has a pure parse function (argv -> options, unit-tested)
 * and an entry point that calls exactly one runtime function. argv[0] is the
 * subcommand name. Entry points return 0 or a negative errno with e->msg set, and
 * store the process exit status in *status (0 unless run/exec report one). */
#ifndef HULL_CMD_COMMANDS_H
#define HULL_CMD_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../runtime/container.h"

typedef int (*cli_command_fn)(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

struct cli_command {
	const char *name;
	const char *summary; /* one line for `hull --help` */
	cli_command_fn fn;
};
/* The table of subcommands lives in main.c, so that the library (and the unit tests
 * linking it) only pull in the runtime for the commands they use. */

/* create / run (run=true adds --detach and --keep) */
int cmd_create_parse(const char *cmd, int argc, char **argv, bool run, struct hull_create_opts *o, hull_err *e);
int cmd_create(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);
int cmd_run(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

/* start, state, pause, resume: just <id> */
int cmd_id_only_parse(const char *cmd, int argc, char **argv, const char **id, hull_err *e);
int cmd_start(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);
int cmd_state(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);
int cmd_pause(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);
int cmd_resume(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

struct cmd_kill_opts {
	const char *id;
	int sig; /* default SIGTERM */
	bool all;
};
int cmd_kill_parse(int argc, char **argv, struct cmd_kill_opts *o, hull_err *e);
int cmd_kill(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

struct cmd_delete_opts {
	const char *id;
	bool force;
};
int cmd_delete_parse(int argc, char **argv, struct cmd_delete_opts *o, hull_err *e);
int cmd_delete(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

int cmd_list_parse(int argc, char **argv, enum hull_list_format *f, hull_err *e);
int cmd_list(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

/* exec: the arrays in o are malloc'd (their strings point into argv); free with
 * cmd_exec_opts_free. */
int cmd_exec_parse(int argc, char **argv, struct hull_exec_opts *o, hull_err *e);
void cmd_exec_opts_free(struct hull_exec_opts *o);
int cmd_exec(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

struct cmd_ps_opts {
	const char *id;
	bool json;
	char **ps_args; /* points into argv */
	int n_ps_args;
};
int cmd_ps_parse(int argc, char **argv, struct cmd_ps_opts *o, hull_err *e);
int cmd_ps(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

/* update: one slot per resource flag, in the order of the table in update.c. */
enum cmd_update_flag {
	UPD_MEMORY,
	UPD_MEMORY_SWAP,
	UPD_MEMORY_RESERVATION,
	UPD_KERNEL_MEMORY,
	UPD_KERNEL_MEMORY_TCP,
	UPD_CPU_SHARES,
	UPD_CPU_PERIOD,
	UPD_CPU_QUOTA,
	UPD_CPU_RT_PERIOD,
	UPD_CPU_RT_RUNTIME,
	UPD_CPUSET_CPUS,
	UPD_CPUSET_MEMS,
	UPD_BLKIO_WEIGHT,
	UPD_PIDS_LIMIT,
	UPD__COUNT
};
struct cmd_update_opts {
	const char *id;
	const char *resources;          /* -r FILE, or "-" for stdin; NULL = none */
	const char *values[UPD__COUNT]; /* raw flag values (last one wins); NULL = not given */
};
int cmd_update_parse(int argc, char **argv, struct cmd_update_opts *o, hull_err *e);
/* LinuxResources JSON from the file text (may be NULL) with the flag values on top. */
int cmd_update_build_json(const struct cmd_update_opts *o, const char *file_json, char **out, hull_err *e);
int cmd_update(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

struct cmd_events_opts {
	const char *id;
	bool stats;
	int interval_ms; /* default 5000 */
};
int cmd_events_parse(int argc, char **argv, struct cmd_events_opts *o, hull_err *e);
int cmd_events(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

struct cmd_spec_opts {
	const char *bundle; /* NULL = cwd */
	bool rootless;
};
int cmd_spec_parse(int argc, char **argv, struct cmd_spec_opts *o, hull_err *e);
int cmd_spec(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

int cmd_features(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e);

#endif
