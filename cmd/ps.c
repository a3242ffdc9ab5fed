/* SPDX-License-Identifier: Apache-2.0 */
/* hull ps [--format table|json] <id> [ps options...]: the container's processes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull ps [OPTIONS] <container-id> [PS-OPTIONS...]\n"
	"\n"
	"Show the processes of a container. In table form PS-OPTIONS go to ps(1)\n"
	"(default -ef); json prints a JSON array of host pids.\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT   table (default) or json\n"
	"  -h, --help         show this help\n";

static const struct option ps_options[] = {
	{"format", required_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_ps_parse(int argc, char **argv, struct cmd_ps_opts *o, hull_err *e)
{
	struct cli_parser p;
	memset(o, 0, sizeof *o);
	cli_parser_init(&p, "ps", argc, argv, "f:h", ps_options, true);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END: {
			int i = p.optind;
			if (i >= argc)
				return cli_err("ps", e, "missing container id");
			o->id = argv[i++];
			if (cli_check_id("ps", o->id, e) < 0)
				return e->code;
			o->ps_args = argv + i;
			o->n_ps_args = argc - i;
			if (o->json && o->n_ps_args > 0)
				return cli_err("ps", e, "ps options cannot be used with --format json");
			return 0;
		}
		case CLI_ERROR:
			return e->code;
		case 'f':
			if (strcmp(p.arg, "json") == 0)
				o->json = true;
			else if (strcmp(p.arg, "table") == 0)
				o->json = false;
			else
				return cli_err("ps", e, "invalid format \"%s\" (table or json)", p.arg);
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err("ps", e, "internal error: unhandled flag");
		}
	}
}

int cmd_ps(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cmd_ps_opts o;
	char *out = NULL;
	int r = cmd_ps_parse(argc, argv, &o, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	r = hull_ps(g, o.id, o.json, o.ps_args, o.n_ps_args, &out, e);
	if (r < 0)
		return r;
	size_t n = strlen(out);
	fputs(out, stdout);
	if (n > 0 && out[n - 1] != '\n')
		fputc('\n', stdout);
	free(out);
	return 0;
}
