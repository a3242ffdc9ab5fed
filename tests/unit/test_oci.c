/* SPDX-License-Identifier: Apache-2.0 */
/* oci/: config.json parsing. Valid configs (real podman/containerd configs, the spec's own
 * examples, a fixture that sets every field) and every kind of bad input, asserting the exact
 * one-line error "<file>: <json path>: <what is wrong>". */
#include "test_oci_helpers.h"

#include <seccomp.h>
#include <stdint.h>
#include <sys/resource.h>

/* ---- real client configs --------------------------------------------------------------- */

Test(oci_spec, podman_run_config)
{
	struct oci_spec *s = spec_file_ok("podman-run-d.config.json");
	cr_assert_str_eq(s->oci_version, "1.0.2-dev");
	cr_assert_not_null(s->process);
	struct oci_process *p = s->process;
	cr_assert_eq(p->n_args, 2);
	cr_assert_str_eq(p->args[0], "sleep");
	cr_assert_str_eq(p->args[1], "1000");
	cr_assert_null(p->args[2], "args must be NULL-terminated");
	cr_assert_str_eq(p->cwd, "/");
	cr_assert(p->user.has_umask);
	cr_assert_eq(p->user.umask, 022);
	cr_assert_eq(p->n_env, 5);
	cr_assert_str_eq(p->env[1], "container=podman");
	cr_assert_not_null(p->capabilities);
	cr_assert_eq(p->capabilities->n_bounding, 14);
	cr_assert_null(p->capabilities->inheritable, "absent set stays NULL");
	cr_assert_eq(p->n_rlimits, 2);
	cr_assert_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	cr_assert_eq(p->rlimits[0].soft, 20000);
	cr_assert_eq(p->rlimits[1].resource, RLIMIT_NPROC);
	cr_assert(!p->terminal);

	cr_assert(s->has_root);
	cr_assert(!s->root.readonly);
	cr_assert_eq(s->n_mounts, 11);
	cr_assert_str_eq(s->mounts[7].destination, "/dev/shm");
	cr_assert_str_eq(s->mounts[7].type, "bind");
	cr_assert_eq(s->mounts[7].n_options, 5);
	cr_assert_str_eq(s->mounts[7].options[1], "rprivate");
	cr_assert_str_eq(s->hostname, "c0b4f7abc439");
	cr_assert_str_eq(oci_annotation(s, "org.opencontainers.image.stopSignal"), "15");
	cr_assert_null(oci_annotation(s, "no.such.key"));

	struct oci_linux *l = s->linux_;
	cr_assert_not_null(l);
	cr_assert_eq(l->n_namespaces, 5);
	const struct oci_namespace *net = oci_spec_find_ns(s, OCI_NS_NETWORK);
	cr_assert_not_null(net);
	cr_assert_str_eq(net->path, "/run/netns/netns-1f74650b-714e-762c-3026-e52f3c854dc8");
	cr_assert_null(oci_spec_find_ns(s, OCI_NS_PID)->path);
	cr_assert_null(oci_spec_find_ns(s, OCI_NS_USER));
	cr_assert_str_eq(l->cgroups_path,
			 "/process_api/fc7b3fa693008adb273fd87d5c70f189/clients/libpod-c0b4f7abc439cc3cb175564a8fcb5b9cfcfa9cd0b160fa2ed1664b7bb2b55762");
	cr_assert(l->resources.present);
	cr_assert(l->resources.has_devices);
	cr_assert_eq(l->resources.n_devices, 1);
	cr_assert(!l->resources.devices[0].allow);
	cr_assert_eq(l->resources.devices[0].type, 'a');
	cr_assert_eq(l->resources.devices[0].major, -1);
	cr_assert_str_eq(l->resources.devices[0].access, "rwm");
	cr_assert(l->resources.has_pids);
	cr_assert_eq(l->resources.pids_limit, 2048);

	struct oci_seccomp *sc = l->seccomp;
	cr_assert_not_null(sc);
	cr_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
	cr_assert(sc->has_default_errno_ret);
	cr_assert_eq(sc->default_errno_ret, 38);
	cr_assert_eq(sc->n_architectures, 3);
	cr_assert_gt(sc->n_syscalls, 10);
	/* {"names":["personality"],...,"args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]} */
	bool found = false;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].n_args == 1 && sc->syscalls[i].args[0].value == 4294967295u) {
			cr_assert_str_eq(sc->syscalls[i].names[0], "personality");
			cr_assert_eq(sc->syscalls[i].args[0].op, SCMP_CMP_EQ);
			found = true;
		}
	cr_assert(found);
	cr_assert_eq(l->n_masked_paths, 11);
	cr_assert_eq(l->n_readonly_paths, 6);

	hull_err e = {0};
	cr_assert_eq(oci_spec_check_supported(s, "config.json", &e), 0, "%s", e.msg);
	oci_spec_free(s);
}

Test(oci_spec, podman_rootless_config)
{
	struct oci_spec *s = spec_file_ok("podman-rootless.config.json");
	/* "resources": {} is present but sets nothing */
	cr_assert(s->linux_->resources.present);
	cr_assert(!s->linux_->resources.has_devices);
	cr_assert(!s->linux_->resources.has_pids);
	cr_assert(!s->linux_->resources.memory.present);
	cr_assert_null(s->linux_->cgroups_path);
	cr_assert_eq(s->linux_->seccomp->default_errno_ret, 38);
	cr_assert_eq(s->linux_->seccomp->n_syscalls, 19);
	hull_err e = {0};
	cr_assert_eq(oci_spec_check_supported(s, "config.json", &e), 0, "%s", e.msg);
	oci_spec_free(s);
}

Test(oci_spec, containerd_config)
{
	struct oci_spec *s = spec_file_ok("containerd-ctr-run-d.config.json");
	cr_assert_str_eq(s->root.path, "rootfs");
	cr_assert_eq(s->process->user.n_additional_gids, 1);
	cr_assert_eq(s->process->user.additional_gids[0], 0);
	cr_assert(!s->process->user.has_umask);
	cr_assert(s->process->no_new_privileges);
	struct oci_resources *r = &s->linux_->resources;
	cr_assert_eq(r->n_devices, 10);
	/* {"allow":true,"type":"c","major":136,"access":"rwm"}: no minor = wildcard */
	cr_assert(r->devices[8].allow);
	cr_assert_eq(r->devices[8].type, 'c');
	cr_assert_eq(r->devices[8].major, 136);
	cr_assert_eq(r->devices[8].minor, -1);
	cr_assert(r->cpu.present);
	cr_assert(r->cpu.has_shares);
	cr_assert_eq(r->cpu.shares, 1024);
	cr_assert(!r->cpu.has_quota);
	cr_assert_null(s->linux_->seccomp);
	hull_err e = {0};
	cr_assert_eq(oci_spec_check_supported(s, "config.json", &e), 0, "%s", e.msg);
	oci_spec_free(s);
}

/* ---- the spec's own examples ----------------------------------------------------------- */

Test(oci_spec, spec_minimal)
{
	struct oci_spec *s = spec_file_ok("spec-minimal.json");
	cr_assert_str_eq(s->oci_version, "1.0.0");
	cr_assert_str_eq(s->root.path, "rootfs");
	cr_assert_null(s->process, "process is optional in config.json");
	cr_assert_null(s->linux_);
	cr_assert_eq(s->n_mounts, 0);
	oci_spec_free(s);

	s = spec_file_ok("spec-minimal-for-start.json");
	cr_assert_str_eq(s->process->args[0], "sh");
	cr_assert_eq(s->process->user.uid, 0);
	oci_spec_free(s);
}

Test(oci_spec, spec_example)
{
	struct oci_spec *s = spec_file_ok("spec-example.json");
	cr_assert_eq(s->hooks.n[OCI_HOOK_PRESTART], 2);
	cr_assert_eq(s->hooks.n[OCI_HOOK_CREATE_RUNTIME], 2);
	cr_assert_eq(s->hooks.n[OCI_HOOK_POSTSTOP], 1);
	cr_assert_str_eq(s->hooks.list[OCI_HOOK_PRESTART][0].path, "/usr/bin/fix-mounts");
	cr_assert_eq(s->hooks.list[OCI_HOOK_PRESTART][0].n_args, 3);
	cr_assert(s->hooks.list[OCI_HOOK_POSTSTART][0].has_timeout);
	cr_assert_eq(s->hooks.list[OCI_HOOK_POSTSTART][0].timeout, 5);
	struct oci_linux *l = s->linux_;
	cr_assert_eq(l->n_namespaces, 8);
	cr_assert_not_null(oci_spec_find_ns(s, OCI_NS_TIME));
	cr_assert_eq(l->n_uid_mappings, 1);
	cr_assert_eq(l->uid_mappings[0].host_id, 1000);
	cr_assert_eq(l->uid_mappings[0].size, 32000);
	cr_assert(l->time_monotonic.present);
	cr_assert_eq(l->time_monotonic.secs, 172800);
	cr_assert_eq(l->time_boottime.secs, 604800);
	cr_assert_eq(l->n_devices, 2);
	cr_assert_eq(l->devices[0].type, 'c');
	cr_assert_eq(l->devices[0].file_mode, 438);
	cr_assert_eq(l->rootfs_propagation, OCI_PROP_SLAVE);
	cr_assert_eq(l->n_sysctl, 2);
	cr_assert_str_eq(l->sysctl[1].key, "net.core.somaxconn");
	cr_assert_str_eq(l->sysctl[1].value, "256");
	struct oci_resources *r = &l->resources;
	cr_assert_eq(r->n_hugepage_limits, 2);
	cr_assert_str_eq(r->hugepage_limits[1].page_size, "64KB");
	cr_assert_eq(r->memory.kernel, -1);
	cr_assert_str_eq(r->devices[1].access, "rw");
	cr_assert_eq(r->blkio.n_weight_device, 2);
	cr_assert(!r->blkio.weight_device[1].has_leaf_weight);
	cr_assert(r->network.present);
	cr_assert_eq(r->network.class_id, 1048577);
	/* the example uses cgroup v1's net_cls/net_prio, which hull refuses by path */
	hull_err e = {0};
	cr_assert_eq(oci_spec_check_supported(s, "config.json", &e), -EOPNOTSUPP);
	cr_assert_str_eq(e.msg, "config.json: .linux.resources.network: not supported");
	oci_spec_free(s);
}

Test(oci_spec, spec_netdevices_and_rdma)
{
	struct oci_spec *s = spec_file_ok("spec-linux-netdevice.json");
	cr_assert_eq(s->linux_->n_net_devices, 3);
	cr_assert_str_eq(s->linux_->net_devices[0].host_name, "eth0");
	cr_assert_str_eq(s->linux_->net_devices[0].name, "container_eth0");
	cr_assert_str_eq(s->linux_->net_devices[1].host_name, "ens4");
	cr_assert_null(s->linux_->net_devices[1].name, "no name: keep the host name");
	oci_spec_free(s);

	s = spec_file_ok("spec-linux-rdma.json");
	struct oci_resources *r = &s->linux_->resources;
	cr_assert_eq(r->n_rdma, 3);
	cr_assert_str_eq(r->rdma[0].device, "mlx5_1");
	cr_assert(r->rdma[0].has_hca_handles);
	cr_assert_eq(r->rdma[0].hca_handles, 3);
	cr_assert_eq(r->rdma[0].hca_objects, 10000);
	cr_assert(!r->rdma[1].has_hca_handles);
	cr_assert_eq(r->rdma[1].hca_objects, 1000);
	oci_spec_free(s);
}

/* ---- every field ------------------------------------------------------------------------ */

Test(oci_spec, full_process)
{
	struct oci_spec *s = spec_file_ok("full.json");
	struct oci_process *p = s->process;
	cr_assert(p->terminal);
	cr_assert(p->has_console_size);
	cr_assert_eq(p->console_height, 25);
	cr_assert_eq(p->console_width, 80);
	cr_assert_eq(p->user.uid, 1000);
	cr_assert_eq(p->user.gid, 1001);
	cr_assert_eq(p->user.umask, 63);
	cr_assert_eq(p->user.n_additional_gids, 2);
	cr_assert_eq(p->user.additional_gids[1], UINT32_MAX);
	cr_assert_str_eq(p->env[1], "EMPTY=");
	cr_assert_str_eq(p->cwd, "/root");
	struct oci_capabilities *c = p->capabilities;
	cr_assert_str_eq(c->bounding[1], "CAP_CHECKPOINT_RESTORE");
	cr_assert_eq(c->n_inheritable, 1);
	cr_assert_not_null(c->ambient, "an empty set is present, not absent");
	cr_assert_eq(c->n_ambient, 0);
	cr_assert_eq(p->rlimits[0].hard, UINT64_MAX);
	cr_assert_eq(p->rlimits[1].resource, RLIMIT_RTTIME);
	cr_assert(p->no_new_privileges);
	cr_assert_str_eq(p->apparmor_profile, "acme");
	cr_assert(p->has_oom_score_adj);
	cr_assert_eq(p->oom_score_adj, -999);
	cr_assert_str_eq(p->selinux_label, "system_u:system_r:svirt_lxc_net_t:s0:c124,c675");
	cr_assert(p->io_priority.present);
	cr_assert_eq(p->io_priority.class, 3); /* IOPRIO_CLASS_IDLE */
	cr_assert_eq(p->io_priority.priority, 7);
	cr_assert(p->scheduler.present);
	cr_assert_eq(p->scheduler.policy, 6); /* SCHED_DEADLINE */
	cr_assert_eq(p->scheduler.nice, -20);
	cr_assert_eq(p->scheduler.priority, 3);
	cr_assert_eq(p->scheduler.flags, 0x01 | 0x40);
	cr_assert_eq(p->scheduler.runtime, 10000000);
	cr_assert_eq(p->scheduler.period, UINT64_MAX);
	cr_assert_str_eq(p->exec_cpu_affinity.initial, "7");
	cr_assert_str_eq(p->exec_cpu_affinity.final, "0-3, 7");
	oci_spec_free(s);
}

Test(oci_spec, full_top_level)
{
	struct oci_spec *s = spec_file_ok("full.json");
	cr_assert_str_eq(s->root.path, "/var/lib/hull/rootfs");
	cr_assert(s->root.readonly);
	cr_assert_eq(s->n_mounts, 2);
	cr_assert_null(s->mounts[0].options);
	/* a relative destination is relative to "/" */
	cr_assert_str_eq(s->mounts[1].destination, "/data");
	cr_assert_eq(s->mounts[1].n_uid_mappings, 1);
	cr_assert_eq(s->mounts[1].uid_mappings[0].host_id, 100000);
	cr_assert_eq(s->mounts[1].gid_mappings[0].size, 65536);
	cr_assert_str_eq(s->hostname, "h1");
	cr_assert_str_eq(s->domainname, "example.test");
	for (int k = 0; k < OCI_HOOK_KINDS; k++)
		cr_assert_geq(s->hooks.n[k], 1, "hook kind %s", oci_hook_kind_name(k));
	struct oci_hook *pre = &s->hooks.list[OCI_HOOK_PRESTART][0];
	cr_assert_str_eq(pre->path, "/bin/pre");
	cr_assert_str_eq(pre->args[1], "x");
	cr_assert_str_eq(pre->env[0], "A=1");
	cr_assert_eq(pre->timeout, 3);
	cr_assert_eq(s->hooks.n[OCI_HOOK_POSTSTART], 2);
	cr_assert(!s->hooks.list[OCI_HOOK_CREATE_RUNTIME][0].has_timeout);
	cr_assert_eq(s->n_annotations, 2);
	cr_assert_str_eq(oci_annotation(s, "com.example.empty"), "");
	oci_spec_free(s);
}

Test(oci_spec, full_linux)
{
	struct oci_spec *s = spec_file_ok("full.json");
	struct oci_linux *l = s->linux_;
	cr_assert_eq(l->n_namespaces, OCI_NS_KINDS);
	for (int t = 0; t < OCI_NS_KINDS; t++)
		cr_assert_not_null(oci_spec_find_ns(s, t), "namespace %s", oci_ns_type_name(t));
	cr_assert_eq(l->n_uid_mappings, 2);
	cr_assert_eq(l->uid_mappings[1].size, 65535);
	cr_assert_eq(l->time_boottime.secs, -5);
	cr_assert_eq(l->time_boottime.nanosecs, 999999999);
	cr_assert_eq(l->time_monotonic.secs, INT64_MAX);
	cr_assert_eq(l->devices[0].gid, 5);
	cr_assert(l->devices[0].has_uid);
	cr_assert_eq(l->devices[1].type, 'p');
	cr_assert(!l->devices[1].has_file_mode);
	cr_assert_eq(l->n_net_devices, 2);
	cr_assert_str_eq(l->net_devices[0].name, "ctr%d");
	cr_assert_str_eq(l->cgroups_path, "/hull/full");
	cr_assert_eq(l->rootfs_propagation, OCI_PROP_SLAVE);
	cr_assert_str_eq(l->sysctl[1].key, "kernel/shm_rmid_forced");
	cr_assert_str_eq(l->mount_label, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");
	cr_assert(l->intel_rdt.present);
	cr_assert_str_eq(l->intel_rdt.clos_id, "guaranteed_group");
	cr_assert_str_eq(l->intel_rdt.mem_bw_schema, "MB:0=20;1=70");
	cr_assert_eq(l->intel_rdt.n_schemata, 1);
	cr_assert(l->intel_rdt.enable_monitoring);
	cr_assert(l->personality.present);
	cr_assert_str_eq(l->personality.domain, "LINUX32");
	cr_assert(l->memory_policy.present);
	cr_assert_str_eq(l->memory_policy.mode, "MPOL_INTERLEAVE");
	cr_assert_str_eq(l->memory_policy.nodes, "0-3,7");
	cr_assert_str_eq(l->memory_policy.flags[0], "MPOL_F_STATIC_NODES");
	oci_spec_free(s);
}

Test(oci_spec, full_resources)
{
	struct oci_spec *s = spec_file_ok("full.json");
	struct oci_resources *r = &s->linux_->resources;
	cr_assert_str_eq(r->devices[1].access, "rwm", "access is kept in canonical order");
	cr_assert_eq(r->devices[2].minor, 0);
	struct oci_memory *m = &r->memory;
	cr_assert(m->present && m->has_limit && m->has_swap && m->has_kernel && m->has_kernel_tcp);
	cr_assert_eq(m->limit, INT64_MAX);
	cr_assert_eq(m->swap, -1);
	cr_assert_eq(m->kernel_tcp, 8192);
	cr_assert(m->has_swappiness);
	cr_assert_eq(m->swappiness, 60);
	cr_assert(m->has_disable_oom_killer && m->disable_oom_killer);
	cr_assert(m->has_use_hierarchy && !m->use_hierarchy);
	cr_assert(m->has_check_before_update && m->check_before_update);
	struct oci_cpu *c = &r->cpu;
	cr_assert_eq(c->quota, -1);
	cr_assert_eq(c->burst, 1000);
	cr_assert_eq(c->rt_runtime, 950000);
	cr_assert_eq(c->rt_period, 1000000);
	cr_assert_str_eq(c->cpus, "0-1");
	cr_assert_str_eq(c->mems, "0");
	cr_assert(c->has_idle);
	cr_assert_eq(c->idle, 1);
	struct oci_blkio *b = &r->blkio;
	cr_assert_eq(b->weight, 1000);
	cr_assert_eq(b->leaf_weight, 10);
	cr_assert_eq(b->weight_device[0].leaf_weight, 300);
	cr_assert(!b->weight_device[1].has_weight);
	cr_assert_eq(b->throttle_read_bps[0].rate, UINT64_MAX);
	cr_assert_eq(b->throttle_write_bps[0].rate, 2);
	cr_assert_eq(b->throttle_read_iops[0].rate, 3);
	cr_assert_eq(b->throttle_write_iops[0].minor, 16);
	cr_assert(r->has_pids);
	cr_assert_eq(r->pids_limit, -1);
	cr_assert_str_eq(r->hugepage_limits[1].page_size, "1GB");
	cr_assert_eq(r->network.priorities[0].priority, 500);
	cr_assert_eq(r->n_rdma, 2);
	cr_assert_eq(r->n_unified, 2);
	cr_assert_str_eq(r->unified[1].key, "io.max");
	cr_assert_str_eq(r->unified[1].value, "8:0 rbps=1048576\n8:16 wiops=100");
	oci_spec_free(s);
}

Test(oci_spec, full_seccomp)
{
	struct oci_spec *s = spec_file_ok("full.json");
	struct oci_seccomp *sc = s->linux_->seccomp;
	cr_assert_eq(sc->n_flags, 2);
	cr_assert_str_eq(sc->listener_path, "/run/agent.sock");
	cr_assert_str_eq(sc->listener_metadata, "meta");
	cr_assert_eq(sc->n_syscalls, 4);
	struct oci_seccomp_syscall *pers = &sc->syscalls[1];
	/* uint64 values above INT64_MAX survive (parsed from the text, not a double) */
	cr_assert_eq(pers->args[0].value, UINT64_MAX);
	cr_assert_eq(pers->args[1].index, 5);
	cr_assert_eq(pers->args[1].value_two, 9223372036854775808ULL);
	cr_assert_eq(pers->args[1].op, SCMP_CMP_MASKED_EQ);
	cr_assert_str_eq(sc->syscalls[2].action, "SCMP_ACT_NOTIFY");
	cr_assert(sc->syscalls[3].has_errno_ret);
	cr_assert_eq(sc->syscalls[3].errno_ret, 1);
	cr_assert(!sc->syscalls[0].has_errno_ret);
	oci_spec_free(s);
}

/* ---- accepted variations --------------------------------------------------------------- */

Test(oci_spec, versions_accepted)
{
	const char *ok[] = {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.1", "1.3.0", "1.3.0-rc.1", "1.2.0+build.5"};
	for (size_t i = 0; i < N_CASES(ok); i++) {
		char *j = xasprintf("{'ociVersion': '%s', 'root': {'path': 'r'}}", ok[i]);
		struct oci_spec *s = spec_ok(j);
		cr_expect_str_eq(s->oci_version, ok[i]);
		oci_spec_free(s);
		free(j);
	}
}

Test(oci_spec, unknown_properties_are_ignored)
{
	struct oci_spec *s = spec_ok(CFG("'x-vendor': {'a': [1, 2]}, " PROC(", 'futureField': 1") ", "
					 "'linux': {'resources': {'memory': {'limit': 5, 'future': 'x'}}, 'newThing': true}, "
					 "'hooks': {'preprestart': 5}"));
	cr_assert_eq(s->linux_->resources.memory.limit, 5);
	oci_spec_free(s);
}

Test(oci_spec, joined_user_namespace_needs_no_mappings)
{
	/* the mappings of a joined user namespace are already set: none in the config is fine */
	struct oci_spec *s = spec_ok(CFG("'linux': {'namespaces': [{'type': 'user', 'path': '/proc/1/ns/user'}]}"));
	cr_assert_eq(s->linux_->n_uid_mappings, 0);
	oci_spec_free(s);
}

Test(oci_spec, null_means_absent)
{
	/* Go clients may write null for unset fields; encoding/json treats it as absent */
	struct oci_spec *s = spec_ok(CFG("'hostname': null, 'mounts': null, " PROC(", 'env': null, 'capabilities': null")
					 ", 'linux': {'seccomp': null, 'namespaces': [{'type': 'pid', 'path': null}]}"));
	cr_assert_null(s->hostname);
	cr_assert_null(s->process->env);
	cr_assert_null(s->process->capabilities);
	cr_assert_null(s->linux_->seccomp);
	cr_assert_null(s->linux_->namespaces[0].path);
	oci_spec_free(s);
}

Test(oci_spec, repeated_key_last_wins)
{
	struct oci_spec *s = spec_ok(CFG("'hostname': 'a', 'hostname': 'b', 'annotations': {'k': '1', 'k': '2'}"));
	cr_assert_str_eq(s->hostname, "b");
	cr_assert_eq(s->n_annotations, 1);
	cr_assert_str_eq(oci_annotation(s, "k"), "2");
	oci_spec_free(s);
}

Test(oci_spec, go_zero_values)
{
	/* empty strings where Go would have omitted the field */
	struct oci_spec *s = spec_ok(CFG("'process': {'cwd': '/', 'args': ['sh'], 'commandLine': '', 'user': {'username': ''}}, "
					 "'linux': {'rootfsPropagation': '', 'namespaces': [{'type': 'ipc', 'path': ''}], "
					 "'resources': {'devices': [{'allow': true, 'type': '', 'access': ''}]}}"));
	cr_assert_eq(s->linux_->rootfs_propagation, OCI_PROP_UNSET);
	cr_assert_null(s->linux_->namespaces[0].path);
	cr_assert_eq(s->linux_->resources.devices[0].type, 'a');
	cr_assert_str_eq(s->linux_->resources.devices[0].access, "rwm");
	oci_spec_free(s);
}

Test(oci_spec, comments_and_whitespace)
{
	struct oci_spec *s = spec_ok("/* hull */\n" CFG("'hostname': 'x' // trailing\n") "\n\n");
	cr_assert_str_eq(s->hostname, "x");
	oci_spec_free(s);
}

Test(oci_spec, parse_file_missing)
{
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = oci_spec_parse_file("/nonexistent/hull/config.json", &s, &e);
	cr_assert_eq(r, -ENOENT);
	cr_assert_null(s);
	cr_assert(strstr(e.msg, "/nonexistent/hull/config.json"), "%s", e.msg);
}

Test(oci_spec, parse_file_names_the_file)
{
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = oci_spec_parse_file(OCI_DATA "podman-exec.process.json", &s, &e);
	cr_assert_eq(r, -EINVAL);
	cr_assert_str_eq(e.msg, OCI_DATA "podman-exec.process.json: .ociVersion: required property missing");
}

/* ---- bad input ---------------------------------------------------------------------------- */

Test(oci_bad, not_json)
{
	struct oci_spec *s = NULL;
	hull_err e = {0};
	const char *cases[][2] = {
		{"", "config.json: invalid JSON at line 1, column 1: parse error: premature EOF"},
		{"{\"ociVersion\": \"1.0.0\",\n  bad}", "config.json: invalid JSON at line 2, column 3: lexical error: invalid char in json text."},
		{"{\"a\": 1} x", "config.json: invalid JSON at line 1, column 10: parse error: trailing garbage"},
		{"{\"a\": [1, 2", "config.json: invalid JSON at line 1, column 12: parse error: premature EOF"},
		{"[1]", "config.json: .: expected object, got array"},
		{"\"x\"", "config.json: .: expected object, got string"},
		{"{\"hostname\": \"a\\u0000b\"}", "config.json: invalid JSON: \\u0000 in a string is not allowed"},
		{"{\"hostname\": \"\xff\"}", "config.json: invalid JSON at line 1, column 15: lexical error: invalid bytes in UTF8 string."},
	};
	for (size_t i = 0; i < N_CASES(cases); i++) {
		int r = oci_spec_parse(cases[i][0], strlen(cases[i][0]), "config.json", &s, &e);
		cr_expect_eq(r, -EINVAL, "input %zu", i);
		cr_expect_null(s);
		cr_expect_str_eq(e.msg, cases[i][1], "input %zu: %s", i, cases[i][0]);
	}
	/* nesting that would make freeing the tree recurse too deep */
	char deep[4096];
	memset(deep, '[', sizeof deep - 1);
	deep[0] = '{';
	deep[sizeof deep - 1] = '\0';
	int rd = oci_spec_parse(deep, strlen(deep), "config.json", &s, &e);
	cr_assert_eq(rd, -EINVAL);
	cr_assert_str_eq(e.msg, "config.json: invalid JSON: nested deeper than 64 levels");
	/* brackets inside strings and comments do not count */
	struct strbuf sb = {0};
	sb_append(&sb, "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"");
	for (int i = 0; i < 100; i++)
		sb_append(&sb, "[{");
	sb_append(&sb, "\"} /* [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ */}");
	rd = oci_spec_parse(sb.buf, sb.len, "config.json", &s, &e);
	cr_assert_eq(rd, 0, "%s", e.msg);
	cr_assert_eq(strlen(s->root.path), 200);
	oci_spec_free(s);
	s = NULL;
	sb_free(&sb);
	/* an embedded NUL byte within len */
	int r = oci_spec_parse("{}\0{}", 5, "config.json", &s, &e);
	cr_assert_eq(r, -EINVAL);
	cr_assert_str_eq(e.msg, "config.json: invalid JSON: contains a NUL byte");
}

Test(oci_bad, top_level)
{
	static const struct err_case c[] = {
		{"{'root': {'path': 'r'}}", "config.json: .ociVersion: required property missing"},
		{"{'ociVersion': 1, 'root': {'path': 'r'}}", "config.json: .ociVersion: expected string, got number"},
		{"{'ociVersion': '2.0.0', 'root': {'path': 'r'}}",
		 "config.json: .ociVersion: unsupported version \"2.0.0\" (hull supports 1.0.0 to 1.3.0)"},
		{"{'ociVersion': '1.4.0-dev', 'root': {'path': 'r'}}",
		 "config.json: .ociVersion: unsupported version \"1.4.0-dev\" (hull supports 1.0.0 to 1.3.0)"},
		{"{'ociVersion': '0.5.0-dev', 'root': {'path': 'r'}}",
		 "config.json: .ociVersion: unsupported version \"0.5.0-dev\" (hull supports 1.0.0 to 1.3.0)"},
		{"{'ociVersion': '1.0', 'root': {'path': 'r'}}", "config.json: .ociVersion: \"1.0\" is not a valid SemVer version"},
		{"{'ociVersion': 'v1.0.0', 'root': {'path': 'r'}}",
		 "config.json: .ociVersion: \"v1.0.0\" is not a valid SemVer version"},
		{"{'ociVersion': '1.01.0', 'root': {'path': 'r'}}",
		 "config.json: .ociVersion: \"1.01.0\" is not a valid SemVer version"},
		{"{'ociVersion': '1.0.0'}", "config.json: .root: required property missing"},
		{"{'ociVersion': '1.0.0', 'root': {}}", "config.json: .root.path: required property missing"},
		{"{'ociVersion': '1.0.0', 'root': {'path': ''}}", "config.json: .root.path: must not be empty"},
		{"{'ociVersion': '1.0.0', 'root': 'rootfs'}", "config.json: .root: expected object, got string"},
		{CFG("'root': {'path': 'r', 'readonly': 'yes'}"), "config.json: .root.readonly: expected boolean, got string"},
		{CFG("'windows': {}"), "config.json: .windows: not supported on linux"},
		{CFG("'solaris': {'milestone': 'x'}"), "config.json: .solaris: not supported on linux"},
		{CFG("'vm': {}"), "config.json: .vm: not supported on linux"},
		{CFG("'zos': {}"), "config.json: .zos: not supported on linux"},
		{CFG("'freebsd': {}"), "config.json: .freebsd: not supported on linux"},
		{CFG("'hostname': 5"), "config.json: .hostname: expected string, got number"},
		{CFG("'domainname': ['x']"), "config.json: .domainname: expected string, got array"},
		{CFG("'annotations': {'a': 1}"), "config.json: .annotations[\"a\"]: expected string, got number"},
		{CFG("'annotations': {'': 'x'}"), "config.json: .annotations[\"\"]: keys must not be empty"},
		{CFG("'annotations': {'a\\nb': 1}"), "config.json: .annotations[\"a b\"]: expected string, got number"},
		{CFG("'annotations': ['a']"), "config.json: .annotations: expected object of strings, got array"},
		{CFG("'linux': []"), "config.json: .linux: expected object, got array"},
		{CFG("'process': true"), "config.json: .process: expected object, got boolean"},
	};
	spec_err_table(c, N_CASES(c));
}

Test(oci_bad, process)
{
	static const struct err_case c[] = {
		{CFG("'process': {'cwd': '/', 'args': 5}"), "config.json: .process.args: expected array of strings, got number"},
		{CFG("'process': {'cwd': '/', 'args': ['sh', 1]}"), "config.json: .process.args[1]: expected string, got number"},
		{CFG("'process': {'cwd': '/', 'args': []}"), "config.json: .process.args: must contain at least one entry"},
		{CFG("'process': {'cwd': '/', 'args': ['']}"), "config.json: .process.args[0]: must not be empty"},
		{CFG("'process': {'cwd': '/'}"), "config.json: .process.args: required property missing"},
		{CFG("'process': {'args': ['sh']}"), "config.json: .process.cwd: required property missing"},
		{CFG("'process': {'args': ['sh'], 'cwd': 'tmp'}"), "config.json: .process.cwd: must be an absolute path, got \"tmp\""},
		{CFG(PROC(", 'commandLine': 'sh'")), "config.json: .process.commandLine: not supported on linux"},
		{CFG(PROC(", 'terminal': 'true'")), "config.json: .process.terminal: expected boolean, got string"},
		{CFG(PROC(", 'consoleSize': {'height': 10}")), "config.json: .process.consoleSize.width: required property missing"},
		{CFG(PROC(", 'consoleSize': {'height': 10, 'width': 70000}")),
		 "config.json: .process.consoleSize.width: value 70000 out of range (0..65535)"},
		{CFG(PROC(", 'env': ['A=1', 'FOO']")), "config.json: .process.env[1]: invalid environment variable \"FOO\": missing '='"},
		{CFG(PROC(", 'env': ['=x']")), "config.json: .process.env[0]: invalid environment variable \"=x\": empty name"},
		{CFG(PROC(", 'user': {'uid': 4294967296}")),
		 "config.json: .process.user.uid: value 4294967296 out of range (0..4294967295)"},
		{CFG(PROC(", 'user': {'gid': -1}")), "config.json: .process.user.gid: value -1 out of range (0..4294967295)"},
		{CFG(PROC(", 'user': {'uid': 1.5}")), "config.json: .process.user.uid: expected integer, got 1.5"},
		{CFG(PROC(", 'user': {'uid': 1e3}")), "config.json: .process.user.uid: expected integer, got 1e3"},
		{CFG(PROC(", 'user': {'uid': '0'}")), "config.json: .process.user.uid: expected integer, got string"},
		{CFG(PROC(", 'user': {'umask': 512}")), "config.json: .process.user.umask: value 512 out of range (0..511)"},
		{CFG(PROC(", 'user': {'additionalGids': [1, 'x']}")),
		 "config.json: .process.user.additionalGids[1]: expected integer, got string"},
		{CFG(PROC(", 'user': {'username': 'root'}")), "config.json: .process.user.username: not supported on linux"},
		{CFG(PROC(", 'capabilities': {'bounding': ['CAP_KILL', 'CAP_FOO']}")),
		 "config.json: .process.capabilities.bounding[1]: unknown capability \"CAP_FOO\""},
		{CFG(PROC(", 'capabilities': {'ambient': ['kill']}")),
		 "config.json: .process.capabilities.ambient[0]: unknown capability \"kill\""},
		{CFG(PROC(", 'capabilities': {'effective': 'CAP_KILL'}")),
		 "config.json: .process.capabilities.effective: expected array of strings, got string"},
		{CFG(PROC(", 'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, 'hard': 1}]")),
		 "config.json: .process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
		{CFG(PROC(", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1}]")),
		 "config.json: .process.rlimits[0].hard: required property missing"},
		{CFG(PROC(", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': -1, 'hard': 1}]")),
		 "config.json: .process.rlimits[0].soft: value -1 out of range (0..18446744073709551615)"},
		{CFG(PROC(", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1, 'hard': 18446744073709551616}]")),
		 "config.json: .process.rlimits[0].hard: value 18446744073709551616 out of range (0..18446744073709551615)"},
		{CFG(PROC(", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}]")),
		 "config.json: .process.rlimits[0].soft: soft limit 2048 is above the hard limit 1024"},
		{CFG(PROC(", 'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 1, 'hard': 1}, {'type': 'RLIMIT_NOFILE', 'soft': 1, "
			  "'hard': 1}, {'type': 'RLIMIT_NOFILE', 'soft': 2, 'hard': 2}]")),
		 "config.json: .process.rlimits[2].type: duplicate rlimit \"RLIMIT_NOFILE\""},
		{CFG(PROC(", 'rlimits': {}")), "config.json: .process.rlimits: expected array, got object"},
		{CFG(PROC(", 'oomScoreAdj': 1001")), "config.json: .process.oomScoreAdj: value 1001 out of range (-1000..1000)"},
		{CFG(PROC(", 'apparmorProfile': 1")), "config.json: .process.apparmorProfile: expected string, got number"},
		{CFG(PROC(", 'noNewPrivileges': 1")), "config.json: .process.noNewPrivileges: expected boolean, got number"},
		{CFG(PROC(", 'ioPriority': {'priority': 1}")), "config.json: .process.ioPriority.class: required property missing"},
		{CFG(PROC(", 'ioPriority': {'class': 'IOPRIO_CLASS_FOO'}")),
		 "config.json: .process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_FOO\""},
		{CFG(PROC(", 'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 8}")),
		 "config.json: .process.ioPriority.priority: value 8 out of range (0..7)"},
		{CFG(PROC(", 'scheduler': {'nice': 1}")), "config.json: .process.scheduler.policy: required property missing"},
		{CFG(PROC(", 'scheduler': {'policy': 'SCHED_FOO'}")),
		 "config.json: .process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\""},
		{CFG(PROC(", 'scheduler': {'policy': 'SCHED_OTHER', 'nice': 20}")),
		 "config.json: .process.scheduler.nice: value 20 out of range (-20..19)"},
		{CFG(PROC(", 'scheduler': {'policy': 'SCHED_OTHER', 'flags': ['SCHED_FLAG_RECLAIM', 'X']}")),
		 "config.json: .process.scheduler.flags[1]: unknown scheduler flag \"X\""},
		{CFG(PROC(", 'execCPUAffinity': {'initial': 'a-b'}")),
		 "config.json: .process.execCPUAffinity.initial: invalid CPU list \"a-b\" (expected e.g. \"0-3,7\")"},
		{CFG(PROC(", 'execCPUAffinity': {'final': '3-1'}")),
		 "config.json: .process.execCPUAffinity.final: invalid CPU list \"3-1\" (expected e.g. \"0-3,7\")"},
	};
	spec_err_table(c, N_CASES(c));
}

Test(oci_bad, mounts_and_hooks)
{
	static const struct err_case c[] = {
		{CFG("'mounts': {}"), "config.json: .mounts: expected array, got object"},
		{CFG("'mounts': [{'destination': '/a'}, {'type': 'tmpfs'}]"),
		 "config.json: .mounts[1].destination: required property missing"},
		{CFG("'mounts': [{'destination': ''}]"), "config.json: .mounts[0].destination: must not be empty"},
		{CFG("'mounts': [{'destination': '/a', 'options': 'ro'}]"),
		 "config.json: .mounts[0].options: expected array of strings, got string"},
		{CFG("'mounts': [{'destination': '/a', 'source': 7}]"), "config.json: .mounts[0].source: expected string, got number"},
		{CFG("'mounts': [{'destination': '/a', 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]}]"),
		 "config.json: .mounts[0].uidMappings: must be given together with gidMappings"},
		{CFG("'mounts': [{'destination': '/a', 'uidMappings': [], 'gidMappings': [{'containerID': 0, 'hostID': 1}]}]"),
		 "config.json: .mounts[0].gidMappings[0].size: required property missing"},
		{CFG("'hooks': {'poststart': [{'args': ['x']}]}"), "config.json: .hooks.poststart[0].path: required property missing"},
		{CFG("'hooks': {'createRuntime': [{'path': 'bin/hook'}]}"),
		 "config.json: .hooks.createRuntime[0].path: must be an absolute path, got \"bin/hook\""},
		{CFG("'hooks': {'prestart': [{'path': '/h', 'timeout': 0}]}"),
		 "config.json: .hooks.prestart[0].timeout: value 0 out of range (1..2147483647)"},
		{CFG("'hooks': {'poststop': [{'path': '/h'}, {'path': '/h', 'env': ['X']}]}"),
		 "config.json: .hooks.poststop[1].env[0]: invalid environment variable \"X\": missing '='"},
		{CFG("'hooks': {'startContainer': {'path': '/h'}}"), "config.json: .hooks.startContainer: expected array, got object"},
		{CFG("'hooks': {'createContainer': [{'path': '/h', 'args': [1]}]}"),
		 "config.json: .hooks.createContainer[0].args[0]: expected string, got number"},
	};
	spec_err_table(c, N_CASES(c));
}

Test(oci_bad, linux)
{
	static const struct err_case c[] = {
		{CFG("'linux': {'namespaces': [{'type': 'pid'}, {'type': 'ipc'}, {'type': 'netx'}]}"),
		 "config.json: .linux.namespaces[2].type: unknown namespace \"netx\""},
		{CFG("'linux': {'namespaces': [{'type': 'pid'}, {'type': 'uts'}, {'type': 'pid', 'path': '/proc/1/ns/pid'}]}"),
		 "config.json: .linux.namespaces[2].type: duplicate namespace \"pid\""},
		{CFG("'linux': {'namespaces': [{'path': '/x'}]}"), "config.json: .linux.namespaces[0].type: required property missing"},
		{CFG("'linux': {'namespaces': [{'type': 'net', 'path': 'x'}]}"),
		 "config.json: .linux.namespaces[0].type: unknown namespace \"net\""},
		{CFG("'linux': {'namespaces': [{'type': 'network', 'path': 'run/netns/x'}]}"),
		 "config.json: .linux.namespaces[0].path: must be an absolute path, got \"run/netns/x\""},
		{CFG("'linux': {'namespaces': ['pid']}"), "config.json: .linux.namespaces[0]: expected object, got string"},
		{CFG("'linux': {'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}"),
		 "config.json: .linux.uidMappings: ID mappings need a user namespace in .linux.namespaces"},
		{CFG("'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000}]}"),
		 "config.json: .linux.uidMappings[0].size: required property missing"},
		{CFG("'linux': {'namespaces': [{'type': 'user'}], 'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 0}]}"),
		 "config.json: .linux.gidMappings[0].size: must be greater than 0"},
		{CFG("'linux': {'namespaces': [{'type': 'user'}], 'gidMappings': [{'containerID': 4294967295, 'hostID': 0, 'size': 2}]}"),
		 "config.json: .linux.gidMappings[0].size: range 2 does not fit in 32-bit IDs"},
		{CFG("'linux': {'namespaces': [{'type': 'pid'}, {'type': 'user'}]}"),
		 "config.json: .linux.uidMappings: required: .linux.namespaces[1] creates a user namespace, which needs uid "
		 "and gid mappings"},
		{CFG("'linux': {'namespaces': [{'type': 'user'}], 'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1}]}"),
		 "config.json: .linux.gidMappings: required: .linux.namespaces[0] creates a user namespace, which needs uid "
		 "and gid mappings"},
		{CFG("'linux': {'timeOffsets': {'boottime': {'secs': 1}}}"),
		 "config.json: .linux.timeOffsets: time offsets need a time namespace in .linux.namespaces"},
		{CFG("'linux': {'namespaces': [{'type': 'time'}], 'timeOffsets': {'monotonic': {'nanosecs': 1000000000}}}"),
		 "config.json: .linux.timeOffsets.monotonic.nanosecs: value 1000000000 out of range (0..999999999)"},
		{CFG("'linux': {'devices': [{'type': 'x', 'path': '/dev/x'}]}"),
		 "config.json: .linux.devices[0].type: invalid device type \"x\" (expected c, b, u or p)"},
		{CFG("'linux': {'devices': [{'path': '/dev/x'}]}"), "config.json: .linux.devices[0].type: required property missing"},
		{CFG("'linux': {'devices': [{'type': 'c', 'major': 1, 'minor': 3}]}"),
		 "config.json: .linux.devices[0].path: required property missing"},
		{CFG("'linux': {'devices': [{'type': 'c', 'path': 'dev/null', 'major': 1, 'minor': 3}]}"),
		 "config.json: .linux.devices[0].path: must be an absolute path, got \"dev/null\""},
		{CFG("'linux': {'devices': [{'type': 'c', 'path': '/dev/null', 'minor': 3}]}"),
		 "config.json: .linux.devices[0].major: required property missing"},
		{CFG("'linux': {'devices': [{'type': 'b', 'path': '/dev/sda', 'major': 8}]}"),
		 "config.json: .linux.devices[0].minor: required property missing"},
		{CFG("'linux': {'devices': [{'type': 'c', 'path': '/dev/null', 'major': 1, 'minor': 3, 'fileMode': 8630}]}"),
		 "config.json: .linux.devices[0].fileMode: value 8630 out of range (0..4095)"},
		{CFG("'linux': {'devices': [{'type': 'c', 'path': '/dev/null', 'major': -1, 'minor': 3}]}"),
		 "config.json: .linux.devices[0].major: value -1 out of range (0..4294967295)"},
		{CFG("'linux': {'netDevices': {'eth0': {'name': 'a-very-long-interface-name'}}}"),
		 "config.json: .linux.netDevices[\"eth0\"].name: invalid interface name \"a-very-long-interface-name\""},
		{CFG("'linux': {'netDevices': {'../x': {}}}"), "config.json: .linux.netDevices[\"../x\"]: invalid interface name"},
		{CFG("'linux': {'netDevices': {'eth0': 'x'}}"), "config.json: .linux.netDevices[\"eth0\"]: expected object, got string"},
		{CFG("'linux': {'netDevices': {'eth0': {'name': 'c0'}, 'eth1': {'name': 'c0'}}}"),
		 "config.json: .linux.netDevices[\"eth1\"]: two devices would be named \"c0\" in the container"},
		{CFG("'linux': {'cgroupsPath': 1}"), "config.json: .linux.cgroupsPath: expected string, got number"},
		{CFG("'linux': {'rootfsPropagation': 'bogus'}"),
		 "config.json: .linux.rootfsPropagation: unknown rootfs propagation \"bogus\""},
		{CFG("'linux': {'sysctl': {'../../etc/x': '1'}}"), "config.json: .linux.sysctl[\"../../etc/x\"]: invalid sysctl name"},
		{CFG("'linux': {'sysctl': {'net/../../x': '1'}}"), "config.json: .linux.sysctl[\"net/../../x\"]: invalid sysctl name"},
		{CFG("'linux': {'sysctl': {'net.ipv4.ip_forward': 1}}"),
		 "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: expected string, got number"},
		{CFG("'linux': {'maskedPaths': ['/proc/kcore', 'proc/keys']}"),
		 "config.json: .linux.maskedPaths[1]: must be an absolute path, got \"proc/keys\""},
		{CFG("'linux': {'readonlyPaths': [1]}"), "config.json: .linux.readonlyPaths[0]: expected string, got number"},
		{CFG("'linux': {'mountLabel': false}"), "config.json: .linux.mountLabel: expected string, got boolean"},
		{CFG("'linux': {'intelRdt': {'closID': '../x'}}"), "config.json: .linux.intelRdt.closID: invalid resctrl group name \"../x\""},
		{CFG("'linux': {'intelRdt': {'memBwSchema': 'L3:0=1'}}"),
		 "config.json: .linux.intelRdt.memBwSchema: must be one line starting with \"MB:\""},
		{CFG("'linux': {'intelRdt': {'schemata': ['L3:0=1\\nMB:0=2']}}"),
		 "config.json: .linux.intelRdt.schemata[0]: must not contain a newline"},
		{CFG("'linux': {'personality': {'domain': 'LINUX64'}}"),
		 "config.json: .linux.personality.domain: unknown personality domain \"LINUX64\""},
		{CFG("'linux': {'personality': {}}"), "config.json: .linux.personality.domain: required property missing"},
		{CFG("'linux': {'personality': {'domain': 'LINUX', 'flags': ['ADDR_NO_RANDOMIZE']}}"),
		 "config.json: .linux.personality.flags[0]: unknown personality flag \"ADDR_NO_RANDOMIZE\""},
		{CFG("'linux': {'memoryPolicy': {'nodes': '0'}}"), "config.json: .linux.memoryPolicy.mode: required property missing"},
		{CFG("'linux': {'memoryPolicy': {'mode': 'MPOL_FOO'}}"),
		 "config.json: .linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_FOO\""},
		{CFG("'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'flags': ['MPOL_F_STATIC_NODES', 'MPOL_F_X']}}"),
		 "config.json: .linux.memoryPolicy.flags[1]: unknown memory policy flag \"MPOL_F_X\""},
		{CFG("'linux': {'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0,,1'}}"),
		 "config.json: .linux.memoryPolicy.nodes: invalid node list \"0,,1\" (expected e.g. \"0-3,7\")"},
	};
	spec_err_table(c, N_CASES(c));
}

#define RES(x) CFG("'linux': {'resources': {" x "}}")

Test(oci_bad, resources)
{
	static const struct err_case c[] = {
		{RES("'memory': {'limit': '1G'}"), "config.json: .linux.resources.memory.limit: expected integer, got string"},
		{RES("'memory': {'limit': -2}"),
		 "config.json: .linux.resources.memory.limit: value -2 out of range (-1..9223372036854775807)"},
		{RES("'memory': {'swap': 9223372036854775808}"),
		 "config.json: .linux.resources.memory.swap: value 9223372036854775808 out of range (-1..9223372036854775807)"},
		{RES("'memory': {'swappiness': 101}"), "config.json: .linux.resources.memory.swappiness: value 101 out of range (0..100)"},
		{RES("'memory': {'disableOOMKiller': 'no'}"),
		 "config.json: .linux.resources.memory.disableOOMKiller: expected boolean, got string"},
		{RES("'cpu': {'shares': -5}"), "config.json: .linux.resources.cpu.shares: value -5 out of range (0..18446744073709551615)"},
		{RES("'cpu': {'quota': -7}"), "config.json: .linux.resources.cpu.quota: value -7 out of range (-1..9223372036854775807)"},
		{RES("'cpu': {'idle': 2}"), "config.json: .linux.resources.cpu.idle: value 2 out of range (0..1)"},
		{RES("'cpu': {'cpus': 3}"), "config.json: .linux.resources.cpu.cpus: expected string, got number"},
		{RES("'blockIO': {'weight': 5}"), "config.json: .linux.resources.blockIO.weight: value 5 out of range (10..1000)"},
		{RES("'blockIO': {'weight': 70000}"), "config.json: .linux.resources.blockIO.weight: value 70000 out of range (0..65535)"},
		{RES("'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'weight': 2000}]}"),
		 "config.json: .linux.resources.blockIO.weightDevice[0].weight: value 2000 out of range (10..1000)"},
		{RES("'blockIO': {'weightDevice': [{'minor': 0, 'weight': 200}]}"),
		 "config.json: .linux.resources.blockIO.weightDevice[0].major: required property missing"},
		{RES("'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'minor': 0}]}"),
		 "config.json: .linux.resources.blockIO.throttleReadBpsDevice[0].rate: required property missing"},
		{RES("'blockIO': {'throttleWriteIOPSDevice': [{'major': 8, 'minor': -1, 'rate': 1}]}"),
		 "config.json: .linux.resources.blockIO.throttleWriteIOPSDevice[0].minor: value -1 out of range (0..4294967295)"},
		{RES("'pids': {'limit': 'max'}"), "config.json: .linux.resources.pids.limit: expected integer, got string"},
		{RES("'hugepageLimits': [{'pageSize': '2mb', 'limit': 1}]"),
		 "config.json: .linux.resources.hugepageLimits[0].pageSize: invalid page size \"2mb\" (expected e.g. \"2MB\" or \"1GB\")"},
		{RES("'hugepageLimits': [{'pageSize': '02MB', 'limit': 1}]"),
		 "config.json: .linux.resources.hugepageLimits[0].pageSize: invalid page size \"02MB\" (expected e.g. \"2MB\" or \"1GB\")"},
		{RES("'hugepageLimits': [{'pageSize': '2MB'}]"),
		 "config.json: .linux.resources.hugepageLimits[0].limit: required property missing"},
		{RES("'network': {'classID': -1}"),
		 "config.json: .linux.resources.network.classID: value -1 out of range (0..4294967295)"},
		{RES("'network': {'priorities': [{'name': 'eth0'}]}"),
		 "config.json: .linux.resources.network.priorities[0].priority: required property missing"},
		{RES("'rdma': {'mlx5_1': {}}"),
		 "config.json: .linux.resources.rdma[\"mlx5_1\"]: at least one of hcaHandles and hcaObjects is required"},
		{RES("'rdma': {'mlx5_1': {'hcaHandles': 'x'}}"),
		 "config.json: .linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected integer, got string"},
		{RES("'unified': {'../../cgroup.procs': '1'}"),
		 "config.json: .linux.resources.unified[\"../../cgroup.procs\"]: invalid cgroup file name (expected \"<controller>.<file>\")"},
		{RES("'unified': {'memory/max': '1'}"),
		 "config.json: .linux.resources.unified[\"memory/max\"]: invalid cgroup file name (expected \"<controller>.<file>\")"},
		{RES("'unified': {'nodot': '1'}"),
		 "config.json: .linux.resources.unified[\"nodot\"]: invalid cgroup file name (expected \"<controller>.<file>\")"},
		{RES("'unified': {'memory.max': 5}"), "config.json: .linux.resources.unified[\"memory.max\"]: expected string, got number"},
		{RES("'unified': {'cgroup.procs': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.procs\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'cgroup.threads': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.threads\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'cgroup.kill': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.kill\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'cgroup.subtree_control': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.subtree_control\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'cgroup.type': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.type\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'cgroup.freeze': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.freeze\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'cgroup.pressure': '1'}"),
		 "config.json: .linux.resources.unified[\"cgroup.pressure\"]: a cgroup core file, which only the runtime may write (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'net_cls.classid': '1'}"),
		 "config.json: .linux.resources.unified[\"net_cls.classid\"]: not a file of a cgroup v2 controller (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'freezer.state': '1'}"),
		 "config.json: .linux.resources.unified[\"freezer.state\"]: not a file of a cgroup v2 controller (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'Memory.max': '1'}"),
		 "config.json: .linux.resources.unified[\"Memory.max\"]: not a file of a cgroup v2 controller (allowed: <controller>.<file> for cpu, cpuset, io, memory, pids, hugetlb, rdma, misc, and cgroup.max.depth, cgroup.max.descendants)"},
		{RES("'unified': {'memory.max ': '1'}"),
		 "config.json: .linux.resources.unified[\"memory.max \"]: invalid cgroup file name (expected \"<controller>.<file>\")"},
		{RES("'unified': {'memory.': '1'}"),
		 "config.json: .linux.resources.unified[\"memory.\"]: invalid cgroup file name (expected \"<controller>.<file>\")"},
		{RES("'pids': {'limit': -2}"), "config.json: .linux.resources.pids.limit: value -2 out of range (-1..9223372036854775807)"},
		{RES("'devices': [{'access': 'rwm'}]"), "config.json: .linux.resources.devices[0].allow: required property missing"},
		{RES("'devices': [{'allow': true, 'type': 'x'}]"),
		 "config.json: .linux.resources.devices[0].type: invalid device type \"x\" (expected a, c or b)"},
		{RES("'devices': [{'allow': true, 'access': 'rwx'}]"),
		 "config.json: .linux.resources.devices[0].access: invalid device access \"rwx\" (expected letters of \"rwm\")"},
		{RES("'devices': [{'allow': true, 'major': -2}]"),
		 "config.json: .linux.resources.devices[0].major: value -2 out of range (-1..9223372036854775807)"},
		{RES("'devices': {'allow': true}"), "config.json: .linux.resources.devices: expected array, got object"},
	};
	spec_err_table(c, N_CASES(c));
}

#define SECCOMP(x) CFG("'linux': {'seccomp': {" x "}}")

Test(oci_bad, seccomp)
{
	static const struct err_case c[] = {
		{SECCOMP("'architectures': ['SCMP_ARCH_X86_64']"), "config.json: .linux.seccomp.defaultAction: required property missing"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_FOO'"), "config.json: .linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_FOO\""},
		{SECCOMP("'defaultAction': 'SCMP_ACT_KILL', 'defaultErrnoRet': 1"),
		 "config.json: .linux.seccomp.defaultErrnoRet: not allowed with defaultAction SCMP_ACT_KILL (only SCMP_ACT_ERRNO and "
		 "SCMP_ACT_TRACE)"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 4294967296"),
		 "config.json: .linux.seccomp.defaultErrnoRet: value 4294967296 out of range (0..4294967295)"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_FOO']"),
		 "config.json: .linux.seccomp.architectures[1]: unknown seccomp architecture \"SCMP_ARCH_FOO\""},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_NEW_LISTENER']"),
		 "config.json: .linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\""},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], 'action': 'SCMP_ACT_ERRNO'}]"),
		 "config.json: .linux.seccomp.syscalls[0].names: must contain at least one entry"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read', ''], 'action': 'SCMP_ACT_ERRNO'}]"),
		 "config.json: .linux.seccomp.syscalls[0].names[1]: must not be empty"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'action': 'SCMP_ACT_ERRNO'}]"),
		 "config.json: .linux.seccomp.syscalls[0].names: required property missing"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read']}]"),
		 "config.json: .linux.seccomp.syscalls[0].action: required property missing"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW', 'errnoRet': 1}]"),
		 "config.json: .linux.seccomp.syscalls[0].errnoRet: not allowed with action SCMP_ACT_ALLOW (only SCMP_ACT_ERRNO and "
		 "SCMP_ACT_TRACE)"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', "
			 "'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]"),
		 "config.json: .linux.seccomp.syscalls[0].args[0].index: value 6 out of range (0..5)"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', "
			 "'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_XX'}]}]"),
		 "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\""},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', "
			 "'args': [{'index': 0, 'op': 'SCMP_CMP_EQ'}]}]"),
		 "config.json: .linux.seccomp.syscalls[0].args[0].value: required property missing"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ERRNO', "
			 "'args': [{'index': 0, 'value': 18446744073709551616, 'op': 'SCMP_CMP_EQ'}]}]"),
		 "config.json: .linux.seccomp.syscalls[0].args[0].value: value 18446744073709551616 out of range (0..18446744073709551615)"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}, "
			 "{'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]"),
		 "config.json: .linux.seccomp.syscalls[1].action: SCMP_ACT_NOTIFY requires listenerPath"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_NOTIFY'"), "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY requires listenerPath"},
		{SECCOMP("'defaultAction': 'SCMP_ACT_ALLOW', 'listenerMetadata': 'x'"),
		 "config.json: .linux.seccomp.listenerMetadata: must not be set without listenerPath"},
		{CFG("'linux': {'seccomp': 'unconfined'}"), "config.json: .linux.seccomp: expected object, got string"},
	};
	spec_err_table(c, N_CASES(c));
}

/* Every failure, whatever the point it fails at, must release what was parsed so far (run
 * this suite under ASan/LSan: a leak there fails the run). */
Test(oci_bad, partial_parse_frees_everything)
{
	size_t len = 0;
	char *full = slurp("full.json", &len);
	/* cut the document at many points; each prefix is invalid JSON or an invalid config */
	for (size_t cut = 0; cut < len; cut += 97) {
		struct oci_spec *s = NULL;
		hull_err e = {0};
		int r = oci_spec_parse(full, cut, "config.json", &s, &e);
		cr_expect_lt(r, 0);
		cr_expect_null(s);
	}
	/* break the last field the parser reads (.linux.memoryPolicy) so every earlier field was
	 * allocated when the error happens */
	char *bad = strstr(full, "\"MPOL_F_STATIC_NODES\"");
	cr_assert_not_null(bad);
	bad[19] = 'X'; /* "MPOL_F_STATIC_NODES" -> "MPOL_F_STATIC_NODEX" */
	struct oci_spec *s = NULL;
	hull_err e = {0};
	int r = oci_spec_parse(full, len, "config.json", &s, &e);
	cr_assert_eq(r, -EINVAL);
	cr_assert_str_eq(e.msg, "config.json: .linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_STATIC_NODEX\"");
	free(full);
}

/* Random byte mutations of a full config (fixed seed, so failures reproduce): the parser
 * either accepts or gives one line starting with the file name; never crashes or leaks. */
Test(oci_bad, mutations)
{
	size_t len = 0;
	char *full = slurp("full.json", &len);
	static const char alphabet[] = "{}[]\",:0123456789-.eE truefalsnul\\/xyz\n";
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t accepted = 0;
	for (int it = 0; it < 400; it++) {
		char *m = xmalloc(len + 1);
		memcpy(m, full, len + 1);
		for (int k = 0; k < 1 + it % 3; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			m[(seed >> 20) % len] = alphabet[(seed >> 40) % (sizeof alphabet - 1)];
		}
		struct oci_spec *s = NULL;
		hull_err e = {0};
		int r = oci_spec_parse(m, len, "config.json", &s, &e);
		if (r == 0) {
			accepted++;
			oci_spec_check_supported(s, "config.json", &e);
			oci_spec_free(s);
		} else {
			cr_expect_eq(r, -EINVAL, "iteration %d: %s", it, e.msg);
			cr_expect_null(s);
			cr_expect_eq(strncmp(e.msg, "config.json: ", 13), 0, "iteration %d: %s", it, e.msg);
			cr_expect_null(strchr(e.msg, '\n'), "iteration %d: %s", it, e.msg);
		}
		free(m);
	}
	/* some mutations only touch string contents, which stay valid */
	cr_expect_gt(accepted, 0);
	free(full);
}

/* Docker sends "weight": 0 for every container without --blkio-weight: "not set", as in runc */
Test(oci_good, blkio_weight_zero_is_unset)
{
	struct oci_spec *s = spec_ok(RES("'blockIO': {'weight': 0, 'leafWeight': 0, "
					 "'weightDevice': [{'major': 8, 'minor': 0, 'weight': 0}]}"));
	const struct oci_blkio *b = &s->linux_->resources.blkio;
	cr_assert(b->present);
	cr_assert(!b->has_weight);
	cr_assert(!b->has_leaf_weight);
	cr_assert_eq(b->n_weight_device, 1);
	cr_assert(!b->weight_device[0].has_weight);
	oci_spec_free(s);
}
