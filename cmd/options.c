/* SPDX-License-Identifier: Apache-2.0 */
/* Global flags and the small parsing helpers every subcommand shares. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/spec.h"
#include "commands.h"

int cli_err(const char *cmd, hull_err *e, const char *fmt, ...)
{
	char text[HULL_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (cmd)
		return herr_set(e, -EINVAL, "hull %s: %s", cmd, text);
	return herr_set(e, -EINVAL, "hull: %s", text);
}

int cli_usage(const char *text)
{
	fputs(text, stdout);
	return 0;
}

/* --- getopt_long wrapper --- */

void cli_parser_init(struct cli_parser *p, const char *cmd, int argc, char **argv, const char *shortopts,
		     const struct option *longopts, bool stop_at_positional)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	p->longopts = longopts;
	p->stop_at_positional = stop_at_positional;
	p->optind = 1;
	/* "+": stop at the first positional; "-": hand positionals back in order. Either
	 * way the mode ignores POSIXLY_CORRECT. ":" makes a missing argument return ':'. */
	snprintf(p->optstring, sizeof p->optstring, "%c:%s", stop_at_positional ? '+' : '-', shortopts);
	optind = 0; /* glibc: full re-initialisation, so parsers can run one after another */
	opterr = 0;
}

/* "--name=value" -> "--name" for messages. */
static void flag_word(const char *word, char *buf, size_t len)
{
	snprintf(buf, len, "%s", word);
	char *eq = strchr(buf, '=');
	if (eq && strncmp(buf, "--", 2) == 0)
		*eq = '\0';
}

static int unknown_flag(struct cli_parser *p, hull_err *e)
{
	const char *word = (optind >= 1 && optind <= p->argc) ? p->argv[optind - 1] : "";
	const char *kind = p->cmd ? "" : "global ";
	char name[256];
	if (strncmp(word, "--", 2) == 0) {
		flag_word(word, name, sizeof name);
		if (optopt != 0)
			return cli_err(p->cmd, e, "flag %s does not take a value", name);
		return cli_err(p->cmd, e, "unknown %sflag %s", kind, name);
	}
	if (optopt > 0 && optopt < 256 && isprint(optopt))
		return cli_err(p->cmd, e, "unknown %sflag -%c", kind, optopt);
	return cli_err(p->cmd, e, "unknown %sflag %s", kind, word);
}

static int missing_arg(struct cli_parser *p, hull_err *e)
{
	const char *word = (optind >= 1 && optind <= p->argc) ? p->argv[optind - 1] : "";
	char name[256];
	if (word[0] == '-') {
		flag_word(word, name, sizeof name);
	} else if (optopt > 0 && optopt < 256 && isprint(optopt)) {
		snprintf(name, sizeof name, "-%c", optopt);
	} else {
		snprintf(name, sizeof name, "%s", "option");
	}
	return cli_err(p->cmd, e, "flag %s needs an argument", name);
}

int cli_next(struct cli_parser *p, hull_err *e)
{
	if (p->options_done) {
		if (p->optind < p->argc) {
			p->arg = p->argv[p->optind++];
			return CLI_POSITIONAL;
		}
		return CLI_END;
	}
	opterr = 0;
	int c = getopt_long(p->argc, p->argv, p->optstring, p->longopts, NULL);
	p->arg = optarg;
	switch (c) {
	case -1:
		/* "--" or (stop mode) the first positional: the rest are positionals. */
		p->optind = optind;
		if (p->stop_at_positional)
			return CLI_END;
		p->options_done = true;
		return cli_next(p, e);
	case 1:
		return CLI_POSITIONAL;
	case '?':
		unknown_flag(p, e);
		return CLI_ERROR;
	case ':':
		missing_arg(p, e);
		return CLI_ERROR;
	default:
		return c;
	}
}

/* --- value parsers --- */

int cli_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int cli_parse_ll(const char *cmd, const char *flag, const char *s, long long min, long long max, long long *out,
		 hull_err *e)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)s[0]))
		return cli_err(cmd, e, "invalid value \"%s\" for %s: not a number", s ? s : "", flag);
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return cli_err(cmd, e, "invalid value \"%s\" for %s: not a number", s, flag);
	if (errno == ERANGE || v < min || v > max)
		return cli_err(cmd, e, "invalid value \"%s\" for %s: out of range [%lld, %lld]", s, flag, min, max);
	*out = v;
	return 0;
}

int cli_parse_bytes(const char *cmd, const char *flag, const char *s, bool allow_minus_one, int64_t *out,
		    hull_err *e)
{
	if (!s || !*s)
		return cli_err(cmd, e, "invalid size \"\" for %s", flag);
	if (allow_minus_one && strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	/* digits [. digits] [space] [kmgtp [i]] [b], case-insensitive, binary multiples */
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	const char *num_end = p;
	if (*p == ' ')
		p++;
	long double mult = 1;
	const char *units = "kmgtp";
	const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
	if (u) {
		for (const char *q = units; q <= u; q++)
			mult *= 1024;
		p++;
		if (*p == 'i' || *p == 'I')
			p++;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		goto bad;
	char num[64];
	size_t n = (size_t)(num_end - s);
	if (n >= sizeof num)
		goto range;
	memcpy(num, s, n);
	num[n] = '\0';
	long double v = strtold(num, NULL) * mult;
	if (!(v < 9223372036854775807.0L))
		goto range;
	*out = (int64_t)v; /* v >= 0: truncation is floor */
	return 0;
bad:
	return cli_err(cmd, e, "invalid size \"%s\" for %s (use bytes or a k, m, g, t, p suffix%s)", s, flag,
		       allow_minus_one ? ", or -1 for unlimited" : "");
range:
	return cli_err(cmd, e, "invalid size \"%s\" for %s: out of range", s, flag);
}

int cli_parse_duration_ms(const char *cmd, const char *flag, const char *s, int *out_ms, hull_err *e)
{
	static const struct {
		const char *unit;
		long double ns;
	} units[] = {
		/* longer names first: "ms" must win over "m" */
		{"ns", 1},     {"us", 1e3},     {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
		{"ms", 1e6},   {"s", 1e9},      {"m", 60e9},        {"h", 3600e9},
	};
	const char *p = s ? s : "";
	long double total = 0;
	if (!*p)
		goto bad;
	if (strcmp(p, "0") == 0)
		goto nonpositive;
	while (*p) {
		const char *start = p;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (p == start || (p == start + 1 && *start == '.'))
			goto bad;
		char num[64];
		size_t n = (size_t)(p - start);
		if (n >= sizeof num)
			goto bad;
		memcpy(num, start, n);
		num[n] = '\0';
		size_t i;
		for (i = 0; i < sizeof units / sizeof units[0]; i++) {
			size_t ul = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, ul) == 0) {
				p += ul;
				break;
			}
		}
		if (i == sizeof units / sizeof units[0])
			goto bad;
		total += strtold(num, NULL) * units[i].ns;
	}
	if (total <= 0)
		goto nonpositive;
	long double ms = total / 1e6L;
	if (ms > INT_MAX)
		return cli_err(cmd, e, "invalid duration \"%s\" for %s: too long", s, flag);
	int whole = (int)ms; /* ms > 0: truncation, then round up */
	*out_ms = whole < ms ? whole + 1 : whole;
	return 0;
bad:
	return cli_err(cmd, e, "invalid duration \"%s\" for %s (examples: 5s, 500ms, 1m30s)", s ? s : "", flag);
nonpositive:
	return cli_err(cmd, e, "invalid duration \"%s\" for %s: must be greater than 0", s, flag);
}

/* --- ids --- */

bool cli_id_valid(const char *id)
{
	if (!id || !*id || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (const char *p = id; *p; p++) {
		unsigned char c = (unsigned char)*p;
		/* ASCII only: Go's \w is [0-9A-Za-z_], isalnum() would follow the locale */
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
			  c == '+' || c == '-' || c == '.';
		if (!ok)
			return false;
	}
	return true;
}

int cli_check_id(const char *cmd, const char *id, hull_err *e)
{
	if (!id)
		return cli_err(cmd, e, "missing container id");
	if (!cli_id_valid(id))
		return cli_err(cmd, e, "invalid container id \"%s\" (allowed: letters, digits, '_', '+', '-', '.')",
			       id);
	return 0;
}

/* --- global flags --- */

const char *cli_version_text(void)
{
	return "hull version " HULL_VERSION "\n"
	       "commit: " HULL_COMMIT "\n"
	       "spec: " HULL_OCI_VERSION "\n";
}

enum {
	G_ROOT = 256,
	G_LOG,
	G_LOG_FORMAT,
	G_DEBUG,
	G_SYSTEMD_CGROUP,
	G_ROOTLESS,
	G_CRIU,
};

static const struct option global_options[] = {
	{"root", required_argument, NULL, G_ROOT},
	{"log", required_argument, NULL, G_LOG},
	{"log-format", required_argument, NULL, G_LOG_FORMAT},
	{"debug", optional_argument, NULL, G_DEBUG},
	{"systemd-cgroup", optional_argument, NULL, G_SYSTEMD_CGROUP},
	{"rootless", optional_argument, NULL, G_ROOTLESS},
	{"criu", required_argument, NULL, G_CRIU},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

/* Boolean global flag: bare means true; "--flag=false" is accepted like urfave/cli. */
static int global_bool(const char *name, const char *arg, bool *out, hull_err *e)
{
	if (!arg) {
		*out = true;
		return 0;
	}
	if (cli_parse_bool(arg, out) < 0)
		return cli_err(NULL, e, "invalid value \"%s\" for --%s (true or false)", arg, name);
	return 0;
}

static int global_rootless(struct cli_parser *p, struct cli_global *out, hull_err *e)
{
	const char *arg = p->arg;
	bool b;
	/* go-runc sends --rootless=X; also take "--rootless X" when X is a rootless value. */
	if (!arg && optind < p->argc &&
	    (strcmp(p->argv[optind], "auto") == 0 || cli_parse_bool(p->argv[optind], &b) == 0))
		arg = p->argv[optind++];
	if (!arg) {
		out->g.rootless = "true";
	} else if (strcmp(arg, "auto") == 0) {
		out->g.rootless = "auto";
	} else if (cli_parse_bool(arg, &b) == 0) {
		out->g.rootless = b ? "true" : "false";
	} else {
		return cli_err(NULL, e, "invalid value \"%s\" for --rootless (true, false or auto)", arg);
	}
	return 0;
}

int cli_parse_global(int argc, char **argv, struct cli_global *out, hull_err *e)
{
	struct cli_parser p;
	memset(out, 0, sizeof *out);
	out->cmd_index = argc;
	cli_parser_init(&p, NULL, argc, argv, "hv", global_options, true);
	for (;;) {
		int c = cli_next(&p, e);
		int r = 0;
		switch (c) {
		case CLI_END:
			out->cmd_index = p.optind;
			return 0;
		case CLI_ERROR:
			return e->code;
		case G_ROOT:
			if (!*p.arg)
				return cli_err(NULL, e, "--root needs a non-empty directory");
			out->g.root = p.arg;
			break;
		case G_LOG:
			out->g.log_path = *p.arg ? p.arg : NULL;
			break;
		case G_LOG_FORMAT:
			if (strcmp(p.arg, "json") == 0)
				out->g.log_json = true;
			else if (strcmp(p.arg, "text") == 0)
				out->g.log_json = false;
			else
				return cli_err(NULL, e, "invalid log format \"%s\" (text or json)", p.arg);
			break;
		case G_DEBUG:
			r = global_bool("debug", p.arg, &out->g.debug, e);
			break;
		case G_SYSTEMD_CGROUP:
			r = global_bool("systemd-cgroup", p.arg, &out->g.systemd_cgroup, e);
			break;
		case G_ROOTLESS:
			r = global_rootless(&p, out, e);
			break;
		case G_CRIU:
			out->criu = p.arg;
			break;
		case 'h':
			out->help = true;
			break;
		case 'v':
			out->version = true;
			break;
		default:
			return cli_err(NULL, e, "internal error: unhandled global flag %d", c);
		}
		if (r < 0)
			return r;
	}
}

/* --- commands that take just <id> (start, state, pause, resume) --- */

int cmd_id_only_parse(const char *cmd, int argc, char **argv, const char **id, hull_err *e)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cli_parser p;
	*id = NULL;
	cli_parser_init(&p, cmd, argc, argv, "h", opts, false);
	for (;;) {
		switch (cli_next(&p, e)) {
		case CLI_END:
			return cli_check_id(cmd, *id, e);
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			if (*id)
				return cli_err(cmd, e, "unexpected argument \"%s\"", p.arg);
			*id = p.arg;
			break;
		case 'h':
			return CLI_HELP;
		default:
			return cli_err(cmd, e, "internal error: unhandled flag");
		}
	}
}
