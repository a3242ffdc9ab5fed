/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup manager on the real cgroup2 hierarchy: create/destroy, controller errors, hugetlb,
 * freezer, kill, pids, clone3 CLONE_INTO_CGROUP and the device eBPF program. Everything lives
 * under <cgroup2 mount>/hull-test-<pid> and is removed afterwards. Skips when not root or
 * without cgroup2. Never touches a v1 hierarchy. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup-internal.h"
#include "cgroup/cgroup.h"
#include "common/cleanup.h"
#include "common/util.h"

static char *mnt;
static char base[64];
static pid_t children[8];
static int nchildren;

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			char *sub = xasprintf("%s/%s", dir, de->d_name);
			rm_tree(sub);
			free(sub);
		}
	closedir(d);
	rmdir(dir);
}

static void host_fini(void)
{
	for (int i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = 0;
	if (mnt && base[0]) {
		char *top = xasprintf("%s%s", mnt, base);
		for (int i = 0; i < 100; i++) { /* killed tasks leave their cgroup asynchronously */
			rm_tree(top);
			if (access(top, F_OK) < 0)
				break;
			usleep(10000);
		}
		free(top);
	}
	free(mnt);
	mnt = NULL;
}

/* Call first in every test: skips unless this can run for real. */
static void need_host(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	hull_err e = {0};
	if (cg_find_mount(&mnt, &e) < 0)
		cr_skip_test("no cgroup2 mount: %s", e.msg);
	snprintf(base, sizeof base, "/hull-test-%d", (int)getpid());
}

static char *root_controllers(void)
{
	char *s = NULL;
	char *p = xasprintf("%s/cgroup.controllers", mnt);
	cr_assert_eq(read_file_at(AT_FDCWD, p, &s, NULL, NULL), 0);
	free(p);
	size_t l = strlen(s);
	while (l && (s[l - 1] == '\n' || s[l - 1] == ' '))
		s[--l] = '\0';
	return s;
}

static bool exists(const char *rel)
{
	char *p = xasprintf("%s%s", mnt, rel);
	bool r = access(p, F_OK) == 0;
	free(p);
	return r;
}

static char *cgfile(const char *rel, const char *file)
{
	char *p = xasprintf("%s%s/%s", mnt, rel, file), *s = NULL;
	int rc = read_file_at(AT_FDCWD, p, &s, NULL, NULL);
	free(p);
	return rc == 0 ? s : NULL;
}

/* Test children die with the test: an orphan would keep Criterion's pipes open. */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(99);
}

/* A child that waits for a byte on `go`, then runs fn and exits with its result. */
static pid_t spawn(int *go_w, int (*fn)(void))
{
	int p[2];
	pid_t parent = getpid();
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char c;
		die_with_parent(parent);
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(100);
		_exit(fn ? fn() : 0);
	}
	close(p[0]);
	*go_w = p[1];
	children[nchildren++] = pid;
	return pid;
}

static int wait_child(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	for (int i = 0; i < nchildren; i++)
		if (children[i] == pid)
			children[i] = children[--nchildren];
	return st;
}

static int sleeper(void)
{
	for (;;)
		pause();
	return 0;
}

Test(cgroup_host, finds_cgroup2_mount, .fini = host_fini)
{
	need_host();
	struct statfs sf;
	cr_assert_eq(statfs(mnt, &sf), 0);
	cr_assert_eq((unsigned long)sf.f_type, (unsigned long)CGROUP2_SUPER_MAGIC, "%s is not cgroup2", mnt);
	hull_err e = {0};
	_cleanup_free_ char *self = NULL;
	cr_assert_eq(cg_self_path(&self, &e), 0, "%s", e.msg);
	cr_assert_eq(self[0], '/');
}

Test(cgroup_host, create_destroy_without_limits, .fini = host_fini)
{
	need_host();
	char *path = xasprintf("%s/a/leaf", base);
	struct oci_resources none = {0};
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_eq(cg_create(&cg, mnt, path, &none, &e), 0, "%s", e.msg);
	cr_assert(cg.created);
	cr_assert(exists(path));
	/* joining an existing cgroup: hull did not make it, so it will not remove it */
	struct hull_cgroup again;
	cr_assert_eq(cg_create(&again, mnt, path, &none, &e), 0, "%s", e.msg);
	cr_assert_not(again.created);
	cr_assert_eq(cg_destroy(&again, &e), 0);
	cr_assert(exists(path));
	cg_release(&again);
	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cr_assert_not(exists(path));
	cg_release(&cg);
	free(path);
}

Test(cgroup_host, unavailable_controller_fails_and_cleans_up, .fini = host_fini)
{
	need_host();
	_cleanup_free_ char *offered = root_controllers();
	if (cg_word_in(offered, "memory"))
		cr_skip_test("memory is available here; this checks a host that lacks it");
	char *path = xasprintf("%s/x", base);
	struct oci_resources r = {.present = true};
	r.memory = (struct oci_memory){.present = true, .has_limit = true, .limit = 64 << 20};
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_lt(cg_create(&cg, mnt, path, &r, &e), 0);
	_cleanup_free_ char *want = xasprintf("cannot apply linux.resources.memory: controller \"memory\" not available "
					      "in cgroup %s (cgroup2 at %s offers: %s)",
					      path, mnt, *offered ? offered : "none");
	cr_assert_str_eq(e.msg, want);
	cr_assert_not(exists(base), "nothing created may be left behind");
	free(path);
}

Test(cgroup_host, containerd_defaults_work_without_cpu_controller, .fini = host_fini)
{
	need_host();
	_cleanup_free_ char *offered = root_controllers();
	if (cg_word_in(offered, "cpu") || cg_word_in(offered, "pids"))
		cr_skip_test("cpu/pids available here; this checks a hybrid host without them");
	char *path = xasprintf("%s/ctr", base);
	struct oci_resources r = {.present = true, .has_pids = true, .pids_limit = -1};
	r.cpu = (struct oci_cpu){.present = true, .has_shares = true, .shares = 1024};
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_eq(cg_create(&cg, mnt, path, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cg_release(&cg);
	/* a real limit still fails, naming the field and what the hierarchy offers */
	r.pids_limit = 2048;
	cr_assert_lt(cg_create(&cg, mnt, path, &r, &e), 0);
	cr_assert(strstr(e.msg, "cannot apply linux.resources.pids: controller \"pids\" not available"), "%s", e.msg);
	cr_assert_not(exists(path));
	free(path);
}

/* "2MB" for the smallest hugepage size this kernel has, or NULL */
static char *hugepage_size(void)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	if (!d)
		return NULL;
	struct dirent *de;
	unsigned long best = 0;
	while ((de = readdir(d))) {
		unsigned long kb;
		if (sscanf(de->d_name, "hugepages-%lukB", &kb) == 1 && (!best || kb < best))
			best = kb;
	}
	closedir(d);
	if (!best)
		return NULL;
	if (best >= 1024 * 1024)
		return xasprintf("%luGB", best / (1024 * 1024));
	if (best >= 1024)
		return xasprintf("%luMB", best / 1024);
	return xasprintf("%luKB", best);
}

Test(cgroup_host, hugetlb_limit_on_create_and_update, .fini = host_fini)
{
	need_host();
	_cleanup_free_ char *offered = root_controllers();
	_cleanup_free_ char *size = hugepage_size();
	if (!cg_word_in(offered, "hugetlb") || !size)
		cr_skip_test("no hugetlb controller or hugepages here");
	struct oci_hugepage_limit hp[] = {{size, 8ULL << 30}};
	struct oci_resources r = {.present = true, .hugepage_limits = hp, .n_hugepage_limits = 1};
	char *p1 = xasprintf("%s/h/c1", base);
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_eq(cg_create(&cg, mnt, p1, &r, &e), 0, "%s", e.msg);
	_cleanup_free_ char *file = xasprintf("hugetlb.%s.max", size);
	_cleanup_free_ char *got = cgfile(p1, file);
	cr_assert_not_null(got);
	cr_assert_eq(strtoull(got, NULL, 10), 8ULL << 30, "%s = %s", file, got);
	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cg_release(&cg);

	/* created without limits: hugetlb is not enabled for it; update must enable it */
	char *p2 = xasprintf("%s/u/c2", base);
	struct oci_resources none = {0};
	cr_assert_eq(cg_create(&cg, mnt, p2, &none, &e), 0, "%s", e.msg);
	_cleanup_free_ char *ctl = xasprintf("%s/u", base);
	_cleanup_free_ char *sub = cgfile(ctl, "cgroup.subtree_control");
	cr_assert_not(cg_word_in(sub, "hugetlb"), "only needed controllers are enabled");
	hp[0].limit = 4ULL << 30;
	cr_assert_eq(cg_apply(&cg, &r, true, &e), 0, "%s", e.msg);
	_cleanup_free_ char *got2 = cgfile(p2, file);
	cr_assert_not_null(got2);
	cr_assert_eq(strtoull(got2, NULL, 10), 4ULL << 30);
	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cg_release(&cg);
	free(p1);
	free(p2);
}

Test(cgroup_host, freeze_kill_and_pids, .fini = host_fini)
{
	need_host();
	char *path = xasprintf("%s/f", base);
	struct oci_resources none = {0};
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_eq(cg_create(&cg, mnt, path, &none, &e), 0, "%s", e.msg);
	int go1, go2;
	pid_t a = spawn(&go1, sleeper), b = spawn(&go2, sleeper);
	cr_assert_eq(cg_enter(&cg, a, &e), 0, "%s", e.msg);
	/* b goes into a child cgroup: pids and kill must be recursive */
	char *subpath = xasprintf("%s/sub", path);
	struct hull_cgroup sub;
	cr_assert_eq(cg_create(&sub, mnt, subpath, &none, &e), 0, "%s", e.msg);
	cr_assert_eq(cg_enter(&sub, b, &e), 0, "%s", e.msg);
	cg_release(&sub);
	cr_assert_eq(write(go1, "x", 1), 1);
	cr_assert_eq(write(go2, "x", 1), 1);

	pid_t *pids = NULL;
	size_t n = 0;
	cr_assert_eq(cg_pids(&cg, &pids, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 2);
	cr_assert((pids[0] == a && pids[1] == b) || (pids[0] == b && pids[1] == a));
	free(pids);

	cr_assert_eq(cg_is_frozen(&cg, &e), 0);
	cr_assert_eq(cg_freeze(&cg, true, &e), 0, "%s", e.msg);
	cr_assert_eq(cg_is_frozen(&cg, &e), 1);
	_cleanup_free_ char *events = cgfile(path, "cgroup.events");
	cr_assert(strstr(events, "frozen 1"), "%s", events);
	cr_assert_eq(cg_freeze(&cg, false, &e), 0, "%s", e.msg);
	cr_assert_eq(cg_is_frozen(&cg, &e), 0);

	/* not SIGKILL: freeze, signal each, thaw */
	cr_assert_eq(cg_kill_all(&cg, SIGTERM, &e), 0, "%s", e.msg);
	int st = wait_child(a);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = wait_child(b);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	cr_assert_eq(cg_is_frozen(&cg, &e), 0, "thawed again after signalling");

	/* SIGKILL: cgroup.kill when the kernel has it */
	int go3;
	pid_t c = spawn(&go3, sleeper);
	cr_assert_eq(cg_enter(&cg, c, &e), 0, "%s", e.msg);
	cr_assert_eq(cg_kill_all(&cg, SIGKILL, &e), 0, "%s", e.msg);
	st = wait_child(c);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(go1);
	close(go2);
	close(go3);

	/* destroy removes the child cgroup too, waiting for the killed task to leave */
	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cr_assert_not(exists(path));
	cg_release(&cg);
	free(path);
	free(subpath);
}

Test(cgroup_host, clone_into_cgroup, .fini = host_fini)
{
	need_host();
	char *path = xasprintf("%s/clone", base);
	struct oci_resources none = {0};
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_eq(cg_create(&cg, mnt, path, &none, &e), 0, "%s", e.msg);
	int fd = cg_open_for_clone(&cg, &e);
	cr_assert_geq(fd, 0, "%s", e.msg);
	struct clone_args args = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)fd};
	pid_t parent = getpid();
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid == 0) {
		die_with_parent(parent);
		for (;;)
			pause();
	}
	cr_assert_gt(pid, 0, "clone3: %s", strerror(errno));
	children[nchildren++] = (pid_t)pid;
	close(fd);
	char *procfile = xasprintf("/proc/%ld/cgroup", pid), *txt = NULL, *own = NULL;
	cr_assert_eq(read_file_at(AT_FDCWD, procfile, &txt, NULL, NULL), 0);
	cr_assert_eq(cg_parse_proc_cgroup(txt, &own, &e), 0, "%s", e.msg);
	cr_assert_str_eq(own, path, "the child starts inside the container cgroup");
	/* stats on a real cgroup: no pids controller here, so the process count is used */
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cg_stats_json(&cg, &json, &e), 0, "%s", e.msg);
	cr_assert(strstr(json, "\"pids\":{\"current\":1"), "%s", json);
	cr_assert(strstr(json, "\"cpu\":{\"usage\":{"), "%s", json);
	cr_assert_eq(cg_kill_all(&cg, SIGKILL, &e), 0, "%s", e.msg);
	wait_child((pid_t)pid);
	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cg_release(&cg);
	free(procfile);
	free(txt);
	free(own);
	free(path);
}

Test(cgroup_host, open_missing_cgroup_fails, .fini = host_fini)
{
	need_host();
	struct hull_cgroup cg;
	hull_err e = {0};
	char *path = xasprintf("%s/does-not-exist", base);
	cr_assert_lt(cg_open(&cg, mnt, path, &e), 0);
	cr_assert(strstr(e.msg, path), "%s", e.msg);
	free(path);
}

/* ---- device eBPF ----------------------------------------------------------------------------- */

/* exit code: bit 0 = /dev/zero refused with EPERM, bit 1 = /dev/null opened,
 * bit 2 = /dev/zero opened, bit 3 = /dev/null refused with EPERM */
static int probe_devices(void)
{
	int r = 0;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == EPERM)
		r |= 1;
	if (fd >= 0) {
		r |= 4;
		close(fd);
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		r |= 2;
		close(fd);
	}
	if (fd < 0 && errno == EPERM)
		r |= 8;
	return r;
}

static int run_probe(struct hull_cgroup *cg)
{
	hull_err e = {0};
	int go;
	pid_t pid = spawn(&go, probe_devices);
	cr_assert_eq(cg_enter(cg, pid, &e), 0, "%s", e.msg);
	cr_assert_eq(write(go, "x", 1), 1);
	close(go);
	int st = wait_child(pid);
	cr_assert(WIFEXITED(st), "probe died");
	return WEXITSTATUS(st);
}

static uint32_t attached_device_progs(struct hull_cgroup *cg)
{
	int fd = cg_open_for_clone(cg, NULL);
	cr_assert_geq(fd, 0);
	uint32_t ids[16];
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.query.target_fd = (uint32_t)fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = 16;
	cr_assert_eq(syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof a), 0, "query: %s", strerror(errno));
	close(fd);
	return a.query.prog_cnt;
}

Test(cgroup_host, device_filter_enforced_and_replaced, .fini = host_fini)
{
	need_host();
	char *path = xasprintf("%s/dev", base);
	struct oci_resources none = {0};
	struct hull_cgroup cg;
	hull_err e = {0};
	cr_assert_eq(cg_create(&cg, mnt, path, &none, &e), 0, "%s", e.msg);

	struct oci_device_cgroup deny_zero[] = {{.allow = false, .type = 'c', .major = 1, .minor = 5, .access = "rwm"}};
	cr_assert_eq(cg_devices_apply(&cg, deny_zero, 1, NULL, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(attached_device_progs(&cg), 1);
	int r = run_probe(&cg);
	cr_assert_eq(r, 1 | 2, "want /dev/zero EPERM and /dev/null ok, got bits 0x%x", r);

	/* update: the new program replaces the old one */
	struct oci_device_cgroup deny_null[] = {
		{.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"},
		{.allow = false, .type = 'c', .major = 1, .minor = 3, .access = "rwm"},
	};
	cr_assert_eq(cg_devices_apply(&cg, deny_null, 2, NULL, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(attached_device_progs(&cg), 1, "the old program must be detached");
	r = run_probe(&cg);
	cr_assert_eq(r, 4 | 8, "want /dev/zero ok and /dev/null EPERM, got bits 0x%x", r);

	/* podman's single deny-all still leaves the standard devices usable */
	struct oci_device_cgroup podman[] = {{.allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm"}};
	cr_assert_eq(cg_devices_apply(&cg, podman, 1, NULL, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(attached_device_progs(&cg), 1);
	r = run_probe(&cg);
	cr_assert_eq(r, 2 | 4, "want both usable, got bits 0x%x", r);

	cr_assert_eq(cg_destroy(&cg, &e), 0, "%s", e.msg);
	cg_release(&cg);
	free(path);
}
