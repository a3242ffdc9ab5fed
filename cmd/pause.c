/* SPDX-License-Identifier: Apache-2.0 */
/* hull pause <id>: freeze every process of the container (cgroup freezer). */
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull pause <container-id>\n"
	"\n"
	"Suspend all processes of a running container.\n"
	"\n"
	"Options:\n"
	"  -h, --help   show this help\n";

int cmd_pause(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	const char *id;
	int r = cmd_id_only_parse("pause", argc, argv, &id, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	return hull_pause(g, id, e);
}
