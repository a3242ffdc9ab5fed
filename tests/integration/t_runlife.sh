#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run/create details a client relies on: the pid file (atomic, digits only), `run -d`,
# `run`'s exit status for a signal, signal forwarding, delete of a running container.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

test_pid_file_atomic_digits_only() {
	local b=$TMPROOT/b-pid id pidf=$TMPROOT/pids/c.pid pid
	mkdir -p "$TMPROOT/pids"
	make_bundle "$b" sleep 30
	# a hard link to the old file: an in-place write would change it too, a rename does not
	echo stale >"$pidf"
	ln "$pidf" "$TMPROOT/old-inode"
	id=$(new_id)
	HULL create --pid-file "$pidf" -b "$b" "$id" </dev/null || fail "create failed"
	pid=$(cat "$pidf")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file is not digits only: [$(od -c "$pidf" | head -2)]"
	assert_eq "$pid" "$(HULL state "$id" | jq -r .pid)" "pid file holds the init pid"
	assert_eq "$(cat "$TMPROOT/old-inode")" stale "the pid file was rewritten in place, not replaced by a rename"
	assert_eq "$(ls -A "$TMPROOT/pids")" c.pid "no temporary file left next to the pid file"
	HULL delete --force "$id"
}

test_pid_file_relative_to_cwd() {
	local b=$TMPROOT/b-pidrel id d=$TMPROOT/cwd
	mkdir -p "$d"
	make_bundle "$b" sleep 30
	id=$(new_id)
	(cd "$d" && "$HULL_BIN" --root "$ROOT" create --pid-file rel.pid -b "$b" "$id" </dev/null) || fail "create failed"
	[ -f "$d/rel.pid" ] || fail "the relative pid file is not in the caller's cwd"
	assert_eq "$(cat "$d/rel.pid" 2>/dev/null)" "$(HULL state "$id" | jq -r .pid)"
	HULL delete --force "$id"
}

test_exec_pid_file_atomic() {
	local b=$TMPROOT/b-epid id pidf=$TMPROOT/epids/e.pid
	mkdir -p "$TMPROOT/epids"
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	echo stale >"$pidf"
	ln "$pidf" "$TMPROOT/old-exec-inode"
	HULL exec -d --pid-file "$pidf" "$id" sleep 20 </dev/null >/dev/null 2>&1 || fail "exec -d failed"
	[[ $(cat "$pidf") =~ ^[0-9]+$ ]] || fail "exec pid file is not digits only"
	assert_eq "$(cat "$TMPROOT/old-exec-inode")" stale "the exec pid file was rewritten in place"
	assert_eq "$(ls -A "$TMPROOT/epids")" e.pid "no temporary file left"
	HULL delete --force "$id"
}

test_run_detach_returns_while_running() {
	local b=$TMPROOT/b-det id start out
	make_bundle "$b" sh -c 'echo detached-output; exec sleep 30'
	id=$(new_id)
	start=$(date +%s)
	HULL run -d -b "$b" "$id" </dev/null >"$TMPROOT/det.out" 2>&1 || fail "run -d failed: $(cat "$TMPROOT/det.out")"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "run -d did not return at once"
	assert_eq "$(status_of "$id")" running "running after run -d returned"
	wait_for 5 grep -q detached-output "$TMPROOT/det.out" || fail "the container's stdout is not the caller's"
	HULL delete --force "$id" || fail "delete --force of a running container failed"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_run_killed_by_signal_exits_128_plus_n() {
	local b=$TMPROOT/b-sig id rpid rc
	make_bundle "$b" sleep 60
	id=$(new_id)
	"$HULL_BIN" --root "$ROOT" run -b "$b" "$id" </dev/null >/dev/null 2>&1 &
	rpid=$!
	wait_for 10 _status_is "$id" running || fail "not running"
	HULL kill "$id" KILL || fail "kill failed"
	wait $rpid
	rc=$?
	assert_eq "$rc" 137 "run exits 128+9 when the container is killed by SIGKILL"
	[ ! -e "$ROOT/$id" ] || fail "run left the container behind"
}

test_run_forwards_signals() {
	# runc run (without a terminal) forwards the signals it gets to the container's init
	local b=$TMPROOT/b-fwd id rpid rc
	make_bundle "$b" sh -c 'trap "echo got-term; exit 9" TERM; echo ready; while :; do sleep 0.1; done'
	id=$(new_id)
	"$HULL_BIN" --root "$ROOT" run -b "$b" "$id" </dev/null >"$TMPROOT/fwd.out" 2>&1 &
	rpid=$! # hull itself, not a subshell
	wait_for 10 grep -q ready "$TMPROOT/fwd.out" || fail "not started"
	kill -TERM $rpid
	wait_for 10 sh -c "! kill -0 $rpid 2>/dev/null" || { fail "run did not end after SIGTERM"; HULL kill "$id" KILL; }
	wait $rpid
	rc=$?
	assert_eq "$rc" 9 "run exits with the status the init chose on SIGTERM"
	assert_contains "$(cat "$TMPROOT/fwd.out")" got-term
}

test_delete_running_without_force_fails() {
	local b=$TMPROOT/b-delrun id out
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	out=$(HULL delete "$id" 2>&1) && fail "delete of a running container succeeded"
	assert_contains "$out" "running"
	assert_eq "$(status_of "$id")" running "still running"
	HULL delete --force "$id" || fail "delete --force failed"
}

test_start_twice_fails() {
	local b=$TMPROOT/b-start2 id out
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	HULL start "$id" || fail "start failed"
	out=$(HULL start "$id" 2>&1) && fail "a second start succeeded"
	[ -n "$out" ] || fail "no message"
	HULL delete --force "$id"
}

test_state_of_stopped_container_after_create_start() {
	local b=$TMPROOT/b-stp id
	make_bundle "$b" sh -c 'exit 3'
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	HULL start "$id" || fail "start failed"
	wait_status "$id" stopped || fail "did not stop"
	assert_eq "$(HULL list --format json | jq -r --arg id "$id" '.[] | select(.id == $id) | .status')" stopped "list shows stopped"
	HULL delete "$id" || fail "delete of a stopped container failed"
}

run_tests
