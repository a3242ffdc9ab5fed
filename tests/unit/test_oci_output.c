/* SPDX-License-Identifier: Apache-2.0 */
/* oci/: what hull writes (`hull spec`, `hull features`) and the small helpers on the model. */
#include "test_oci_helpers.h"

#include <yajl/yajl_tree.h>

static const struct oci_mount *find_mount(const struct oci_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dest) == 0)
			return &s->mounts[i];
	return NULL;
}

static bool has_str(char **v, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], want) == 0)
			return true;
	return false;
}

static bool has_prefix(char **v, size_t n, const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(v[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static struct oci_spec *parse_default(bool rootless, uid_t uid, gid_t gid)
{
	char *json = oci_default_spec_json(rootless, uid, gid);
	cr_assert_not_null(json);
	cr_assert_eq(json[strlen(json) - 1], '\n', "ends with a newline");
	cr_assert(strstr(json, "\n\t\"ociVersion\""), "pretty-printed with tabs:\n%s", json);
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = oci_spec_parse(json, strlen(json), "config.json", &s, &e);
	cr_assert_eq(r, 0, "hull's own default spec must parse: %s\n%s", e.msg, json);
	r = oci_spec_check_supported(s, "config.json", &e);
	cr_assert_eq(r, 0, "hull's own default spec must be supported: %s", e.msg);
	free(json);
	return s;
}

Test(oci_output, default_spec_round_trips)
{
	struct oci_spec *s = parse_default(false, 0, 0);
	cr_assert_str_eq(s->oci_version, HULL_OCI_VERSION);
	struct oci_process *p = s->process;
	cr_assert(p->terminal);
	cr_assert_eq(p->n_args, 1);
	cr_assert_str_eq(p->args[0], "sh");
	cr_assert_str_eq(p->cwd, "/");
	cr_assert(has_prefix(p->env, p->n_env, "PATH="));
	cr_assert(has_str(p->env, p->n_env, "TERM=xterm"));
	cr_assert_eq(p->capabilities->n_bounding, 3);
	cr_assert(has_str(p->capabilities->effective, p->capabilities->n_effective, "CAP_NET_BIND_SERVICE"));
	cr_assert(has_str(p->capabilities->permitted, p->capabilities->n_permitted, "CAP_KILL"));
	cr_assert_null(p->capabilities->inheritable);
	cr_assert_null(p->capabilities->ambient);
	cr_assert_eq(p->n_rlimits, 1);
	cr_assert_str_eq(p->rlimits[0].type, "RLIMIT_NOFILE");
	cr_assert_eq(p->rlimits[0].hard, 1024);
	cr_assert(p->no_new_privileges);
	cr_assert_str_eq(s->root.path, "rootfs");
	cr_assert(s->root.readonly);
	cr_assert_str_eq(s->hostname, "hull");

	const char *dests[] = {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"};
	cr_assert_eq(s->n_mounts, N_CASES(dests));
	for (size_t i = 0; i < N_CASES(dests); i++)
		cr_assert_str_eq(s->mounts[i].destination, dests[i]);
	cr_assert_str_eq(find_mount(s, "/sys")->type, "sysfs");
	const struct oci_mount *cg = find_mount(s, "/sys/fs/cgroup");
	cr_assert_str_eq(cg->type, "cgroup");
	cr_assert(has_str(cg->options, cg->n_options, "ro"));
	const struct oci_mount *pts = find_mount(s, "/dev/pts");
	cr_assert(has_str(pts->options, pts->n_options, "gid=5"));

	enum oci_ns_type want[] = {OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_MOUNT, OCI_NS_CGROUP};
	cr_assert_eq(s->linux_->n_namespaces, N_CASES(want));
	for (size_t i = 0; i < N_CASES(want); i++)
		cr_assert_not_null(oci_spec_find_ns(s, want[i]), "namespace %s", oci_ns_type_name(want[i]));
	cr_assert_null(oci_spec_find_ns(s, OCI_NS_USER));
	cr_assert_eq(s->linux_->n_uid_mappings, 0);
	cr_assert(has_str(s->linux_->masked_paths, s->linux_->n_masked_paths, "/proc/kcore"));
	cr_assert(has_str(s->linux_->readonly_paths, s->linux_->n_readonly_paths, "/proc/sysrq-trigger"));
	cr_assert_eq(s->linux_->resources.n_devices, 1);
	cr_assert(!s->linux_->resources.devices[0].allow);
	oci_spec_free(s);
}

Test(oci_output, default_spec_rootless)
{
	struct oci_spec *s = parse_default(true, 1234, 5678);
	cr_assert_not_null(oci_spec_find_ns(s, OCI_NS_USER));
	cr_assert_null(oci_spec_find_ns(s, OCI_NS_NETWORK), "rootless has no network namespace");
	cr_assert_eq(s->linux_->n_uid_mappings, 1);
	cr_assert_eq(s->linux_->uid_mappings[0].container_id, 0);
	cr_assert_eq(s->linux_->uid_mappings[0].host_id, 1234);
	cr_assert_eq(s->linux_->uid_mappings[0].size, 1);
	cr_assert_eq(s->linux_->n_gid_mappings, 1);
	cr_assert_eq(s->linux_->gid_mappings[0].host_id, 5678);
	const struct oci_mount *sys = find_mount(s, "/sys");
	cr_assert_not_null(sys);
	cr_assert_str_eq(sys->source, "/sys");
	cr_assert(has_str(sys->options, sys->n_options, "rbind"));
	cr_assert(has_str(sys->options, sys->n_options, "ro"));
	const struct oci_mount *pts = find_mount(s, "/dev/pts");
	cr_assert(!has_prefix(pts->options, pts->n_options, "gid="), "no gid= in a single-ID user namespace");
	cr_assert(has_str(pts->options, pts->n_options, "newinstance"));
	cr_assert_null(find_mount(s, "/sys/fs/cgroup"));
	cr_assert(!s->linux_->resources.has_devices);
	oci_spec_free(s);
}

/* ---- features ----------------------------------------------------------------------------- */

static yajl_val features_tree(void)
{
	char *json = oci_features_json();
	cr_assert_not_null(json);
	char err[512];
	yajl_val root = yajl_tree_parse(json, err, sizeof err);
	cr_assert_not_null(root, "features is not valid JSON: %s\n%s", err, json);
	free(json);
	return root;
}

static yajl_val at(yajl_val root, const char *p1, const char *p2, const char *p3)
{
	const char *path[] = {p1, p2, p3, NULL};
	return yajl_tree_get(root, path, yajl_t_any);
}

static bool array_has(yajl_val arr, const char *s)
{
	cr_assert(YAJL_IS_ARRAY(arr));
	for (size_t i = 0; i < arr->u.array.len; i++)
		if (YAJL_IS_STRING(arr->u.array.values[i]) && strcmp(arr->u.array.values[i]->u.string, s) == 0)
			return true;
	return false;
}

Test(oci_output, features_content)
{
	yajl_val f = features_tree();
	cr_assert_str_eq(YAJL_GET_STRING(at(f, "ociVersionMin", NULL, NULL)), HULL_OCI_VERSION_MIN);
	cr_assert_str_eq(YAJL_GET_STRING(at(f, "ociVersionMax", NULL, NULL)), HULL_OCI_VERSION);

	yajl_val hooks = at(f, "hooks", NULL, NULL);
	cr_assert_eq(YAJL_GET_ARRAY(hooks)->len, OCI_HOOK_KINDS);
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		cr_assert(array_has(hooks, oci_hook_kind_name(k)));

	yajl_val mo = at(f, "mountOptions", NULL, NULL);
	const char *must[] = {"bind", "rbind", "ro", "rro", "rnosymfollow", "tmpcopyup", "rprivate", "strictatime"};
	for (size_t i = 0; i < N_CASES(must); i++)
		cr_assert(array_has(mo, must[i]), "mountOptions lacks %s", must[i]);
	cr_assert(!array_has(mo, "idmap"), "idmapped mounts are not supported");
	cr_assert(!array_has(mo, "ridmap"));

	yajl_val ns = at(f, "linux", "namespaces", NULL);
	cr_assert_eq(YAJL_GET_ARRAY(ns)->len, OCI_NS_KINDS);
	for (int t = 0; t < OCI_NS_KINDS; t++)
		cr_assert(array_has(ns, oci_ns_type_name(t)));

	yajl_val caps = at(f, "linux", "capabilities", NULL);
	cr_assert_eq(YAJL_GET_ARRAY(caps)->len, 41, "CAP_CHOWN .. CAP_CHECKPOINT_RESTORE");
	for (size_t i = 0; i < caps->u.array.len; i++)
		cr_assert_eq(oci_cap_from_name(caps->u.array.values[i]->u.string), (int)i);

	cr_assert(YAJL_IS_FALSE(at(f, "linux", "cgroup", "v1")));
	cr_assert(YAJL_IS_TRUE(at(f, "linux", "cgroup", "v2")));
	cr_assert(YAJL_IS_TRUE(at(f, "linux", "cgroup", "systemd")), "--systemd-cgroup is supported");
	cr_assert(YAJL_IS_FALSE(at(f, "linux", "cgroup", "systemdUser")));
	cr_assert(YAJL_IS_TRUE(at(f, "linux", "cgroup", "rdma")));
	cr_assert(YAJL_IS_TRUE(at(f, "linux", "seccomp", "enabled")));
	cr_assert(array_has(at(f, "linux", "seccomp", "actions"), "SCMP_ACT_NOTIFY"));
	cr_assert(array_has(at(f, "linux", "seccomp", "operators"), "SCMP_CMP_MASKED_EQ"));
	cr_assert(array_has(at(f, "linux", "seccomp", "archs"), "SCMP_ARCH_X86_64"));
	cr_assert(array_has(at(f, "linux", "seccomp", "knownFlags"), "SECCOMP_FILTER_FLAG_LOG"));
	cr_assert(YAJL_IS_FALSE(at(f, "linux", "apparmor", "enabled")));
	cr_assert(YAJL_IS_FALSE(at(f, "linux", "selinux", "enabled")));
	cr_assert(YAJL_IS_FALSE(at(f, "linux", "intelRdt", "enabled")));
	const char *idmap[] = {"linux", "mountExtensions", "idmap", "enabled", NULL};
	cr_assert(YAJL_IS_FALSE(yajl_tree_get(f, idmap, yajl_t_any)));
	cr_assert(YAJL_IS_TRUE(at(f, "linux", "netDevices", "enabled")));
	cr_assert(YAJL_IS_STRING(at(f, "annotations", "run.oci.hull.overlay", NULL)));
	cr_assert(YAJL_IS_STRING(at(f, "annotations", "io.github.seccomp.libseccomp.version", NULL)));
	yajl_tree_free(f);
}

/* What features announces, the parser must accept and the support check must let through. */
Test(oci_output, features_agree_with_parser)
{
	yajl_val f = features_tree();
	struct strbuf sb = {0};
	sb_append(&sb, "{\"ociVersion\": ");
	sb_append_json_str(&sb, YAJL_GET_STRING(at(f, "ociVersionMax", NULL, NULL)));
	sb_append(&sb, ", \"root\": {\"path\": \"r\"}, \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], "
		       "\"capabilities\": {\"bounding\": [");
	yajl_val caps = at(f, "linux", "capabilities", NULL);
	for (size_t i = 0; i < caps->u.array.len; i++) {
		sb_append(&sb, i ? ", " : "");
		sb_append_json_str(&sb, caps->u.array.values[i]->u.string);
	}
	sb_append(&sb, "]}}, \"hooks\": {");
	yajl_val hooks = at(f, "hooks", NULL, NULL);
	for (size_t i = 0; i < hooks->u.array.len; i++) {
		sb_append(&sb, i ? ", " : "");
		sb_append_json_str(&sb, hooks->u.array.values[i]->u.string);
		sb_append(&sb, ": [{\"path\": \"/bin/true\"}]");
	}
	sb_append(&sb, "}, \"linux\": {\"namespaces\": [");
	yajl_val ns = at(f, "linux", "namespaces", NULL);
	for (size_t i = 0; i < ns->u.array.len; i++)
		sb_appendf(&sb, "%s{\"type\": \"%s\"}", i ? ", " : "", ns->u.array.values[i]->u.string);
	sb_append(&sb, "], \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/s\", \"architectures\": [");
	yajl_val archs = at(f, "linux", "seccomp", "archs");
	for (size_t i = 0; i < archs->u.array.len; i++)
		sb_appendf(&sb, "%s\"%s\"", i ? ", " : "", archs->u.array.values[i]->u.string);
	sb_append(&sb, "], \"flags\": [");
	yajl_val flags = at(f, "linux", "seccomp", "supportedFlags");
	for (size_t i = 0; i < flags->u.array.len; i++)
		sb_appendf(&sb, "%s\"%s\"", i ? ", " : "", flags->u.array.values[i]->u.string);
	sb_append(&sb, "], \"syscalls\": [");
	yajl_val acts = at(f, "linux", "seccomp", "actions");
	yajl_val ops = at(f, "linux", "seccomp", "operators");
	for (size_t i = 0; i < acts->u.array.len; i++) {
		const char *op = ops->u.array.values[i % ops->u.array.len]->u.string;
		sb_appendf(&sb, "%s{\"names\": [\"read\"], \"action\": \"%s\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"%s\"}]}",
			   i ? ", " : "", acts->u.array.values[i]->u.string, op);
	}
	sb_append(&sb, "]}}}");

	struct oci_spec *s = NULL;
	hull_err e = {0};
	cr_assert_eq(oci_spec_parse(sb.buf, sb.len, "config.json", &s, &e), 0, "%s\n%s", e.msg, sb.buf);
	cr_assert_eq(oci_spec_check_supported(s, "config.json", &e), 0, "%s", e.msg);
	cr_assert_eq(s->process->capabilities->n_bounding, caps->u.array.len);
	cr_assert_eq(s->linux_->seccomp->n_syscalls, acts->u.array.len);
	oci_spec_free(s);
	sb_free(&sb);
	yajl_tree_free(f);
}

/* ---- helpers on the model ------------------------------------------------------------------ */

Test(oci_output, ns_names)
{
	const char *names[] = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};
	for (size_t i = 0; i < N_CASES(names); i++) {
		int t = oci_ns_type_from_name(names[i]);
		cr_assert_geq(t, 0, "%s", names[i]);
		cr_assert_str_eq(oci_ns_type_name(t), names[i]);
	}
	cr_assert_eq(oci_ns_type_from_name("net"), -EINVAL);
	cr_assert_eq(oci_ns_type_from_name(""), -EINVAL);
	cr_assert_eq(oci_ns_type_from_name(NULL), -EINVAL);
	cr_assert_null(oci_ns_type_name(OCI_NS_KINDS));
	cr_assert_eq(oci_ns_type_from_name("user"), OCI_NS_USER);
}

Test(oci_output, hook_names)
{
	cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_PRESTART), "prestart");
	cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_CREATE_RUNTIME), "createRuntime");
	cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_CREATE_CONTAINER), "createContainer");
	cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_START_CONTAINER), "startContainer");
	cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_POSTSTART), "poststart");
	cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_POSTSTOP), "poststop");
	cr_assert_null(oci_hook_kind_name(OCI_HOOK_KINDS));
}

Test(oci_output, cap_names)
{
	cr_assert_eq(oci_cap_from_name("CAP_CHOWN"), 0);
	cr_assert_eq(oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	cr_assert_eq(oci_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	cr_assert_eq(oci_cap_from_name("CAP_sys_admin"), -EINVAL);
	cr_assert_eq(oci_cap_from_name("SYS_ADMIN"), -EINVAL);
	cr_assert_str_eq(oci_cap_name(38), "CAP_PERFMON");
	cr_assert_null(oci_cap_name(41));
	cr_assert_null(oci_cap_name(-1));
}

Test(oci_output, free_null_is_safe)
{
	oci_spec_free(NULL);
	oci_process_free(NULL);
	oci_resources_clear(NULL);
	cr_assert_null(oci_annotation(NULL, "x"));
	cr_assert_null(oci_spec_find_ns(NULL, OCI_NS_PID));
}
