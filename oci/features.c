/* SPDX-License-Identifier: Apache-2.0 */
/* `hull features`: the runtime-spec Features structure (features.md, features-linux.md).
 * It describes what this build of hull implements, not what the host offers. The lists come
 * from the same tables the parser validates against (oci/tables.c); the switches below are the
 * place to flip when a feature lands (and remove its entry from oci/supported.c). */
#include <seccomp.h>
#include <stdio.h>

#include "gen.h"
#include "json.h"
#include "tables.h"

/* ---- what hull implements (edit here) ------------------------------------------------ */

static const struct {
	bool v1, v2, systemd, systemd_user, rdma;
} cgroup_support = {.v1 = false, .v2 = true, .systemd = true, .systemd_user = false, .rdma = true};

static const bool apparmor_enabled = false;
static const bool selinux_enabled = false;
static const bool intel_rdt_enabled = false; /* see oci/supported.c: .linux.intelRdt */
static const bool idmap_mounts_enabled = false; /* .mounts[].uidMappings/gidMappings */
static const bool net_devices_enabled = true;
static const bool seccomp_enabled = true;

/* The mount options runtime/rootfs accepts (every other string is passed to mount(2) as
 * filesystem data). idmap/ridmap are left out: idmapped mounts are not supported yet. */
static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
	"mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime",
	"remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime",
	"rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
	"rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime",
	"suid", "symfollow", "sync", "tmpcopyup", "unbindable", NULL,
};

/* Config annotations that change what hull does ("." at the end = prefix). */
static const char *const unsafe_annotations[] = {"run.oci.hull.", NULL};

/* ---- output -------------------------------------------------------------------------- */

static void gen_enum_names(yajl_gen g, const char *key, const struct oci_enum *t)
{
	gen_key(g, key);
	gen_aopen(g);
	for (; t->name; t++)
		gen_str(g, t->name);
	gen_aclose(g);
}

static void gen_seccomp_names(yajl_gen g, const char *key, const struct oci_seccomp_name *t, bool only_supported)
{
	gen_key(g, key);
	gen_aopen(g);
	for (; t->name; t++)
		if (!only_supported || t->supported)
			gen_str(g, t->name);
	gen_aclose(g);
}

static void gen_enabled(yajl_gen g, const char *key, bool on)
{
	gen_key(g, key);
	gen_open(g);
	gen_kbool(g, "enabled", on);
	gen_close(g);
}

static void gen_linux_features(yajl_gen g)
{
	gen_key(g, "linux");
	gen_open(g);
	gen_enum_names(g, "namespaces", oci_ns_enum);
	gen_kstrv(g, "capabilities", oci_cap_names);

	gen_key(g, "cgroup");
	gen_open(g);
	gen_kbool(g, "v1", cgroup_support.v1);
	gen_kbool(g, "v2", cgroup_support.v2);
	gen_kbool(g, "systemd", cgroup_support.systemd);
	gen_kbool(g, "systemdUser", cgroup_support.systemd_user);
	gen_kbool(g, "rdma", cgroup_support.rdma);
	gen_close(g);

	gen_key(g, "seccomp");
	gen_open(g);
	gen_kbool(g, "enabled", seccomp_enabled);
	gen_enum_names(g, "actions", oci_seccomp_action_enum);
	gen_enum_names(g, "operators", oci_seccomp_op_enum);
	gen_seccomp_names(g, "archs", oci_seccomp_arch_table, true);
	gen_seccomp_names(g, "knownFlags", oci_seccomp_flag_table, false);
	gen_seccomp_names(g, "supportedFlags", oci_seccomp_flag_table, true);
	gen_close(g);

	gen_enabled(g, "apparmor", apparmor_enabled);
	gen_enabled(g, "selinux", selinux_enabled);
	gen_enabled(g, "intelRdt", intel_rdt_enabled);
	gen_key(g, "mountExtensions");
	gen_open(g);
	gen_enabled(g, "idmap", idmap_mounts_enabled);
	gen_close(g);
	gen_enabled(g, "netDevices", net_devices_enabled);
	gen_close(g);
}

char *oci_features_json(void)
{
	yajl_gen g = gen_new();
	gen_open(g);
	gen_kstr(g, "ociVersionMin", HULL_OCI_VERSION_MIN);
	gen_kstr(g, "ociVersionMax", HULL_OCI_VERSION);

	gen_key(g, "hooks");
	gen_aopen(g);
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		gen_str(g, oci_hook_kind_name((enum oci_hook_kind)k));
	gen_aclose(g);

	gen_kstrv(g, "mountOptions", mount_options);
	gen_linux_features(g);

	gen_key(g, "annotations");
	gen_open(g);
	const struct scmp_version *sv = seccomp_version();
	char ver[64];
	snprintf(ver, sizeof ver, "%u.%u.%u", sv ? sv->major : 0, sv ? sv->minor : 0, sv ? sv->micro : 0);
	gen_kstr(g, "io.github.seccomp.libseccomp.version", ver);
	gen_kstr(g, "run.oci.hull.overlay",
		 "\"true\": keep root.path unmodified and write to a throw-away overlay (same as create --overlay)");
	gen_close(g);

	gen_kstrv(g, "potentiallyUnsafeConfigAnnotations", unsafe_annotations);
	gen_close(g);
	return gen_finish(g);
}
