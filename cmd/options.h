/* SPDX-License-Identifier: Apache-2.0 */
/* Shared argv parsing for the hull CLI. Everything here is pure (argv in, struct out,
 * or an error in hull_err): no runtime calls, no environment lookups, so the unit
 * tests can drive it without a container. */
#ifndef HULL_CMD_OPTIONS_H
#define HULL_CMD_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "../common/err.h"
#include "../runtime/container.h"

/* A parse function returns 0 (parsed), CLI_HELP (--help/-h was given: print usage,
 * exit 0) or a negative errno with e->msg set. */
#define CLI_HELP 1

/* Result of parsing the global flags (everything before the subcommand). */
struct cli_global {
	struct hull_global g; /* g.root stays NULL when --root was not given */
	bool help;            /* --help / -h */
	bool version;         /* --version / -v */
	const char *criu;     /* --criu PATH: accepted, ignored */
	int cmd_index;        /* argv index of the subcommand; argc when there is none */
};
int cli_parse_global(int argc, char **argv, struct cli_global *out, hull_err *e);

/* The exact `hull --version` text: 3 lines, each ending in '\n' (go-runc parses it). */
const char *cli_version_text(void);

/* runc's id rule: ^[\w+-.]+$ and not "." or "..". */
bool cli_id_valid(const char *id);
int cli_check_id(const char *cmd, const char *id, hull_err *e);

/* --- getopt_long wrapper shared by the subcommands --- */
enum {
	CLI_END = -1,        /* no more arguments */
	CLI_ERROR = -2,      /* e is set */
	CLI_POSITIONAL = -3, /* p->arg is a positional argument (permute mode only) */
};
struct cli_parser {
	const char *cmd; /* subcommand name for messages ("hull <cmd>: ...") */
	int argc;
	char **argv; /* argv[0] is the subcommand name */
	const struct option *longopts;
	char optstring[96];
	bool stop_at_positional; /* exec/ps: stop at the first positional (POSIX "+") */
	bool options_done;       /* permute mode: getopt finished, hand out the rest */
	const char *arg;         /* argument of the last option, or the positional */
	int optind;              /* stop mode: index of the first positional after CLI_END */
};
/* shortopts without a leading mode character, e.g. "b:h". */
void cli_parser_init(struct cli_parser *p, const char *cmd, int argc, char **argv, const char *shortopts,
		     const struct option *longopts, bool stop_at_positional);
/* Returns the option's val, CLI_POSITIONAL, CLI_END or CLI_ERROR. In permute mode every
 * positional (including those after "--") comes back as CLI_POSITIONAL, in order. */
int cli_next(struct cli_parser *p, hull_err *e);

/* Helpers that produce "hull <cmd>: ..." messages. */
int cli_err(const char *cmd, hull_err *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Integer in [min, max], decimal only. */
int cli_parse_ll(const char *cmd, const char *flag, const char *s, long long min, long long max, long long *out,
		 hull_err *e);
/* Byte sizes like runc (docker units.RAMInBytes, binary multiples): "1024", "64m", "1.5g",
 * "2GiB", "10kb"; "-1" (unlimited) when allow_minus_one. */
int cli_parse_bytes(const char *cmd, const char *flag, const char *s, bool allow_minus_one, int64_t *out,
		    hull_err *e);
/* Go time.ParseDuration subset: "5s", "500ms", "1m30s", "1.5s"; result in ms (> 0, rounded up). */
int cli_parse_duration_ms(const char *cmd, const char *flag, const char *s, int *out_ms, hull_err *e);
/* Go strconv.ParseBool plus nothing else: 1 t T TRUE true True 0 f F FALSE false False. */
int cli_parse_bool(const char *s, bool *out);

/* Print a usage text to stdout; returns 0 (for `return cli_usage(x);`). */
int cli_usage(const char *text);

#endif
