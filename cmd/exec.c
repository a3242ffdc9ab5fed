/* SPDX-License-Identifier: Apache-2.0 */
/* hull exec [OPTIONS] <id> [command args...]: run a new process in a running container.
 * Option parsing stops at the id: everything after it belongs to the command. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/util.h"
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull exec [OPTIONS] <container-id> [COMMAND [ARG...]]\n"
	"\n"
	"Run a process in a running container: COMMAND, or the process.json given with\n"
	"--process. Options must come before the id. Without --detach, wait for the\n"
	"process and exit with its status.\n"
	"\n"
	"Options:\n"
	"  -p, --process FILE        process.json (runtime-spec process object)\n"
	"      --cwd DIR             working directory inside the container\n"
	"  -e, --env K=V             add an environment variable (repeatable)\n"
	"  -u, --user UID[:GID]      run as this numeric user (and group)\n"
	"  -g, --additional-gids G   add a supplementary group (repeatable)\n"
	"  -c, --cap CAP             add a capability, e.g. CAP_NET_ADMIN (repeatable)\n"
	"  -t, --tty[=BOOL]          allocate a pseudo-terminal\n"
	"  -d, --detach              do not wait for the process\n"
	"      --pid-file FILE       write the process pid to FILE\n"
	"      --console-socket S    send the pty master to the unix socket S\n"
	"      --preserve-fds N      pass N more fds (3..3+N-1) to the process\n"
	"      --no-new-privs[=BOOL] set no_new_privs for the process\n"
	"      --apparmor PROFILE    AppArmor profile for the process\n"
	"      --process-label L     SELinux label for the process\n"
	"      --ignore-paused       allow exec in a paused container\n"
	"  -h, --help                show this help\n";

enum {
	O_CWD = 256,
	O_PID_FILE,
	O_CONSOLE_SOCKET,
	O_PRESERVE_FDS,
	O_NO_NEW_PRIVS,
	O_APPARMOR,
	O_PROCESS_LABEL,
	O_IGNORE_PAUSED,
};

static const struct option exec_options[] = {
	{"process", required_argument, NULL, 'p'},
	{"cwd", required_argument, NULL, O_CWD},
	{"env", required_argument, NULL, 'e'},
	{"user", required_argument, NULL, 'u'},
	{"additional-gids", required_argument, NULL, 'g'},
	{"cap", required_argument, NULL, 'c'},
	{"tty", optional_argument, NULL, 't'},
	{"detach", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, O_PID_FILE},
	{"console-socket", required_argument, NULL, O_CONSOLE_SOCKET},
	{"preserve-fds", required_argument, NULL, O_PRESERVE_FDS},
	{"no-new-privs", optional_argument, NULL, O_NO_NEW_PRIVS},
	{"apparmor", required_argument, NULL, O_APPARMOR},
	{"process-label", required_argument, NULL, O_PROCESS_LABEL},
	{"ignore-paused", no_argument, NULL, O_IGNORE_PAUSED},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Append to a NULL-terminated array (the strings stay owned by argv). */
static void push(char ***arr, int *n, const char *s)
{
	*arr = xrealloc(*arr, sizeof(char *) * (size_t)(*n + 2));
	(*arr)[(*n)++] = (char *)s;
	(*arr)[*n] = NULL;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* runc takes a numeric uid[:gid] only. */
static int check_user(const char *s, hull_err *e)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	if (!all_digits(s, ulen) || (colon && !all_digits(colon + 1, strlen(colon + 1))))
		return cli_err("exec", e, "invalid --user \"%s\" (expected UID or UID:GID, numeric)", s);
	return 0;
}

static int tri_bool(const char *flag, const char *arg, int *out, hull_err *e)
{
	bool b = true;
	if (arg && cli_parse_bool(arg, &b) < 0)
		return cli_err("exec", e, "invalid value \"%s\" for %s (true or false)", arg, flag);
	*out = b;
	return 0;
}

static int exec_option(struct cli_parser *p, int c, struct hull_exec_opts *o, hull_err *e)
{
	long long n;
	switch (c) {
	case 'p': o->process_path = p->arg; return 0;
	case O_CWD: o->cwd = p->arg; return 0;
	case 'e':
		if (!strchr(p->arg, '=') || p->arg[0] == '=')
			return cli_err("exec", e, "invalid --env \"%s\" (expected KEY=VALUE)", p->arg);
		push(&o->env, &o->n_env, p->arg);
		return 0;
	case 'u':
		o->user = p->arg;
		return check_user(p->arg, e);
	case 'g':
		if (!all_digits(p->arg, strlen(p->arg)))
			return cli_err("exec", e, "invalid --additional-gids \"%s\" (expected a numeric gid)", p->arg);
		push(&o->additional_gids, &o->n_additional_gids, p->arg);
		return 0;
	case 'c': push(&o->caps, &o->n_caps, p->arg); return 0;
	case 't': return tri_bool("--tty", p->arg, &o->tty, e);
	case 'd': o->detach = true; return 0;
	case O_PID_FILE: o->pid_file = p->arg; return 0;
	case O_CONSOLE_SOCKET:
		/* an empty path would reach connect() and fail late with a confusing errno */
		if (!*p->arg)
			return cli_err("exec", e, "--console-socket: empty path (give the path of a unix socket)");
		o->console_socket = p->arg;
		return 0;
	case O_PRESERVE_FDS:
		if (cli_parse_ll("exec", "--preserve-fds", p->arg, 0, INT_MAX - 3, &n, e) < 0)
			return e->code;
		o->preserve_fds = (int)n;
		return 0;
	case O_NO_NEW_PRIVS: return tri_bool("--no-new-privs", p->arg, &o->no_new_privs, e);
	case O_APPARMOR: o->apparmor = p->arg; return 0;
	case O_PROCESS_LABEL: o->process_label = p->arg; return 0;
	case O_IGNORE_PAUSED: o->ignore_paused = true; return 0;
	default: return cli_err("exec", e, "internal error: unhandled flag %d", c);
	}
}

/* After the options: <id> [--] [command args...]. */
static int exec_positionals(struct cli_parser *p, struct hull_exec_opts *o, hull_err *e)
{
	int i = p->optind;
	if (i >= p->argc)
		return cli_err("exec", e, "missing container id");
	o->id = p->argv[i++];
	if (cli_check_id("exec", o->id, e) < 0)
		return e->code;
	if (i < p->argc && strcmp(p->argv[i], "--") == 0)
		i++;
	o->args = p->argv + i; /* argv is NULL-terminated, so is this */
	o->n_args = p->argc - i;
	if (o->process_path && o->n_args > 0)
		return cli_err("exec", e, "--process cannot be combined with command arguments (\"%s\")", o->args[0]);
	if (!o->process_path && o->n_args == 0)
		return cli_err("exec", e, "missing command: give it after the container id, or use --process FILE");
	return 0;
}

int cmd_exec_parse(int argc, char **argv, struct hull_exec_opts *o, hull_err *e)
{
	struct cli_parser p;
	memset(o, 0, sizeof *o);
	o->tty = -1;
	o->no_new_privs = -1;
	cli_parser_init(&p, "exec", argc, argv, "p:e:u:g:c:tdh", exec_options, true);
	for (;;) {
		int c = cli_next(&p, e);
		switch (c) {
		case CLI_END:
			return exec_positionals(&p, o, e);
		case CLI_ERROR:
			return e->code;
		case 'h':
			return CLI_HELP;
		default:
			if (exec_option(&p, c, o, e) < 0)
				return e->code;
		}
	}
}

void cmd_exec_opts_free(struct hull_exec_opts *o)
{
	free(o->env);
	free(o->caps);
	free(o->additional_gids);
	o->env = o->caps = o->additional_gids = NULL;
	o->n_env = o->n_caps = o->n_additional_gids = 0;
}

int cmd_exec(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct hull_exec_opts o;
	int r = cmd_exec_parse(argc, argv, &o, e);
	if (r == CLI_HELP) {
		cmd_exec_opts_free(&o);
		return cli_usage(usage);
	}
	if (r >= 0) {
		*status = 0;
		r = hull_exec(g, &o, status, e);
		if (r >= 0)
			r = 0;
	}
	cmd_exec_opts_free(&o);
	return r;
}
