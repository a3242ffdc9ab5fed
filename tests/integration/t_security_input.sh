#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile or malformed input to create/update/exec (issue 11): cgroup core files in
# linux.resources.unified, a pid file whose temporary name is planted, an empty
# --console-socket, negative pids limits, namespace paths of the wrong kind, a user namespace
# without mappings. Each is refused with the JSON path (or flag) and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

# a host process of ours that a config must never reach: "sleep" in its own session
host_sleeper() {
	setsid sleep 300 </dev/null >/dev/null 2>&1 &
	local pid=$!
	on_exit "kill -9 $pid"
	echo "$pid"
}
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status"; }

# The attack: unified {"cgroup.procs": "<host pid>"} moved a host process into the container's
# cgroup, and `delete --force` (which kills everything in that cgroup) then killed it.
test_unified_cgroup_procs_refused_host_process_survives() {
	local b=$TMPROOT/b-procs id out spid before
	spid=$(host_sleeper)
	before=$(cgroup_of "$spid")
	make_bundle "$b" sleep 300
	jq_config "$b" ".linux.resources.unified = {\"cgroup.procs\": \"$spid\"}"
	id=$(new_id)
	out=$(create_out -b "$b" "$id")
	local rc=$?
	# whatever create did, force-delete it the way a client cleans up
	HULL delete --force "$id" >/dev/null 2>&1
	[ $rc -ne 0 ] || fail "a config that writes cgroup.procs was accepted"
	assert_contains "$out" 'config.json: .linux.resources.unified["cgroup.procs"]: a cgroup core file'
	alive "$spid" || fail "the host process $spid was killed by delete --force"
	assert_eq "$(cgroup_of "$spid")" "$before" "the host process's cgroup"
	[ ! -e "$ROOT/$id" ] || fail "state dir left after the refused create"
}

# the same rule for update, on a running container
test_update_unified_core_files_refused() {
	local b=$TMPROOT/b-updprocs id out spid before cpid k
	spid=$(host_sleeper)
	before=$(cgroup_of "$spid")
	make_bundle "$b" sleep 300
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed"
	cpid=$(HULL state "$id" | jq -r .pid)
	for k in cgroup.procs cgroup.threads cgroup.kill cgroup.freeze cgroup.subtree_control cgroup.type; do
		printf '{"unified": {"%s": "%s"}}' "$k" "$spid" >"$TMPROOT/res.json"
		out=$(HULL update -r "$TMPROOT/res.json" "$id" 2>&1) && fail "update wrote $k"
		assert_contains "$out" "$TMPROOT/res.json: .unified[\"$k\"]: a cgroup core file"
		# stdin too (go-runc pipes the JSON in)
		out=$(HULL update -r - "$id" <"$TMPROOT/res.json" 2>&1) && fail "update from stdin wrote $k"
		assert_contains "$out" "stdin: .unified[\"$k\"]: a cgroup core file"
	done
	assert_eq "$(status_of "$id")" running "the container after the refused updates"
	alive "$cpid" || fail "the container process died (cgroup.kill written?)"
	HULL delete --force "$id" || fail "delete --force failed"
	alive "$spid" || fail "the host process $spid was killed by delete --force"
	assert_eq "$(cgroup_of "$spid")" "$before" "the host process's cgroup"
}

test_unified_other_bad_keys_refused() {
	local b=$TMPROOT/b-badkeys id out k
	make_bundle "$b" true
	for k in cgroup.kill cgroup.max.depth/../cgroup.procs ../cgroup.procs net_cls.classid freezer.state; do
		jq_config "$b" ".linux.resources.unified = {\"$k\": \"1\"}"
		id=$(new_id)
		out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "unified key $k accepted"; }
		assert_contains "$out" "config.json: .linux.resources.unified[\"$k\"]: "
		[ ! -e "$ROOT/$id" ] || fail "state dir left after the refused key $k"
	done
}

# the two cgroup core files that are allowed: limits on the cgroups the container may create
# below its own, which bound nothing outside it
test_unified_allowed_core_limits_applied() {
	local b=$TMPROOT/b-maxdesc id cpid cg mnt
	mnt=$(awk '{for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") m = $5; break }} END {print m}' /proc/self/mountinfo)
	[ -n "$mnt" ] || skip "no cgroup2 mount"
	make_bundle "$b" sleep 300
	jq_config "$b" '.linux.resources.unified = {"cgroup.max.descendants": "3", "cgroup.max.depth": "2"}'
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d with cgroup.max.* failed"
	cpid=$(HULL state "$id" | jq -r .pid)
	cg=$(cgroup_of "$cpid")
	assert_eq "$(cat "$mnt$cg/cgroup.max.descendants")" 3 "cgroup.max.descendants of the container"
	assert_eq "$(cat "$mnt$cg/cgroup.max.depth")" 2 "cgroup.max.depth of the container"
	HULL delete --force "$id" || fail "delete --force failed"
}

# The pid file was written through "<pid-file>.tmp.<hull's pid>", opened without O_EXCL: the
# name is predictable (the pid of the process that execs hull), and a file planted there by
# another user became the pid file (theirs to rewrite later), a symlink made create fail.
test_pid_file_planted_temp_name() {
	local b=$TMPROOT/b-pidf id dir=$TMPROOT/piddir pidf host=$TMPROOT/host-file out
	mkdir -p "$dir"
	chmod 1777 "$dir" # a shared directory, as /tmp or a client's run dir can be
	pidf=$dir/c.pid
	echo host-data >"$host"
	make_bundle "$b" sleep 300
	id=$(new_id)
	# exec keeps the pid: the planted names are exactly what hull would use
	out=$(bash -c 'ln -s "$1" "$2.tmp.$$" && exec "$3" --root "$4" create --pid-file "$2" -b "$5" "$6" </dev/null >/dev/null 2>&1' \
		_ "$host" "$pidf" "$HULL_BIN" "$ROOT" "$b" "$id" 2>&1) || fail "create failed with a symlink planted at the temp name: $out"
	assert_eq "$(cat "$host")" host-data "the symlink's target"
	assert_eq "$(cat "$pidf" 2>/dev/null)" "$(HULL state "$id" 2>/dev/null | jq -r .pid)" "pid file content"
	HULL delete --force "$id" >/dev/null 2>&1
	rm -f "$pidf" "$dir"/*.tmp.*

	# a regular file of another user planted at the temp name must not become the pid file
	id=$(new_id)
	bash -c 'f="$2.tmp.$$"; : >"$f"; chmod 666 "$f"; chown nobody "$f"; exec "$3" --root "$4" create --pid-file "$2" -b "$5" "$6" </dev/null >/dev/null 2>&1' \
		_ "$host" "$pidf" "$HULL_BIN" "$ROOT" "$b" "$id" || fail "create failed with a file planted at the temp name"
	assert_eq "$(stat -c %U "$pidf" 2>/dev/null)" root "owner of the pid file"
	assert_eq "$(cat "$pidf" 2>/dev/null)" "$(HULL state "$id" 2>/dev/null | jq -r .pid)" "pid file content"
	assert_eq "$(find "$dir" -name '.c.pid.*')" "" "no temporary file left"
	HULL delete --force "$id" >/dev/null 2>&1
}

test_console_socket_empty_rejected() {
	local b=$TMPROOT/b-cs id out
	make_bundle "$b" sleep 300
	jq_config "$b" '.process.terminal = true'
	id=$(new_id)
	out=$(create_out --console-socket "" -b "$b" "$id") && { HULL delete --force "$id"; fail "--console-socket \"\" accepted"; }
	assert_eq "$out" 'hull create: --console-socket: empty path (give the path of a unix socket)'
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
	out=$(HULL run --console-socket= -b "$b" "$id" 2>&1 </dev/null) && fail "run --console-socket= accepted"
	assert_eq "$out" 'hull run: --console-socket: empty path (give the path of a unix socket)'
	jq_config "$b" '.process.terminal = false'
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed"
	out=$(HULL exec --console-socket "" -t "$id" true 2>&1 </dev/null) && fail "exec --console-socket \"\" accepted"
	assert_eq "$out" 'hull exec: --console-socket: empty path (give the path of a unix socket)'
	HULL delete --force "$id"
}

# pids.limit: -1 is "max", a count otherwise; -2 meant nothing and was silently unlimited
test_negative_pids_limit_rejected() {
	local b=$TMPROOT/b-pids id out
	make_bundle "$b" sleep 300
	jq_config "$b" '.linux.resources.pids = {"limit": -2}'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "pids limit -2 accepted"; }
	assert_eq "$out" "$b/config.json: .linux.resources.pids.limit: value -2 out of range (-1..9223372036854775807)"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
	jq_config "$b" '.linux.resources.pids = {"limit": -1}'
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "pids limit -1 (unlimited) refused"
	out=$(HULL update --pids-limit -5 "$id" 2>&1) && fail "update --pids-limit -5 accepted"
	assert_contains "$out" 'invalid value "-5" for --pids-limit: out of range [-1,'
	echo '{"pids": {"limit": -3}}' >"$TMPROOT/pids.json"
	out=$(HULL update -r "$TMPROOT/pids.json" "$id" 2>&1) && fail "update with pids limit -3 accepted"
	assert_eq "$out" "$TMPROOT/pids.json: .pids.limit: value -3 out of range (-1..9223372036854775807)"
	HULL update --pids-limit -1 "$id" || fail "update --pids-limit -1 refused"
	HULL delete --force "$id"
}

ns_index() { jq "[.linux.namespaces[].type] | index(\"$2\")" "$1/config.json"; }

test_namespace_path_wrong_type_names_both_types() {
	local b=$TMPROOT/b-nst id out i
	make_bundle "$b" true
	i=$(ns_index "$b" ipc)
	jq_config "$b" ".linux.namespaces[$i].path = \"/proc/$$/ns/net\""
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a net namespace was joined as ipc"; }
	assert_eq "$out" "config.json: .linux.namespaces[$i].path: \"/proc/$$/ns/net\" is a network namespace, not ipc"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

# a FIFO given as a namespace path: opening it for reading blocked create forever
test_namespace_path_fifo_does_not_hang() {
	local b=$TMPROOT/b-nsfifo id out i
	mkfifo "$TMPROOT/ns-fifo"
	make_bundle "$b" true
	i=$(ns_index "$b" network)
	jq_config "$b" ".linux.namespaces[$i].path = \"$TMPROOT/ns-fifo\""
	id=$(new_id)
	out=$(timeout 20 "$HULL_BIN" --root "$ROOT" create -b "$b" "$id" 2>&1 </dev/null)
	local rc=$?
	[ $rc -ne 124 ] || fail "create hung on a FIFO namespace path"
	[ $rc -ne 0 ] || { HULL delete --force "$id"; fail "a FIFO was joined as a namespace"; }
	assert_contains "$out" "config.json: .linux.namespaces[$i].path: \"$TMPROOT/ns-fifo\" is not a namespace"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_user_namespace_without_mappings_names_the_path() {
	local b=$TMPROOT/b-userns id out
	make_bundle "$b" true
	jq_config "$b" '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a user namespace without mappings was accepted"; }
	assert_contains "$out" "config.json: .linux.uidMappings: required: .linux.namespaces["
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

run_tests
