/* SPDX-License-Identifier: Apache-2.0 */
/* `hull spec [--rootless]`: the default config.json, the same shape as `runc spec`. */
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "json.h"

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

static const char *const default_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm",
	NULL,
};

static const char *const masked_paths[] = {
	"/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/sys/firmware",       "/proc/scsi",       "/sys/devices/virtual/powercap",
	NULL,
};

static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

struct default_mount {
	const char *destination, *type, *source;
	const char *const *options; /* NULL-terminated; NULL = no options key */
	bool rootful_only;          /* dropped by --rootless */
};

static const char *const dev_opts[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
static const char *const devpts_opts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
					  NULL};
static const char *const shm_opts[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL};
static const char *const mqueue_opts[] = {"nosuid", "noexec", "nodev", NULL};
static const char *const sysfs_opts[] = {"nosuid", "noexec", "nodev", "ro", NULL};
static const char *const sys_rbind_opts[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
static const char *const cgroup_opts[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};

static const struct default_mount default_mounts[] = {
	{"/proc", "proc", "proc", NULL, false},
	{"/dev", "tmpfs", "tmpfs", dev_opts, false},
	{"/dev/pts", "devpts", "devpts", devpts_opts, false},
	{"/dev/shm", "tmpfs", "shm", shm_opts, false},
	{"/dev/mqueue", "mqueue", "mqueue", mqueue_opts, false},
	{"/sys", "sysfs", "sysfs", sysfs_opts, false},
	/* cgroupfs needs a cgroup namespace hull can write to: not for rootless */
	{"/sys/fs/cgroup", "cgroup", "cgroup", cgroup_opts, true},
};

static void gen_mount(yajl_gen g, const struct default_mount *m, bool rootless)
{
	gen_open(g);
	if (rootless && strcmp(m->destination, "/sys") == 0) {
		/* sysfs cannot be mounted without owning a network namespace: bind the host's */
		gen_kstr(g, "destination", "/sys");
		gen_kstr(g, "type", "none");
		gen_kstr(g, "source", "/sys");
		gen_kstrv(g, "options", sys_rbind_opts);
		gen_close(g);
		return;
	}
	gen_kstr(g, "destination", m->destination);
	gen_kstr(g, "type", m->type);
	gen_kstr(g, "source", m->source);
	if (m->options) {
		gen_key(g, "options");
		gen_aopen(g);
		for (const char *const *o = m->options; *o; o++)
			/* gid=5 (tty) does not exist in a single-ID user namespace */
			if (!(rootless && (strncmp(*o, "gid=", 4) == 0 || strncmp(*o, "uid=", 4) == 0)))
				gen_str(g, *o);
		gen_aclose(g);
	}
	gen_close(g);
}

static void gen_process(yajl_gen g)
{
	gen_key(g, "process");
	gen_open(g);
	gen_kbool(g, "terminal", true);
	gen_key(g, "user");
	gen_open(g);
	gen_kint(g, "uid", 0);
	gen_kint(g, "gid", 0);
	gen_close(g);
	gen_kstrv(g, "args", (const char *const[]){"sh", NULL});
	gen_kstrv(g, "env", default_env);
	gen_kstr(g, "cwd", "/");
	gen_key(g, "capabilities");
	gen_open(g);
	gen_kstrv(g, "bounding", default_caps);
	gen_kstrv(g, "effective", default_caps);
	gen_kstrv(g, "permitted", default_caps);
	gen_close(g);
	gen_key(g, "rlimits");
	gen_aopen(g);
	gen_open(g);
	gen_kstr(g, "type", "RLIMIT_NOFILE");
	gen_kint(g, "hard", 1024);
	gen_kint(g, "soft", 1024);
	gen_close(g);
	gen_aclose(g);
	gen_kbool(g, "noNewPrivileges", true);
	gen_close(g);
}

static void gen_idmap(yajl_gen g, const char *key, unsigned long host_id)
{
	gen_key(g, key);
	gen_aopen(g);
	gen_open(g);
	gen_kint(g, "containerID", 0);
	gen_kint(g, "hostID", (long long)host_id);
	gen_kint(g, "size", 1);
	gen_close(g);
	gen_aclose(g);
}

static void gen_linux(yajl_gen g, bool rootless, uid_t uid, gid_t gid)
{
	gen_key(g, "linux");
	gen_open(g);
	if (rootless) {
		gen_idmap(g, "uidMappings", uid);
		gen_idmap(g, "gidMappings", gid);
	} else {
		/* deny every device; the runtime allows its default devices on top */
		gen_key(g, "resources");
		gen_open(g);
		gen_key(g, "devices");
		gen_aopen(g);
		gen_open(g);
		gen_kbool(g, "allow", false);
		gen_kstr(g, "access", "rwm");
		gen_close(g);
		gen_aclose(g);
		gen_close(g);
	}
	/* rootless: no network namespace (it could not be configured), a user namespace instead */
	const char *const rootful_ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
	const char *const rootless_ns[] = {"pid", "ipc", "uts", "mount", "cgroup", "user", NULL};
	gen_key(g, "namespaces");
	gen_aopen(g);
	for (const char *const *ns = rootless ? rootless_ns : rootful_ns; *ns; ns++) {
		gen_open(g);
		gen_kstr(g, "type", *ns);
		gen_close(g);
	}
	gen_aclose(g);
	gen_kstrv(g, "maskedPaths", masked_paths);
	gen_kstrv(g, "readonlyPaths", readonly_paths);
	gen_close(g);
}

char *oci_default_spec_json(bool rootless, uid_t host_uid, gid_t host_gid)
{
	yajl_gen g = gen_new();
	gen_open(g);
	gen_kstr(g, "ociVersion", HULL_OCI_VERSION);
	gen_process(g);
	gen_key(g, "root");
	gen_open(g);
	gen_kstr(g, "path", "rootfs");
	gen_kbool(g, "readonly", true);
	gen_close(g);
	gen_kstr(g, "hostname", "hull");
	gen_key(g, "mounts");
	gen_aopen(g);
	for (size_t i = 0; i < sizeof default_mounts / sizeof default_mounts[0]; i++)
		if (!(rootless && default_mounts[i].rootful_only))
			gen_mount(g, &default_mounts[i], rootless);
	gen_aclose(g);
	gen_linux(g, rootless, host_uid, host_gid);
	gen_close(g);
	return gen_finish(g);
}
