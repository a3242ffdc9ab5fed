/* SPDX-License-Identifier: Apache-2.0 */
/* hull create <id>: set the container up, its process blocked until `start`.
 * The parser also serves `hull run` (run.c), which adds --detach and --keep. */
#include <limits.h>
#include <string.h>

#include "commands.h"
#include "options.h"

static const char create_usage[] =
	"Usage: hull create [OPTIONS] <container-id>\n"
	"\n"
	"Create a container from a bundle. The container process waits until `hull start`.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR          bundle directory (default: the current directory)\n"
	"      --pid-file FILE       write the container process pid to FILE\n"
	"      --console-socket S    send the pty master to the unix socket S (terminal: true)\n"
	"      --preserve-fds N      pass N more fds (3..3+N-1) to the container\n"
	"      --no-pivot            use MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring      do not create a new session keyring\n"
	"      --overlay             mount a writable overlay over the rootfs; changes are\n"
	"                            kept in the state directory and dropped at delete\n"
	"  -h, --help                show this help\n";

enum {
	O_PID_FILE = 256,
	O_CONSOLE_SOCKET,
	O_NO_PIVOT,
	O_NO_NEW_KEYRING,
	O_PRESERVE_FDS,
	O_OVERLAY,
	O_KEEP,
};

static const struct option create_options[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"pid-file", required_argument, NULL, O_PID_FILE},
	{"console-socket", required_argument, NULL, O_CONSOLE_SOCKET},
	{"no-pivot", no_argument, NULL, O_NO_PIVOT},
	{"no-new-keyring", no_argument, NULL, O_NO_NEW_KEYRING},
	{"preserve-fds", required_argument, NULL, O_PRESERVE_FDS},
	{"overlay", no_argument, NULL, O_OVERLAY},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const struct option run_options[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"pid-file", required_argument, NULL, O_PID_FILE},
	{"console-socket", required_argument, NULL, O_CONSOLE_SOCKET},
	{"no-pivot", no_argument, NULL, O_NO_PIVOT},
	{"no-new-keyring", no_argument, NULL, O_NO_NEW_KEYRING},
	{"preserve-fds", required_argument, NULL, O_PRESERVE_FDS},
	{"overlay", no_argument, NULL, O_OVERLAY},
	{"detach", no_argument, NULL, 'd'},
	{"keep", no_argument, NULL, O_KEEP},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_create_parse(const char *cmd, int argc, char **argv, bool run, struct hull_create_opts *o, hull_err *e)
{
	struct cli_parser p;
	long long n;
	memset(o, 0, sizeof *o);
	cli_parser_init(&p, cmd, argc, argv, run ? "b:dh" : "b:h", run ? run_options : create_options, false);
	for (;;) {
		int c = cli_next(&p, e);
		switch (c) {
		case CLI_END:
			return cli_check_id(cmd, o->id, e);
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			if (o->id)
				return cli_err(cmd, e, "unexpected argument \"%s\"", p.arg);
			o->id = p.arg;
			break;
		case 'h':
			return CLI_HELP;
		case 'b':
			o->bundle = p.arg;
			break;
		case O_PID_FILE:
			o->pid_file = p.arg;
			break;
		case O_CONSOLE_SOCKET:
			/* an empty path would reach connect() and fail late with a confusing errno */
			if (!*p.arg)
				return cli_err(cmd, e, "--console-socket: empty path (give the path of a unix socket)");
			o->console_socket = p.arg;
			break;
		case O_NO_PIVOT:
			o->no_pivot = true;
			break;
		case O_NO_NEW_KEYRING:
			o->no_new_keyring = true;
			break;
		case O_PRESERVE_FDS:
			if (cli_parse_ll(cmd, "--preserve-fds", p.arg, 0, INT_MAX - 3, &n, e) < 0)
				return e->code;
			o->preserve_fds = (int)n;
			break;
		case O_OVERLAY:
			o->overlay = true;
			break;
		case 'd':
			o->detach = true;
			break;
		case O_KEEP:
			o->keep = true;
			break;
		default:
			return cli_err(cmd, e, "internal error: unhandled flag %d", c);
		}
	}
}

int cmd_create(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct hull_create_opts o;
	int r = cmd_create_parse("create", argc, argv, false, &o, e);
	if (r == CLI_HELP)
		return cli_usage(create_usage);
	if (r < 0)
		return r;
	return hull_create(g, &o, e);
}
