/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities / process.user: applied in forked children (the tests run as root),
 * observed through /proc/self/status like a user would. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "runtime/caps.h"

#define BIT(c) (UINT64_C(1) << (c))
#define NAMES(...) ((char *[]){__VA_ARGS__, NULL})
#define NSET(...) (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *))

/* ---- names ---- */

static int kernel_last_cap(void)
{
	char *s = NULL;
	hull_err e = {0};
	cr_assert_eq(read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &s, NULL, &e), 0, "%s", e.msg);
	int v = atoi(s);
	free(s);
	return v;
}

Test(caps, from_name)
{
	cr_assert_eq(caps_from_name("CAP_CHOWN"), 0);
	cr_assert_eq(caps_from_name("CAP_NET_BIND_SERVICE"), 10);
	cr_assert_eq(caps_from_name("CAP_SYS_ADMIN"), 21);
	cr_assert_eq(caps_from_name("CAP_SYS_RESOURCE"), 24); /* known even where withheld */
	cr_assert_eq(caps_from_name("CAP_CHECKPOINT_RESTORE"), kernel_last_cap() >= 40 ? 40 : -ERANGE);
	/* only the capabilities(7) spelling */
	cr_assert_eq(caps_from_name("cap_sys_admin"), -EINVAL);
	cr_assert_eq(caps_from_name("SYS_ADMIN"), -EINVAL);
	cr_assert_eq(caps_from_name("21"), -EINVAL);
	cr_assert_eq(caps_from_name("CAP_"), -EINVAL);
	cr_assert_eq(caps_from_name("CAP_NOT_A_CAP"), -EINVAL);
	cr_assert_eq(caps_from_name("CAP_SYS_ADMIN "), -EINVAL);
	cr_assert_eq(caps_from_name(""), -EINVAL);
	cr_assert_eq(caps_from_name(NULL), -EINVAL);
}

Test(caps, validate_names_the_json_path)
{
	struct oci_capabilities c = {
		.bounding = NAMES("CAP_CHOWN"),
		.n_bounding = 1,
		.effective = NAMES("CAP_CHOWN", "CAP_BOGUS"),
		.n_effective = 2,
	};
	hull_err e = {0};
	cr_assert_eq(caps_validate(&c, "config.json", &e), -EINVAL);
	cr_assert(strstr(e.msg, "config.json: .process.capabilities.effective[1]"), "%s", e.msg);
	cr_assert(strstr(e.msg, "CAP_BOGUS"), "%s", e.msg);
	c.n_effective = 1;
	cr_assert_eq(caps_validate(&c, "config.json", &e), 0);
	cr_assert_eq(caps_validate(NULL, "config.json", &e), 0);
}

/* ---- applying, in a child ---- */

struct outcome {
	int r;
	char msg[HULL_ERR_MSG_MAX];
	char status[8192];
	unsigned umask_after;
};

/* Run setup() (may be NULL) then caps_apply_user in a child; collect the result. */
static void apply_in_child(const struct oci_capabilities *c, const struct oci_user *u, bool userns,
			   int (*setup)(void), struct outcome *out)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		static struct outcome o; /* static: keep the child's stack small */
		memset(&o, 0, sizeof o);
		if (setup && setup() != 0) {
			o.r = -9999;
			snprintf(o.msg, sizeof o.msg, "test setup failed: %s", strerror(errno));
		} else {
			hull_err e = {0};
			o.r = caps_apply_user(c, u, userns, &e);
			snprintf(o.msg, sizeof o.msg, "%s", e.msg);
		}
		mode_t m = umask(0);
		o.umask_after = m;
		int fd = open("/proc/self/status", O_RDONLY);
		if (fd >= 0) {
			ssize_t n = read(fd, o.status, sizeof o.status - 1);
			(void)n;
			close(fd);
		}
		ssize_t w = write(p[1], &o, sizeof o);
		_exit(w == (ssize_t)sizeof o ? 0 : 1);
	}
	close(p[1]);
	memset(out, 0, sizeof *out);
	cr_assert_eq(read_all(p[0], out, sizeof *out), (ssize_t)sizeof *out);
	close(p[0]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static const char *field(const struct outcome *o, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\n%s:\t", key);
	const char *p = strstr(o->status, pat);
	cr_assert_not_null(p, "no %s in /proc/self/status", key);
	return p + strlen(pat);
}

static uint64_t capfield(const struct outcome *o, const char *key)
{
	return strtoull(field(o, key), NULL, 16);
}

/* "Uid:\t65534\t65534\t65534\t65534" -> all four equal want */
static void assert_ids(const struct outcome *o, const char *key, unsigned want)
{
	unsigned a, b, c, d;
	cr_assert_eq(sscanf(field(o, key), "%u %u %u %u", &a, &b, &c, &d), 4);
	cr_assert(a == want && b == want && c == want && d == want, "%s: %u %u %u %u, want %u", key, a, b, c, d, want);
}

static void assert_caps(const struct outcome *o, uint64_t inh, uint64_t prm, uint64_t eff, uint64_t bnd, uint64_t amb)
{
	cr_assert_eq(o->r, 0, "caps_apply_user: %s", o->msg);
	cr_assert_eq(capfield(o, "CapInh"), inh, "CapInh %#llx", (unsigned long long)capfield(o, "CapInh"));
	cr_assert_eq(capfield(o, "CapPrm"), prm, "CapPrm %#llx", (unsigned long long)capfield(o, "CapPrm"));
	cr_assert_eq(capfield(o, "CapEff"), eff, "CapEff %#llx", (unsigned long long)capfield(o, "CapEff"));
	cr_assert_eq(capfield(o, "CapBnd"), bnd, "CapBnd %#llx", (unsigned long long)capfield(o, "CapBnd"));
	cr_assert_eq(capfield(o, "CapAmb"), amb, "CapAmb %#llx", (unsigned long long)capfield(o, "CapAmb"));
}

#define ONE_CAP_EVERYWHERE(cap)                                                                               \
	{                                                                                                     \
		.bounding = NAMES(cap), .n_bounding = 1, .effective = NAMES(cap), .n_effective = 1,           \
		.inheritable = NAMES(cap), .n_inheritable = 1, .permitted = NAMES(cap), .n_permitted = 1,     \
		.ambient = NAMES(cap), .n_ambient = 1,                                                        \
	}

Test(caps, nobody_keeps_net_bind_service)
{
	struct oci_capabilities c = ONE_CAP_EVERYWHERE("CAP_NET_BIND_SERVICE");
	uint32_t gids[] = {1234, 5678};
	struct oci_user u = {.uid = 65534, .gid = 65534, .additional_gids = gids, .n_additional_gids = 2};
	struct outcome o;
	apply_in_child(&c, &u, false, NULL, &o);
	uint64_t b = BIT(CAP_NET_BIND_SERVICE);
	assert_caps(&o, b, b, b, b, b);
	assert_ids(&o, "Uid", 65534);
	assert_ids(&o, "Gid", 65534);
	unsigned g1, g2;
	cr_assert_eq(sscanf(field(&o, "Groups"), "%u %u", &g1, &g2), 2);
	cr_assert(g1 == 1234 && g2 == 5678);
}

static int join_group_4242(void)
{
	gid_t g = 4242;
	return setgroups(1, &g);
}

Test(caps, no_capabilities_object_means_none)
{
	struct oci_user u = {.uid = 65534, .gid = 65534};
	struct outcome o;
	apply_in_child(NULL, &u, false, join_group_4242, &o);
	assert_caps(&o, 0, 0, 0, 0, 0);
	assert_ids(&o, "Uid", 65534);
	/* no additionalGids: the runtime's supplementary groups are gone */
	const char *g = field(&o, "Groups");
	size_t len = strcspn(g, "\n");
	cr_assert_eq(strspn(g, " \t"), len, "Groups: %.*s", (int)len, g);
}

Test(caps, root_gets_exactly_the_listed_sets)
{
	struct oci_capabilities c = {
		.bounding = NAMES("CAP_CHOWN", "CAP_KILL", "CAP_SETUID"),
		.n_bounding = 3,
		.permitted = NAMES("CAP_CHOWN", "CAP_KILL"),
		.n_permitted = 2,
		.effective = NAMES("CAP_KILL"),
		.n_effective = 1,
	};
	struct oci_user u = {.uid = 0, .gid = 0};
	struct outcome o;
	apply_in_child(&c, &u, false, NULL, &o);
	assert_caps(&o, 0, BIT(CAP_CHOWN) | BIT(CAP_KILL), BIT(CAP_KILL), BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_SETUID),
		    0);
}

static int preset_inheritable_chown(void)
{
	cap_t c = cap_get_proc();
	cap_value_t v[1] = {CAP_CHOWN};
	int r = c ? cap_set_flag(c, CAP_INHERITABLE, 1, v, CAP_SET) : -1;
	if (r == 0)
		r = cap_set_proc(c);
	cap_free(c);
	return r;
}

Test(caps, inheritable_never_gains_unnamed_caps)
{
	/* CVE-2022-29162: the runtime's own inheritable caps must not leak into the container */
	struct oci_capabilities c = {
		.bounding = NAMES("CAP_CHOWN"),
		.n_bounding = 1,
		.permitted = NAMES("CAP_CHOWN"),
		.n_permitted = 1,
		.effective = NAMES("CAP_CHOWN"),
		.n_effective = 1,
	};
	struct oci_user u = {.uid = 1000, .gid = 1000};
	struct outcome o;
	apply_in_child(&c, &u, false, preset_inheritable_chown, &o);
	assert_caps(&o, 0, BIT(CAP_CHOWN), BIT(CAP_CHOWN), BIT(CAP_CHOWN), 0);
}

static int drop_sys_boot_from_bounding(void)
{
	return prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0);
}

Test(caps, caps_the_runtime_lacks_are_skipped)
{
	/* like CAP_SYS_RESOURCE on this VM: asked for, but not in our bounding set */
	struct oci_capabilities c = {
		.bounding = NAMES("CAP_SYS_BOOT", "CAP_KILL"),
		.n_bounding = 2,
		.permitted = NAMES("CAP_SYS_BOOT", "CAP_KILL"),
		.n_permitted = 2,
		.effective = NAMES("CAP_SYS_BOOT", "CAP_KILL"),
		.n_effective = 2,
		.inheritable = NAMES("CAP_SYS_BOOT"),
		.n_inheritable = 1,
	};
	struct oci_user u = {.uid = 0, .gid = 0};
	struct outcome o;
	apply_in_child(&c, &u, false, drop_sys_boot_from_bounding, &o);
	assert_caps(&o, 0, BIT(CAP_KILL), BIT(CAP_KILL), BIT(CAP_KILL), 0);
}

static uint64_t own_bounding_set(void)
{
	uint64_t b = 0;
	for (int v = 0; v <= kernel_last_cap(); v++)
		if (prctl(PR_CAPBSET_READ, v, 0, 0, 0) == 1)
			b |= BIT(v);
	return b;
}

Test(caps, privileged_asks_for_everything)
{
	/* podman --privileged: every cap libcap knows, in bounding/effective/permitted */
	static char *all[64];
	size_t n = 0;
	for (int v = 0; v < 64; v++) {
		char *name = cap_to_name(v);
		if (!name || name[0] != 'c') { /* unnamed caps come back as numbers */
			cap_free(name);
			continue;
		}
		char *upper = xstrdup(name);
		for (char *p = upper; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		cap_free(name);
		if (caps_from_name(upper) >= 0)
			all[n++] = upper;
		else
			free(upper);
	}
	cr_assert_geq(n, 38);
	struct oci_capabilities c = {.bounding = all, .n_bounding = n, .effective = all, .n_effective = n,
				     .permitted = all, .n_permitted = n};
	struct oci_user u = {.uid = 0, .gid = 0};
	struct outcome o;
	apply_in_child(&c, &u, false, NULL, &o);
	uint64_t have = own_bounding_set();
	assert_caps(&o, 0, have, have, have, 0);
	for (size_t i = 0; i < n; i++)
		free(all[i]);
}

Test(caps, ambient_needs_inheritable)
{
	/* runc compatibility: an ambient cap that is not inheritable is ignored with a warning */
	struct oci_capabilities c = {
		.bounding = NAMES("CAP_NET_BIND_SERVICE"),
		.n_bounding = 1,
		.permitted = NAMES("CAP_NET_BIND_SERVICE"),
		.n_permitted = 1,
		.effective = NAMES("CAP_NET_BIND_SERVICE"),
		.n_effective = 1,
		.ambient = NAMES("CAP_NET_BIND_SERVICE"),
		.n_ambient = 1,
	};
	struct oci_user u = {.uid = 65534, .gid = 65534};
	struct outcome o;
	apply_in_child(&c, &u, false, NULL, &o);
	uint64_t b = BIT(CAP_NET_BIND_SERVICE);
	assert_caps(&o, 0, b, b, b, 0);
}

Test(caps, effective_outside_permitted_is_an_error)
{
	struct oci_capabilities c = {
		.bounding = NAMES("CAP_KILL"),
		.n_bounding = 1,
		.effective = NAMES("CAP_KILL"),
		.n_effective = 1,
	};
	struct oci_user u = {.uid = 0, .gid = 0};
	struct outcome o;
	apply_in_child(&c, &u, false, NULL, &o);
	cr_assert_lt(o.r, 0);
	cr_assert(strstr(o.msg, ".process.capabilities.effective"), "%s", o.msg);
}

Test(caps, unknown_name_is_an_error)
{
	struct oci_capabilities c = {.bounding = NAMES("CAP_NOPE"), .n_bounding = 1};
	struct oci_user u = {.uid = 0, .gid = 0};
	struct outcome o;
	apply_in_child(&c, &u, false, NULL, &o);
	cr_assert_eq(o.r, -EINVAL);
	cr_assert(strstr(o.msg, ".process.capabilities.bounding[0]"), "%s", o.msg);
}

static int set_umask_077(void)
{
	umask(077);
	return 0;
}

Test(caps, umask_only_when_given)
{
	struct oci_user u = {.uid = 0, .gid = 0, .has_umask = true, .umask = 027};
	struct outcome o;
	apply_in_child(NULL, &u, false, set_umask_077, &o);
	cr_assert_eq(o.r, 0, "%s", o.msg);
	cr_assert_eq(o.umask_after, 027);
	u.has_umask = false; /* runtime-spec: "the umask should not be changed" */
	apply_in_child(NULL, &u, false, set_umask_077, &o);
	cr_assert_eq(o.r, 0, "%s", o.msg);
	cr_assert_eq(o.umask_after, 077);
}

/* A user namespace of our own like rootless podman without newgidmap: setgroups "deny". */
static int enter_userns_setgroups_deny(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER) < 0)
		return -1;
	hull_err e = {0};
	char map[64];
	if (write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny", 4, &e) < 0)
		return -1;
	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	if (write_file_at(AT_FDCWD, "/proc/self/uid_map", map, strlen(map), &e) < 0)
		return -1;
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	if (write_file_at(AT_FDCWD, "/proc/self/gid_map", map, strlen(map), &e) < 0)
		return -1;
	return 0;
}

Test(caps, user_namespace_with_setgroups_denied)
{
	struct oci_capabilities c = ONE_CAP_EVERYWHERE("CAP_CHOWN");
	struct oci_user u = {.uid = 0, .gid = 0};
	struct outcome o;
	/* no additionalGids: setgroups is skipped, nothing to clear */
	apply_in_child(&c, &u, true, enter_userns_setgroups_deny, &o);
	assert_caps(&o, BIT(CAP_CHOWN), BIT(CAP_CHOWN), BIT(CAP_CHOWN), BIT(CAP_CHOWN), BIT(CAP_CHOWN));
	/* additionalGids cannot be honoured there: a clear error */
	uint32_t gids[] = {0};
	u.additional_gids = gids;
	u.n_additional_gids = 1;
	apply_in_child(&c, &u, true, enter_userns_setgroups_deny, &o);
	cr_assert_lt(o.r, 0);
	cr_assert(strstr(o.msg, "setgroups is denied"), "%s", o.msg);
	/* an unmapped uid */
	u.n_additional_gids = 0;
	u.uid = 1000;
	apply_in_child(&c, &u, true, enter_userns_setgroups_deny, &o);
	cr_assert_lt(o.r, 0);
	cr_assert(strstr(o.msg, "setresuid(1000)") && strstr(o.msg, "not mapped"), "%s", o.msg);
}
