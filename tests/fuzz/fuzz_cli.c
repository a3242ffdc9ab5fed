/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI parser (cmd/options.c and each subcommand's pure parse function). The input is
 * split at NUL bytes into the words after "hull": global flags, the subcommand, its flags.
 * For update, the --resources value stands in for the file's text, and the merged JSON goes
 * through the LinuxResources parser like `hull update` does. Nothing runs a container. */
#include "../../cmd/commands.h"
#include "../../cmd/options.h"
#include "../../oci/spec.h"
#include "fuzz.h"

#define MAX_WORDS 64

static const uint8_t *in_data; /* the current input, for fuzz_check_msg */
static size_t in_size;

static void check_err(int r, const hull_err *e, const char *what)
{
	fuzz_check_msg(r, e->msg, in_data, in_size, what);
}

static void update(int argc, char **argv)
{
	struct cmd_update_opts o;
	hull_err e = {0};
	int r = cmd_update_parse(argc, argv, &o, &e);
	check_err(r, &e, "cmd_update_parse");
	if (r != 0)
		return;
	char *json = NULL;
	hull_err e2 = {0};
	r = cmd_update_build_json(&o, o.resources, &json, &e2);
	check_err(r, &e2, "cmd_update_build_json");
	if (r < 0)
		return;
	struct oci_resources res = {0};
	hull_err e3 = {0};
	r = oci_resources_parse(json, strlen(json), "update", &res, &e3);
	check_err(r, &e3, "oci_resources_parse");
	if (r == 0) {
		hull_err e4 = {0};
		check_err(oci_resources_check_supported(&res, "update", &e4), &e4, "oci_resources_check_supported");
	}
	oci_resources_clear(&res);
	free(json);
}

static void subcommand(int argc, char **argv)
{
	const char *name = argv[0];
	hull_err e = {0};
	int r = 0;
	if (!strcmp(name, "create") || !strcmp(name, "run")) {
		struct hull_create_opts o;
		r = cmd_create_parse(name, argc, argv, !strcmp(name, "run"), &o, &e);
	} else if (!strcmp(name, "start") || !strcmp(name, "state") || !strcmp(name, "pause") ||
		   !strcmp(name, "resume")) {
		const char *id;
		r = cmd_id_only_parse(name, argc, argv, &id, &e);
	} else if (!strcmp(name, "kill")) {
		struct cmd_kill_opts o;
		r = cmd_kill_parse(argc, argv, &o, &e);
	} else if (!strcmp(name, "delete")) {
		struct cmd_delete_opts o;
		r = cmd_delete_parse(argc, argv, &o, &e);
	} else if (!strcmp(name, "list")) {
		enum hull_list_format f;
		r = cmd_list_parse(argc, argv, &f, &e);
	} else if (!strcmp(name, "exec")) {
		struct hull_exec_opts o;
		r = cmd_exec_parse(argc, argv, &o, &e);
		cmd_exec_opts_free(&o);
	} else if (!strcmp(name, "ps")) {
		struct cmd_ps_opts o;
		r = cmd_ps_parse(argc, argv, &o, &e);
	} else if (!strcmp(name, "update")) {
		update(argc, argv);
	} else if (!strcmp(name, "events")) {
		struct cmd_events_opts o;
		r = cmd_events_parse(argc, argv, &o, &e);
	} else if (!strcmp(name, "spec")) {
		struct cmd_spec_opts o;
		r = cmd_spec_parse(argc, argv, &o, &e);
	}
	check_err(r, &e, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in_data = data;
	in_size = size;
	char *buf, **words;
	int n = fuzz_split(data, size, MAX_WORDS, &buf, &words);
	char **argv = calloc((size_t)n + 2, sizeof *argv);
	if (!argv)
		abort();
	argv[0] = (char *)"hull";
	memcpy(argv + 1, words, (size_t)n * sizeof *argv);
	int argc = n + 1;

	struct cli_global g;
	hull_err e = {0};
	int r = cli_parse_global(argc, argv, &g, &e);
	check_err(r, &e, "cli_parse_global");
	if (r == 0 && g.cmd_index < argc) {
		if (g.cmd_index < 1)
			fuzz_fail("cli_parse_global: cmd_index %d", g.cmd_index);
		subcommand(argc - g.cmd_index, argv + g.cmd_index);
	}
	free(argv);
	free(words);
	free(buf);
	return 0;
}
