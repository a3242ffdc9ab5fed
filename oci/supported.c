/* SPDX-License-Identifier: Apache-2.0 */
/* Valid runtime-spec fields that hull cannot honour yet. The parser accepts every valid
 * config; these checks then refuse, by JSON path, what hull would otherwise silently ignore
 * ("<file>: <json path>: not supported").
 *
 * THE LISTS BELOW ARE THE ONLY PLACE TO EDIT when a feature lands: delete its line (and make
 * `hull features` say so in oci/features.c). Each entry is a JSON path as printed in the error
 * ("%zu" is replaced by the index of the offending array element) and a function that returns
 * the index of the first offending element, 0 for a plain field, or -1 when the config does
 * not use the feature.
 *
 * Three lists, because the same objects also come alone: process.json (exec --process) and
 * LinuxResources (update --resources). Their paths are relative to the object; config.json
 * checks prefix them with ".process" / ".linux.resources". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "json.h"
#include "tables.h"

typedef ssize_t (*spec_probe)(const struct oci_spec *s);
typedef ssize_t (*process_probe)(const struct oci_process *p);
typedef ssize_t (*resources_probe)(const struct oci_resources *r);

/* ---- probes: where is the feature used? ---------------------------------------------- */

static ssize_t intel_rdt(const struct oci_spec *s)
{
	return s->linux_ && s->linux_->intel_rdt.present ? 0 : -1;
}

static ssize_t memory_policy(const struct oci_spec *s)
{
	return s->linux_ && s->linux_->memory_policy.present ? 0 : -1;
}

static ssize_t mount_uid_mappings(const struct oci_spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].uid_mappings)
			return (ssize_t)i;
	return -1;
}

static ssize_t mount_gid_mappings(const struct oci_spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].gid_mappings)
			return (ssize_t)i;
	return -1;
}

/* "idmap"/"ridmap" ask for an idmapped mount even without mappings (then the container's
 * user namespace mapping is used); passing them on to mount(2) would fail obscurely. */
static ssize_t mount_idmap_option(const struct oci_spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		for (size_t j = 0; j < s->mounts[i].n_options; j++)
			if (strcmp(s->mounts[i].options[j], "idmap") == 0 || strcmp(s->mounts[i].options[j], "ridmap") == 0)
				return (ssize_t)i;
	return -1;
}

/* Names valid in the spec that the libseccomp hull is built with does not know. */
static ssize_t seccomp_unknown_arch(const struct oci_spec *s)
{
	const struct oci_seccomp *sc = s->linux_ ? s->linux_->seccomp : NULL;
	for (size_t i = 0; sc && i < sc->n_architectures; i++) {
		const struct oci_seccomp_name *n = oci_seccomp_name_find(oci_seccomp_arch_table, sc->architectures[i]);
		if (n && !n->supported)
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t seccomp_unsupported_flag(const struct oci_spec *s)
{
	const struct oci_seccomp *sc = s->linux_ ? s->linux_->seccomp : NULL;
	for (size_t i = 0; sc && i < sc->n_flags; i++) {
		const struct oci_seccomp_name *n = oci_seccomp_name_find(oci_seccomp_flag_table, sc->flags[i]);
		if (n && !n->supported)
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t exec_cpu_affinity(const struct oci_process *p)
{
	return p->exec_cpu_affinity.initial || p->exec_cpu_affinity.final ? 0 : -1;
}

/* net_cls/net_prio exist only in cgroup v1, and hull manages cgroup v2 only. */
static ssize_t network(const struct oci_resources *r)
{
	return r->network.present ? 0 : -1;
}

/* memory.kmem / kmem.tcp: cgroup v1 only (and deprecated by the kernel). -1 ("no limit") is
 * what hull does anyway, so only a real limit is refused. */
static ssize_t memory_kernel(const struct oci_resources *r)
{
	return r->memory.has_kernel && r->memory.kernel != -1 ? 0 : -1;
}

static ssize_t memory_kernel_tcp(const struct oci_resources *r)
{
	return r->memory.has_kernel_tcp && r->memory.kernel_tcp != -1 ? 0 : -1;
}

/* blkio.leaf_weight: CFQ (removed from the kernel) on cgroup v1 only; io.weight has no leaf. */
static ssize_t blkio_leaf_weight(const struct oci_resources *r)
{
	return r->blkio.has_leaf_weight ? 0 : -1;
}

static ssize_t blkio_device_leaf_weight(const struct oci_resources *r)
{
	for (size_t i = 0; i < r->blkio.n_weight_device; i++)
		if (r->blkio.weight_device[i].has_leaf_weight)
			return (ssize_t)i;
	return -1;
}

/* ---- the lists ----------------------------------------------------------------------- */

static const struct {
	const char *path;
	spec_probe used;
} unsupported_spec[] = {
	{".linux.intelRdt", intel_rdt},
	{".linux.memoryPolicy", memory_policy},
	{".mounts[%zu].uidMappings", mount_uid_mappings}, /* idmapped mounts */
	{".mounts[%zu].gidMappings", mount_gid_mappings},
	{".mounts[%zu].options", mount_idmap_option},     /* "idmap" / "ridmap" */
	{".linux.seccomp.architectures[%zu]", seccomp_unknown_arch},
	{".linux.seccomp.flags[%zu]", seccomp_unsupported_flag},
};

static const struct {
	const char *path;
	process_probe used;
} unsupported_process[] = {
	{".execCPUAffinity", exec_cpu_affinity},
};

static const struct {
	const char *path;
	resources_probe used;
} unsupported_resources[] = {
	{".network", network},
	{".memory.kernel", memory_kernel},
	{".memory.kernelTCP", memory_kernel_tcp},
	{".blockIO.leafWeight", blkio_leaf_weight},
	{".blockIO.weightDevice[%zu].leafWeight", blkio_device_leaf_weight},
};

/* ---- the checks ---------------------------------------------------------------------- */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int refuse(const char *file, const char *prefix, const char *path_fmt, ssize_t idx, hull_err *e)
{
	char path[512];
	snprintf(path, sizeof path, path_fmt, (size_t)idx);
	return herr_set(e, -EOPNOTSUPP, "%s: %s%s: not supported", file, prefix, path);
}

static int check_process(const struct oci_process *p, const char *file, const char *prefix, hull_err *e)
{
	for (size_t i = 0; p && i < N(unsupported_process); i++) {
		ssize_t idx = unsupported_process[i].used(p);
		if (idx >= 0)
			return refuse(file, prefix, unsupported_process[i].path, idx, e);
	}
	return 0;
}

static int check_resources(const struct oci_resources *r, const char *file, const char *prefix, hull_err *e)
{
	for (size_t i = 0; r && i < N(unsupported_resources); i++) {
		ssize_t idx = unsupported_resources[i].used(r);
		if (idx >= 0)
			return refuse(file, prefix, unsupported_resources[i].path, idx, e);
	}
	return 0;
}

int oci_spec_check_supported(const struct oci_spec *s, const char *file, hull_err *e)
{
	if (!file)
		file = "config.json";
	for (size_t i = 0; i < N(unsupported_spec); i++) {
		ssize_t idx = unsupported_spec[i].used(s);
		if (idx >= 0)
			return refuse(file, "", unsupported_spec[i].path, idx, e);
	}
	TRY(check_process(s->process, file, ".process", e));
	if (s->linux_)
		TRY(check_resources(&s->linux_->resources, file, ".linux.resources", e));
	return 0;
}

int oci_process_check_supported(const struct oci_process *p, const char *file, hull_err *e)
{
	return check_process(p, file ? file : "process.json", "", e);
}

int oci_resources_check_supported(const struct oci_resources *r, const char *file, hull_err *e)
{
	return check_resources(r, file ? file : "resources.json", "", e);
}
