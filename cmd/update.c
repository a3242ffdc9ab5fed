/* SPDX-License-Identifier: Apache-2.0 */
/* hull update [OPTIONS] <id>: change the resources of a running container.
 * The runtime takes one LinuxResources JSON document: the --resources file (or stdin)
 * with the values of the individual flags merged on top, flags winning (like runc). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "../common/log.h"
#include "../common/util.h"
#include "../oci/json_tree.h"
#include "commands.h"
#include "options.h"

static const char usage[] =
	"Usage: hull update [OPTIONS] <container-id>\n"
	"\n"
	"Update the resource limits of a container. Values from the flags override\n"
	"the same values in --resources. Sizes take a k, m, g, t or p suffix (binary).\n"
	"\n"
	"Options:\n"
	"  -r, --resources FILE       LinuxResources JSON from FILE, or - for stdin\n"
	"      --memory N             memory limit in bytes (-1: unlimited)\n"
	"      --memory-swap N        memory+swap limit in bytes (-1: unlimited)\n"
	"      --memory-reservation N memory soft limit in bytes\n"
	"      --kernel-memory N      kernel memory limit in bytes\n"
	"      --kernel-memory-tcp N  kernel TCP buffer limit in bytes\n"
	"      --cpu-shares N         CPU shares (relative weight)\n"
	"      --cpu-period N         CFS period in microseconds\n"
	"      --cpu-quota N          CFS quota in microseconds (-1: unlimited)\n"
	"      --cpu-rt-period N      realtime period in microseconds\n"
	"      --cpu-rt-runtime N     realtime runtime in microseconds\n"
	"      --cpuset-cpus LIST     CPUs allowed, e.g. 0-2,4\n"
	"      --cpuset-mems LIST     memory nodes allowed\n"
	"      --blkio-weight N       block IO weight (10-1000)\n"
	"      --pids-limit N         maximum number of tasks (-1 or 0: unlimited)\n"
	"  -h, --help                 show this help\n"
	"\n"
	"--l3-cache-schema and --mem-bw-schema (Intel RDT) are rejected: hull does not\n"
	"support linux.intelRdt.\n";

enum upd_kind { K_BYTES, K_UINT, K_INT, K_LIMIT, K_U16, K_STR };
/* K_LIMIT: -1 (unlimited) or a count */

static const struct upd_flag {
	const char *name;    /* long option */
	const char *section; /* LinuxResources member */
	const char *key;     /* member of the section */
	enum upd_kind kind;
} upd_flags[UPD__COUNT] = {
	[UPD_MEMORY] = {"memory", "memory", "limit", K_BYTES},
	[UPD_MEMORY_SWAP] = {"memory-swap", "memory", "swap", K_BYTES},
	[UPD_MEMORY_RESERVATION] = {"memory-reservation", "memory", "reservation", K_BYTES},
	[UPD_KERNEL_MEMORY] = {"kernel-memory", "memory", "kernel", K_BYTES},
	[UPD_KERNEL_MEMORY_TCP] = {"kernel-memory-tcp", "memory", "kernelTCP", K_BYTES},
	[UPD_CPU_SHARES] = {"cpu-shares", "cpu", "shares", K_UINT},
	[UPD_CPU_PERIOD] = {"cpu-period", "cpu", "period", K_UINT},
	[UPD_CPU_QUOTA] = {"cpu-quota", "cpu", "quota", K_INT},
	[UPD_CPU_RT_PERIOD] = {"cpu-rt-period", "cpu", "realtimePeriod", K_UINT},
	[UPD_CPU_RT_RUNTIME] = {"cpu-rt-runtime", "cpu", "realtimeRuntime", K_INT},
	[UPD_CPUSET_CPUS] = {"cpuset-cpus", "cpu", "cpus", K_STR},
	[UPD_CPUSET_MEMS] = {"cpuset-mems", "cpu", "mems", K_STR},
	[UPD_BLKIO_WEIGHT] = {"blkio-weight", "blockIO", "weight", K_U16},
	[UPD_PIDS_LIMIT] = {"pids-limit", "pids", "limit", K_LIMIT},
};

/* Sections in output order when the file does not already have them. */
static const char *const upd_sections[] = {"memory", "cpu", "blockIO", "pids"};

enum {
	O_FLAG0 = 256, /* O_FLAG0 + enum cmd_update_flag */
	O_CPU_SHARE = O_FLAG0 + UPD__COUNT, /* runc spells it --cpu-share */
	O_L3_CACHE_SCHEMA,
	O_MEM_BW_SCHEMA,
};

static const struct option update_options[] = {
	{"resources", required_argument, NULL, 'r'},
	{"memory", required_argument, NULL, O_FLAG0 + UPD_MEMORY},
	{"memory-swap", required_argument, NULL, O_FLAG0 + UPD_MEMORY_SWAP},
	{"memory-reservation", required_argument, NULL, O_FLAG0 + UPD_MEMORY_RESERVATION},
	{"kernel-memory", required_argument, NULL, O_FLAG0 + UPD_KERNEL_MEMORY},
	{"kernel-memory-tcp", required_argument, NULL, O_FLAG0 + UPD_KERNEL_MEMORY_TCP},
	{"cpu-shares", required_argument, NULL, O_FLAG0 + UPD_CPU_SHARES},
	{"cpu-share", required_argument, NULL, O_CPU_SHARE},
	{"cpu-period", required_argument, NULL, O_FLAG0 + UPD_CPU_PERIOD},
	{"cpu-quota", required_argument, NULL, O_FLAG0 + UPD_CPU_QUOTA},
	{"cpu-rt-period", required_argument, NULL, O_FLAG0 + UPD_CPU_RT_PERIOD},
	{"cpu-rt-runtime", required_argument, NULL, O_FLAG0 + UPD_CPU_RT_RUNTIME},
	{"cpuset-cpus", required_argument, NULL, O_FLAG0 + UPD_CPUSET_CPUS},
	{"cpuset-mems", required_argument, NULL, O_FLAG0 + UPD_CPUSET_MEMS},
	{"blkio-weight", required_argument, NULL, O_FLAG0 + UPD_BLKIO_WEIGHT},
	{"pids-limit", required_argument, NULL, O_FLAG0 + UPD_PIDS_LIMIT},
	{"l3-cache-schema", required_argument, NULL, O_L3_CACHE_SCHEMA},
	{"mem-bw-schema", required_argument, NULL, O_MEM_BW_SCHEMA},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Append the JSON value of flag i (raw text s) to sb, or fail naming the flag. */
static int upd_value_json(int i, const char *s, struct strbuf *sb, hull_err *e)
{
	const struct upd_flag *f = &upd_flags[i];
	char flag[64];
	long long n;
	int64_t bytes;
	snprintf(flag, sizeof flag, "--%s", f->name);
	switch (f->kind) {
	case K_BYTES:
		if (cli_parse_bytes("update", flag, s, true, &bytes, e) < 0)
			return e->code;
		if (sb)
			sb_appendf(sb, "%lld", (long long)bytes);
		return 0;
	case K_UINT:
	case K_INT:
	case K_LIMIT:
	case K_U16:
		if (cli_parse_ll("update", flag, s, f->kind == K_INT ? INT64_MIN : f->kind == K_LIMIT ? -1 : 0,
				 f->kind == K_U16 ? UINT16_MAX : INT64_MAX, &n, e) < 0)
			return e->code;
		if (sb)
			sb_appendf(sb, "%lld", n);
		return 0;
	case K_STR:
		if (sb)
			sb_append_json_str(sb, s);
		return 0;
	}
	return cli_err("update", e, "internal error: flag kind");
}

int cmd_update_parse(int argc, char **argv, struct cmd_update_opts *o, hull_err *e)
{
	struct cli_parser p;
	memset(o, 0, sizeof *o);
	cli_parser_init(&p, "update", argc, argv, "r:h", update_options, false);
	for (;;) {
		int c = cli_next(&p, e);
		switch (c) {
		case CLI_END:
			if (cli_check_id("update", o->id, e) < 0)
				return e->code;
			for (int i = 0; i < UPD__COUNT; i++)
				if (o->values[i])
					return 0;
			if (!o->resources)
				return cli_err("update", e, "nothing to update: give --resources FILE or a resource flag");
			return 0;
		case CLI_ERROR:
			return e->code;
		case CLI_POSITIONAL:
			if (o->id)
				return cli_err("update", e, "unexpected argument \"%s\"", p.arg);
			o->id = p.arg;
			break;
		case 'r':
			o->resources = p.arg;
			break;
		case 'h':
			return CLI_HELP;
		case O_L3_CACHE_SCHEMA:
		case O_MEM_BW_SCHEMA:
			return cli_err("update", e, "--%s is not supported: hull does not implement linux.intelRdt",
				       c == O_L3_CACHE_SCHEMA ? "l3-cache-schema" : "mem-bw-schema");
		default:
			if (c == O_CPU_SHARE)
				c = O_FLAG0 + UPD_CPU_SHARES;
			if (c < O_FLAG0 || c >= O_FLAG0 + UPD__COUNT)
				return cli_err("update", e, "internal error: unhandled flag %d", c);
			if (upd_value_json(c - O_FLAG0, p.arg, NULL, e) < 0)
				return e->code;
			o->values[c - O_FLAG0] = p.arg;
		}
	}
}

/* --- JSON re-serialisation of the --resources document --- */

static void emit_val(struct strbuf *sb, yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		sb_append(sb, "{");
		for (size_t i = 0; i < v->u.object.len; i++) {
			if (i)
				sb_append(sb, ",");
			sb_append_json_str(sb, v->u.object.keys[i]);
			sb_append(sb, ":");
			emit_val(sb, v->u.object.values[i]);
		}
		sb_append(sb, "}");
	} else if (YAJL_IS_ARRAY(v)) {
		sb_append(sb, "[");
		for (size_t i = 0; i < v->u.array.len; i++) {
			if (i)
				sb_append(sb, ",");
			emit_val(sb, v->u.array.values[i]);
		}
		sb_append(sb, "]");
	} else if (YAJL_IS_STRING(v)) {
		sb_append_json_str(sb, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		sb_append(sb, v->u.number.r); /* the original text: no precision loss */
	} else if (YAJL_IS_TRUE(v)) {
		sb_append(sb, "true");
	} else if (YAJL_IS_FALSE(v)) {
		sb_append(sb, "false");
	} else {
		sb_append(sb, "null");
	}
}

static bool section_has_flags(const struct cmd_update_opts *o, const char *section)
{
	for (int i = 0; i < UPD__COUNT; i++)
		if (o->values[i] && strcmp(upd_flags[i].section, section) == 0)
			return true;
	return false;
}

static bool key_overridden(const struct cmd_update_opts *o, const char *section, const char *key)
{
	for (int i = 0; i < UPD__COUNT; i++)
		if (o->values[i] && strcmp(upd_flags[i].section, section) == 0 && strcmp(upd_flags[i].key, key) == 0)
			return true;
	return false;
}

/* One section object: the file's members (if it had an object there) minus the
 * overridden ones, then the flag values in table order. */
static int emit_section(struct strbuf *sb, const struct cmd_update_opts *o, const char *section, yajl_val file,
			hull_err *e)
{
	bool first = true;
	sb_append(sb, "{");
	if (YAJL_IS_OBJECT(file)) {
		for (size_t i = 0; i < file->u.object.len; i++) {
			if (key_overridden(o, section, file->u.object.keys[i]))
				continue;
			if (!first)
				sb_append(sb, ",");
			first = false;
			sb_append_json_str(sb, file->u.object.keys[i]);
			sb_append(sb, ":");
			emit_val(sb, file->u.object.values[i]);
		}
	}
	for (int i = 0; i < UPD__COUNT; i++) {
		if (!o->values[i] || strcmp(upd_flags[i].section, section) != 0)
			continue;
		if (!first)
			sb_append(sb, ",");
		first = false;
		sb_append_json_str(sb, upd_flags[i].key);
		sb_append(sb, ":");
		if (upd_value_json(i, o->values[i], sb, e) < 0)
			return e->code;
	}
	sb_append(sb, "}");
	return 0;
}

static const char *source_name(const struct cmd_update_opts *o)
{
	if (!o->resources)
		return "command line flags";
	return strcmp(o->resources, "-") == 0 ? "stdin" : o->resources;
}

static int parse_file_json(const struct cmd_update_opts *o, const char *text, yajl_val *out, hull_err *e)
{
	/* the bounded parser: a deeply nested file would otherwise overflow the stack */
	hull_err je = {0};
	if (oci_json_parse(text, strlen(text), source_name(o), out, &je) < 0)
		return cli_err("update", e, "%s", je.msg);
	return 0;
}

int cmd_update_build_json(const struct cmd_update_opts *o, const char *file_json, char **out, hull_err *e)
{
	yajl_val root = NULL;
	struct strbuf sb = {0};
	bool done[sizeof upd_sections / sizeof upd_sections[0]] = {false};
	bool first = true;
	int r = 0;

	if (file_json && parse_file_json(o, file_json, &root, e) < 0)
		return e->code;
	sb_append(&sb, "{");
	for (size_t i = 0; root && i < root->u.object.len && r >= 0; i++) {
		const char *k = root->u.object.keys[i];
		if (!first)
			sb_append(&sb, ",");
		first = false;
		sb_append_json_str(&sb, k);
		sb_append(&sb, ":");
		if (section_has_flags(o, k)) {
			r = emit_section(&sb, o, k, root->u.object.values[i], e);
			for (size_t s = 0; s < sizeof upd_sections / sizeof upd_sections[0]; s++)
				if (strcmp(upd_sections[s], k) == 0)
					done[s] = true;
		} else {
			emit_val(&sb, root->u.object.values[i]);
		}
	}
	for (size_t s = 0; s < sizeof upd_sections / sizeof upd_sections[0] && r >= 0; s++) {
		if (done[s] || !section_has_flags(o, upd_sections[s]))
			continue;
		if (!first)
			sb_append(&sb, ",");
		first = false;
		sb_append_json_str(&sb, upd_sections[s]);
		sb_append(&sb, ":");
		r = emit_section(&sb, o, upd_sections[s], NULL, e);
	}
	sb_append(&sb, "}");
	if (root)
		yajl_tree_free(root);
	if (r < 0) {
		sb_free(&sb);
		return r;
	}
	*out = sb.buf;
	return 0;
}

/* Read all of stdin (go-runc pipes the JSON in with `--resources -`). */
static int read_stdin(char **out, hull_err *e)
{
	struct strbuf sb = {0};
	char buf[4096];
	sb_append(&sb, "");
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof buf - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sb_free(&sb);
			return herr_sys(e, "hull update: read resources from stdin");
		}
		if (n == 0)
			break;
		buf[n] = '\0';
		if (strlen(buf) != (size_t)n) {
			sb_free(&sb);
			return cli_err("update", e, "stdin: NUL byte in the resources JSON");
		}
		sb_append(&sb, buf);
	}
	*out = sb.buf;
	return 0;
}

int cmd_update(const struct hull_global *g, int argc, char **argv, int *status, hull_err *e)
{
	struct cmd_update_opts o;
	char *file = NULL, *json = NULL;
	int r = cmd_update_parse(argc, argv, &o, e);
	if (r == CLI_HELP)
		return cli_usage(usage);
	if (r < 0)
		return r;
	if (o.resources) {
		if (strcmp(o.resources, "-") == 0)
			r = read_stdin(&file, e);
		else if ((r = read_file_at(AT_FDCWD, o.resources, &file, NULL, e)) < 0)
			herr_prefix(e, "hull update: --resources");
		if (r < 0)
			return r;
	}
	r = cmd_update_build_json(&o, file, &json, e);
	free(file);
	if (r < 0)
		return r;
	hull_debug("update %s: resources %s", o.id, json);
	r = hull_update(g, o.id, json, source_name(&o), e);
	free(json);
	return r;
}
