/* SPDX-License-Identifier: Apache-2.0 */
/* hull list: the containers under --root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull list [OPTIONS]\n"
	"\n"
	"List the containers under the state root (--root).\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT   table (default) or json\n"
	"  -q, --quiet        print only the container ids\n"
	"  -h, --help         show this help\n";

static const struct option list_options[] = {
	{"format", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_list_parse(int argc, char **argv, enum hull_list_format *f, hull_err *e)
{
	struct cli_parser p;
	bool quiet = false;
	*f = HULL_LIST_TABLE;
	cli_parser_init(&p, "list", argc, argv, "f:qh", list_options, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END:
			if (quiet) /* like runc: --quiet wins over --format */
				*f = HULL_LIST_QUIET;
			return 0;
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			return cli_err("list", e, "unexpected argument \"%s\"", p.arg);
		case 'f':
			if (strcmp(p.arg, "table") == 0)
				*f = HULL_LIST_TABLE;
			else if (strcmp(p.arg, "json") == 0)
				*f = HULL_LIST_JSON;
			else
				return cli_err("list", e, "invalid format \"%s\" (table or json)", p.arg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err("list", e, "internal error: unhandled flag");
		}
	}
}

int cmd_list(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	enum hull_list_format f;
	char *out = NULL;
	int r = cmd_list_parse(argc, argv, &f, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	r = hull_list(g, f, &out, e);
	if (r < 0)
		return r;
	size_t n = strlen(out);
	fputs(out, stdout);
	if (n > 0 && out[n - 1] != '\n')
		fputc('\n', stdout);
	free(out);
	return 0;
}
