# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The conformance cases. Each tc_<name> function is one case (they run in name order); the
# comment above it names the statement of the runtime-spec v1.3.0 it checks. Helpers: lib.sh.
# Case vocabulary: $C is the case's dir, mkbundle makes $C/bundle*, the container's stdout goes
# to $C/out, $C/shared is /shared inside the container.

# ================================ lifecycle and state (runtime.md) ============================

# create: "the user-specified program MUST NOT be run at this time"; state is "created" with a pid
tc_lifecycle_create_does_not_run_program() {
	local b id pid
	b=$(mkbundle /bin/sh -c 'echo ran > /shared/ran')
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	expect_eq "$(ctr_status "$id")" created "state.status after create"
	pid=$(ctr_pid "$id")
	pid_alive "$pid" || fail "state.pid [$pid] is not a live process"
	sleep 0.3
	[ ! -e "$C/shared/ran" ] || fail "the user program ran before start"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# start: "MUST run the user-specified program"; the container process stays the same pid
tc_lifecycle_start_runs_program() {
	local b id pid
	b=$(mkbundle /bin/sh -c 'echo ran >> /shared/ran; exec sleep 60')
	id=$(new_id)
	ctr_create "$id" "$b"
	pid=$(ctr_pid "$id")
	ctr_start "$id" || fail "start failed: $(cat "$C/start.out")"
	wait_for 10 file_has "$C/shared/ran" ran || fail "the program did not run after start"
	expect_eq "$(ctr_status "$id")" running "state.status after start"
	expect_eq "$(ctr_pid "$id")" "$pid" "state.pid after start (same container process)"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
	ctr_gone "$id" || fail "state still works after delete"
}

# state: "stopped: the container process has exited"
tc_lifecycle_stopped_after_exit() {
	local b id pid
	b=$(mkbundle /bin/true)
	id=$(new_id)
	ctr_create "$id" "$b"
	pid=$(ctr_pid "$id")
	ctr_start "$id"
	wait_status "$id" stopped
	pid_dead "$pid" || fail "pid $pid still alive in state stopped"
	ctr_delete "$id"
}

# state JSON: ociVersion, id, status, pid (created/running), bundle (absolute), per state-schema.json
tc_lifecycle_state_json_fields() {
	local b id st
	b=$(mkbundle /bin/sleep 60)
	id=$(new_id)
	ctr_create "$id" "$b"
	st=$(ctr_state "$id") || fail "state failed"
	echo "$st" | jq -e . >/dev/null || fail "state is not JSON: $st"
	expect_eq "$(jq -r '.ociVersion | type' <<<"$st")" string "type of state.ociVersion"
	expect_eq "$(jq -r .id <<<"$st")" "$id" "state.id"
	expect_eq "$(jq -r .status <<<"$st")" created "state.status"
	expect_eq "$(jq -r '.pid | type' <<<"$st")" number "type of state.pid"
	[ "$(jq -r .pid <<<"$st")" -gt 0 ] || fail "state.pid not > 0"
	expect_eq "$(jq -r .bundle <<<"$st")" "$b" "state.bundle"
	expect_eq "$(jq -r '.annotations | type' <<<"$st" | sed 's/null/object/')" object "type of state.annotations"
	ctr_start "$id"
	expect_eq "$(ctr_state "$id" | jq -r .status)" running "state.status"
	[ "$(ctr_pid "$id")" -gt 0 ] || fail "no pid when running"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# state.bundle: "the absolute path to the container's bundle directory", even from a relative --bundle
tc_lifecycle_state_bundle_absolute() {
	local b id
	b=$(mkbundle /bin/true)
	id=$(new_id)
	(cd "$C" && RT create --bundle "./$(basename "$b")" "$id" </dev/null >>"$C/out" 2>>"$C/err") ||
		fail "create with a relative bundle failed: $(errline)"
	expect_eq "$(ctr_state "$id" | jq -r .bundle)" "$b" "state.bundle"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# state.annotations: the config's annotations
tc_lifecycle_state_annotations() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" '.annotations = {"org.example.conformance": "one", "example.com/key": "two words", "empty": ""}'
	id=$(new_id)
	ctr_create "$id" "$b"
	expect_eq "$(ctr_state "$id" | jq -cS .annotations)" \
		'{"empty":"","example.com/key":"two words","org.example.conformance":"one"}' "state.annotations"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# kill: "MUST send the specified signal to the container process"
tc_lifecycle_kill_sends_signal() {
	local b id
	b=$(mkbundle /bin/sh -c 'trap "echo got-usr1 > /shared/sig; exit 0" USR1; echo ready > /shared/ready; while :; do sleep 0.05; done')
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_for 10 file_has "$C/shared/ready" ready || fail "container did not start"
	ctr_kill "$id" USR1 || fail "kill USR1 failed: $(cat "$C/kill.out")"
	wait_for 10 file_has "$C/shared/sig" got-usr1 || fail "the process did not get SIGUSR1"
	wait_status "$id" stopped
	ctr_delete "$id"
}

# kill: allowed on a created container; the container process gets the signal
tc_lifecycle_kill_created() {
	local b id pid
	b=$(mkbundle /bin/true)
	id=$(new_id)
	ctr_create "$id" "$b"
	pid=$(ctr_pid "$id")
	ctr_kill "$id" KILL || fail "kill of a created container failed: $(cat "$C/kill.out")"
	wait_status "$id" stopped
	wait_for 5 pid_dead "$pid" || fail "container process $pid survived SIGKILL"
	ctr_delete "$id"
}

# kill: "a container that is neither created nor running MUST ... generate an error"
tc_lifecycle_kill_stopped_errors() {
	local b id
	b=$(mkbundle /bin/true)
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_status "$id" stopped
	if ctr_kill "$id" KILL; then fail "kill of a stopped container succeeded"; fi
	expect_eq "$(ctr_status "$id")" stopped "state after the refused kill"
	ctr_delete "$id"
}

# start: "a container that is not created MUST have no effect ... and MUST generate an error"
tc_lifecycle_start_twice_errors() {
	local b id pid
	b=$(mkbundle /bin/sh -c 'echo x >> /shared/count; exec sleep 60')
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_for 10 file_has "$C/shared/count" x
	pid=$(ctr_pid "$id")
	if ctr_start "$id"; then fail "second start of a running container succeeded"; fi
	sleep 0.2
	expect_eq "$(ctr_status "$id")" running "status after the refused start"
	expect_eq "$(ctr_pid "$id")" "$pid" "pid after the refused start"
	expect_eq "$(wc -l <"$C/shared/count")" 1 "times the program ran"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

tc_lifecycle_start_stopped_errors() {
	local b id
	b=$(mkbundle /bin/sh -c 'echo x >> /shared/count')
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_status "$id" stopped
	if ctr_start "$id"; then fail "start of a stopped container succeeded"; fi
	sleep 0.2
	expect_eq "$(ctr_status "$id")" stopped "status after the refused start"
	expect_eq "$(wc -l <"$C/shared/count")" 1 "times the program ran"
	ctr_delete "$id"
}

# delete: "a container that is not stopped MUST have no effect ... and MUST generate an error"
tc_lifecycle_delete_running_errors() {
	local b id pid
	b=$(mkbundle /bin/sleep 60)
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	pid=$(ctr_pid "$id")
	if ctr_delete "$id"; then fail "delete of a running container (no --force) succeeded"; fi
	expect_eq "$(ctr_status "$id")" running "status after the refused delete"
	pid_alive "$pid" || fail "container process died"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

tc_lifecycle_delete_created_errors() {
	local b id pid
	b=$(mkbundle /bin/true)
	id=$(new_id)
	ctr_create "$id" "$b"
	pid=$(ctr_pid "$id")
	if ctr_delete "$id"; then fail "delete of a created container (no --force) succeeded"; fi
	expect_eq "$(ctr_status "$id")" created "status after the refused delete"
	pid_alive "$pid" || fail "container process died"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# delete of a stopped container removes it; "its ID MAY be used by a subsequent container"
tc_lifecycle_delete_stopped_frees_id() {
	local b id
	b=$(mkbundle /bin/true)
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_status "$id" stopped
	ctr_delete "$id" || fail "delete of a stopped container failed: $(cat "$C/delete.out")"
	ctr_gone "$id" || fail "state still answers after delete"
	ctr_create "$id" "$b" || fail "the id could not be reused: $(errline)"
	expect_eq "$(ctr_status "$id")" created
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# the CLI's delete --force (runc's interface, used by every caller) removes a running container
tc_lifecycle_delete_force_running() {
	local b id pid
	b=$(mkbundle /bin/sleep 60)
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	pid=$(ctr_pid "$id")
	ctr_delete --force "$id" || fail "delete --force failed: $(cat "$C/delete.out")"
	ctr_gone "$id" || fail "container still known"
	wait_for 5 pid_dead "$pid" || fail "container process $pid still alive"
}

# state/start/kill/delete of an unknown container: "MUST generate an error"
tc_lifecycle_unknown_id_errors() {
	local id=oc$$-nonexistent
	if ctr_state "$id" >/dev/null; then fail "state of an unknown container succeeded"; fi
	if ctr_start "$id"; then fail "start of an unknown container succeeded"; fi
	if ctr_kill "$id" KILL; then fail "kill of an unknown container succeeded"; fi
	if ctr_delete "$id"; then fail "delete of an unknown container succeeded"; fi
}

# create: "If the ID provided is not unique ... MUST generate an error and a new container MUST NOT be created"
tc_lifecycle_create_duplicate_id_errors() {
	local b b2 id pid
	b=$(mkbundle /bin/true)
	b2=$(mkbundle /bin/true)
	id=$(new_id)
	ctr_create "$id" "$b"
	pid=$(ctr_pid "$id")
	if ctr_create "$id" "$b2"; then fail "second create with the same id succeeded"; fi
	expect_eq "$(ctr_status "$id")" created "first container's status"
	expect_eq "$(ctr_pid "$id")" "$pid" "first container's pid"
	expect_eq "$(ctr_state "$id" | jq -r .bundle)" "$b" "first container's bundle"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# create: an id that "is not valid in any other way" (a path) MUST be refused
tc_lifecycle_create_invalid_id_errors() {
	local b
	b=$(mkbundle /bin/true)
	if ctr_create "../oc$$-escape" "$b"; then fail "create accepted the id ../oc$$-escape"; fi
	[ ! -e "$WORK/oc$$-escape" ] || fail "the id escaped the state dir"
	if ctr_create "oc$$/a" "$b"; then fail "create accepted the id oc$$/a"; fi
}

# create without a config.json in the bundle: an error, no container
tc_lifecycle_create_missing_config_errors() {
	local id
	mkdir -p "$C/empty-bundle"
	id=$(new_id)
	expect_create_fails "$id" "$C/empty-bundle" "bundle without config.json"
}

# root.path: "A directory MUST exist at the path"
tc_lifecycle_create_missing_rootfs_errors() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" '.root.path = "no-such-rootfs"'
	id=$(new_id)
	expect_create_fails "$id" "$b" "root.path does not exist"
}

# errors: "generating an error MUST leave the state of the environment as if the operation were
# never attempted": a failing create leaves no container, no cgroup, and the id stays free
tc_lifecycle_failed_create_leaves_nothing() {
	local b id cg
	b=$(mkbundle /bin/true)
	cg=oc$$-c$CASE_NO
	cfg "$b" '.linux.cgroupsPath = $p | .mounts += [{destination: "/bad", type: "bind", source: "/nonexistent/oci-conformance", options: ["bind"]}]' --arg p "/$cg"
	id=$(new_id)
	expect_create_fails "$id" "$b" "bind mount of a missing source"
	[ ! -d "$(cgroup2_mount)/$cg" ] || { rmdir "$(cgroup2_mount)/$cg" 2>/dev/null; fail "cgroup /$cg left behind"; }
	b=$(mkbundle /bin/true)
	ctr_create "$id" "$b" || fail "the id is not free after the failed create: $(errline)"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# "Any updates to config.json after this step MUST NOT affect the container"
tc_lifecycle_config_changes_after_create_ignored() {
	local b id
	b=$(mkbundle /bin/sh -c 'echo original > /shared/which')
	id=$(new_id)
	ctr_create "$id" "$b"
	sh_args "$b" 'echo changed > /shared/which'
	cfg "$b" '.process.env += ["CHANGED=1"]'
	ctr_start "$id"
	wait_status "$id" stopped
	expect_eq "$(cat "$C/shared/which")" original "program that ran"
	ctr_delete "$id"
}

# start: "This operation MUST generate an error if process was not set"
tc_lifecycle_start_without_process_errors() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" 'del(.process)'
	id=$(new_id)
	if ctr_create "$id" "$b"; then
		if ctr_start "$id"; then fail "start of a container without process succeeded"; fi
	fi
	return 0
}

# "stopped: the container process has exited", whoever made it exit
tc_lifecycle_external_exit_is_stopped() {
	local b id pid
	b=$(mkbundle /bin/sleep 60)
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	pid=$(ctr_pid "$id")
	kill -KILL "$pid"
	wait_status "$id" stopped
	ctr_delete "$id" || fail "delete of the stopped container failed: $(cat "$C/delete.out")"
}

# args: "at least one entry is REQUIRED": an empty args is an error (at create or at start)
tc_lifecycle_empty_args_errors() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" '.process.args = []'
	id=$(new_id)
	if ctr_create "$id" "$b"; then
		if ctr_start "$id"; then fail "a container with empty process.args started"; fi
	fi
	return 0
}

# ================================ namespaces (config-linux.md) ================================

# "If path is not specified, the runtime MUST create a new container namespace of type type"
tc_ns_new_namespaces() {
	local b id t
	b=$(mkbundle)
	cfg "$b" '.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}, {type: "cgroup"}]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	for t in pid net ipc uts mnt cgroup; do
		expect_ne "$(kv ns_$t)" "$(host_ns $t)" "container's $t namespace"
	done
	expect_eq "$(kv ns_user)" "$(host_ns user)" "user namespace (not listed: inherited)"
	expect_eq "$(kv pid)" 1 "pid in the new pid namespace"
}

# "If a namespace type is not specified ... the container MUST inherit the runtime namespace"
tc_ns_unlisted_are_inherited() {
	local b id t
	b=$(mkbundle)
	cfg "$b" '.linux.namespaces = [{type: "mount"}] | del(.hostname)'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	for t in pid net ipc uts cgroup user; do
		expect_eq "$(kv ns_$t)" "$(host_ns $t)" "container's $t namespace"
	done
	expect_ne "$(kv ns_mnt)" "$(host_ns mnt)" "container's mnt namespace"
}

# "The runtime MUST place the container process in the namespace associated with that path"
# (a netns made with ip netns add), and delete "MUST NOT" delete what the container did not create
tc_ns_join_netns_by_path() {
	local b id ns=oc$$-n$CASE_NO
	ip netns add "$ns" || skip "ip netns add failed"
	echo "$ns" >>"$WORK/netns.list"
	b=$(mkbundle)
	cfg "$b" '(.linux.namespaces[] | select(.type == "network")) |= {type: "network", path: $p}' --arg p "/run/netns/$ns"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv ns_net)" "$(stat -L -c %i "/run/netns/$ns")" "container's net namespace"
	ctr_delete "$id" 2>/dev/null || true
	ip netns exec "$ns" true || fail "the joined netns is gone after the container"
	ip netns del "$ns"
}

# join the namespaces of another container by /proc/PID/ns paths
tc_ns_join_other_container() {
	local a b ida idb pa t
	a=$(mkbundle /bin/sleep 60)
	ida=$(new_id)
	ctr_create "$ida" "$a"
	pa=$(ctr_pid "$ida")
	b=$(mkbundle)
	cfg "$b" '.linux.namespaces = [{type: "pid"}, {type: "mount"},
		{type: "network", path: "/proc/\($p)/ns/net"}, {type: "ipc", path: "/proc/\($p)/ns/ipc"},
		{type: "uts", path: "/proc/\($p)/ns/uts"}] | del(.hostname)' --arg p "$pa"
	idb=$(new_id)
	ctr_run "$idb" "$b" || fail "run failed: $(errline)"
	for t in net ipc uts; do
		expect_eq "$(kv ns_$t)" "$(pid_ns "$pa" $t)" "$t namespace of the second container"
	done
	expect_ne "$(kv ns_pid)" "$(pid_ns "$pa" pid)" "pid namespace (new)"
	ctr_kill "$ida" KILL
	wait_status "$ida" stopped
	ctr_delete "$ida"
}

# "MUST generate an error if path is not associated with a namespace of type type"
tc_ns_path_of_wrong_type_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '(.linux.namespaces[] | select(.type == "ipc")).path = $p' --arg p "/proc/$$/ns/net"
	id=$(new_id)
	expect_create_fails "$id" "$b" "ipc namespace path pointing to a net namespace"
}

# "If a namespaces field contains duplicated namespaces with same type, MUST generate an error"
tc_ns_duplicate_type_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.namespaces += [{type: "ipc"}]'
	id=$(new_id)
	expect_create_fails "$id" "$b" "two ipc namespaces"
}

# an unknown namespace type is an invalid value: "Runtimes MUST generate an error"
tc_ns_unknown_type_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.namespaces += [{type: "conformance"}]'
	id=$(new_id)
	expect_create_fails "$id" "$b" "namespace type conformance"
}

# cgroup namespace: "isolated view of the cgroup hierarchy": the process sees itself at /
tc_ns_cgroup_isolated_view() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.namespaces += [{type: "cgroup"}] | .linux.cgroupsPath = $p' --arg p "/oc$$-c$CASE_NO"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv_all cgroup | grep '^0::')" "0::/" "cgroup v2 path seen in the container"
}

# user namespace and uidMappings/gidMappings: the maps, root inside, host ownership outside
tc_ns_user_mappings() {
	local b id
	b=$(mkbundle /bin/sh -c 'oci-check; echo hi > /shared/by-root')
	cfg "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv uid_map)" "0 100000 65536" "uid_map"
	expect_eq "$(kv gid_map)" "0 200000 65536" "gid_map"
	expect_eq "$(kv uid)" 0 "uid inside"
	expect_ne "$(kv ns_user)" "$(host_ns user)" "user namespace"
	expect_eq "$(stat -c %u:%g "$C/shared/by-root")" "100000:200000" "host owner of a file made by root inside"
}

tc_ns_user_mapped_process_user() {
	local b id
	b=$(mkbundle /bin/sh -c 'oci-check; echo hi > /shared/by-user')
	cfg "$b" '.linux.namespaces += [{type: "user"}] | .process.user = {uid: 1000, gid: 1000}
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv uid)" 1000 "uid inside"
	expect_eq "$(stat -c %u:%g "$C/shared/by-user")" "101000:101000" "host owner of the file"
}

# time namespace with timeOffsets: honoured (the offset shows in /proc/uptime) or rejected
tc_ns_time_offsets_honoured_or_rejected() {
	local b id host in
	b=$(mkbundle /bin/cat /proc/uptime)
	cfg "$b" '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}, monotonic: {secs: 864000, nanosecs: 0}}'
	id=$(new_id)
	rejected "$id" "$b" && return 0
	host=$(cut -d. -f1 /proc/uptime)
	in=$(cut -d. -f1 "$C/out")
	[ "$in" -ge $((host + 864000 - 60)) ] || fail "uptime inside [$in] does not carry the 864000s offset (host $host)"
}

# ================================ mounts (config.md) ==========================================

# "The runtime MUST mount entries in the listed order"
tc_mounts_listed_order() {
	local b id
	mkdir -p "$C/src" "$C/one" "$C/two"
	echo marker >"$C/src/marker"
	echo one >"$C/one/which"
	echo two >"$C/two/which"
	b=$(mkbundle /bin/sh -c 'oci-check stat /m /m/sub/marker; echo which=$(cat /m2/which)')
	cfg "$b" '.mounts += [
		{destination: "/m", type: "tmpfs", source: "tmpfs", options: ["mode=700"]},
		{destination: "/m/sub", type: "bind", source: $src, options: ["bind"]},
		{destination: "/m2", type: "bind", source: $one, options: ["bind"]},
		{destination: "/m2", type: "bind", source: $two, options: ["bind"]}]' --arg src "$C/src" --arg one "$C/one" --arg two "$C/two"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_has "$(grep '^stat=/m ' "$C/out")" "mode=0700" "/m (tmpfs, first)"
	expect_has "$(grep '^stat=/m/sub/marker ' "$C/out")" "type=f" "/m/sub/marker (bind over the tmpfs, second)"
	expect_eq "$(kv which)" two "/m2: the later of two binds is on top"
}

# bind, ro: readable, writes fail with EROFS
tc_mounts_bind_ro() {
	local b id
	mkdir -p "$C/src"
	echo hello >"$C/src/file"
	b=$(mkbundle /bin/sh -c 'cat /ro/file; oci-check write /ro/new; oci-check')
	add_mount "$b" "{\"destination\": \"/ro\", \"type\": \"bind\", \"source\": \"$C/src\", \"options\": [\"bind\", \"ro\"]}"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(head -n1 "$C/out")" hello "content read through the ro bind"
	expect_eq "$(kv result)" EROFS "write into the ro bind"
	expect_opt "$(mount_line /ro | awk '{print $2}')" ro "mount options of /ro"
	[ ! -e "$C/src/new" ] || fail "a file appeared on the host"
}

# bind, rw: writes reach the host directory
tc_mounts_bind_rw() {
	local b id
	mkdir -p "$C/src"
	b=$(mkbundle /bin/oci-check write /rw/new)
	add_mount "$b" "{\"destination\": \"/rw\", \"type\": \"bind\", \"source\": \"$C/src\", \"options\": [\"rbind\", \"rw\"]}"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv result)" ok "write into the rw bind"
	expect_eq "$(cat "$C/src/new" 2>/dev/null)" x "file seen on the host"
}

# a bind mount of a single file onto a path that does not exist in the rootfs
tc_mounts_bind_file() {
	local b id
	echo file-content >"$C/single"
	b=$(mkbundle /bin/cat /etc/conf-single-file)
	add_mount "$b" "{\"destination\": \"/etc/conf-single-file\", \"type\": \"bind\", \"source\": \"$C/single\", \"options\": [\"bind\", \"ro\"]}"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(cat "$C/out")" file-content "content of the bound file"
}

# tmpfs with data options (size, mode) passed to mount(2)
tc_mounts_tmpfs_size_mode() {
	local b id line
	b=$(mkbundle /bin/sh -c 'oci-check; oci-check stat /t')
	add_mount "$b" '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=2m", "mode=1750"]}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	line=$(mount_line /t)
	expect_eq "$(awk '{print $1}' <<<"$line")" tmpfs "fstype of /t"
	expect_opt "$(awk '{print $3}' <<<"$line")" size=2048k "superblock options of /t"
	expect_opt "$(awk '{print $2}' <<<"$line")" nosuid "mount options of /t"
	expect_has "$(grep '^stat=/t ' "$C/out")" "mode=1750" "mode of /t"
}

# the same over a directory that exists in the rootfs (with another mode): mode= still wins
tc_mounts_tmpfs_mode_over_existing_dir() {
	local b id
	mkdir -p "$ROOTFS/conf-tmpdir"
	chmod 0711 "$ROOTFS/conf-tmpdir"
	b=$(mkbundle /bin/oci-check stat /conf-tmpdir)
	add_mount "$b" '{"destination": "/conf-tmpdir", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1750"]}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_has "$(grep '^stat=/conf-tmpdir ' "$C/out")" "mode=1750" "mode of the tmpfs (mode=1750) over a 0711 directory"
}

# the mount(8) flag options the spec lists as MUST map to mount flags
tc_mounts_flag_options() {
	local b id line
	b=$(mkbundle)
	cfg "$b" '.mounts += [
		{destination: "/f", type: "tmpfs", source: "tmpfs", options: ["ro", "nosuid", "nodev", "noexec", "noatime", "nodiratime", "sync", "dirsync"]},
		{destination: "/s", type: "tmpfs", source: "tmpfs", options: ["rw", "suid", "dev", "exec", "strictatime"]},
		{destination: "/r", type: "tmpfs", source: "tmpfs", options: ["relatime", "lazytime"]}]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	line=$(mount_line /f)
	for o in ro nosuid nodev noexec noatime nodiratime; do expect_opt "$(awk '{print $2}' <<<"$line")" $o "mount options of /f"; done
	for o in sync dirsync; do expect_opt "$(awk '{print $3}' <<<"$line")" $o "superblock options of /f"; done
	line=$(mount_line /s)
	expect_opt "$(awk '{print $2}' <<<"$line")" rw "mount options of /s"
	for o in nosuid nodev noexec noatime relatime; do expect_no_opt "$(awk '{print $2}' <<<"$line")" $o "mount options of /s"; done
	line=$(mount_line /r)
	expect_opt "$(awk '{print $2}' <<<"$line")" relatime "mount options of /r"
	expect_opt "$(awk '{print $3}' <<<"$line")" lazytime "superblock options of /r"
}

# nosuid: a setuid-root binary does not raise the euid
tc_mounts_nosuid_effect() {
	local b id
	mkdir -p "$C/suid"
	cp "$ROOTFS/bin/oci-check" "$C/suid/oci-check"
	chmod 4755 "$C/suid/oci-check"
	b=$(mkbundle /bin/sh -c '/suid/oci-check ids | grep ^euid; /nosuid/oci-check ids | grep ^euid | sed s/^/no/')
	cfg "$b" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false
		| .mounts += [{destination: "/suid", type: "bind", source: $s, options: ["bind"]},
			{destination: "/nosuid", type: "bind", source: $s, options: ["bind", "nosuid"]}]' --arg s "$C/suid"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv euid)" 0 "euid of the setuid binary on a suid mount (control)"
	expect_eq "$(kv noeuid)" 1000 "euid of the setuid binary on the nosuid mount"
}

# nodev: device nodes on the mount cannot be opened
tc_mounts_nodev_effect() {
	local b id
	mkdir -p "$C/devs"
	mknod -m 666 "$C/devs/null" c 1 3
	b=$(mkbundle /bin/sh -c 'oci-check open /withdev/null w; oci-check open /nodev/null w | sed s/^/no/')
	cfg "$b" '.mounts += [{destination: "/withdev", type: "bind", source: $s, options: ["bind", "dev"]},
			{destination: "/nodev", type: "bind", source: $s, options: ["bind", "nodev"]}]' --arg s "$C/devs"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv result)" ok "open of a device node on a dev mount (control)"
	expect_eq "$(kv noresult)" EACCES "open of a device node on the nodev mount"
}

# noexec: programs on the mount cannot be executed
tc_mounts_noexec_effect() {
	local b id
	mkdir -p "$C/bin"
	cp "$ROOTFS/bin/busybox" "$C/bin/busybox"
	b=$(mkbundle /bin/sh -c '/exec/busybox true && echo exec=ok; oci-check exec /noexec/busybox true | sed s/^/no/')
	cfg "$b" '.mounts += [{destination: "/exec", type: "bind", source: $s, options: ["bind", "exec"]},
			{destination: "/noexec", type: "bind", source: $s, options: ["bind", "noexec"]}]' --arg s "$C/bin"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv exec)" ok "exec from an exec mount (control)"
	expect_eq "$(kv noresult)" EACCES "exec from the noexec mount"
}

# rbind is recursive, bind is not
tc_mounts_rbind_recursive() {
	local b id
	mkdir -p "$C/tree/sub"
	mount -t tmpfs tmpfs "$C/tree/sub"
	touch "$C/tree/sub/inner"
	b=$(mkbundle /bin/oci-check stat /rb/sub/inner /b/sub/inner)
	cfg "$b" '.mounts += [{destination: "/rb", type: "bind", source: $s, options: ["rbind"]},
			{destination: "/b", type: "bind", source: $s, options: ["bind"]}]' --arg s "$C/tree"
	id=$(new_id)
	ctr_run "$id" "$b" || { umount "$C/tree/sub"; fail "run failed: $(errline)"; }
	umount "$C/tree/sub"
	expect_has "$(grep '^stat=/rb/sub/inner' "$C/out")" "type=f" "file on a submount through rbind"
	expect_has "$(grep '^stat=/b/sub/inner' "$C/out")" "result=ENOENT" "file on a submount through bind"
}

# propagation options on a mount: shared, slave, private, unbindable (config.md option table)
tc_mounts_propagation_options() {
	local b id
	mkdir -p "$C/src"
	b=$(mkbundle)
	cfg "$b" '.mounts += [{destination: "/ps", type: "bind", source: $s, options: ["rbind", "rshared"]},
			{destination: "/pl", type: "bind", source: $s, options: ["rbind", "rslave"]},
			{destination: "/pp", type: "bind", source: $s, options: ["rbind", "rprivate"]},
			{destination: "/pu", type: "bind", source: $s, options: ["rbind", "runbindable"]}]' --arg s "$C/src"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_has "$(mount_line /ps | awk '{print $4}')" shared: "propagation of /ps (rshared)"
	expect_has "$(mount_line /pl | awk '{print $4}')" master: "propagation of /pl (rslave)"
	expect_hasnt "$(mount_line /pl | awk '{print $4}')" shared: "propagation of /pl (rslave)"
	expect_eq "$(mount_line /pp | awk '{print $4}')" - "propagation of /pp (rprivate)"
	expect_has "$(mount_line /pu | awk '{print $4}')" unbindable "propagation of /pu (runbindable)"
}

# destination: "MAY be a relative path, in which case it MUST be interpreted as relative to /"
tc_mounts_relative_destination_honoured_or_rejected() {
	local b id
	b=$(mkbundle)
	add_mount "$b" '{"destination": "conf-rel", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
	id=$(new_id)
	rejected "$id" "$b" && return 0
	expect_eq "$(mount_line /conf-rel | awk '{print $1}')" tmpfs "mount at /conf-rel"
}

# idmap: "If there are no uidMappings and gidMappings specified and the container isn't using
# user namespaces, an error MUST be returned"
tc_mounts_idmap_without_mappings_errors() {
	local b id
	mkdir -p "$C/src"
	b=$(mkbundle)
	cfg "$b" '.mounts += [{destination: "/idm", type: "bind", source: $s, options: ["rbind", "idmap"]}]' --arg s "$C/src"
	id=$(new_id)
	expect_create_fails "$id" "$b" "an idmap mount without mappings or user namespace"
}

# a mount that cannot be made: "If the runtime cannot apply a property ... MUST generate an error"
tc_mounts_unknown_fstype_errors() {
	local b id
	b=$(mkbundle)
	add_mount "$b" '{"destination": "/x", "type": "conformancefs", "source": "none"}'
	id=$(new_id)
	expect_create_fails "$id" "$b" "mount of type conformancefs"
}

# ================================ root (config.md) ============================================

# root.readonly: "the root filesystem MUST be read-only inside the container"
tc_root_readonly() {
	local b id
	b=$(mkbundle /bin/sh -c 'oci-check write /conf-ro-test | sed s/^/root/; oci-check write /shared/ok; oci-check')
	cfg "$b" '.root.readonly = true'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv rootresult)" EROFS "write to /"
	expect_eq "$(kv result)" ok "write to a rw mount on the readonly root"
	expect_opt "$(mount_line / | awk '{print $2}')" ro "mount options of /"
	[ ! -e "$ROOTFS/conf-ro-test" ] || fail "the write reached the rootfs"
}

tc_root_writable_by_default() {
	local b id
	b=$(mkbundle /bin/oci-check write /tmp/conf-rw-$CASE_NO)
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv result)" ok "write to the rootfs with readonly false"
	rm -f "$ROOTFS/tmp/conf-rw-$CASE_NO"
}

# rootfsPropagation slave: "receives propagation events from the host"
tc_root_propagation_slave() {
	local b id
	mkdir -p "$ROOTFS/conf-prop"
	b=$(mkbundle /bin/sh -c 'oci-check | grep "^mount=/ "; echo ready > /shared/ready; i=0; while [ $i -lt 100 ]; do grep -q " /conf-prop " /proc/self/mountinfo && { echo seen=yes; exit 0; }; sleep 0.05; i=$((i+1)); done; echo seen=no')
	cfg "$b" '.linux.rootfsPropagation = "slave"'
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_for 10 file_has "$C/shared/ready" ready || fail "container did not start"
	mount -t tmpfs conf-prop "$ROOTFS/conf-prop"
	wait_status "$id" stopped 15 || true
	umount "$ROOTFS/conf-prop"
	ctr_delete --force "$id"
	expect_eq "$(kv seen)" yes "host mount under the rootfs seen in the container"
	expect_has "$(mount_line / | awk '{print $4}')" master: "propagation of / (slave)"
}

# rootfsPropagation private: "doesn't receive mount propagation events from the host"
tc_root_propagation_private() {
	local b id
	mkdir -p "$ROOTFS/conf-prop"
	b=$(mkbundle /bin/sh -c 'oci-check | grep "^mount=/ "; echo ready > /shared/ready; i=0; while [ $i -lt 30 ]; do grep -q " /conf-prop " /proc/self/mountinfo && { echo seen=yes; exit 0; }; sleep 0.05; i=$((i+1)); done; echo seen=no')
	cfg "$b" '.linux.rootfsPropagation = "private"'
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_for 10 file_has "$C/shared/ready" ready || fail "container did not start"
	mount -t tmpfs conf-prop "$ROOTFS/conf-prop"
	wait_status "$id" stopped 15 || true
	umount "$ROOTFS/conf-prop"
	ctr_delete --force "$id"
	expect_eq "$(kv seen)" no "host mount under the rootfs seen in the container"
	expect_eq "$(mount_line / | awk '{print $4}')" - "propagation of / (private)"
}

# rootfsPropagation shared: "the rootfs mount belongs to a new peer group"
tc_root_propagation_shared() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.rootfsPropagation = "shared"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_has "$(mount_line / | awk '{print $4}')" shared: "propagation of / (shared)"
}

# rootfsPropagation unbindable: "a private mount that cannot be bind-mounted"
tc_root_propagation_unbindable() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.rootfsPropagation = "unbindable"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_has "$(mount_line / | awk '{print $4}')" unbindable "propagation of / (unbindable)"
}

# ================================ process (config.md) =========================================

# args[0] "is used with the same semantics as execvp's file": looked up in the process's PATH
tc_process_args_path_lookup() {
	local b id
	b=$(mkbundle oci-check ids)
	cfg "$b" '.process.env = ["PATH=/bin"]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv uid)" 0 "output of oci-check found through PATH"
}

# env: exactly the configured environment, nothing from the caller
tc_process_env() {
	local b id
	b=$(mkbundle /bin/env)
	cfg "$b" '.process.env = ["PATH=/bin", "CONF_A=1", "CONF_B=two words", "CONF_EMPTY=", "CONF_EQ=a=b"]'
	id=$(new_id)
	CONF_LEAK=from-the-caller ctr_run "$id" "$b" || fail "run failed: $(errline)"
	for v in PATH=/bin CONF_A=1 "CONF_B=two words" CONF_EMPTY= CONF_EQ=a=b; do
		grep -qxF "$v" "$C/out" || fail "[$v] missing from the container's environment: $(tr '\n' ' ' <"$C/out")"
	done
	if grep -q CONF_LEAK "$C/out"; then fail "the caller's environment leaked into the container"; fi
}

# cwd
tc_process_cwd() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.cwd = "/var/tmp"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv cwd)" /var/tmp cwd
}

# cwd: "This value MUST be an absolute path" (an invalid value is an error)
tc_process_cwd_relative_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.cwd = "var/tmp"'
	id=$(new_id)
	expect_create_fails "$id" "$b" "relative process.cwd"
}

# user: uid, gid, additionalGids
tc_process_user_ids_groups() {
	local b id g
	b=$(mkbundle)
	cfg "$b" '.process.user = {uid: 1000, gid: 1001, additionalGids: [1002, 1003]}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv uid)/$(kv euid)/$(kv suid)" 1000/1000/1000 "real/effective/saved uid"
	expect_eq "$(kv gid)/$(kv egid)/$(kv sgid)" 1001/1001/1001 "real/effective/saved gid"
	g=$(kv groups)
	expect_opt "$g" 1002 groups
	expect_opt "$g" 1003 groups
	for x in ${g//,/ }; do
		case $x in 1001 | 1002 | 1003) ;; *) fail "unexpected supplementary group $x in [$g]" ;; esac
	done
}

# user.umask
tc_process_umask() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.user.umask = 23'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv umask)" 0027 umask
}

# rlimits: "rlim.rlim_cur MUST match the configured value", same for rlim_max
tc_process_rlimits() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456},
		{type: "RLIMIT_NPROC", soft: 500, hard: 1000}, {type: "RLIMIT_CORE", soft: 0, hard: 4096},
		{type: "RLIMIT_MSGQUEUE", soft: 8192, hard: 16384}]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv rlimit_nofile)" 123:456 RLIMIT_NOFILE
	expect_eq "$(kv rlimit_nproc)" 500:1000 RLIMIT_NPROC
	expect_eq "$(kv rlimit_core)" 0:4096 RLIMIT_CORE
	expect_eq "$(kv rlimit_msgqueue)" 8192:16384 RLIMIT_MSGQUEUE
}

# "If rlimits contains duplicated entries with same type, the runtime MUST generate an error"
tc_process_rlimit_duplicate_errors() {
	local b id
	b=$(mkbundle)
	# (decreasing, so that applying both in turn would work without CAP_SYS_RESOURCE)
	cfg "$b" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 200, hard: 200}, {type: "RLIMIT_NOFILE", soft: 100, hard: 100}]'
	id=$(new_id)
	expect_create_fails "$id" "$b" "two RLIMIT_NOFILE entries"
}

# "The runtime MUST generate an error for any values which cannot be mapped to a relevant kernel interface"
tc_process_rlimit_unknown_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.rlimits = [{type: "RLIMIT_CONFORMANCE", soft: 1, hard: 1}]'
	id=$(new_id)
	expect_create_fails "$id" "$b" "rlimit type RLIMIT_CONFORMANCE"
}

capmask() { # capmask BIT... -> the 16-hex-digit mask of /proc/PID/status
	local m=0 bit
	for bit in "$@"; do m=$((m | (1 << bit))); done
	printf '%016x' $m
}

# capabilities for root: bounding, permitted, effective, inheritable as configured
tc_process_caps_root() {
	local b id m
	b=$(mkbundle)
	cfg "$b" '.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_KILL"], permitted: ["CAP_CHOWN", "CAP_KILL"],
		effective: ["CAP_CHOWN", "CAP_KILL"], inheritable: ["CAP_CHOWN", "CAP_KILL"]}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	m=$(capmask 0 5)
	expect_eq "$(kv cap_bnd)" "$m" CapBnd
	expect_eq "$(kv cap_prm)" "$m" CapPrm
	expect_eq "$(kv cap_eff)" "$m" CapEff
	expect_eq "$(kv cap_inh)" "$m" CapInh
	expect_eq "$(kv cap_amb)" "$(capmask)" CapAmb
}

# capabilities for a non-root user: ambient capabilities survive the exec
tc_process_caps_ambient_nonroot() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE", "CAP_KILL"], permitted: ["CAP_NET_BIND_SERVICE"],
		effective: ["CAP_NET_BIND_SERVICE"], inheritable: ["CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE"]}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv cap_bnd)" "$(capmask 5 10)" CapBnd
	expect_eq "$(kv cap_amb)" "$(capmask 10)" CapAmb
	expect_eq "$(kv cap_prm)" "$(capmask 10)" CapPrm
	expect_eq "$(kv cap_eff)" "$(capmask 10)" CapEff
	expect_eq "$(kv cap_inh)" "$(capmask 10)" CapInh
}

# noNewPrivileges true and false
tc_process_no_new_privileges() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.noNewPrivileges = true'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv no_new_privs)" 1 "NoNewPrivs with noNewPrivileges true"
	: >"$C/out"
	cfg "$b" '.process.noNewPrivileges = false'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv no_new_privs)" 0 "NoNewPrivs with noNewPrivileges false"
}

# oomScoreAdj: "If oomScoreAdj is set, the runtime MUST set oom_score_adj to the given value"
tc_process_oom_score_adj_set() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.oomScoreAdj = 321'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv oom_score_adj)" 321 oom_score_adj
}

# "If oomScoreAdj is not set, the runtime MUST NOT change the value of oom_score_adj"
tc_process_oom_score_adj_unset_inherited() {
	local b id
	b=$(mkbundle)
	cfg "$b" 'del(.process.oomScoreAdj)'
	id=$(new_id)
	(echo 234 >/proc/self/oom_score_adj && ctr_run "$id" "$b") || fail "run failed: $(errline)"
	expect_eq "$(kv oom_score_adj)" 234 "oom_score_adj (the caller's was 234)"
}

# runtime-linux.md: "By default, only the stdin, stdout and stderr file descriptors are kept open"
tc_process_only_stdio_fds() {
	local b id fds
	b=$(mkbundle /bin/oci-check fds)
	id=$(new_id)
	(exec 7<"$ROOTFS/etc/passwd" 8>"$C/extra-fd" && ctr_run "$id" "$b") || fail "run failed: $(errline)"
	fds=$(kv_all fd | awk '{print $1}' | sort -n | tr '\n' ' ')
	expect_eq "$fds" "0 1 2 " "open fds in the container process"
}

# terminal: a pty for the process, its master sent to --console-socket, and (config-linux.md
# default devices) "/dev/console is set up if terminal is enabled ... by bind mounting the pty"
tc_process_terminal_console() {
	local b id rpid
	b=$(mkbundle /bin/sh -c '[ -t 0 ] && echo stdin=tty; [ -t 1 ] && echo stdout=tty; oci-check stat /dev/console; echo tty=$(tty)')
	cfg "$b" '.process.terminal = true'
	"$CONSOLE" "$C/console.sock" "$C/console.out" 20 2>>"$C/err" &
	rpid=$!
	wait_for 5 test -S "$C/console.sock" || { kill $rpid; fail "console receiver did not start"; }
	id=$(new_id)
	if ! RT create --console-socket "$C/console.sock" --bundle "$b" "$id" </dev/null >>"$C/out" 2>>"$C/err"; then
		kill $rpid
		fail "create with a terminal failed: $(errline)"
	fi
	ctr_start "$id"
	wait_status "$id" stopped 15 || true
	wait_for 10 pid_dead $rpid || kill $rpid 2>/dev/null
	ctr_delete --force "$id"
	tr -d '\r' <"$C/console.out" >"$C/out"
	expect_eq "$(kv stdin)/$(kv stdout)" tty/tty "stdin/stdout are a terminal"
	expect_has "$(grep '^stat=/dev/console ' "$C/out")" "type=c" "/dev/console"
	[[ $(grep '^stat=/dev/console ' "$C/out") =~ major=13[6-9] ]] || fail "/dev/console is not a pty slave (major 136-143): $(grep '^stat=/dev/console ' "$C/out")"
	expect_has "$(kv tty)" /dev/pts/ "tty name"
}

# scheduler (runtime-spec 1.2): honoured or rejected
tc_process_scheduler_honoured_or_rejected() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	id=$(new_id)
	rejected "$id" "$b" && return 0
	expect_eq "$(kv sched_policy)" 3 "scheduling policy (SCHED_BATCH)"
	expect_eq "$(kv nice)" 5 "nice"
}

# ioPriority (runtime-spec 1.2): honoured or rejected
tc_process_io_priority_honoured_or_rejected() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	id=$(new_id)
	rejected "$id" "$b" && return 0
	expect_eq "$(kv ioprio)" 2:6 "I/O priority class:level"
}

# ================================ hostname, domainname ========================================

tc_uts_hostname() {
	local b id before
	before=$(hostname)
	b=$(mkbundle)
	cfg "$b" '.hostname = "conf-host"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv hostname)" conf-host hostname
	expect_eq "$(hostname)" "$before" "the host's hostname"
}

tc_uts_domainname() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.domainname = "conf.example"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv domainname)" conf.example domainname
}

# ================================ masked and readonly paths ===================================

# maskedPaths: "mask over the provided paths inside the container so that they cannot be read"
tc_paths_masked() {
	local b id
	mkdir -p "$C/shared/secret-dir"
	echo secret >"$C/shared/secret-dir/file"
	echo secret >"$C/shared/secret-file"
	b=$(mkbundle /bin/sh -c 'echo kcore=$(head -c 16 /proc/kcore 2>/dev/null | wc -c); echo dir=$(ls -A /shared/secret-dir 2>/dev/null | wc -l); echo file=$(cat /shared/secret-file 2>/dev/null | wc -c); echo firmware=$(ls -A /sys/firmware 2>/dev/null | wc -l)')
	cfg "$b" '.linux.maskedPaths += ["/shared/secret-dir", "/shared/secret-file"]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv kcore)" 0 "bytes read from the masked /proc/kcore"
	expect_eq "$(kv file)" 0 "bytes read from a masked file"
	expect_eq "$(kv dir)" 0 "entries listed in a masked directory"
	expect_eq "$(kv firmware)" 0 "entries listed in the masked /sys/firmware"
}

# readonlyPaths: "set the provided paths as readonly inside the container"
tc_paths_readonly() {
	local b id
	mkdir -p "$C/shared/ro-dir"
	b=$(mkbundle /bin/sh -c 'oci-check write /shared/ro-dir/x; oci-check write /shared/rw-x | sed s/^/rw/; oci-check')
	cfg "$b" '.linux.readonlyPaths += ["/shared/ro-dir"]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv result)" EROFS "write below a readonly path"
	expect_eq "$(kv rwresult)" ok "write next to it (control)"
	expect_opt "$(mount_line /proc/sys | awk '{print $2}')" ro "mount options of /proc/sys"
	expect_opt "$(mount_line /shared/ro-dir | awk '{print $2}')" ro "mount options of /shared/ro-dir"
}

# ================================ devices (config-linux.md) ===================================

# linux.devices: "lists devices that MUST be available in the container" with type, numbers, mode, owner
tc_devices_created() {
	local b id
	b=$(mkbundle /bin/oci-check stat /dev/conf-c /dev/conf-b /conf-fifo)
	cfg "$b" '.linux.devices = [
		{path: "/dev/conf-c", type: "c", major: 1, minor: 9, fileMode: 416, uid: 1000, gid: 1001},
		{path: "/dev/conf-b", type: "b", major: 7, minor: 200, fileMode: 384, uid: 0, gid: 0},
		{path: "/conf-fifo", type: "p", fileMode: 420}]'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_has "$(grep '^stat=/dev/conf-c ' "$C/out")" "type=c major=1 minor=9 mode=0640 uid=1000 gid=1001" /dev/conf-c
	expect_has "$(grep '^stat=/dev/conf-b ' "$C/out")" "type=b major=7 minor=200 mode=0600 uid=0 gid=0" /dev/conf-b
	expect_has "$(grep '^stat=/conf-fifo ' "$C/out")" "type=p" "/conf-fifo (outside /dev)"
	expect_has "$(grep '^stat=/conf-fifo ' "$C/out")" "mode=0644" "/conf-fifo"
	rm -f "$ROOTFS/conf-fifo"
}

# "If a file already exists at path that does not match the requested device, MUST generate an error"
tc_devices_existing_mismatch_errors() {
	local b id
	echo not-a-device >"$ROOTFS/conf-existing"
	b=$(mkbundle)
	cfg "$b" '.linux.devices = [{path: "/conf-existing", type: "c", major: 1, minor: 3, fileMode: 438}]'
	id=$(new_id)
	expect_create_fails "$id" "$b" "device path occupied by a regular file" || { rm -f "$ROOTFS/conf-existing"; return 1; }
	rm -f "$ROOTFS/conf-existing"
}

# an unknown device type is an invalid value
tc_devices_invalid_type_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.devices = [{path: "/dev/conf-x", type: "x", major: 1, minor: 3}]'
	id=$(new_id)
	expect_create_fails "$id" "$b" "device type x"
}

# default devices: "the runtime MUST also supply" null, zero, full, random, urandom, tty, ptmx
tc_devices_default_devices() {
	local b id d want
	b=$(mkbundle /bin/sh -c 'oci-check stat /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/ptmx; oci-check open /dev/null w; oci-check open /dev/zero r; oci-check open /dev/urandom r')
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r name ma mi <<<"$d"
		want="type=c major=$ma minor=$mi"
		expect_has "$(grep "^stat=/dev/$name " "$C/out")" "$want" "/dev/$name"
	done
	case $(grep '^stat=/dev/ptmx ' "$C/out") in
	*"type=l"*"target=pts/ptmx"* | *"type=l"*"target=/dev/pts/ptmx"* | *"type=c major=5 minor=2"*) ;;
	*) fail "/dev/ptmx is neither a link to pts/ptmx nor the ptmx device: $(grep '^stat=/dev/ptmx ' "$C/out")" ;;
	esac
	expect_eq "$(kv_all result | tr '\n' ' ')" "ok ok ok " "opening /dev/null, /dev/zero, /dev/urandom"
}

# runtime-linux.md: "runtimes MUST create the following symlinks": /dev/fd, stdin, stdout, stderr
tc_devices_dev_symlinks() {
	local b id l
	b=$(mkbundle /bin/oci-check stat /dev/fd /dev/stdin /dev/stdout /dev/stderr)
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
		expect_has "$(grep "^stat=/dev/${l%%:*} " "$C/out")" "type=l" "/dev/${l%%:*}"
		expect_has "$(grep "^stat=/dev/${l%%:*} " "$C/out")" "target=${l#*:}" "/dev/${l%%:*}"
	done
}

# ================================ sysctl ======================================================

tc_sysctl_applied() {
	local b id h1 h2
	h1=$(cat /proc/sys/net/ipv4/ip_forward)
	h2=$(cat /proc/sys/kernel/shm_rmid_forced)
	b=$(mkbundle /bin/sh -c 'echo ip_forward=$(cat /proc/sys/net/ipv4/ip_forward); echo shm_rmid_forced=$(cat /proc/sys/kernel/shm_rmid_forced)')
	cfg "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv ip_forward)" 1 "net.ipv4.ip_forward in the container"
	expect_eq "$(kv shm_rmid_forced)" 1 "kernel.shm_rmid_forced in the container"
	expect_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$h1" "the host's net.ipv4.ip_forward"
	expect_eq "$(cat /proc/sys/kernel/shm_rmid_forced)" "$h2" "the host's kernel.shm_rmid_forced"
}

# a sysctl that does not exist cannot be applied: an error
tc_sysctl_unknown_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.sysctl = {"kernel.conformance_no_such_key": "1"}'
	id=$(new_id)
	expect_create_fails "$id" "$b" "sysctl kernel.conformance_no_such_key"
}

# ================================ seccomp =====================================================

seccomp_mkdir_rule() { # seccomp_mkdir_rule BUNDLE ACTION-JSON-FIELDS
	cfg "$1" ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
		architectures: [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], $2}]}"
}

# SCMP_ACT_ERRNO with errnoRet
tc_seccomp_errno_action() {
	local b id
	b=$(mkbundle /bin/sh -c 'oci-check mkdir /tmp/conf-a 755 | sed s/^/mkdir/; oci-check mkdirat /tmp/conf-b 755 | sed s/^/mkdirat/; oci-check write /tmp/conf-c-'$CASE_NO'; oci-check | grep ^seccomp=')
	seccomp_mkdir_rule "$b" 'action: "SCMP_ACT_ERRNO", errnoRet: 18'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv mkdirresult)" EXDEV "mkdir under an ERRNO(18) rule"
	expect_eq "$(kv mkdiratresult)" EXDEV "mkdirat under an ERRNO(18) rule"
	expect_eq "$(kv result)" ok "an unfiltered syscall"
	expect_eq "$(kv seccomp)" 2 "Seccomp mode in /proc/self/status"
	rm -f "$ROOTFS/tmp/conf-c-$CASE_NO"
}

# errnoRet: "The default is EPERM"
tc_seccomp_errno_default_eperm() {
	local b id
	b=$(mkbundle /bin/oci-check mkdir /tmp/conf-d 755)
	seccomp_mkdir_rule "$b" 'action: "SCMP_ACT_ERRNO"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv result)" EPERM "mkdir under an ERRNO rule without errnoRet"
}

# args: a rule that matches on an argument value
tc_seccomp_args_filter() {
	local b id
	b=$(mkbundle /bin/sh -c 'oci-check mkdir /tmp/conf-e-'$CASE_NO' 700 | sed s/^/m700/; oci-check mkdir /tmp/conf-f-'$CASE_NO' 755 | sed s/^/m755/')
	cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
		syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 18, args: [{index: 1, value: 448, op: "SCMP_CMP_EQ"}]}]}'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv m700result)" EXDEV "mkdir with mode 0700 (matches the rule)"
	expect_eq "$(kv m755result)" ok "mkdir with mode 0755 (does not match)"
	rmdir "$ROOTFS/tmp/conf-f-$CASE_NO" 2>/dev/null || true
}

# SCMP_ACT_KILL: the process dies of SIGSYS
tc_seccomp_kill_action() {
	local b id
	b=$(mkbundle /bin/sh -c 'oci-check mkdir /tmp/conf-k 755; echo status=$?')
	seccomp_mkdir_rule "$b" 'action: "SCMP_ACT_KILL"'
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv status)" 159 "exit status of a process killed by seccomp (128+SIGSYS)"
	expect_eq "$(kv result)" "" "output of the killed process"
}

# "When the action doesn't support an errno, the runtime MUST print and error and fail"
tc_seccomp_errno_with_kill_action_errors() {
	local b id
	b=$(mkbundle)
	seccomp_mkdir_rule "$b" 'action: "SCMP_ACT_KILL", errnoRet: 5'
	id=$(new_id)
	if ctr_run "$id" "$b"; then fail "errnoRet on SCMP_ACT_KILL was accepted"; fi
	ctr_gone "$id" || fail "container left after the error"
}

# listenerPath: "If sending to this socket fails, the runtime MUST generate an error"
tc_seccomp_notify_listener_unreachable_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}' --arg p "$C/no-such-agent.sock"
	id=$(new_id)
	expect_create_fails "$id" "$b" "SCMP_ACT_NOTIFY with a listenerPath nobody listens on"
}

# listenerMetadata: "This field MUST NOT be set if listenerPath is not set" (an invalid config)
tc_seccomp_listener_metadata_without_path_errors() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerMetadata: "conformance",
		syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ERRNO"}]}'
	id=$(new_id)
	expect_create_fails "$id" "$b" "listenerMetadata without listenerPath"
}

# ================================ hooks (config.md, runtime.md) ===============================

# hook NAME [EXIT]: a hook (JSON) that appends "NAME <state JSON on one line>" to $C/hooks.log
hook() {
	local s="s=\$(cat | tr -d '\\n'); echo \"$1 \$s\" >> $C/hooks.log; echo \"$1 \$(readlink /proc/self/ns/mnt) \$(readlink /proc/self/ns/net)\" >> $C/hooks.ns; exit ${2:-0}"
	jq -cn --arg s "$s" '{path: "/bin/sh", args: ["sh", "-c", $s]}'
}
# the startContainer hook runs in the container: its path and files are the container's
start_hook() {
	local s="s=\$(cat | tr -d '\\n'); echo \"startContainer \$s\" >> /shared/hooks.log; echo \"startContainer \$(readlink /proc/self/ns/mnt) \$(readlink /proc/self/ns/net)\" >> /shared/hooks.ns; exit ${1:-0}"
	jq -cn --arg s "$s" '{path: "/bin/sh", args: ["sh", "-c", $s]}'
}
hook_names() { [ -f "$C/hooks.log" ] && awk '{print $1}' "$C/hooks.log" | tr '\n' ' '; }
hook_state() { sed -n "s/^$1 //p" "$C/hooks.log" | head -n1; }

# "Hooks MUST be called in the listed order"; create-phase hooks before create returns,
# poststart before start returns, poststop before delete returns
tc_hooks_order() {
	local b id
	b=$(mkbundle /bin/sh -c 'echo program >> /shared/program')
	cfg "$b" '.hooks = {prestart: [$p1, $p2], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc],
		poststart: [$ps], poststop: [$s1, $s2]}' --argjson p1 "$(hook prestart-1)" --argjson p2 "$(hook prestart-2)" \
		--argjson cr "$(hook createRuntime)" --argjson cc "$(hook createContainer)" --argjson sc "$(start_hook)" \
		--argjson ps "$(hook poststart)" --argjson s1 "$(hook poststop-1)" --argjson s2 "$(hook poststop-2)"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	expect_eq "$(hook_names)" "prestart-1 prestart-2 createRuntime createContainer " "hooks run by create"
	ctr_start "$id" || fail "start failed: $(cat "$C/start.out")"
	expect_eq "$(hook_names)" "prestart-1 prestart-2 createRuntime createContainer poststart " "host hooks run by create+start"
	wait_for 5 file_has "$C/shared/hooks.log" startContainer || fail "startContainer hook did not run in the container"
	wait_status "$id" stopped
	ctr_delete "$id" || fail "delete failed: $(cat "$C/delete.out")"
	expect_eq "$(hook_names)" "prestart-1 prestart-2 createRuntime createContainer poststart poststop-1 poststop-2 " "host hooks after delete"
}

# "The state of the container MUST be passed to hooks over stdin"
tc_hooks_state_on_stdin() {
	local b id pid k st
	b=$(mkbundle /bin/sleep 60)
	cfg "$b" '.annotations = {"conf": "hooks"} | .hooks = {prestart: [$p], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc],
		poststart: [$ps], poststop: [$s]}' --argjson p "$(hook prestart)" --argjson cr "$(hook createRuntime)" \
		--argjson cc "$(hook createContainer)" --argjson sc "$(start_hook)" --argjson ps "$(hook poststart)" --argjson s "$(hook poststop)"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	pid=$(ctr_pid "$id")
	ctr_start "$id"
	wait_for 5 file_has "$C/shared/hooks.log" startContainer || fail "startContainer hook did not run"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
	for k in prestart createRuntime createContainer poststart poststop; do
		st=$(hook_state $k)
		[ -n "$st" ] || fail "$k hook did not run"
		jq -e . >/dev/null <<<"$st" || fail "$k hook: stdin is not JSON: $st"
		expect_eq "$(jq -r .id <<<"$st")" "$id" "$k hook: state.id"
		expect_eq "$(jq -r .bundle <<<"$st")" "$b" "$k hook: state.bundle"
		[ -n "$(jq -r '.ociVersion // empty' <<<"$st")" ] || fail "$k hook: no state.ociVersion"
		expect_eq "$(jq -r .annotations.conf <<<"$st")" hooks "$k hook: state.annotations"
	done
	for k in prestart createRuntime poststart; do
		expect_eq "$(jq -r .pid <<<"$(hook_state $k)")" "$pid" "$k hook: state.pid (as seen by the runtime)"
	done
	expect_eq "$(jq -r .pid <<<"$(hook_state createContainer)")" 1 "createContainer hook: state.pid (as seen in the container)"
	st=$(sed -n 's/^startContainer //p' "$C/shared/hooks.log" | head -n1)
	expect_eq "$(jq -r .id <<<"$st")" "$id" "startContainer hook: state.id"
	expect_eq "$(jq -r .pid <<<"$st")" 1 "startContainer hook: state.pid (as seen in the container)"
}

# hook_status KIND WANT: the "status" in the state a KIND hook gets on stdin. runtime.md, State:
# "created: the runtime has finished the create operation (after step 2 in the lifecycle)",
# "running: ... (after step 8)", "stopped: the container process has exited (step 10)". The
# Lifecycle runs prestart (3), createRuntime (4), createContainer (5) and startContainer (7) after
# step 2 and before step 8, poststart (9) after step 8, poststop (13) after the process exited.
hook_status() {
	local kind=$1 want=$2 b id st
	b=$(mkbundle /bin/sleep 60)
	cfg "$b" '.hooks = {prestart: [$p], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc],
		poststart: [$ps], poststop: [$s]}' --argjson p "$(hook prestart)" --argjson cr "$(hook createRuntime)" \
		--argjson cc "$(hook createContainer)" --argjson sc "$(start_hook)" --argjson ps "$(hook poststart)" --argjson s "$(hook poststop)"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	ctr_start "$id" || fail "start failed: $(cat "$C/start.out")"
	wait_for 5 file_has "$C/shared/hooks.log" startContainer || fail "startContainer hook did not run"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id" || fail "delete failed: $(cat "$C/delete.out")"
	if [ "$kind" = startContainer ]; then
		st=$(sed -n 's/^startContainer //p' "$C/shared/hooks.log" | head -n1)
	else
		st=$(hook_state "$kind")
	fi
	[ -n "$st" ] || fail "the $kind hook did not run"
	expect_eq "$(jq -r .status <<<"$st")" "$want" "$kind hook: state.status"
}
tc_hooks_status_prestart() { hook_status prestart created; }
tc_hooks_status_createRuntime() { hook_status createRuntime created; }
tc_hooks_status_createContainer() { hook_status createContainer created; }
tc_hooks_status_startContainer() { hook_status startContainer created; }
tc_hooks_status_poststart() { hook_status poststart running; }
tc_hooks_status_poststop() { hook_status poststop stopped; }

# which namespace each hook runs in: prestart, createRuntime, poststart, poststop in the runtime's;
# createContainer and startContainer in the container's
tc_hooks_namespaces() {
	local b id pid hmnt hnet cmnt cnet k
	b=$(mkbundle /bin/sleep 60)
	cfg "$b" '.hooks = {prestart: [$p], createRuntime: [$cr], createContainer: [$cc], startContainer: [$sc],
		poststart: [$ps], poststop: [$s]}' --argjson p "$(hook prestart)" --argjson cr "$(hook createRuntime)" \
		--argjson cc "$(hook createContainer)" --argjson sc "$(start_hook)" --argjson ps "$(hook poststart)" --argjson s "$(hook poststop)"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	pid=$(ctr_pid "$id")
	hmnt=$(readlink /proc/self/ns/mnt) hnet=$(readlink /proc/self/ns/net)
	cmnt=$(readlink "/proc/$pid/ns/mnt") cnet=$(readlink "/proc/$pid/ns/net")
	ctr_start "$id"
	wait_for 5 file_has "$C/shared/hooks.ns" startContainer || fail "startContainer hook did not run"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
	cat "$C/shared/hooks.ns" >>"$C/hooks.ns"
	for k in prestart createRuntime poststart poststop; do
		expect_eq "$(awk -v k=$k '$1 == k {print $2" "$3}' "$C/hooks.ns")" "$hmnt $hnet" "$k hook: mnt and net namespaces"
	done
	for k in createContainer startContainer; do
		expect_eq "$(awk -v k=$k '$1 == k {print $2" "$3}' "$C/hooks.ns")" "$cmnt $cnet" "$k hook: mnt and net namespaces"
	done
}

# hook args and env: "args ... same semantics as execv's argv", "env ... same semantics as environ"
tc_hooks_args_env() {
	local b id h
	b=$(mkbundle /bin/true)
	h=$(jq -cn --arg s "echo \"\$0|\$1|\${CONF_HOOK:-unset}|\${CONF_LEAK:-unset}\" > $C/hookargs" \
		'{path: "/bin/sh", args: ["sh", "-c", $s, "a0", "a1"], env: ["CONF_HOOK=v1"]}')
	cfg "$b" '.hooks = {createRuntime: [$h]}' --argjson h "$h"
	id=$(new_id)
	CONF_LEAK=caller ctr_create "$id" "$b" || fail "create failed: $(errline)"
	expect_eq "$(cat "$C/hookargs")" "a0|a1|v1|unset" "hook's \$0|\$1|CONF_HOOK|CONF_LEAK"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# hooks see the created environment: "called ... after the runtime environment has been created"
tc_hooks_create_hooks_see_mounts() {
	local b id s h1 h2
	b=$(mkbundle /bin/true)
	add_mount "$b" '{"destination": "/conf-hookmnt", "type": "tmpfs", "source": "conf-hookmnt"}'
	s='pid=$(jq -r .pid); if grep -q conf-hookmnt /proc/$pid/mountinfo; then echo "$0 yes"; else echo "$0 no"; fi >> '"$C/seen"
	h1=$(jq -cn --arg s "$s" '{path: "/bin/sh", args: ["sh", "-c", $s, "prestart"]}')
	h2=$(jq -cn --arg s "$s" '{path: "/bin/sh", args: ["sh", "-c", $s, "createRuntime"]}')
	cfg "$b" '.hooks = {prestart: [$h1], createRuntime: [$h2]}' --argjson h1 "$h1" --argjson h2 "$h2"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	expect_eq "$(tr '\n' ' ' <"$C/seen")" "prestart yes createRuntime yes " "the container's mounts seen by prestart and createRuntime"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
}

# failing_create_hook KIND: "If any KIND hook fails, the runtime MUST generate an error, stop the container"
failing_create_hook() {
	local kind=$1 b id pid
	b=$(mkbundle /bin/sh -c 'echo ran > /shared/ran')
	case $kind in
	createContainer) # its state.pid is the container's view (1): createRuntime records the host's
		cfg "$b" '.hooks = {createRuntime: [$r], createContainer: [$h]}' --argjson r "$(hook createRuntime)" --argjson h "$(hook "$kind" 1)" ;;
	*) cfg "$b" ".hooks = {$kind: [\$h]}" --argjson h "$(hook "$kind" 1)" ;;
	esac
	id=$(new_id)
	expect_create_fails "$id" "$b" "$kind hook exits 1"
	[ -n "$(hook_state "$kind")" ] || fail "the $kind hook did not run"
	[ "$kind" = createContainer ] && kind=createRuntime
	pid=$(jq -r '.pid // 0' <<<"$(hook_state "$kind")")
	wait_for 5 pid_dead "$pid" || fail "container process $pid still alive after the failed create"
	[ ! -e "$C/shared/ran" ] || fail "the user program ran"
}
tc_hooks_prestart_failure_aborts_create() { failing_create_hook prestart; }
tc_hooks_createRuntime_failure_aborts_create() { failing_create_hook createRuntime; }
tc_hooks_createContainer_failure_aborts_create() { failing_create_hook createContainer; }

# a failed create continues "at step 12": the container is destroyed and poststop hooks MUST run
tc_hooks_create_failure_runs_poststop() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" '.hooks = {createRuntime: [$f], poststop: [$s]}' --argjson f "$(hook createRuntime 1)" --argjson s "$(hook poststop)"
	id=$(new_id)
	expect_create_fails "$id" "$b" "createRuntime hook exits 1"
	expect_eq "$(hook_names)" "createRuntime poststop " "hooks run by the failed create"
}

# startContainer failure: start errors, the program does not run, the container is stopped
tc_hooks_startContainer_failure() {
	local b id pid
	b=$(mkbundle /bin/sh -c 'echo ran > /shared/ran')
	cfg "$b" '.hooks = {startContainer: [$h]}' --argjson h "$(start_hook 1)"
	id=$(new_id)
	ctr_create "$id" "$b"
	pid=$(ctr_pid "$id")
	if ctr_start "$id"; then fail "start succeeded although the startContainer hook failed"; fi
	wait_for 5 pid_dead "$pid" || fail "container process still alive"
	[ ! -e "$C/shared/ran" ] || fail "the user program ran"
	ctr_gone "$id" || expect_eq "$(ctr_status "$id")" stopped "status after the failed start"
}

# poststart failure (runtime.md step 9): "MUST generate an error, stop the container"
tc_hooks_poststart_failure() {
	local b id pid
	b=$(mkbundle /bin/sleep 60)
	cfg "$b" '.hooks = {poststart: [$h]}' --argjson h "$(hook poststart 1)"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	pid=$(ctr_pid "$id")
	if ctr_start "$id"; then fail "start succeeded although the poststart hook failed"; fi
	wait_for 5 pid_dead "$pid" || fail "container process still alive after the failed poststart hook"
	ctr_gone "$id" || expect_eq "$(ctr_status "$id")" stopped "status after the failed start"
}

# poststop failure: "MUST log a warning, but the remaining hooks and lifecycle continue"
tc_hooks_poststop_failure_warns() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" '.hooks = {poststop: [$f, $s]}' --argjson f "$(hook poststop-fail 1)" --argjson s "$(hook poststop-next)"
	id=$(new_id)
	ctr_create "$id" "$b"
	ctr_start "$id"
	wait_status "$id" stopped
	ctr_delete "$id" || fail "delete failed because of a poststop hook: $(cat "$C/delete.out")"
	expect_eq "$(hook_names)" "poststop-fail poststop-next " "poststop hooks run"
	ctr_gone "$id" || fail "container still known after delete"
}

# timeout: "the number of seconds before aborting the hook"; an aborted hook fails the create
tc_hooks_timeout() {
	local b id t0
	b=$(mkbundle /bin/true)
	cfg "$b" '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}'
	id=$(new_id)
	t0=$SECONDS
	expect_create_fails "$id" "$b" "createRuntime hook that outlives its timeout"
	[ $((SECONDS - t0)) -lt 15 ] || fail "create took $((SECONDS - t0))s with a 1s hook timeout"
}

# "If set, timeout MUST be greater than zero" (0 is invalid)
tc_hooks_timeout_zero_errors() {
	local b id
	b=$(mkbundle /bin/true)
	cfg "$b" '.hooks = {createRuntime: [{path: "/bin/true", timeout: 0}]}'
	id=$(new_id)
	expect_create_fails "$id" "$b" "hook timeout 0"
}

# "path MUST be absolute"
tc_hooks_relative_path_errors() {
	local b id
	b=$(mkbundle /bin/true)
	# bin/true resolves from / (the runner's cwd) and from the bundle: only validation refuses it
	mkdir -p "$b/bin"
	ln -s /bin/true "$b/bin/true"
	cfg "$b" '.hooks = {createRuntime: [{path: "bin/true"}]}'
	id=$(new_id)
	expect_create_fails "$id" "$b" "relative hook path"
}

# ================================ cgroups (config-linux.md) ===================================

# ctr_cgroup PID: the cgroup v2 directory of a process, in this namespace's cgroup2 mount
ctr_cgroup() { echo "$(cgroup2_mount)$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }
has_controller() { grep -qw "$1" "$(cgroup2_mount)/cgroup.controllers"; }

# cgroupsPath: an absolute path is "relative to the cgroups mount point"; delete removes the cgroup
tc_cgroup_path_absolute() {
	local b id pid cg=oc$$-c$CASE_NO
	b=$(mkbundle /bin/sleep 60)
	cfg "$b" '.linux.cgroupsPath = $p' --arg p "/$cg/ctr"
	id=$(new_id)
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	pid=$(ctr_pid "$id")
	expect_eq "$(grep '^0::' "/proc/$pid/cgroup")" "0::/$cg/ctr" "cgroup of the container process"
	[ -d "$(cgroup2_mount)/$cg/ctr" ] || fail "no directory $(cgroup2_mount)/$cg/ctr"
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
	local left=0
	[ -d "$(cgroup2_mount)/$cg/ctr" ] && left=1
	rmdir "$(cgroup2_mount)/$cg/ctr" "$(cgroup2_mount)/$cg" 2>/dev/null || true
	[ $left = 0 ] || fail "delete left the cgroup /$cg/ctr it created"
}

# resources of a controller: honoured when the controller is there, an error when it is not
# ("The runtime MUST generate an error when the configuration refers to a cgroup controller
# that is not present or that cannot be enabled")
resource_case() { # resource_case CONTROLLER FILTER FILE EXPECTED
	local ctl=$1 filter=$2 file=$3 want=$4 b id pid cg=oc$$-c$CASE_NO got
	b=$(mkbundle /bin/sleep 60)
	cfg "$b" ".linux.cgroupsPath = \$p | $filter" --arg p "/$cg"
	id=$(new_id)
	if ! has_controller "$ctl"; then
		echo "controller $ctl is not available in $(cgroup2_mount): create must fail" >&2
		expect_create_fails "$id" "$b" "a $ctl limit without the $ctl controller"
		return 0 # (the runner fails the case if the cgroup was left behind)
	fi
	ctr_create "$id" "$b" || fail "create failed: $(errline)"
	pid=$(ctr_pid "$id")
	got=$(cat "$(ctr_cgroup "$pid")/$file" 2>&1)
	ctr_kill "$id" KILL
	wait_status "$id" stopped
	ctr_delete "$id"
	expect_eq "$got" "$want" "$file"
}
tc_cgroup_memory_limit() { resource_case memory '.linux.resources.memory = {limit: 67108864}' memory.max 67108864; }
tc_cgroup_pids_limit() { resource_case pids '.linux.resources.pids = {limit: 42}' pids.max 42; }
tc_cgroup_cpu_quota() { resource_case cpu '.linux.resources.cpu = {quota: 50000, period: 100000}' cpu.max "50000 100000"; }

tc_cgroup_hugetlb_limit() {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this host"
	resource_case hugetlb '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]' hugetlb.2MB.max 4194304
}

# linux.resources.unified: "Configuration unknown to the runtime MUST still be written to the relevant file"
tc_cgroup_unified() {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this host"
	resource_case hugetlb '.linux.resources.unified = {"hugetlb.2MB.max": "6291456"}' hugetlb.2MB.max 6291456
}

# the device allowlist: a node the cgroup denies cannot be opened (EPERM); an allowed node of the
# same kind gets past the cgroup (ENXIO: majors 241 and 242 have no driver). The nodes come from a
# bind mount, not from linux.devices (whose entries a runtime may allow implicitly: "devices that
# MUST be available in the container").
tc_cgroup_devices_allowlist() {
	local b id
	[ "$DEVICES_CGROUP" = 1 ] || skip "$NO_DEVCG_REASON"
	if grep -qE '^ *24[12] ' /proc/devices; then skip "char major 241 or 242 is registered on this host"; fi
	mkdir -p "$C/devs"
	mknod -m 666 "$C/devs/denied" c 241 0
	mknod -m 666 "$C/devs/allowed" c 242 0
	b=$(mkbundle /bin/sh -c 'oci-check open /devs/denied r | sed s/^/denied/; oci-check open /devs/allowed r | sed s/^/allowed/; oci-check open /dev/null w | sed s/^/null/')
	cfg "$b" '.mounts += [{destination: "/devs", type: "bind", source: $s, options: ["bind", "dev"]}]
		| .linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 242, minor: 0, access: "rwm"}]' --arg s "$C/devs"
	id=$(new_id)
	ctr_run "$id" "$b" || fail "run failed: $(errline)"
	expect_eq "$(kv deniedresult)" EPERM "open of a device the cgroup denies"
	expect_eq "$(kv allowedresult)" ENXIO "open of an allowed device without a driver"
	expect_eq "$(kv nullresult)" ok "open of /dev/null (a default device)"
}

# intelRdt: "If no mounted resctrl pseudo-filesystem is available in the runtime mount
# namespace, the runtime MUST generate an error"
tc_intel_rdt_without_resctrl_errors() {
	local b id
	if grep -q ' resctrl ' /proc/self/mounts; then skip "resctrl is mounted on this host"; fi
	b=$(mkbundle)
	cfg "$b" '.linux.intelRdt = {closID: "oci-conformance"}'
	id=$(new_id)
	expect_create_fails "$id" "$b" "intelRdt without a resctrl mount"
}

# netDevices (runtime-spec 1.3): the device is moved into the container's netns, renamed, keeps
# its address and is up; honoured or rejected. Runs the runtime inside a netns made for the case.
tc_net_devices_honoured_or_rejected() {
	local b id ns=oc$$-d$CASE_NO
	ip netns add "$ns" || skip "ip netns add failed"
	echo "$ns" >>"$WORK/netns.list"
	ip -n "$ns" link add conf0 type veth peer name conf0p
	ip -n "$ns" addr add 192.0.2.10/24 dev conf0
	b=$(mkbundle /bin/sh -c 'ip -o addr show dev conf1; ip -o link show dev conf1; exit 0')
	cfg "$b" '.linux.netDevices = {conf0: {name: "conf1"}}'
	id=$(new_id)
	if ! nsenter --net="/run/netns/$ns" timeout 60 "$RUNTIME" --root "$STATE_ROOT" run --bundle "$b" "$id" </dev/null >>"$C/out" 2>>"$C/err"; then
		ip netns del "$ns"
		[ ! -s "$C/out" ] || fail "the container ran but run failed: $(errline)"
		ctr_gone "$id" || fail "run failed but the runtime still knows container $id"
		echo "rejected by the runtime: $(errline)" >&2
		return 0
	fi
	ip netns del "$ns"
	expect_has "$(cat "$C/out")" "192.0.2.10/24" "address of the moved device"
	grep -qE '<([^>]*,)?UP[,>]' "$C/out" || fail "the moved device is not up: $(cat "$C/out")"
}

# ================================ personality =================================================

# personality LINUX32: honoured (uname -m says i686) or rejected
tc_personality_linux32_honoured_or_rejected() {
	local b id
	b=$(mkbundle)
	cfg "$b" '.linux.personality = {domain: "LINUX32"}'
	id=$(new_id)
	rejected "$id" "$b" && return 0
	expect_eq "$(kv machine)" i686 "uname machine with personality LINUX32"
}
