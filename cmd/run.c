/* SPDX-License-Identifier: Apache-2.0 */
/* hull run <id>: create + start; without --detach, wait and exit with the container's status. */
#include "commands.h"
#include "options.h"

static const char run_usage[] =
	"Usage: hull run [OPTIONS] <container-id>\n"
	"\n"
	"Create and start a container. Without --detach, wait for it, delete it and exit\n"
	"with its exit status (128+N when killed by signal N).\n"
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
	"  -d, --detach              start the container and return at once\n"
	"      --keep                do not delete the container after it exits\n"
	"  -h, --help                show this help\n";

int cmd_run(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct hull_create_opts o;
	int r = cmd_create_parse("run", argc, argv, true, &o, e);
	if (r == CLI_HELP)
		return cli_usage(run_usage);
	if (r < 0)
		return r;
	*status = 0;
	r = hull_run(g, &o, status, e);
	return r < 0 ? r : 0;
}
