#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# All six hook kinds: order, the state on stdin, failure semantics, timeouts.
. "$(dirname "$0")/lib.sh"

# a hook that appends "<name> <status> <id>" from the state JSON on its stdin
make_hook() {
	local f=$TMPROOT/hook.sh
	cat >"$f" <<'H'
#!/bin/sh
st=$(cat)
id=$(echo "$st" | jq -r .id)
status=$(echo "$st" | jq -r .status)
pid=$(echo "$st" | jq -r .pid)
echo "$1 $status $id $pid" >> "$2"
H
	chmod +x "$f"
	echo "$f"
}

test_hooks_order_and_state() {
	local b=$TMPROOT/b-hooks id log=$TMPROOT/hooks.log h
	h=$(make_hook)
	: >"$log"
	make_bundle "$b" true
	jq_config "$b" "$(printf '.hooks = {"prestart":[{"path":"%s","args":["h","prestart","%s"]}],
		"createRuntime":[{"path":"%s","args":["h","createRuntime","%s"]}],
		"createContainer":[{"path":"%s","args":["h","createContainer","%s"]}],
		"startContainer":[{"path":"/bin/sh","args":["sh","-c","cat > /hooklog"]}],
		"poststart":[{"path":"%s","args":["h","poststart","%s"]}],
		"poststop":[{"path":"%s","args":["h","poststop","%s"]}]}' "$h" "$log" "$h" "$log" "$h" "$log" "$h" "$log" "$h" "$log")"
	id=$(new_id)
	bundle_run "$b" "$id" || fail "run failed"
	local kinds
	kinds=$(awk '{print $1}' "$log" | tr '\n' ' ')
	assert_eq "$kinds" "prestart createRuntime createContainer poststart poststop "
	assert_eq "$(awk '{print $3}' "$log" | sort -u)" "$id" "every hook saw the id"
	# runtime.md: "created" once lifecycle step 2 is done: every hook before start sees it
	assert_eq "$(awk '$1=="prestart"{print $2}' "$log")" created "prestart status"
	assert_eq "$(awk '$1=="createRuntime"{print $2}' "$log")" created "createRuntime status"
	assert_eq "$(awk '$1=="createContainer"{print $2}' "$log")" created "createContainer status"
	assert_eq "$(awk '$1=="poststart"{print $2}' "$log")" running
	assert_eq "$(awk '$1=="poststop"{print $2}' "$log")" stopped
	[ "$(awk '$1=="createRuntime"{print $4}' "$log")" -gt 0 ] || fail "createRuntime saw no pid"
	[ -s "$BASE_ROOTFS/hooklog" ] || fail "startContainer hook did not run inside the container"
	assert_eq "$(jq -r .status "$BASE_ROOTFS/hooklog")" created "startContainer status"
	assert_eq "$(jq -r .id "$BASE_ROOTFS/hooklog")" "$id" "startContainer saw the id"
	rm -f "$BASE_ROOTFS/hooklog"
}

test_failing_create_hook_aborts_create() {
	local b=$TMPROOT/b-hookfail id out
	make_bundle "$b" true
	jq_config "$b" '.hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","exit 3"]}]}'
	id=$(new_id)
	out=$(HULL create -b "$b" "$id" 2>&1 </dev/null) && fail "create succeeded despite a failing hook"
	assert_contains "$out" "createRuntime"
	[ ! -e "$ROOT/$id" ] || fail "state dir left after a failed hook"
}

test_hook_timeout() {
	local b=$TMPROOT/b-hookto id out start
	make_bundle "$b" true
	jq_config "$b" '.hooks = {"prestart":[{"path":"/bin/sleep","args":["sleep","30"],"timeout":1}]}'
	id=$(new_id)
	start=$(date +%s)
	out=$(HULL create -b "$b" "$id" 2>&1 </dev/null) && fail "create succeeded despite a hook timeout"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "hook was not killed at its timeout"
	assert_contains "$out" "timed out"
}

run_tests
