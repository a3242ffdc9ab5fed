/* SPDX-License-Identifier: Apache-2.0 */
/* hull kill [--all] <id> [SIGNAL]: signal the container's init (or every process). */
#include <signal.h>
#include <string.h>

#include "../common/util.h"
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull kill [OPTIONS] <container-id> [SIGNAL]\n"
	"\n"
	"Send SIGNAL (default TERM) to the container's init process. SIGNAL is a number (9)\n"
	"or a name with or without the SIG prefix (KILL, SIGKILL, RTMIN+1).\n"
	"\n"
	"Options:\n"
	"  -a, --all    send the signal to every process in the container\n"
	"  -h, --help   show this help\n";

static const struct option kill_options[] = {
	{"all", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_kill_parse(int argc, char **argv, struct cmd_kill_opts *o, hull_err *e)
{
	struct cli_parser p;
	const char *sig = NULL;
	memset(o, 0, sizeof *o);
	o->sig = SIGTERM;
	cli_parser_init(&p, "kill", argc, argv, "ah", kill_options, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END:
			if (cli_check_id("kill", o->id, e) < 0)
				return e->code;
			if (sig) {
				int s = parse_signal(sig);
				if (s <= 0)
					return cli_err("kill", e, "invalid signal \"%s\"", sig);
				o->sig = s;
			}
			return 0;
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			if (!o->id)
				o->id = p.arg;
			else if (!sig)
				sig = p.arg;
			else
				return cli_err("kill", e, "unexpected argument \"%s\"", p.arg);
			break;
		case 'a':
			o->all = true;
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err("kill", e, "internal error: unhandled flag");
		}
	}
}

int cmd_kill(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cmd_kill_opts o;
	int r = cmd_kill_parse(argc, argv, &o, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	return hull_kill(g, o.id, o.sig, o.all, e);
}
