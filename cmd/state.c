/* SPDX-License-Identifier: Apache-2.0 */
/* hull state <id>: the runtime-spec state JSON on stdout. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull state <container-id>\n"
	"\n"
	"Print the state of a container as JSON (ociVersion, id, pid, status, bundle,\n"
	"rootfs, created, annotations, owner). status is created, running, paused or stopped.\n"
	"\n"
	"Options:\n"
	"  -h, --help   show this help\n";

int cmd_state(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	const char *id;
	char *json = NULL;
	int r = cmd_id_only_parse("state", argc, argv, &id, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	r = hull_state(g, id, &json, e);
	if (r < 0)
		return r;
	fputs(json, stdout);
	fputc('\n', stdout);
	free(json);
	return 0;
}
