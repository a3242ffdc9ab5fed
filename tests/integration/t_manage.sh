#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Managing a running container: kill (names, numbers, --all), pause/resume, ps, update.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

# a container whose init records the signals it gets in /tmp/sig-<id> of the shared rootfs
start_trapper() {
	local b=$TMPROOT/b-trap-$1 id=$1
	make_bundle "$b" sh -c "for s in USR1 USR2 TERM HUP; do trap \"echo \$s >>/tmp/sig-$id\" \$s; done; echo ready >/tmp/sig-$id; while :; do sleep 0.1; done"
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || return 1
	wait_for 5 grep -q ready "$BASE_ROOTFS/tmp/sig-$id"
}

got_signal() { grep -qx "$2" "$BASE_ROOTFS/tmp/sig-$1"; }

test_kill_by_name_number_and_default() {
	local id
	id=$(new_id)
	start_trapper "$id" || fail "the container did not start"
	HULL kill "$id" USR1 || fail "kill USR1 failed"
	wait_for 5 got_signal "$id" USR1 || fail "USR1 (bare name) not delivered"
	HULL kill "$id" SIGHUP || fail "kill SIGHUP failed"
	wait_for 5 got_signal "$id" HUP || fail "SIGHUP (prefixed name) not delivered"
	HULL kill "$id" 12 || fail "kill 12 failed"
	wait_for 5 got_signal "$id" USR2 || fail "12 (SIGUSR2 by number) not delivered"
	HULL kill "$id" || fail "kill with the default signal failed"
	wait_for 5 got_signal "$id" TERM || fail "the default signal is not SIGTERM"
	assert_eq "$(status_of "$id")" running "trapped signals do not stop it"
	HULL kill "$id" KILL
	wait_status "$id" stopped || fail "SIGKILL did not stop it"
	HULL delete "$id" || fail "delete failed"
	rm -f "$BASE_ROOTFS/tmp/sig-$id"
}

test_kill_bad_signal_is_error() {
	local id out
	id=$(new_id)
	start_trapper "$id" || fail "the container did not start"
	out=$(HULL kill "$id" SIGNOPE 2>&1) && fail "kill SIGNOPE succeeded"
	assert_contains "$out" "NOPE"
	out=$(HULL kill "$id" 999 2>&1) && fail "kill 999 succeeded"
	assert_eq "$(status_of "$id")" running "still running after the bad kills"
	HULL delete --force "$id"
	rm -f "$BASE_ROOTFS/tmp/sig-$id"
}

test_kill_all_reaches_every_process() {
	local b=$TMPROOT/b-killall id pids p
	# the init ignores TERM; its children do not
	make_bundle "$b" sh -c 'trap "" TERM; sleep 100 & sleep 100 & while :; do sleep 1; done'
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	wait_for 5 sh -c "[ \$('$HULL_BIN' --root '$ROOT' ps --format json '$id' | jq length) -ge 3 ]" || fail "the children did not start"
	pids=$(HULL ps --format json "$id" | jq -r '.[]')
	HULL kill --all "$id" KILL || fail "kill --all failed"
	wait_status "$id" stopped || fail "kill --all KILL did not stop the container"
	for p in $pids; do
		wait_for 5 sh -c "! kill -0 $p 2>/dev/null" || fail "process $p survived kill --all"
	done
	HULL delete "$id" || fail "delete failed"
}

test_pause_resume_freezes_a_busy_loop() {
	local b=$TMPROOT/b-pause id c1 c2 c3 cnt
	id=$(new_id)
	cnt=$BASE_ROOTFS/tmp/cnt-$id
	make_bundle "$b" sh -c "i=0; while :; do i=\$((i+1)); echo \$i >/tmp/cnt-$id.new; mv /tmp/cnt-$id.new /tmp/cnt-$id; done"
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	wait_for 5 test -s "$cnt" || fail "the loop did not start"
	HULL pause "$id" || fail "pause failed"
	assert_eq "$(status_of "$id")" paused "state after pause"
	sleep 0.3
	c1=$(cat "$cnt")
	sleep 0.7
	c2=$(cat "$cnt")
	assert_eq "$c2" "$c1" "the counter moved while paused"
	HULL resume "$id" || fail "resume failed"
	assert_eq "$(status_of "$id")" running "state after resume"
	sleep 0.5
	c3=$(cat "$cnt")
	[ "$c3" -gt "$c2" ] || fail "the counter did not move after resume ($c2 -> $c3)"
	HULL delete --force "$id"
	rm -f "$cnt" "$cnt.new"
}

test_pause_errors() {
	local b=$TMPROOT/b-pause2 id out
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	out=$(HULL resume "$id" 2>&1) && fail "resume of a container that is not paused succeeded"
	HULL start "$id" || fail "start failed"
	HULL pause "$id" || fail "pause failed"
	out=$(HULL pause "$id" 2>&1) && fail "pause of a paused container succeeded"
	# a paused container can be deleted with --force
	HULL delete --force "$id" || fail "delete --force of a paused container failed"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
	[ ! -e "$CG2/hull/$id" ] || fail "cgroup left"
}

# runc accepts pause of a created container; it then reads as paused, resume brings back
# "created", and start/exec refuse while it is frozen instead of blocking on the frozen init
# (before: state said "created", resume said "not paused", start and exec hung)
test_pause_of_a_created_container() {
	local b=$TMPROOT/b-pause3 id out rc
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	HULL pause "$id" || fail "pause of a created container failed"
	assert_eq "$(status_of "$id")" paused "state after pause of a created container"
	out=$(timeout 10 "$HULL_BIN" --root "$ROOT" start "$id" 2>&1)
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "start of a paused created container: rc $rc (124: it hung)"
	assert_contains "$out" "paused"
	out=$(timeout 10 "$HULL_BIN" --root "$ROOT" exec "$id" true 2>&1 </dev/null)
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "exec into a paused created container: rc $rc (124: it hung)"
	HULL resume "$id" || fail "resume failed"
	assert_eq "$(status_of "$id")" created "state after resume"
	timeout 10 "$HULL_BIN" --root "$ROOT" start "$id" || fail "start after resume failed (rc $?)"
	assert_eq "$(status_of "$id")" running "state after start"
	HULL delete --force "$id" || fail "delete --force failed"
}

test_ps_lists_the_init_pid() {
	local b=$TMPROOT/b-ps id pid json
	make_bundle "$b" sh -c 'sleep 100 & wait'
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	pid=$(HULL state "$id" | jq -r .pid)
	wait_for 5 sh -c "[ \$('$HULL_BIN' --root '$ROOT' ps --format json '$id' | jq length) -eq 2 ]" || fail "ps did not list 2 processes"
	json=$(HULL ps --format json "$id")
	jq -e "index($pid) != null" <<<"$json" >/dev/null || fail "ps json $json lacks the init pid $pid"
	jq -e 'all(.[]; type == "number")' <<<"$json" >/dev/null || fail "ps json is not an array of pids: $json"
	assert_contains "$(HULL ps "$id")" "sleep 100"
	HULL delete --force "$id"
}

test_ps_table_uses_ps_options() {
	# runc: the table is ps(1)'s own output (default -ef), filtered to the container's pids
	command -v ps >/dev/null || skip "no ps(1) on the host"
	local b=$TMPROOT/b-pst id pid out
	make_bundle "$b" sleep 100
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	pid=$(HULL state "$id" | jq -r .pid)
	out=$(HULL ps "$id" 2>&1) || fail "ps failed: $out"
	assert_eq "$(head -1 <<<"$out" | tr -s ' ')" "$(ps -ef | head -1 | tr -s ' ')" "default table is ps -ef's"
	out=$(HULL ps "$id" -o pid,comm 2>&1) || fail "ps -o pid,comm failed: $out"
	assert_eq "$(echo $out)" "PID COMMAND $pid sleep" "ps options reach ps(1)"
	HULL delete --force "$id"
}

test_update_hugetlb_limit() {
	grep -qw hugetlb "$CG2/cgroup.controllers" 2>/dev/null || skip "no hugetlb controller on cgroup2"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	local b=$TMPROOT/b-upd id
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	echo '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}' >"$TMPROOT/res.json"
	HULL update -r "$TMPROOT/res.json" "$id" || fail "update with a hugetlb limit failed"
	assert_eq "$(cat "$CG2/hull/$id/hugetlb.2MB.max" 2>&1)" 4194304 "hugetlb.2MB.max"
	echo '{"hugepageLimits":[{"pageSize":"2MB","limit":2097152}]}' | HULL update -r - "$id" || fail "update from stdin failed"
	assert_eq "$(cat "$CG2/hull/$id/hugetlb.2MB.max" 2>&1)" 2097152 "hugetlb.2MB.max after the second update"
	HULL delete --force "$id"
}

test_update_missing_controller_is_error() {
	local b=$TMPROOT/b-upd2 id out c checked=0
	for c in pids memory cpu; do grep -qw $c "$CG2/cgroup.controllers" 2>/dev/null || checked=1; done
	# with every controller present the loop below would check nothing and pass
	[ $checked -eq 1 ] || skip "pids, memory and cpu are all available here"
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	for c in "pids:--pids-limit 10" "memory:--memory 64m" "cpu:--cpu-quota 50000"; do
		grep -qw "${c%%:*}" "$CG2/cgroup.controllers" && continue
		# shellcheck disable=SC2086
		out=$(HULL update ${c#*:} "$id" 2>&1) && fail "update ${c#*:} succeeded without a ${c%%:*} controller"
		assert_contains "$out" "${c%%:*}"
		assert_eq "$(wc -l <<<"$out")" 1 "one-line error for ${c#*:}"
	done
	assert_eq "$(status_of "$id")" running "a failed update leaves the container running"
	HULL delete --force "$id"
}

test_update_unknown_container() {
	local out
	out=$(HULL update --pids-limit 10 "nosuch-$$" 2>&1) && fail "update of an unknown container succeeded"
	assert_contains "$out" "does not exist"
}

run_tests
