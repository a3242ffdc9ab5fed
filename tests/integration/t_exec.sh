#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hull exec: output and status, --process, -d/--pid-file, --env/--cwd/--user, namespaces,
# errors (stopped container, missing binary, paused), --tty with --console-socket.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

# one long-running container for the whole file
BOX=box-$$
BOX_BUNDLE=$TMPROOT/b-box
make_bundle "$BOX_BUNDLE" sleep 3600
jq_config "$BOX_BUNDLE" '.hostname = "exec-box"'
HULL run -d -b "$BOX_BUNDLE" "$BOX" </dev/null >/dev/null || echo "could not start the shared container" >&2
BOX_PID=$(HULL state "$BOX" 2>/dev/null | jq -r .pid)

need_box() { [ "$(status_of "$BOX")" = running ] || { fail "the shared container is not running"; return 1; }; }

test_exec_output_and_status() {
	need_box || return 1
	local out rc
	out=$(HULL exec "$BOX" sh -c 'echo hi; echo err >&2; exit 7' 2>"$TMPROOT/exec.err" </dev/null)
	rc=$?
	assert_eq "$out" hi "stdout"
	assert_eq "$(cat "$TMPROOT/exec.err")" err "stderr"
	assert_eq "$rc" 7 "exit status"
	out=$(echo through-stdin | HULL exec "$BOX" cat)
	assert_eq "$out" through-stdin "stdin"
	HULL exec "$BOX" sh -c 'kill -KILL $$' </dev/null
	assert_eq "$?" 137 "killed by SIGKILL gives 128+9"
	assert_eq "$(status_of "$BOX")" running "the container survives its exec processes"
}

test_exec_process_json() {
	need_box || return 1
	local out
	cat >"$TMPROOT/process.json" <<'J'
{"terminal": false, "user": {"uid": 1000, "gid": 1000, "additionalGids": [5]},
 "args": ["sh", "-c", "echo \"$FOO|$(pwd)|$(id -u):$(id -g)|$(id -G)\"; exit 4"],
 "env": ["PATH=/bin", "FOO=from-json"], "cwd": "/tmp"}
J
	out=$(HULL exec --process "$TMPROOT/process.json" "$BOX" </dev/null)
	assert_eq "$?" 4 "exit status from --process"
	assert_eq "$out" "from-json|/tmp|1000:1000|1000 5"
}

test_exec_process_json_bad_is_error() {
	need_box || return 1
	local out
	echo '{"args": "not-an-array", "cwd": "/"}' >"$TMPROOT/bad-process.json"
	out=$(HULL exec --process "$TMPROOT/bad-process.json" "$BOX" 2>&1 </dev/null) && fail "a bad process.json was accepted"
	assert_contains "$out" "args"
}

test_exec_env_cwd_user() {
	need_box || return 1
	local out
	out=$(HULL exec --env A=one --env "B=two words" --cwd /tmp --user 1000:1001 "$BOX" sh -c 'echo "$A|$B|$(pwd)|$(id -u)|$(id -g)"' </dev/null) ||
		fail "exec failed: $out"
	assert_eq "$out" "one|two words|/tmp|1000|1001"
	out=$(HULL exec "$BOX" sh -c 'echo "$PATH"' </dev/null)
	assert_contains "$out" "/bin" "the config's env is the base"
}

test_exec_detached_with_pid_file() {
	need_box || return 1
	local pidf=$TMPROOT/exec.pid pid start
	start=$(date +%s)
	HULL exec -d --pid-file "$pidf" "$BOX" sleep 60 </dev/null >/dev/null 2>&1 || fail "exec -d failed"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "exec -d did not return at once"
	[ -f "$pidf" ] || { fail "no pid file"; return 1; }
	pid=$(cat "$pidf")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file is not digits only: [$pid]"
	kill -0 "$pid" 2>/dev/null || fail "the exec'd process $pid is not running"
	assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 60 " "the pid is the exec'd process"
	assert_eq "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$BOX_PID/ns/pid")" "in the container's pid ns"
	HULL ps --format json "$BOX" | jq -e "index($pid) != null" >/dev/null || fail "ps does not list the exec'd process"
	kill -KILL "$pid"
}

test_exec_shares_the_init_namespaces() {
	need_box || return 1
	local out ns
	out=$(HULL exec "$BOX" sh -c 'for n in pid net mnt ipc uts cgroup user; do echo "$n $(readlink /proc/self/ns/$n)"; done; hostname' </dev/null) ||
		fail "exec failed: $out"
	for ns in pid net mnt ipc uts cgroup user; do
		assert_eq "$(awk -v n=$ns '$1==n{print $2}' <<<"$out")" "$(readlink "/proc/$BOX_PID/ns/$ns")" "$ns namespace"
	done
	assert_eq "$(tail -1 <<<"$out")" exec-box "hostname"
	# the exec'd process is in the container's cgroup (seen from the host)
	HULL exec -d --pid-file "$TMPROOT/cg.pid" "$BOX" sleep 30 </dev/null >/dev/null 2>&1 || fail "exec -d failed"
	local p
	p=$(cat "$TMPROOT/cg.pid")
	assert_eq "$(grep '^0::' "/proc/$p/cgroup")" "$(grep '^0::' "/proc/$BOX_PID/cgroup")" "same cgroup2 cgroup"
	kill -KILL "$p"
}

test_exec_missing_binary() {
	need_box || return 1
	local out
	out=$(HULL exec "$BOX" no-such-binary 2>&1 </dev/null) && fail "exec of a missing binary succeeded"
	assert_contains "$out" 'executable file not found in $PATH'
	out=$(HULL exec "$BOX" /no/such/path 2>&1 </dev/null) && fail "exec of a missing path succeeded"
	assert_contains "$out" "/no/such/path"
	assert_eq "$(status_of "$BOX")" running "the container is unharmed"
}

test_exec_into_stopped_container_fails() {
	local b=$TMPROOT/b-stopped id out
	make_bundle "$b" true
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create failed"
	HULL start "$id" || fail "start failed"
	wait_status "$id" stopped || fail "did not stop"
	out=$(HULL exec "$id" echo nope 2>&1 </dev/null) && fail "exec into a stopped container succeeded"
	assert_not_contains "$out" nope
	assert_contains "$out" "stopped"
	HULL delete "$id"
	out=$(HULL exec "$id" echo nope 2>&1 </dev/null) && fail "exec into a deleted container succeeded"
	assert_contains "$out" "does not exist"
}

test_exec_paused_needs_ignore_paused() {
	local b=$TMPROOT/b-paused id out rc pid
	make_bundle "$b" sleep 60
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	HULL pause "$id" || fail "pause failed"
	out=$(timeout 10 "$HULL_BIN" --root "$ROOT" exec "$id" echo nope 2>&1 </dev/null) && fail "exec into a paused container succeeded"
	assert_contains "$out" "paused"
	# with --ignore-paused the process joins the frozen container; resume must still work
	# (and let it run): the exec must not hold up the container's other commands
	timeout 20 "$HULL_BIN" --root "$ROOT" exec -d --ignore-paused "$id" touch /tmp/ignored-paused-$$ </dev/null >/dev/null 2>&1 &
	pid=$!
	sleep 1
	timeout 10 "$HULL_BIN" --root "$ROOT" resume "$id"
	rc=$?
	assert_eq "$rc" 0 "resume while an --ignore-paused exec waits (124: timed out)"
	wait $pid
	assert_eq "$?" 0 "exec --ignore-paused"
	wait_for 5 test -e "$BASE_ROOTFS/tmp/ignored-paused-$$" || fail "the --ignore-paused process never ran"
	rm -f "$BASE_ROOTFS/tmp/ignored-paused-$$"
	# a deadlocked runtime would keep the state lock in a frozen process: free it, ours
	if [ $rc -ne 0 ]; then
		for p in $(cat "$CG2/hull/$id/cgroup.procs" 2>/dev/null); do kill -KILL "$p"; done
	fi
	timeout 10 "$HULL_BIN" --root "$ROOT" delete --force "$id" || fail "delete --force failed"
}

test_exec_tty_with_console_socket() {
	need_box || return 1
	local recv=$HELPERS/hull-recvtty rpid out
	[ -x "$recv" ] || skip "no hull-recvtty helper"
	"$recv" "$TMPROOT/exec.sock" "$TMPROOT/exec-tty.out" 20 >"$TMPROOT/exec-tty.report" 2>&1 &
	rpid=$!
	on_exit "kill $rpid"
	wait_for 5 test -S "$TMPROOT/exec.sock" || fail "the receiver did not start"
	HULL exec -t --console-socket "$TMPROOT/exec.sock" "$BOX" sh -c 'tty; [ -t 0 ] && echo stdin-tty; exit 5' </dev/null >/dev/null 2>&1
	assert_eq "$?" 5 "exec -t exits with the process status"
	wait_for 10 sh -c "! kill -0 $rpid 2>/dev/null" || fail "the receiver did not see the terminal close"
	out=$(tr -d '\r' <"$TMPROOT/exec-tty.out")
	assert_contains "$out" "/dev/pts/"
	assert_contains "$out" "stdin-tty"
	assert_eq "$(grep -E '^(fds|extra_messages|ptmx)=' "$TMPROOT/exec-tty.report" | tr '\n' ' ')" "fds=1 ptmx=yes extra_messages=0 " "one message with a pty master"
}

test_exec_without_command_is_error() {
	need_box || return 1
	local out
	out=$(HULL exec "$BOX" 2>&1 </dev/null) && fail "exec without a command succeeded"
	[ -n "$out" ] || fail "no error message"
	return 0
}

run_tests
