#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# delete --force either removes everything of a container or fails and keeps its state so
# that it can be retried: it never forgets a container that still exists (issue 11: a
# container frozen from outside made delete -f return 0 with its process and cgroup left).
# Reproduced with cgroup2 and our own processes only (never the v1 hierarchies).
. "$(dirname "$0")/lib.sh"

CG2=$(awk '{for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i+1) == "cgroup2") print $5; break }}' /proc/self/mountinfo | head -1)

# alive PID: the process exists and is not a zombie (a dead init waits for its reaper)
alive() {
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

started() { # started ID: a running container whose init sleeps
	local b=$TMPROOT/b-$1
	make_bundle "$b" sleep 1000 || return 1
	HULL create -b "$b" "$1" </dev/null && HULL start "$1"
}

test_cgroup_that_cannot_be_removed_keeps_the_state() {
	[ -n "$CG2" ] || skip "no cgroup2 mount"
	local id cg out rc pid
	id=$(new_id)
	started "$id" || fail "setup"
	pid=$(HULL state "$id" | jq -r .pid)
	cg=$CG2/hull/$id
	[ -d "$cg" ] || skip "container cgroup not at $cg"
	# a mount on a child cgroup makes its rmdir fail with EBUSY, like a cgroup whose
	# processes cannot die
	mkdir "$cg/stuck" && mount -t tmpfs -o size=4k hullstuck "$cg/stuck" || skip "cannot mount on a cgroup2 directory"
	out=$(HULL delete --force "$id" 2>&1)
	rc=$?
	[ $rc -ne 0 ] || fail "delete --force returned 0 but the cgroup $cg is still there"
	assert_eq "$(grep -c . <<<"$out")" 1 "one-line error: $out"
	assert_contains "$out" "retry delete --force"
	[ -d "$ROOT/$id" ] || fail "the state of a container whose cgroup still exists was dropped"
	HULL state "$id" >/dev/null || fail "state no longer knows the container"
	alive "$pid" && fail "the init $pid survived SIGKILL"
	umount "$cg/stuck"
	HULL delete --force "$id" || fail "retry of delete --force failed"
	[ ! -e "$cg" ] || fail "cgroup $cg left after the retry"
	[ ! -e "$ROOT/$id" ] || fail "state left after the retry"
}

test_init_moved_out_of_its_cgroup_is_killed() {
	[ -n "$CG2" ] || skip "no cgroup2 mount"
	[ -e "$CG2/cgroup.freeze" ] || [ -e "$CG2/cgroup.procs" ] || skip "no cgroup2 freezer"
	local id pid out rc outside=$CG2/hull-it-outside-$$
	id=$(new_id)
	started "$id" || fail "setup"
	pid=$(HULL state "$id" | jq -r .pid)
	# freeze the init from outside: another cgroup, frozen (the v1-freezer case on a
	# hybrid host, with cgroup2 only)
	mkdir "$outside" || skip "cannot create $outside"
	[ -e "$outside/cgroup.freeze" ] || { rmdir "$outside"; skip "no cgroup.freeze"; }
	echo "$pid" >"$outside/cgroup.procs" || { rmdir "$outside"; fail "cannot move $pid"; return; }
	echo 1 >"$outside/cgroup.freeze"
	out=$(timeout 60 "$HULL_BIN" --root "$ROOT" delete --force "$id" 2>&1)
	rc=$?
	sleep 0.2
	if [ $rc -eq 0 ]; then
		alive "$pid" && fail "delete --force returned 0 but the init $pid still exists"
		[ ! -e "$ROOT/$id" ] || fail "delete --force returned 0 but kept the state"
	else
		[ -e "$ROOT/$id" ] || fail "delete --force failed ($out) and dropped the state"
	fi
	echo 0 >"$outside/cgroup.freeze"
	kill -9 "$pid" 2>/dev/null
	sleep 0.2
	rmdir "$outside" 2>/dev/null || fail "$outside still has processes"
	HULL delete --force "$id" >/dev/null 2>&1
	[ ! -e "$CG2/hull/$id" ] || fail "cgroup left"
}

run_tests
