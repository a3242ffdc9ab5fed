/* SPDX-License-Identifier: Apache-2.0 */
/* hull: global flags, logging set-up, dispatch to one subcommand. The error of a
 * failed command is printed here and only here (stderr + --log), then exit 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/log.h"
#include "../oci/spec.h"
#include "../runtime/cloned_binary.h"
#include "commands.h"
#include "options.h"

static const struct cli_command commands[] = {
	{"create", "create a container (its process waits for start)", cmd_create},
	{"start", "start the process of a created container", cmd_start},
	{"run", "create and start a container", cmd_run},
	{"state", "print the state of a container as JSON", cmd_state},
	{"kill", "send a signal to the container's init (or all processes)", cmd_kill},
	{"delete", "delete a container", cmd_delete},
	{"list", "list containers", cmd_list},
	{"exec", "run a new process inside a container", cmd_exec},
	{"ps", "show the processes of a container", cmd_ps},
	{"pause", "suspend all processes of a container", cmd_pause},
	{"resume", "resume all processes of a paused container", cmd_resume},
	{"update", "update the resource limits of a container", cmd_update},
	{"events", "print container stats and OOM events", cmd_events},
	{"spec", "write a default config.json", cmd_spec},
	{"features", "print the runtime-spec features JSON", cmd_features},
	{NULL, NULL, NULL},
};

static void print_help(FILE *f)
{
	fputs("Usage: hull [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n"
	      "\n"
	      "hull is an OCI runtime-spec " HULL_OCI_VERSION " container runtime.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("  help       show this help, or `hull help COMMAND`\n"
	      "\n"
	      "Global options (before COMMAND; --flag value or --flag=value):\n"
	      "  --root DIR              state directory (default /run/hull)\n"
	      "  --log FILE              append log lines to FILE\n"
	      "  --log-format FMT        text (default) or json\n"
	      "  --debug                 also log debug lines\n"
	      "  --systemd-cgroup        cgroupsPath is slice:prefix:name\n"
	      "  --rootless[=VALUE]      true, false or auto (accepted)\n"
	      "  --criu PATH             accepted and ignored (no checkpoint support)\n"
	      "  -h, --help              show this help\n"
	      "  -v, --version           print the version\n"
	      "\n"
	      "Run `hull COMMAND --help` for the options of a command. See hull(8).\n",
	      f);
}

static const struct cli_command *find_command(const char *name)
{
	for (const struct cli_command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* `hull help [COMMAND]`: same as `hull COMMAND --help`. */
static int run_help(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	if (argc < 2) {
		print_help(stdout);
		return 0;
	}
	const struct cli_command *c = find_command(argv[1]);
	if (!c)
		return cli_err(NULL, e, "unknown command \"%s\"", argv[1]);
	char *help_argv[] = {argv[1], (char *)"--help", NULL};
	return c->fn(g, 2, help_argv, status, e);
}

static int fail(const char *msg)
{
	hull_log_error(msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct cli_global cg;
	hull_err e = {0};
	int status = 0;

	if (cli_parse_global(argc, argv, &cg, &e) < 0) {
		/* log what we can: the flags before the bad one were parsed */
		hull_log_init(cg.g.log_path, cg.g.log_json, cg.g.debug);
		return fail(e.msg);
	}
	if (cg.version) {
		fputs(cli_version_text(), stdout);
		return 0;
	}
	if (cg.help) {
		print_help(stdout);
		return 0;
	}
	int r = hull_log_init(cg.g.log_path, cg.g.log_json, cg.g.debug);
	if (r < 0) {
		snprintf(e.msg, sizeof e.msg, "hull: open log file %s: %s", cg.g.log_path, strerror(-r));
		return fail(e.msg);
	}
	if (cg.cmd_index >= argc) {
		print_help(stderr);
		return fail("hull: missing command");
	}
	/* create/run/exec re-exec from a sealed copy of hull first (CVE-2019-5736) */
	if ((r = cloned_binary_ensure(argv[cg.cmd_index], argv, &e)) < 0)
		return fail(e.msg);
	if (!cg.g.root)
		cg.g.root = hull_default_root();
	if (cg.criu)
		hull_debug("--criu %s ignored: hull has no checkpoint/restore", cg.criu);

	const char *name = argv[cg.cmd_index];
	const struct cli_command *c = find_command(name);
	cli_command_fn fn = c ? c->fn : strcmp(name, "help") == 0 ? run_help : NULL;
	if (!fn) {
		snprintf(e.msg, sizeof e.msg, "hull: unknown command \"%s\" (see hull --help)", name);
		return fail(e.msg);
	}
	hull_debug("hull %s: root %s", name, cg.g.root);
	r = fn(&cg.g, argc - cg.cmd_index, argv + cg.cmd_index, &status, &e);
	if (r < 0)
		return fail(e.msg[0] ? e.msg : strerror(-r));
	fflush(stdout);
	if (ferror(stdout))
		return fail("hull: write to stdout failed");
	return status;
}
