/* SPDX-License-Identifier: Apache-2.0 */
/* hull delete [--force] <id>: remove a stopped (or, with --force, any) container. */
#include <string.h>

#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull delete [OPTIONS] <container-id>\n"
	"\n"
	"Delete a stopped or created container and everything hull holds for it.\n"
	"\n"
	"Options:\n"
	"  -f, --force  kill a running container (SIGKILL) first; an unknown id is not an error\n"
	"  -h, --help   show this help\n";

static const struct option delete_options[] = {
	{"force", no_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_delete_parse(int argc, char **argv, struct cmd_delete_opts *o, hull_err *e)
{
	struct cli_parser p;
	memset(o, 0, sizeof *o);
	cli_parser_init(&p, "delete", argc, argv, "fh", delete_options, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END:
			return cli_check_id("delete", o->id, e);
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			if (o->id)
				return cli_err("delete", e, "unexpected argument \"%s\"", p.arg);
			o->id = p.arg;
			break;
		case 'f':
			o->force = true;
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err("delete", e, "internal error: unhandled flag");
		}
	}
}

int cmd_delete(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cmd_delete_opts o;
	int r = cmd_delete_parse(argc, argv, &o, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	return hull_delete(g, o.id, o.force, e);
}
