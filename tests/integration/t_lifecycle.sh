#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The basic lifecycle as a runc user sees it: create/start/state/kill/delete, run, list.
. "$(dirname "$0")/lib.sh"

test_run_exit_status() {
	local b=$TMPROOT/b-exit id
	make_bundle "$b" sh -c 'exit 42'
	id=$(new_id)
	bundle_run "$b" "$id"
	assert_eq "$?" 42 "run exits with the container's status"
	[ ! -e "$ROOT/$id" ] || fail "run left its state dir behind"
}

test_run_output() {
	# (128+N for a signal from outside: t_runlife.sh)
	local b=$TMPROOT/b-out out
	make_bundle "$b" sh -c 'echo hello-from-container'
	out=$(bundle_run "$b" "$(new_id)")
	assert_eq "$?" 0
	assert_eq "$out" hello-from-container
}

test_create_start_state_delete() {
	local b=$TMPROOT/b-life id st pid
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL create -b "$b" --pid-file "$TMPROOT/$id.pid" "$id" </dev/null || fail "create failed"
	st=$(HULL state "$id") || fail "state failed"
	assert_eq "$(jq -r .status <<<"$st")" created
	assert_eq "$(jq -r .id <<<"$st")" "$id"
	assert_eq "$(jq -r .bundle <<<"$st")" "$(cd "$b" && pwd -P)"
	pid=$(jq -r .pid <<<"$st")
	assert_eq "$(cat "$TMPROOT/$id.pid")" "$pid" "pid file holds the pid, no newline"
	[ "$(wc -c <"$TMPROOT/$id.pid")" -eq "${#pid}" ] || fail "pid file has extra bytes"
	HULL start "$id" || fail "start failed"
	assert_eq "$(HULL state "$id" | jq -r .status)" running
	HULL kill "$id" KILL || fail "kill failed"
	for _ in $(seq 50); do [ "$(HULL state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	st=$(HULL state "$id")
	assert_eq "$(jq -r .status <<<"$st")" stopped
	assert_eq "$(jq -r .pid <<<"$st")" 0
	HULL delete "$id" || fail "delete failed"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_unknown_container_errors() {
	local out
	out=$(HULL state nosuch 2>&1)
	[ $? -ne 0 ] || fail "state of an unknown id succeeded"
	assert_contains "$out" "does not exist"
	HULL delete --force nosuch || fail "delete --force of an unknown id must exit 0"
	out=$(HULL delete nosuch 2>&1) && fail "delete of an unknown id succeeded"
	assert_contains "$out" "does not exist"
}

test_list_formats() {
	local b=$TMPROOT/b-list id
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	assert_contains "$(HULL list)" "$id"
	assert_eq "$(HULL list -q)" "$id"
	assert_eq "$(HULL list --format json | jq -r '.[0].status')" created
	HULL delete --force "$id"
	assert_eq "$(HULL list -q)" ""
}

run_tests
