/* SPDX-License-Identifier: Apache-2.0 */
/* Freeing the model. Every function accepts partially filled structs (what a failed parse
 * leaves behind): arrays are zeroed before they are filled. */
#include <stdlib.h>
#include <string.h>

#include "json.h"

void oci_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void oci_kv_free(struct oci_kv *kv, size_t n)
{
	if (!kv)
		return;
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void caps_free(struct oci_capabilities *c)
{
	if (!c)
		return;
	oci_strv_free(c->bounding, c->n_bounding);
	oci_strv_free(c->effective, c->n_effective);
	oci_strv_free(c->inheritable, c->n_inheritable);
	oci_strv_free(c->permitted, c->n_permitted);
	oci_strv_free(c->ambient, c->n_ambient);
	free(c);
}

void oci_process_clear(struct oci_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	oci_strv_free(p->args, p->n_args);
	free(p->command_line);
	oci_strv_free(p->env, p->n_env);
	free(p->cwd);
	caps_free(p->capabilities);
	if (p->rlimits)
		for (size_t i = 0; i < p->n_rlimits; i++)
			free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->exec_cpu_affinity.initial);
	free(p->exec_cpu_affinity.final);
	memset(p, 0, sizeof *p);
}

void oci_process_free(struct oci_process *p)
{
	if (!p)
		return;
	oci_process_clear(p);
	free(p);
}

void oci_resources_clear(struct oci_resources *r)
{
	if (!r)
		return;
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_device);
	free(r->blkio.throttle_read_bps);
	free(r->blkio.throttle_write_bps);
	free(r->blkio.throttle_read_iops);
	free(r->blkio.throttle_write_iops);
	if (r->hugepage_limits)
		for (size_t i = 0; i < r->n_hugepage_limits; i++)
			free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	if (r->network.priorities)
		for (size_t i = 0; i < r->network.n_priorities; i++)
			free(r->network.priorities[i].name);
	free(r->network.priorities);
	if (r->rdma)
		for (size_t i = 0; i < r->n_rdma; i++)
			free(r->rdma[i].device);
	free(r->rdma);
	oci_kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof *r);
}

static void seccomp_free(struct oci_seccomp *s)
{
	if (!s)
		return;
	free(s->default_action);
	oci_strv_free(s->architectures, s->n_architectures);
	oci_strv_free(s->flags, s->n_flags);
	free(s->listener_path);
	free(s->listener_metadata);
	if (s->syscalls)
		for (size_t i = 0; i < s->n_syscalls; i++) {
			oci_strv_free(s->syscalls[i].names, s->syscalls[i].n_names);
			free(s->syscalls[i].action);
			free(s->syscalls[i].args);
		}
	free(s->syscalls);
	free(s);
}

void oci_linux_free(struct oci_linux *l)
{
	if (!l)
		return;
	if (l->namespaces)
		for (size_t i = 0; i < l->n_namespaces; i++)
			free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	if (l->devices)
		for (size_t i = 0; i < l->n_devices; i++)
			free(l->devices[i].path);
	free(l->devices);
	if (l->net_devices)
		for (size_t i = 0; i < l->n_net_devices; i++) {
			free(l->net_devices[i].host_name);
			free(l->net_devices[i].name);
		}
	free(l->net_devices);
	free(l->cgroups_path);
	oci_resources_clear(&l->resources);
	seccomp_free(l->seccomp);
	oci_kv_free(l->sysctl, l->n_sysctl);
	oci_strv_free(l->masked_paths, l->n_masked_paths);
	oci_strv_free(l->readonly_paths, l->n_readonly_paths);
	free(l->mount_label);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	oci_strv_free(l->intel_rdt.schemata, l->intel_rdt.n_schemata);
	free(l->personality.domain);
	oci_strv_free(l->personality.flags, l->personality.n_flags);
	free(l->memory_policy.mode);
	free(l->memory_policy.nodes);
	oci_strv_free(l->memory_policy.flags, l->memory_policy.n_flags);
	free(l);
}

static void hook_list_free(struct oci_hook *h, size_t n)
{
	if (!h)
		return;
	for (size_t i = 0; i < n; i++) {
		free(h[i].path);
		oci_strv_free(h[i].args, h[i].n_args);
		oci_strv_free(h[i].env, h[i].n_env);
	}
	free(h);
}

void oci_spec_free(struct oci_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	oci_process_free(s->process);
	free(s->root.path);
	if (s->mounts)
		for (size_t i = 0; i < s->n_mounts; i++) {
			struct oci_mount *m = &s->mounts[i];
			free(m->destination);
			free(m->type);
			free(m->source);
			oci_strv_free(m->options, m->n_options);
			free(m->uid_mappings);
			free(m->gid_mappings);
		}
	free(s->mounts);
	free(s->hostname);
	free(s->domainname);
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		hook_list_free(s->hooks.list[k], s->hooks.n[k]);
	oci_kv_free(s->annotations, s->n_annotations);
	oci_linux_free(s->linux_);
	free(s);
}
