/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/hooks.c: real hooks (/bin/sh scripts) run through hooks_run. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/hooks.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/hull-hooks-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (dir[0] && system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
}

TestSuite(hooks, .init = setup, .fini = teardown, .timeout = 30);

static char *path_in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	hull_err e = {0};
	if (read_file_at(AT_FDCWD, path, &buf, NULL, &e) < 0)
		return xstrdup("");
	return buf;
}

/* A /bin/sh -c hook; argv[0] is the conventional name. */
static struct oci_hook sh_hook(const char *script, char **env)
{
	char **args = xcalloc(4, sizeof *args);
	args[0] = "sh";
	args[1] = "-c";
	args[2] = (char *)script;
	size_t n_env = 0;
	while (env && env[n_env])
		n_env++;
	return (struct oci_hook){.path = "/bin/sh", .args = args, .n_args = 3, .env = env, .n_env = n_env};
}

static struct oci_hooks one_kind(enum oci_hook_kind k, struct oci_hook *list, size_t n)
{
	struct oci_hooks h = {0};
	h.list[k] = list;
	h.n[k] = n;
	return h;
}

/* Run hooks with fd 1 redirected into a file; returns what they printed. */
static char *run_capturing_stdout(const struct oci_hooks *h, enum oci_hook_kind k, const char *state, int *rc,
				  hull_err *e)
{
	_cleanup_free_ char *out = path_in_dir("stdout");
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	fflush(stdout);
	int saved = dup(1);
	cr_assert_geq(saved, 0);
	dup2(fd, 1);
	*rc = hooks_run(h, k, state, e);
	dup2(saved, 1);
	close(saved);
	close(fd);
	return slurp(out);
}

static const char state[] = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"created\",\"pid\":42,"
			    "\"bundle\":\"/b\"}";

Test(hooks, run_in_order_with_state_on_stdin)
{
	_cleanup_free_ char *log = path_in_dir("log");
	_cleanup_free_ char *out_env = xasprintf("OUT=%s", log);
	char *env1[] = {out_env, "TAG=first", NULL};
	char *env2[] = {out_env, "TAG=second", NULL};
	const char *script = "{ echo \"$TAG\"; cat; echo; } >> \"$OUT\"";
	struct oci_hook list[] = {sh_hook(script, env1), sh_hook(script, env2)};
	struct oci_hooks h = one_kind(OCI_HOOK_PRESTART, list, 2);

	hull_err e = {0};
	cr_assert_eq(hooks_run(&h, OCI_HOOK_PRESTART, state, &e), 0, "%s", e.msg);
	_cleanup_free_ char *got = slurp(log);
	_cleanup_free_ char *want = xasprintf("first\n%s\nsecond\n%s\n", state, state);
	cr_assert_str_eq(got, want);
	free(list[0].args);
	free(list[1].args);
}

Test(hooks, only_the_kind_asked_runs)
{
	_cleanup_free_ char *log = path_in_dir("log");
	_cleanup_free_ char *out_env = xasprintf("OUT=%s", log);
	char *env[] = {out_env, NULL};
	struct oci_hook pre = sh_hook("echo pre >> \"$OUT\"", env);
	struct oci_hook post = sh_hook("echo post >> \"$OUT\"", env);
	struct oci_hooks h = {0};
	h.list[OCI_HOOK_PRESTART] = &pre;
	h.n[OCI_HOOK_PRESTART] = 1;
	h.list[OCI_HOOK_POSTSTOP] = &post;
	h.n[OCI_HOOK_POSTSTOP] = 1;
	hull_err e = {0};
	cr_assert_eq(hooks_run(&h, OCI_HOOK_POSTSTOP, state, &e), 0, "%s", e.msg);
	_cleanup_free_ char *got = slurp(log);
	cr_assert_str_eq(got, "post\n");
	free(pre.args);
	free(post.args);
}

Test(hooks, env_is_exactly_the_hooks_and_args_default_to_path)
{
	char *env[] = {"A=1", "B=two words", NULL};
	struct oci_hook hk = {.path = "/usr/bin/env", .env = env, .n_env = 2};
	struct oci_hooks h = one_kind(OCI_HOOK_CREATE_RUNTIME, &hk, 1);
	hull_err e = {0};
	int rc;
	_cleanup_free_ char *got = run_capturing_stdout(&h, OCI_HOOK_CREATE_RUNTIME, state, &rc, &e);
	cr_assert_eq(rc, 0, "%s", e.msg);
	cr_assert_str_eq(got, "A=1\nB=two words\n");

	/* no env at all: an empty environment, not the runtime's */
	struct oci_hook bare = {.path = "/usr/bin/env"};
	h = one_kind(OCI_HOOK_CREATE_RUNTIME, &bare, 1);
	setenv("HULL_TEST_LEAK", "1", 1);
	_cleanup_free_ char *got2 = run_capturing_stdout(&h, OCI_HOOK_CREATE_RUNTIME, state, &rc, &e);
	cr_assert_eq(rc, 0, "%s", e.msg);
	cr_assert_str_eq(got2, "");
}

Test(hooks, argv0_and_args_passed_verbatim)
{
	char *args[] = {"custom-name", "-c", "printf '%s|' \"$0\" \"$1\" \"$2\"", "x y", "z", NULL};
	struct oci_hook hk = {.path = "/bin/sh", .args = args, .n_args = 5};
	struct oci_hooks h = one_kind(OCI_HOOK_POSTSTART, &hk, 1);
	hull_err e = {0};
	int rc;
	_cleanup_free_ char *got = run_capturing_stdout(&h, OCI_HOOK_POSTSTART, state, &rc, &e);
	cr_assert_eq(rc, 0, "%s", e.msg);
	cr_assert_str_eq(got, "x y|z||");
}

Test(hooks, failure_stops_chain_and_names_the_hook)
{
	_cleanup_free_ char *log = path_in_dir("log");
	_cleanup_free_ char *out_env = xasprintf("OUT=%s", log);
	char *env[] = {out_env, NULL};
	struct oci_hook list[] = {
		sh_hook("echo one >> \"$OUT\"", env),
		sh_hook("exit 3", env),
		sh_hook("echo three >> \"$OUT\"", env),
	};
	struct oci_hooks h = one_kind(OCI_HOOK_CREATE_RUNTIME, list, 3);
	hull_err e = {0};
	int r = hooks_run(&h, OCI_HOOK_CREATE_RUNTIME, state, &e);
	cr_assert_lt(r, 0);
	cr_assert_eq(e.code, r);
	cr_assert_str_eq(e.msg, "hook /bin/sh (createRuntime[1]) exited with status 3");
	_cleanup_free_ char *got = slurp(log);
	cr_assert_str_eq(got, "one\n");
	for (int i = 0; i < 3; i++)
		free(list[i].args);
}

Test(hooks, killed_by_signal_is_reported)
{
	struct oci_hook hk = sh_hook("kill -TERM $$", NULL);
	struct oci_hooks h = one_kind(OCI_HOOK_POSTSTOP, &hk, 1);
	hull_err e = {0};
	cr_assert_lt(hooks_run(&h, OCI_HOOK_POSTSTOP, state, &e), 0);
	cr_assert(strstr(e.msg, "hook /bin/sh (poststop[0])") && strstr(e.msg, "SIGTERM"), "%s", e.msg);
	free(hk.args);
}

Test(hooks, missing_executable)
{
	struct oci_hook hk = {.path = "/nonexistent/hook"};
	struct oci_hooks h = one_kind(OCI_HOOK_PRESTART, &hk, 1);
	hull_err e = {0};
	int r = hooks_run(&h, OCI_HOOK_PRESTART, state, &e);
	cr_assert_eq(r, -ENOENT);
	cr_assert(strstr(e.msg, "/nonexistent/hook") && strstr(e.msg, "prestart[0]") &&
			  strstr(e.msg, "No such file or directory"),
		  "%s", e.msg);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(hooks, timeout_kills_the_hook)
{
	_cleanup_free_ char *pidf = path_in_dir("pid");
	_cleanup_free_ char *pid_env = xasprintf("PIDF=%s", pidf);
	char *env[] = {pid_env, NULL};
	struct oci_hook hk = sh_hook("echo $$ > \"$PIDF\"; exec sleep 30", env);
	hk.has_timeout = true;
	hk.timeout = 1;
	struct oci_hooks h = one_kind(OCI_HOOK_PRESTART, &hk, 1);
	hull_err e = {0};
	double t0 = now_s();
	int r = hooks_run(&h, OCI_HOOK_PRESTART, state, &e);
	double dt = now_s() - t0;
	cr_assert_lt(r, 0);
	cr_assert_str_eq(e.msg, "hook /bin/sh (prestart[0]) timed out after 1 s");
	cr_assert(dt >= 0.9 && dt < 2.0, "took %.2f s", dt);
	_cleanup_free_ char *pid_s = slurp(pidf);
	pid_t pid = (pid_t)atoi(pid_s);
	cr_assert_gt(pid, 0);
	cr_assert(kill(pid, 0) < 0 && errno == ESRCH, "hook %d still exists", (int)pid);
	free(hk.args);
}

Test(hooks, fast_hook_within_timeout_succeeds)
{
	struct oci_hook hk = sh_hook("cat >/dev/null", NULL);
	hk.has_timeout = true;
	hk.timeout = 5;
	struct oci_hooks h = one_kind(OCI_HOOK_START_CONTAINER, &hk, 1);
	hull_err e = {0};
	double t0 = now_s();
	cr_assert_eq(hooks_run(&h, OCI_HOOK_START_CONTAINER, state, &e), 0, "%s", e.msg);
	cr_assert_lt(now_s() - t0, 2.0);
	free(hk.args);
}

Test(hooks, hook_ignoring_large_stdin_still_works)
{
	/* far beyond a pipe buffer: a hook that never reads (or reads a little) must not block us
	 * nor kill us with SIGPIPE */
	size_t big = 4 << 20;
	char *large = xmalloc(big + 1);
	memset(large, 'x', big);
	large[big] = '\0';
	struct oci_hook list[] = {{.path = "/bin/true"}, sh_hook("head -c 10 >/dev/null", NULL)};
	struct oci_hooks h = one_kind(OCI_HOOK_POSTSTART, list, 2);
	hull_err e = {0};
	cr_assert_eq(hooks_run(&h, OCI_HOOK_POSTSTART, large, &e), 0, "%s", e.msg);
	sigset_t pending;
	sigpending(&pending);
	cr_assert_eq(sigismember(&pending, SIGPIPE), 0, "a SIGPIPE was left pending");
	free(list[1].args);
	free(large);
}

Test(hooks, no_fds_leak_into_hooks)
{
	int leak = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */
	cr_assert_geq(leak, 0);
	cr_assert_geq(dup2(leak, 100), 0);
	struct oci_hook hk = sh_hook("ls /proc/$$/fd", NULL);
	struct oci_hooks h = one_kind(OCI_HOOK_CREATE_CONTAINER, &hk, 1);
	hull_err e = {0};
	int rc;
	_cleanup_free_ char *got = run_capturing_stdout(&h, OCI_HOOK_CREATE_CONTAINER, state, &rc, &e);
	cr_assert_eq(rc, 0, "%s", e.msg);
	cr_assert_str_eq(got, "0\n1\n2\n");
	close(leak);
	close(100);
	free(hk.args);
}

Test(hooks, empty_and_null_lists_are_noops)
{
	hull_err e = {0};
	struct oci_hooks h = {0};
	cr_assert_eq(hooks_run(&h, OCI_HOOK_PRESTART, state, &e), 0);
	cr_assert_eq(hooks_run(NULL, OCI_HOOK_PRESTART, state, &e), 0);
}
