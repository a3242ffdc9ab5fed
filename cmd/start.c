/* SPDX-License-Identifier: Apache-2.0 */
/* hull start <id>: release the process of a created container. */
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull start <container-id>\n"
	"\n"
	"Start the user process of a created container and return.\n"
	"\n"
	"Options:\n"
	"  -h, --help   show this help\n";

int cmd_start(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	const char *id;
	int r = cmd_id_only_parse("start", argc, argv, &id, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	return hull_start(g, id, e);
}
