/* SPDX-License-Identifier: Apache-2.0 */
/* hull spec [--rootless] [--bundle DIR]: write a starter config.json. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/util.h"
#include "../oci/spec.h"
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull spec [OPTIONS]\n"
	"\n"
	"Write a default config.json (runtime-spec " HULL_OCI_VERSION ") into the bundle\n"
	"directory. An existing config.json is never overwritten.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR   bundle directory (default: the current directory)\n"
	"      --rootless     a config for an unprivileged user (user namespace mapping\n"
	"                     the caller's uid/gid to root)\n"
	"  -h, --help         show this help\n";

enum { O_ROOTLESS = 256 };

static const struct option spec_options[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"rootless", no_argument, NULL, O_ROOTLESS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_spec_parse(int argc, char **argv, struct cmd_spec_opts *o, hull_err *e)
{
	struct cli_parser p;
	memset(o, 0, sizeof *o);
	cli_parser_init(&p, "spec", argc, argv, "b:h", spec_options, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END:
			return 0;
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			return cli_err("spec", e, "unexpected argument \"%s\"", p.arg);
		case 'b':
			o->bundle = p.arg;
			break;
		case O_ROOTLESS:
			o->rootless = true;
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err("spec", e, "internal error: unhandled flag");
		}
	}
}

int cmd_spec(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cmd_spec_opts o;
	int r = cmd_spec_parse(argc, argv, &o, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	char *path = o.bundle ? xasprintf("%s/config.json", o.bundle) : xstrdup("config.json");
	/* O_EXCL: never replace a config.json, and never follow a symlink planted there */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		r = errno == EEXIST ? herr_set(e, -EEXIST, "File config.json exists. Remove it first")
				    : herr_sys(e, "hull spec: create %s", path);
		free(path);
		return r;
	}
	char *json = oci_default_spec_json(o.rootless, getuid(), getgid());
	ssize_t w = write_all(fd, json, strlen(json));
	if (w >= 0 && (json[0] == '\0' || json[strlen(json) - 1] != '\n'))
		w = write_all(fd, "\n", 1);
	if (w < 0) {
		r = herr_errno(e, (int)w, "hull spec: write %s", path);
		unlink(path);
	}
	if (close(fd) < 0 && r >= 0) {
		r = herr_sys(e, "hull spec: write %s", path);
		unlink(path);
	}
	free(json);
	free(path);
	return r < 0 ? r : 0;
}
