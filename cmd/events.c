/* SPDX-License-Identifier: Apache-2.0 */
/* hull events [--stats] [--interval D] <id>: container stats / OOM events as JSON. */
#include <string.h>

#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull events [OPTIONS] <container-id>\n"
	"\n"
	"Print container events as JSON lines: stats every --interval and oom events,\n"
	"until the container stops. With --stats, print the stats once and exit.\n"
	"\n"
	"Options:\n"
	"      --stats          print one stats object and exit\n"
	"      --interval D     time between stats, e.g. 5s, 500ms, 1m (default 5s)\n"
	"  -h, --help           show this help\n";

enum { O_STATS = 256, O_INTERVAL };

static const struct option events_options[] = {
	{"stats", no_argument, NULL, O_STATS},
	{"interval", required_argument, NULL, O_INTERVAL},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_events_parse(int argc, char **argv, struct cmd_events_opts *o, hull_err *e)
{
	struct cli_parser p;
	memset(o, 0, sizeof *o);
	o->interval_ms = 5000;
	cli_parser_init(&p, "events", argc, argv, "h", events_options, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END:
			return cli_check_id("events", o->id, e);
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			if (o->id)
				return cli_err("events", e, "unexpected argument \"%s\"", p.arg);
			o->id = p.arg;
			break;
		case O_STATS:
			o->stats = true;
			break;
		case O_INTERVAL:
			if (cli_parse_duration_ms("events", "--interval", p.arg, &o->interval_ms, e) < 0)
				return e->code;
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err("events", e, "internal error: unhandled flag");
		}
	}
}

int cmd_events(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cmd_events_opts o;
	int r = cmd_events_parse(argc, argv, &o, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	return hull_events(g, o.id, o.stats, o.interval_ms, e);
}
