#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bad input: one-line errors naming the file and JSON path; nothing left behind.
. "$(dirname "$0")/lib.sh"

# ours only: other users of the machine create containers and mounts at the same time
snapshot() {
	{ ls "$ROOT" 2>/dev/null; grep -F "$TMPROOT" /proc/self/mountinfo; ls "$CG2/hull" 2>/dev/null | grep "^t$$-"; } | tr '\n' ' '
}

test_bad_namespace_type() {
	local b=$TMPROOT/b-badns out before
	make_bundle "$b" true
	jq_config "$b" '.linux.namespaces[2].type = "netx"'
	before=$(snapshot)
	out=$(HULL create -b "$b" "$(new_id)" 2>&1 </dev/null) && fail "accepted a bad namespace"
	assert_eq "$(wc -l <<<"$out")" 1 "one-line error"
	assert_contains "$out" 'config.json: .linux.namespaces[2].type: unknown namespace "netx"'
	assert_eq "$(snapshot)" "$before" "nothing left behind"
}

test_wrong_type() {
	local b=$TMPROOT/b-badtype out
	make_bundle "$b" true
	jq_config "$b" '.process.args = 5'
	out=$(HULL create -b "$b" "$(new_id)" 2>&1 </dev/null) && fail "accepted args = 5"
	assert_contains "$out" "config.json: .process.args"
}

test_unsupported_field_rejected() {
	local b=$TMPROOT/b-unsup out
	make_bundle "$b" true
	jq_config "$b" '.linux.intelRdt = {"closID": "x"}'
	out=$(HULL create -b "$b" "$(new_id)" 2>&1 </dev/null) && fail "accepted intelRdt"
	assert_contains "$out" ".linux.intelRdt"
	assert_contains "$out" "not supported"
}

test_bad_version() {
	local b=$TMPROOT/b-ver out
	make_bundle "$b" true
	jq_config "$b" '.ociVersion = "2.0.0"'
	out=$(HULL create -b "$b" "$(new_id)" 2>&1 </dev/null) && fail "accepted ociVersion 2.0.0"
	assert_contains "$out" ".ociVersion"
}

test_duplicate_id() {
	local b=$TMPROOT/b-dup id out
	make_bundle "$b" sleep 10
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "first create failed"
	out=$(HULL create -b "$b" "$id" 2>&1 </dev/null) && fail "second create with the same id succeeded"
	assert_contains "$out" "already exists"
	HULL delete --force "$id"
}

test_failed_mount_leaves_nothing() {
	local b=$TMPROOT/b-mnt out before id
	make_bundle "$b" true
	jq_config "$b" '.mounts += [{"destination":"/mnt/x","type":"bind","source":"/does/not/exist","options":["rbind"]}]'
	before=$(snapshot)
	id=$(new_id)
	out=$(HULL create -b "$b" "$id" 2>&1 </dev/null) && fail "create with a missing bind source succeeded"
	assert_contains "$out" "/mnt/x"
	assert_eq "$(snapshot)" "$before" "nothing left behind"
	pgrep -f "hull.*$id" >/dev/null && fail "a process survived the failed create"
	return 0
}

test_cgroup_limit_without_controller() {
	grep -qw memory "$CG2/cgroup.controllers" 2>/dev/null && skip "memory controller available here"
	local b=$TMPROOT/b-mem out before
	make_bundle "$b" true
	jq_config "$b" '.linux.resources.memory = {"limit": 67108864}'
	before=$(snapshot)
	out=$(HULL create -b "$b" "$(new_id)" 2>&1 </dev/null) && fail "memory limit accepted without a memory controller"
	assert_contains "$out" "memory"
	assert_eq "$(snapshot)" "$before" "nothing left behind"
}

run_tests
