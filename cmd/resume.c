/* SPDX-License-Identifier: Apache-2.0 */
/* hull resume <id>: thaw a paused container. */
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull resume <container-id>\n"
	"\n"
	"Resume all processes of a paused container.\n"
	"\n"
	"Options:\n"
	"  -h, --help   show this help\n";

int cmd_resume(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	const char *id;
	int r = cmd_id_only_parse("resume", argc, argv, &id, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	return hull_resume(g, id, e);
}
