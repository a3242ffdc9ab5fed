/* SPDX-License-Identifier: Apache-2.0 */
/* hull features: the runtime-spec features document (what this hull supports). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/spec.h"
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull features\n"
	"\n"
	"Print the runtime-spec features JSON: OCI versions, hooks, mount options,\n"
	"namespaces, capabilities, cgroup and seccomp support of this hull.\n"
	"\n"
	"Options:\n"
	"  -h, --help   show this help\n";

static const struct option features_options[] = {
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_features(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cli_parser p;
	cli_parser_init(&p, "features", argc, argv, "h", features_options, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END: {
			char *json = oci_features_json();
			size_t n = strlen(json);
			fputs(json, stdout);
			if (n == 0 || json[n - 1] != '\n')
				fputc('\n', stdout);
			free(json);
			return 0;
		}
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			return cli_err("features", e, "unexpected argument \"%s\"", p.arg);
		case 'h':
			return cli_usage(usage);
		default:
			return cli_err("features", e, "internal error: unhandled flag");
		}
	}
}
