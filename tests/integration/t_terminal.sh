#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# process.terminal: the pty master sent over --console-socket (one message, SCM_RIGHTS), the
# container's /dev/console, errors without a socket, and `hull run` on a real terminal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

RECVTTY=$HELPERS/hull-recvtty

# start_recvtty NAME [INPUT]: a receiver on $TMPROOT/NAME.sock writing to $TMPROOT/NAME.out,
# its report in $TMPROOT/NAME.report; prints its pid
start_recvtty() {
	local n=$1
	"$RECVTTY" "$TMPROOT/$n.sock" "$TMPROOT/$n.out" 20 ${2:+"$2"} >"$TMPROOT/$n.report" 2>&1 &
	local pid=$!
	on_exit "kill $pid"
	wait_for 5 test -S "$TMPROOT/$n.sock" || { fail "recvtty did not start"; return 1; }
	echo $pid
}

tty_bundle() {
	local b=$1
	shift
	make_bundle "$b" "$@"
	jq_config "$b" '.process.terminal = true'
}

test_console_socket_sends_one_pty_master() {
	[ -x "$RECVTTY" ] || skip "no hull-recvtty helper"
	local b=$TMPROOT/b-tty id rpid report out
	tty_bundle "$b" sh -c 'tty; [ -c /dev/console ] && echo console-chr; stat -c %t:%T /dev/console; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo stdio-tty; echo $TERM'
	rpid=$(start_recvtty c1) || return 1
	id=$(new_id)
	HULL create --console-socket "$TMPROOT/c1.sock" -b "$b" "$id" </dev/null || fail "create with a console socket failed"
	HULL start "$id" || fail "start failed"
	wait_for 15 sh -c "! kill -0 $rpid 2>/dev/null" || fail "the receiver did not see the terminal close"
	report=$(cat "$TMPROOT/c1.report")
	out=$(tr -d '\r' <"$TMPROOT/c1.out")
	assert_eq "$(grep ^fds= <<<"$report")" "fds=1" "one fd in the message"
	assert_eq "$(grep ^extra_messages= <<<"$report")" "extra_messages=0" "exactly one message"
	assert_eq "$(grep ^connections= <<<"$report")" "connections=1" "one connection"
	assert_eq "$(grep ^ptmx= <<<"$report")" "ptmx=yes" "the fd is a pty master"
	[ -n "$(grep ^name= <<<"$report" | cut -d= -f2-)" ] || fail "the message carried no name"
	assert_eq "$out" "/dev/pts/0
console-chr
88:0
stdio-tty
xterm" "what the container wrote on its terminal"
	wait_status "$id" stopped || fail "the container did not stop"
	HULL delete "$id" || fail "delete failed"
}

test_console_socket_input_reaches_container() {
	[ -x "$RECVTTY" ] || skip "no hull-recvtty helper"
	local b=$TMPROOT/b-ttyin id rpid out
	tty_bundle "$b" sh -c 'read line; echo "got:$line"'
	rpid=$(start_recvtty c2 $'hello-tty\n') || return 1
	id=$(new_id)
	HULL run -d --console-socket "$TMPROOT/c2.sock" -b "$b" "$id" </dev/null >/dev/null || fail "run -d with a console socket failed"
	wait_for 15 sh -c "! kill -0 $rpid 2>/dev/null" || fail "the receiver did not see the terminal close"
	out=$(tr -d '\r' <"$TMPROOT/c2.out")
	assert_contains "$out" "got:hello-tty"
	HULL delete --force "$id"
}

test_console_size() {
	[ -x "$RECVTTY" ] || skip "no hull-recvtty helper"
	local b=$TMPROOT/b-ttysz id rpid
	tty_bundle "$b" stty size
	jq_config "$b" '.process.consoleSize = {"height": 33, "width": 111}'
	rpid=$(start_recvtty c3) || return 1
	id=$(new_id)
	HULL run -d --console-socket "$TMPROOT/c3.sock" -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	wait_for 15 sh -c "! kill -0 $rpid 2>/dev/null" || fail "the receiver did not see the terminal close"
	assert_eq "$(tr -d '\r' <"$TMPROOT/c3.out")" "33 111" "consoleSize"
	HULL delete --force "$id"
}

test_terminal_without_console_socket_on_create_is_error() {
	local b=$TMPROOT/b-nosock out id
	tty_bundle "$b" true
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "create with terminal:true and no console socket succeeded"; }
	assert_eq "$(wc -l <<<"$out")" 1 "one line"
	grep -qiE 'console[- ]socket' <<<"$out" || fail "the error does not name the console socket: $out"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_console_socket_without_terminal_is_error() {
	# runc: "cannot use console socket if runc will not detach or allocate tty"
	local b=$TMPROOT/b-sockonly out id
	make_bundle "$b" true
	id=$(new_id)
	out=$(create_out --console-socket "$TMPROOT/none.sock" -b "$b" "$id") && { HULL delete --force "$id"; fail "--console-socket with terminal:false accepted"; }
	assert_contains "$out" "console"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_console_socket_missing_is_error_and_leaves_nothing() {
	local b=$TMPROOT/b-nosuchsock out id
	tty_bundle "$b" true
	id=$(new_id)
	out=$(create_out --console-socket "$TMPROOT/does-not-exist.sock" -b "$b" "$id") && { HULL delete --force "$id"; fail "a missing console socket was accepted"; }
	assert_contains "$out" "does-not-exist.sock"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
	[ ! -e "$CG2/hull/$id" ] || fail "cgroup left"
}

test_run_on_a_real_terminal() {
	command -v script >/dev/null || skip "no script(1)"
	local b=$TMPROOT/b-script out rc id
	tty_bundle "$b" sh -c 'tty; echo "rows=$(stty size | cut -d" " -f1)"; echo on-tty; exit 3'
	id=$(new_id)
	# script's stdin stays open (no EOF, which script would type into the terminal as ^D)
	out=$(sleep 5 | script -qec "stty rows 27 cols 90; '$HULL_BIN' --root '$ROOT' run -b '$b' '$id'" /dev/null 2>&1)
	rc=$?
	out=$(tr -d '\r' <<<"$out")
	assert_eq "$rc" 3 "run exits with the container's status"
	assert_contains "$out" "/dev/pts/0"
	assert_contains "$out" "rows=27"
	assert_contains "$out" "on-tty"
	[ ! -e "$ROOT/$id" ] || fail "run left the container behind"
}

run_tests
