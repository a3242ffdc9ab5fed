/* SPDX-License-Identifier: Apache-2.0 */
/* The hull CLI: argv -> options structs (pure parsers in cmd/), and the log format. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cmd/commands.h"
#include "cmd/options.h"
#include "common/log.h"
#include "common/util.h"
#include "oci/spec.h"

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

static int argc_of(char **v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

/* ---------- global flags ---------- */

static int global(char **argv, struct cli_global *g, hull_err *e)
{
	return cli_parse_global(argc_of(argv), argv, g, e);
}

Test(cli_global, separate_words_form)
{
	struct cli_global g;
	hull_err e = {0};
	char **argv = ARGV("hull", "--root", "/run/containerd/runc/default", "--log", "/b/log.json", "--log-format",
			   "json", "--systemd-cgroup", "delete", "c1");
	cr_assert_eq(global(argv, &g, &e), 0, "%s", e.msg);
	cr_assert_str_eq(g.g.root, "/run/containerd/runc/default");
	cr_assert_str_eq(g.g.log_path, "/b/log.json");
	cr_assert(g.g.log_json);
	cr_assert(g.g.systemd_cgroup);
	cr_assert_not(g.g.debug);
	cr_assert_eq(g.cmd_index, 8);
	cr_assert_str_eq(argv[g.cmd_index], "delete");
}

Test(cli_global, equals_form_like_podman)
{
	struct cli_global g;
	hull_err e = {0};
	char **argv = ARGV("hull", "--log-format=json", "--log=/x/oci-log", "--root=/r", "--debug", "create", "--bundle",
			   "/b", "c1");
	cr_assert_eq(global(argv, &g, &e), 0, "%s", e.msg);
	cr_assert(g.g.log_json);
	cr_assert_str_eq(g.g.log_path, "/x/oci-log");
	cr_assert_str_eq(g.g.root, "/r");
	cr_assert(g.g.debug);
	cr_assert_str_eq(argv[g.cmd_index], "create");
	/* the subcommand's flags are left for the subcommand */
	cr_assert_str_eq(argv[g.cmd_index + 1], "--bundle");
}

Test(cli_global, defaults_leave_root_unset)
{
	struct cli_global g;
	hull_err e = {0};
	cr_assert_eq(global(ARGV("hull", "state", "c1"), &g, &e), 0);
	cr_assert_null(g.g.root);
	cr_assert_null(g.g.log_path);
	cr_assert_null(g.g.rootless);
	cr_assert_not(g.g.log_json);
	cr_assert_eq(g.cmd_index, 1);
}

Test(cli_global, rootless_values)
{
	struct cli_global g;
	hull_err e = {0};
	cr_assert_eq(global(ARGV("hull", "--rootless=false", "list"), &g, &e), 0, "%s", e.msg);
	cr_assert_str_eq(g.g.rootless, "false");
	cr_assert_eq(global(ARGV("hull", "--rootless", "auto", "list"), &g, &e), 0, "%s", e.msg);
	cr_assert_str_eq(g.g.rootless, "auto");
	cr_assert_eq(g.cmd_index, 3);
	cr_assert_eq(global(ARGV("hull", "--rootless", "list"), &g, &e), 0, "%s", e.msg);
	cr_assert_str_eq(g.g.rootless, "true");
	cr_assert_eq(g.cmd_index, 2);
	cr_assert_lt(global(ARGV("hull", "--rootless=maybe", "list"), &g, &e), 0);
	cr_assert(strstr(e.msg, "maybe"));
}

Test(cli_global, criu_help_version)
{
	struct cli_global g;
	hull_err e = {0};
	cr_assert_eq(global(ARGV("hull", "--criu", "/usr/sbin/criu", "-v"), &g, &e), 0);
	cr_assert_str_eq(g.criu, "/usr/sbin/criu");
	cr_assert(g.version);
	cr_assert_eq(global(ARGV("hull", "--help"), &g, &e), 0);
	cr_assert(g.help);
	cr_assert_eq(g.cmd_index, 2, "no subcommand: cmd_index == argc");
	cr_assert_eq(global(ARGV("hull", "--debug=false", "list"), &g, &e), 0);
	cr_assert_not(g.g.debug);
}

Test(cli_global, unknown_flag_is_named)
{
	struct cli_global g;
	hull_err e = {0};
	cr_assert_lt(global(ARGV("hull", "--cgroup-manager=systemd", "list"), &g, &e), 0);
	cr_assert(strstr(e.msg, "--cgroup-manager"), "%s", e.msg);
	cr_assert_lt(global(ARGV("hull", "-x", "list"), &g, &e), 0);
	cr_assert(strstr(e.msg, "-x"), "%s", e.msg);
	cr_assert_lt(global(ARGV("hull", "--log-format", "xml", "list"), &g, &e), 0);
	cr_assert(strstr(e.msg, "xml"), "%s", e.msg);
	cr_assert_lt(global(ARGV("hull", "--root"), &g, &e), 0);
	cr_assert(strstr(e.msg, "--root"), "%s", e.msg);
}

Test(cli_global, version_text_is_three_lines)
{
	const char *v = cli_version_text();
	char expect[256];
	snprintf(expect, sizeof expect, "hull version %s\ncommit: %s\nspec: %s\n", HULL_VERSION, HULL_COMMIT,
		 HULL_OCI_VERSION);
	cr_assert_str_eq(v, expect);
	int lines = 0;
	for (const char *p = v; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 3);
	cr_assert_str_eq(HULL_OCI_VERSION, "1.3.0");
}

/* ---------- ids ---------- */

Test(cli_id, runc_rule)
{
	cr_assert(cli_id_valid("c1"));
	cr_assert(cli_id_valid("a_b-c.d+e"));
	cr_assert(cli_id_valid("3f2a9c0e1b7d"));
	cr_assert(cli_id_valid("..."));
	cr_assert_not(cli_id_valid(""));
	cr_assert_not(cli_id_valid("."));
	cr_assert_not(cli_id_valid(".."));
	cr_assert_not(cli_id_valid("a/b"));
	cr_assert_not(cli_id_valid("../x"));
	cr_assert_not(cli_id_valid("a b"));
	cr_assert_not(cli_id_valid("a:b"));
	cr_assert_not(cli_id_valid("caf\xc3\xa9"));
	hull_err e = {0};
	cr_assert_lt(cli_check_id("start", "a/b", &e), 0);
	cr_assert(strstr(e.msg, "invalid container id"), "%s", e.msg);
	cr_assert_lt(cli_check_id("start", NULL, &e), 0);
	cr_assert_str_eq(e.msg, "hull start: missing container id");
}

/* ---------- create / run ---------- */

Test(cli_create, conmon_argv)
{
	struct hull_create_opts o;
	hull_err e = {0};
	char **argv = ARGV("create", "--bundle", "/s/userdata", "--pid-file", "/r/pidfile", "--console-socket",
			   "/tmp/conmon-term.X", "--preserve-fds", "2", "--no-pivot", "--no-new-keyring", "ctr1");
	cr_assert_eq(cmd_create_parse("create", argc_of(argv), argv, false, &o, &e), 0, "%s", e.msg);
	cr_assert_str_eq(o.id, "ctr1");
	cr_assert_str_eq(o.bundle, "/s/userdata");
	cr_assert_str_eq(o.pid_file, "/r/pidfile");
	cr_assert_str_eq(o.console_socket, "/tmp/conmon-term.X");
	cr_assert_eq(o.preserve_fds, 2);
	cr_assert(o.no_pivot && o.no_new_keyring);
	cr_assert_not(o.overlay);
	cr_assert_null(o.config);
}

Test(cli_create, short_and_equals_forms_id_anywhere)
{
	struct hull_create_opts o;
	hull_err e = {0};
	char **argv = ARGV("create", "c9", "-b", "/b", "--pid-file=/p", "--overlay");
	cr_assert_eq(cmd_create_parse("create", argc_of(argv), argv, false, &o, &e), 0, "%s", e.msg);
	cr_assert_str_eq(o.id, "c9");
	cr_assert_str_eq(o.bundle, "/b");
	cr_assert_str_eq(o.pid_file, "/p");
	cr_assert(o.overlay);
}

Test(cli_create, errors)
{
	struct hull_create_opts o;
	hull_err e = {0};
	char **a1 = ARGV("create", "-b", "/b");
	cr_assert_lt(cmd_create_parse("create", argc_of(a1), a1, false, &o, &e), 0);
	cr_assert_str_eq(e.msg, "hull create: missing container id");
	char **a2 = ARGV("create", "c1", "c2");
	cr_assert_lt(cmd_create_parse("create", argc_of(a2), a2, false, &o, &e), 0);
	cr_assert(strstr(e.msg, "c2"));
	char **a3 = ARGV("create", "--preserve-fds", "-1", "c1");
	cr_assert_lt(cmd_create_parse("create", argc_of(a3), a3, false, &o, &e), 0);
	char **a4 = ARGV("create", "--detach", "c1");
	cr_assert_lt(cmd_create_parse("create", argc_of(a4), a4, false, &o, &e), 0, "--detach is run-only");
	cr_assert(strstr(e.msg, "--detach"), "%s", e.msg);
	char **a5 = ARGV("create", "--bundle");
	cr_assert_lt(cmd_create_parse("create", argc_of(a5), a5, false, &o, &e), 0);
	cr_assert(strstr(e.msg, "--bundle"), "%s", e.msg);
	char **a6 = ARGV("create", "--help");
	cr_assert_eq(cmd_create_parse("create", argc_of(a6), a6, false, &o, &e), CLI_HELP);
	char **a7 = ARGV("create", "--console-socket", "", "c1");
	cr_assert_lt(cmd_create_parse("create", argc_of(a7), a7, false, &o, &e), 0);
	cr_assert_str_eq(e.msg, "hull create: --console-socket: empty path (give the path of a unix socket)");
	char **a8 = ARGV("run", "--console-socket=", "c1");
	cr_assert_lt(cmd_create_parse("run", argc_of(a8), a8, true, &o, &e), 0);
	cr_assert_str_eq(e.msg, "hull run: --console-socket: empty path (give the path of a unix socket)");
}

Test(cli_run, detach_keep)
{
	struct hull_create_opts o;
	hull_err e = {0};
	char **argv = ARGV("run", "-d", "--keep", "-b", "/b", "r1");
	cr_assert_eq(cmd_create_parse("run", argc_of(argv), argv, true, &o, &e), 0, "%s", e.msg);
	cr_assert(o.detach && o.keep);
	cr_assert_str_eq(o.id, "r1");
}

/* ---------- exec ---------- */

Test(cli_exec, args_after_id_belong_to_command)
{
	struct hull_exec_opts o;
	hull_err e = {0};
	char **argv = ARGV("exec", "-e", "A=1", "--env=B=2", "c1", "sh", "-c", "echo hi", "--tty");
	cr_assert_eq(cmd_exec_parse(argc_of(argv), argv, &o, &e), 0, "%s", e.msg);
	cr_assert_str_eq(o.id, "c1");
	cr_assert_eq(o.n_args, 4);
	cr_assert_str_eq(o.args[0], "sh");
	cr_assert_str_eq(o.args[1], "-c");
	cr_assert_str_eq(o.args[2], "echo hi");
	cr_assert_str_eq(o.args[3], "--tty");
	cr_assert_null(o.args[4]);
	cr_assert_eq(o.tty, -1, "--tty after the id is the command's");
	cr_assert_eq(o.n_env, 2);
	cr_assert_str_eq(o.env[0], "A=1");
	cr_assert_str_eq(o.env[1], "B=2");
	cmd_exec_opts_free(&o);
}

Test(cli_exec, conmon_detach_process_file)
{
	struct hull_exec_opts o;
	hull_err e = {0};
	char **argv = ARGV("exec", "--pid-file", "/u/exec_pid", "--process", "/u/exec-process-1", "--detach", "--tty",
			   "--console-socket", "/tmp/conmon-term.Y", "--preserve-fds", "1", "ctr1");
	cr_assert_eq(cmd_exec_parse(argc_of(argv), argv, &o, &e), 0, "%s", e.msg);
	cr_assert_str_eq(o.id, "ctr1");
	cr_assert_str_eq(o.process_path, "/u/exec-process-1");
	cr_assert_str_eq(o.pid_file, "/u/exec_pid");
	cr_assert_str_eq(o.console_socket, "/tmp/conmon-term.Y");
	cr_assert(o.detach);
	cr_assert_eq(o.tty, 1);
	cr_assert_eq(o.preserve_fds, 1);
	cr_assert_eq(o.n_args, 0);
	cr_assert_eq(o.no_new_privs, -1);
	cmd_exec_opts_free(&o);
}

Test(cli_exec, repeatable_and_tristate_flags)
{
	struct hull_exec_opts o;
	hull_err e = {0};
	char **argv = ARGV("exec", "-c", "CAP_NET_ADMIN", "--cap", "CAP_SYS_TIME", "-g", "10", "--additional-gids=20",
			   "-u", "1000:1000", "--cwd", "/tmp", "--tty=false", "--no-new-privs", "--ignore-paused",
			   "--apparmor", "prof", "--process-label", "lbl", "c1", "--", "ls", "-l");
	cr_assert_eq(cmd_exec_parse(argc_of(argv), argv, &o, &e), 0, "%s", e.msg);
	cr_assert_eq(o.n_caps, 2);
	cr_assert_str_eq(o.caps[1], "CAP_SYS_TIME");
	cr_assert_eq(o.n_additional_gids, 2);
	cr_assert_str_eq(o.additional_gids[0], "10");
	cr_assert_str_eq(o.additional_gids[1], "20");
	cr_assert_str_eq(o.user, "1000:1000");
	cr_assert_str_eq(o.cwd, "/tmp");
	cr_assert_eq(o.tty, 0);
	cr_assert_eq(o.no_new_privs, 1);
	cr_assert(o.ignore_paused);
	cr_assert_str_eq(o.apparmor, "prof");
	cr_assert_str_eq(o.process_label, "lbl");
	cr_assert_eq(o.n_args, 2, "the \"--\" after the id is dropped");
	cr_assert_str_eq(o.args[0], "ls");
	cmd_exec_opts_free(&o);
}

static void exec_fails(char **argv, const char *needle)
{
	struct hull_exec_opts o;
	hull_err e = {0};
	cr_assert_lt(cmd_exec_parse(argc_of(argv), argv, &o, &e), 0, "expected failure containing %s", needle);
	cr_assert(strstr(e.msg, needle), "\"%s\" not in \"%s\"", needle, e.msg);
	cmd_exec_opts_free(&o);
}

Test(cli_exec, errors)
{
	exec_fails(ARGV("exec"), "missing container id");
	exec_fails(ARGV("exec", "c1"), "missing command");
	exec_fails(ARGV("exec", "-p", "/p.json", "c1", "ls"), "--process");
	exec_fails(ARGV("exec", "-u", "root", "c1", "ls"), "--user");
	exec_fails(ARGV("exec", "-g", "wheel", "c1", "ls"), "--additional-gids");
	exec_fails(ARGV("exec", "-e", "NOVALUE", "c1", "ls"), "--env");
	exec_fails(ARGV("exec", "--tty=maybe", "c1", "ls"), "--tty");
	exec_fails(ARGV("exec", "--bogus", "c1", "ls"), "--bogus");
	exec_fails(ARGV("exec", "bad/id", "ls"), "invalid container id");
	exec_fails(ARGV("exec", "--console-socket", "", "c1", "ls"),
		   "hull exec: --console-socket: empty path (give the path of a unix socket)");
	exec_fails(ARGV("exec", "--console-socket=", "c1", "ls"), "--console-socket: empty path");
}

/* ---------- kill ---------- */

static int kill_sig(char **argv, struct cmd_kill_opts *o, hull_err *e)
{
	return cmd_kill_parse(argc_of(argv), argv, o, e);
}

Test(cli_kill, signals)
{
	struct cmd_kill_opts o;
	hull_err e = {0};
	cr_assert_eq(kill_sig(ARGV("kill", "c1"), &o, &e), 0);
	cr_assert_eq(o.sig, SIGTERM);
	cr_assert_not(o.all);
	cr_assert_eq(kill_sig(ARGV("kill", "c1", "9"), &o, &e), 0);
	cr_assert_eq(o.sig, SIGKILL);
	cr_assert_eq(kill_sig(ARGV("kill", "c1", "KILL"), &o, &e), 0);
	cr_assert_eq(o.sig, SIGKILL);
	cr_assert_eq(kill_sig(ARGV("kill", "c1", "SIGUSR1"), &o, &e), 0);
	cr_assert_eq(o.sig, SIGUSR1);
	cr_assert_eq(kill_sig(ARGV("kill", "c1", "hup"), &o, &e), 0);
	cr_assert_eq(o.sig, SIGHUP);
	cr_assert_eq(kill_sig(ARGV("kill", "--all", "c1", "18"), &o, &e), 0);
	cr_assert_eq(o.sig, SIGCONT);
	cr_assert(o.all);
	cr_assert_eq(kill_sig(ARGV("kill", "-a", "c1", "15"), &o, &e), 0);
	cr_assert(o.all);
	cr_assert_str_eq(o.id, "c1");
}

Test(cli_kill, bad_signal_and_args)
{
	struct cmd_kill_opts o;
	hull_err e = {0};
	cr_assert_lt(kill_sig(ARGV("kill", "c1", "NOSUCH"), &o, &e), 0);
	cr_assert(strstr(e.msg, "invalid signal") && strstr(e.msg, "NOSUCH"), "%s", e.msg);
	cr_assert_lt(kill_sig(ARGV("kill", "c1", "0"), &o, &e), 0);
	cr_assert_lt(kill_sig(ARGV("kill", "c1", "9x"), &o, &e), 0);
	cr_assert_lt(kill_sig(ARGV("kill", "c1", "9", "extra"), &o, &e), 0);
	cr_assert_lt(kill_sig(ARGV("kill"), &o, &e), 0);
	cr_assert_str_eq(e.msg, "hull kill: missing container id");
}

/* ---------- delete / list / ps / events / spec ---------- */

Test(cli_misc, delete_force)
{
	struct cmd_delete_opts o;
	hull_err e = {0};
	char **a1 = ARGV("delete", "--force", "c1");
	cr_assert_eq(cmd_delete_parse(argc_of(a1), a1, &o, &e), 0);
	cr_assert(o.force);
	char **a2 = ARGV("delete", "c1");
	cr_assert_eq(cmd_delete_parse(argc_of(a2), a2, &o, &e), 0);
	cr_assert_not(o.force);
	char **a3 = ARGV("delete", "-f");
	cr_assert_lt(cmd_delete_parse(argc_of(a3), a3, &o, &e), 0);
}

Test(cli_misc, id_only_commands)
{
	const char *id;
	hull_err e = {0};
	char **a1 = ARGV("pause", "p1");
	cr_assert_eq(cmd_id_only_parse("pause", argc_of(a1), a1, &id, &e), 0);
	cr_assert_str_eq(id, "p1");
	char **a2 = ARGV("state", "p1", "p2");
	cr_assert_lt(cmd_id_only_parse("state", argc_of(a2), a2, &id, &e), 0);
	cr_assert(strstr(e.msg, "hull state:"), "%s", e.msg);
	char **a3 = ARGV("start", "-h");
	cr_assert_eq(cmd_id_only_parse("start", argc_of(a3), a3, &id, &e), CLI_HELP);
}

Test(cli_misc, list_formats)
{
	enum hull_list_format f;
	hull_err e = {0};
	char **a1 = ARGV("list");
	cr_assert_eq(cmd_list_parse(argc_of(a1), a1, &f, &e), 0);
	cr_assert_eq(f, HULL_LIST_TABLE);
	char **a2 = ARGV("list", "--format=json");
	cr_assert_eq(cmd_list_parse(argc_of(a2), a2, &f, &e), 0);
	cr_assert_eq(f, HULL_LIST_JSON);
	char **a3 = ARGV("list", "-f", "json", "-q");
	cr_assert_eq(cmd_list_parse(argc_of(a3), a3, &f, &e), 0);
	cr_assert_eq(f, HULL_LIST_QUIET);
	char **a4 = ARGV("list", "-f", "yaml");
	cr_assert_lt(cmd_list_parse(argc_of(a4), a4, &f, &e), 0);
}

Test(cli_misc, ps_args_after_id)
{
	struct cmd_ps_opts o;
	hull_err e = {0};
	char **a1 = ARGV("ps", "--format", "json", "c1");
	cr_assert_eq(cmd_ps_parse(argc_of(a1), a1, &o, &e), 0, "%s", e.msg);
	cr_assert(o.json);
	cr_assert_eq(o.n_ps_args, 0);
	char **a2 = ARGV("ps", "c1", "-o", "pid,comm");
	cr_assert_eq(cmd_ps_parse(argc_of(a2), a2, &o, &e), 0, "%s", e.msg);
	cr_assert_not(o.json);
	cr_assert_eq(o.n_ps_args, 2);
	cr_assert_str_eq(o.ps_args[0], "-o");
	cr_assert_str_eq(o.ps_args[1], "pid,comm");
}

Test(cli_misc, events_interval)
{
	struct cmd_events_opts o;
	hull_err e = {0};
	char **a1 = ARGV("events", "c1");
	cr_assert_eq(cmd_events_parse(argc_of(a1), a1, &o, &e), 0);
	cr_assert_eq(o.interval_ms, 5000);
	cr_assert_not(o.stats);
	char **a2 = ARGV("events", "--stats", "--interval=250ms", "c1");
	cr_assert_eq(cmd_events_parse(argc_of(a2), a2, &o, &e), 0, "%s", e.msg);
	cr_assert(o.stats);
	cr_assert_eq(o.interval_ms, 250);
}

Test(cli_misc, durations)
{
	int ms = 0;
	hull_err e = {0};
	struct {
		const char *in;
		int ms;
	} ok[] = {{"5s", 5000}, {"500ms", 500}, {"1m30s", 90000}, {"1.5s", 1500}, {"2h", 7200000},
		  {"10us", 1},  {"1h1m1s1ms", 3661001}};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		cr_assert_eq(cli_parse_duration_ms("events", "--interval", ok[i].in, &ms, &e), 0, "%s: %s", ok[i].in,
			     e.msg);
		cr_assert_eq(ms, ok[i].ms, "%s -> %d", ok[i].in, ms);
	}
	const char *bad[] = {"", "5", "0", "0s", "s", "5x", "-5s", "1.s5", "1000000h"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_lt(cli_parse_duration_ms("events", "--interval", bad[i], &ms, &e), 0, "%s accepted", bad[i]);
}

Test(cli_misc, spec_flags)
{
	struct cmd_spec_opts o;
	hull_err e = {0};
	char **a1 = ARGV("spec", "--rootless", "-b", "/bundle");
	cr_assert_eq(cmd_spec_parse(argc_of(a1), a1, &o, &e), 0);
	cr_assert(o.rootless);
	cr_assert_str_eq(o.bundle, "/bundle");
	char **a2 = ARGV("spec", "extra");
	cr_assert_lt(cmd_spec_parse(argc_of(a2), a2, &o, &e), 0);
}

/* ---------- update ---------- */

Test(cli_update, byte_sizes)
{
	int64_t v;
	hull_err e = {0};
	struct {
		const char *in;
		int64_t v;
	} ok[] = {{"1024", 1024},       {"64m", 64LL << 20}, {"64M", 64LL << 20}, {"1g", 1LL << 30},
		  {"2GiB", 2LL << 30},  {"10kb", 10240},     {"1.5k", 1536},      {"-1", -1},
		  {"1t", 1LL << 40},    {"100b", 100}};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		cr_assert_eq(cli_parse_bytes("update", "--memory", ok[i].in, true, &v, &e), 0, "%s: %s", ok[i].in,
			     e.msg);
		cr_assert_eq(v, ok[i].v, "%s -> %lld", ok[i].in, (long long)v);
	}
	const char *bad[] = {"", "m", "1x", "-2", "1.5.5m", "9999999p", "12 34"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_lt(cli_parse_bytes("update", "--memory", bad[i], true, &v, &e), 0, "%s accepted", bad[i]);
	cr_assert_lt(cli_parse_bytes("update", "--memory", "-1", false, &v, &e), 0);
}

static yajl_val parse_json(const char *s)
{
	char err[256];
	yajl_val v = yajl_tree_parse(s, err, sizeof err);
	cr_assert_not_null(v, "invalid JSON %s: %s", s, err);
	return v;
}

static long long json_int(yajl_val root, const char *a, const char *b)
{
	const char *path[] = {a, b, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);
	cr_assert_not_null(v, "%s.%s missing", a, b);
	return YAJL_GET_INTEGER(v);
}

static const char *json_str(yajl_val root, const char *a, const char *b)
{
	const char *path[] = {a, b, NULL};
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);
	cr_assert_not_null(v, "%s.%s missing", a, b);
	return YAJL_GET_STRING(v);
}

static char *update_json(char **argv, const char *file, hull_err *e)
{
	struct cmd_update_opts o;
	char *out = NULL;
	cr_assert_eq(cmd_update_parse(argc_of(argv), argv, &o, e), 0, "%s", e->msg);
	cr_assert_eq(cmd_update_build_json(&o, file, &out, e), 0, "%s", e->msg);
	return out;
}

Test(cli_update, flags_to_resources_json)
{
	hull_err e = {0};
	char *s = update_json(ARGV("update", "--memory", "64m", "--memory-swap=128m", "--memory-reservation", "32m",
				   "--cpu-shares", "512", "--cpu-quota", "50000", "--cpu-period", "100000",
				   "--cpuset-cpus", "0-1", "--cpuset-mems", "0", "--cpu-rt-period", "1000000",
				   "--cpu-rt-runtime", "-1", "--blkio-weight", "300", "--pids-limit", "100",
				   "--kernel-memory", "1m", "c1"),
			      NULL, &e);
	yajl_val v = parse_json(s);
	cr_assert_eq(json_int(v, "memory", "limit"), 64LL << 20);
	cr_assert_eq(json_int(v, "memory", "swap"), 128LL << 20);
	cr_assert_eq(json_int(v, "memory", "reservation"), 32LL << 20);
	cr_assert_eq(json_int(v, "memory", "kernel"), 1LL << 20);
	cr_assert_eq(json_int(v, "cpu", "shares"), 512);
	cr_assert_eq(json_int(v, "cpu", "quota"), 50000);
	cr_assert_eq(json_int(v, "cpu", "period"), 100000);
	cr_assert_eq(json_int(v, "cpu", "realtimePeriod"), 1000000);
	cr_assert_eq(json_int(v, "cpu", "realtimeRuntime"), -1);
	cr_assert_str_eq(json_str(v, "cpu", "cpus"), "0-1");
	cr_assert_str_eq(json_str(v, "cpu", "mems"), "0");
	cr_assert_eq(json_int(v, "blockIO", "weight"), 300);
	cr_assert_eq(json_int(v, "pids", "limit"), 100);
	yajl_tree_free(v);
	free(s);
}

Test(cli_update, only_given_sections)
{
	hull_err e = {0};
	char *s = update_json(ARGV("update", "--cpu-share", "2", "c1"), NULL, &e);
	cr_assert_str_eq(s, "{\"cpu\":{\"shares\":2}}");
	free(s);
}

Test(cli_update, file_merged_with_flags_flags_win)
{
	hull_err e = {0};
	const char *file = "{\"memory\":{\"limit\":67108864,\"swap\":134217728},"
			   "\"cpu\":{\"quota\":50000,\"period\":100000},"
			   "\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],\"unified\":{\"a\":\"b\\\"c\"}}";
	char *s = update_json(ARGV("update", "--resources", "/tmp/podmanNNN", "--memory", "1g", "--pids-limit", "5", "c1"),
			      file, &e);
	yajl_val v = parse_json(s);
	cr_assert_eq(json_int(v, "memory", "limit"), 1LL << 30, "flag overrides file");
	cr_assert_eq(json_int(v, "memory", "swap"), 134217728, "file value kept");
	cr_assert_eq(json_int(v, "cpu", "quota"), 50000);
	cr_assert_eq(json_int(v, "pids", "limit"), 5);
	cr_assert_str_eq(json_str(v, "unified", "a"), "b\"c");
	const char *dev[] = {"devices", NULL};
	yajl_val d = yajl_tree_get(v, dev, yajl_t_array);
	cr_assert_not_null(d);
	cr_assert_eq(d->u.array.len, 1);
	yajl_tree_free(v);
	free(s);
}

Test(cli_update, file_only_passes_through)
{
	hull_err e = {0};
	const char *file = "{\"memory\":{\"limit\":67108864,\"swap\":134217728},\"cpu\":{\"quota\":50000,\"period\":100000}}";
	char *s = update_json(ARGV("update", "-r", "-", "c1"), file, &e);
	cr_assert_str_eq(s, file);
	free(s);
}

Test(cli_update, errors)
{
	struct cmd_update_opts o;
	hull_err e = {0};
	char *out = NULL;
	char **a1 = ARGV("update", "c1");
	cr_assert_lt(cmd_update_parse(argc_of(a1), a1, &o, &e), 0, "nothing to update");
	char **a2 = ARGV("update", "--memory", "lots", "c1");
	cr_assert_lt(cmd_update_parse(argc_of(a2), a2, &o, &e), 0);
	cr_assert(strstr(e.msg, "--memory"), "%s", e.msg);
	char **a3 = ARGV("update", "--cpu-shares", "-5", "c1");
	cr_assert_lt(cmd_update_parse(argc_of(a3), a3, &o, &e), 0);
	char **a4 = ARGV("update", "--blkio-weight", "70000", "c1");
	cr_assert_lt(cmd_update_parse(argc_of(a4), a4, &o, &e), 0);
	char **a5 = ARGV("update", "--l3-cache-schema", "L3:0=f", "c1");
	cr_assert_lt(cmd_update_parse(argc_of(a5), a5, &o, &e), 0);
	cr_assert(strstr(e.msg, "l3-cache-schema"), "%s", e.msg);
	/* -1 is unlimited; no other negative pids limit means anything */
	char **a7 = ARGV("update", "--pids-limit", "-2", "c1");
	cr_assert_lt(cmd_update_parse(argc_of(a7), a7, &o, &e), 0);
	cr_assert_str_eq(e.msg, "hull update: invalid value \"-2\" for --pids-limit: out of range [-1, 9223372036854775807]");
	char **a8 = ARGV("update", "--pids-limit", "-1", "c1");
	cr_assert_eq(cmd_update_parse(argc_of(a8), a8, &o, &e), 0, "%s", e.msg);
	char **a6 = ARGV("update", "-r", "f.json", "c1");
	cr_assert_eq(cmd_update_parse(argc_of(a6), a6, &o, &e), 0);
	cr_assert_lt(cmd_update_build_json(&o, "{\"memory\":", &out, &e), 0);
	cr_assert(strstr(e.msg, "f.json"), "%s", e.msg);
	cr_assert_lt(cmd_update_build_json(&o, "[1,2]", &out, &e), 0);
	cr_assert(strstr(e.msg, "object"), "%s", e.msg);
}

/* ---------- logging ---------- */

static char *log_path(void)
{
	char *p = strdup("/tmp/hull-test-log-XXXXXX");
	int fd = mkstemp(p);
	cr_assert_geq(fd, 0);
	close(fd);
	unlink(p); /* hull_log_init must create it */
	return p;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	hull_err e = {0};
	cr_assert_eq(read_file_at(AT_FDCWD, path, &buf, NULL, &e), 0, "%s", e.msg);
	return buf;
}

static void assert_rfc3339_utc(const char *t)
{
	int y, mo, d, h, mi, s;
	char z = 0;
	cr_assert_eq(strlen(t), 20, "time %s", t);
	cr_assert_eq(sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z), 7, "time %s", t);
	cr_assert_eq(z, 'Z');
	cr_assert(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
}

Test(cli_log, json_error_line_and_stderr, .init = cr_redirect_stderr)
{
	char *path = log_path();
	mode_t old = umask(0);
	cr_assert_eq(hull_log_init(path, true, false), 0);
	umask(old);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0644);
	cr_assert(fcntl(hull_log_fd(), F_GETFD) & FD_CLOEXEC);
	cr_assert(fcntl(hull_log_fd(), F_GETFL) & O_APPEND);

	hull_debug("not shown without --debug");
	hull_log_error("exec: \"/x\": stat /x: no such file\tor directory");
	char *text = slurp(path);
	/* exactly one line, one object: podman unmarshals the whole file */
	size_t len = strlen(text);
	cr_assert_gt(len, 0);
	cr_assert_eq(text[len - 1], '\n');
	cr_assert_eq(strchr(text, '\n'), text + len - 1, "more than one line: %s", text);
	yajl_val v = parse_json(text);
	const char *lp[] = {"level", NULL}, *mp[] = {"msg", NULL}, *tp[] = {"time", NULL};
	cr_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(v, lp, yajl_t_string)), "error");
	cr_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(v, mp, yajl_t_string)),
			 "exec: \"/x\": stat /x: no such file\tor directory");
	assert_rfc3339_utc(YAJL_GET_STRING(yajl_tree_get(v, tp, yajl_t_string)));
	yajl_tree_free(v);
	fflush(stderr);
	cr_assert_stderr_eq_str("exec: \"/x\": stat /x: no such file\tor directory\n");
	unlink(path);
	free(text);
	free(path);
}

Test(cli_log, text_format_appends_and_debug)
{
	char *path = log_path();
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "old line\n", 9), 9);
	close(fd);
	cr_assert_eq(hull_log_init(path, false, true), 0);
	cr_assert(hull_log_debug_enabled());
	hull_debug("mount %s", "/proc");
	hull_warn("say \"hi\"");
	char *text = slurp(path);
	cr_assert_eq(strncmp(text, "old line\n", 9), 0, "log must be appended to: %s", text);
	char *l1 = text + 9;
	cr_assert_eq(strncmp(l1, "time=\"", 6), 0, "%s", l1);
	char ts[21];
	memcpy(ts, l1 + 6, 20);
	ts[20] = '\0';
	assert_rfc3339_utc(ts);
	cr_assert(strstr(l1, "\" level=debug msg=\"mount /proc\"\n"), "%s", l1);
	cr_assert(strstr(l1, " level=warning msg=\"say \\\"hi\\\"\"\n"), "%s", l1);
	unlink(path);
	free(text);
	free(path);
}

Test(cli_log, error_on_stderr_is_one_line, .init = cr_redirect_stderr)
{
	cr_assert_eq(hull_log_init(NULL, false, false), 0);
	cr_assert_eq(hull_log_fd(), -1);
	hull_log_error("line one\nline two");
	fflush(stderr);
	cr_assert_stderr_eq_str("line one line two\n");
}

Test(cli_log, unwritable_path_fails)
{
	cr_assert_lt(hull_log_init("/nonexistent-dir/x/log.json", true, false), 0);
	cr_assert_eq(hull_log_fd(), -1);
}
