# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared helpers for the end-to-end tests (sourced by run, podman.sh and containerd.sh).
# The environment comes from tests/e2e/run: E2E_T (temp dir), E2E_RUNTIME (the runtime the
# clients are given: the binary, or the trace wrapper), E2E_REAL (the binary under test),
# E2E_CGP (the cgroup parent for every client container), E2E_RESULTS (result file),
# E2E_DEADLINE (epoch seconds after which remaining cases fail fast; each client script
# resets it to now + E2E_BUDGET, so one hung client does not starve the other).
set -u

E2E_TIMEOUT=${E2E_TIMEOUT:-20}   # seconds for one client command

# One line of text for a report: newlines become " | ", cut to a readable length.
short() {
	printf '%s' "$1" | tr '\n' '\036' | sed 's/\x1e/ | /g' | cut -c1-${2:-600}
}

# x CMD...: run a client command with stdin from /dev/null and a timeout (a hung runtime
# must not hang the suite; -k kills the client itself if it ignores TERM).
# Sets OUT (stdout), ERR (stderr), RC.
x() {
	timeout -k 5 "$E2E_TIMEOUT" "$@" >"$E2E_T/.stdout" 2>"$E2E_T/.stderr" </dev/null
	RC=$?
	_collect
}
_collect() { # NUL bytes (tty output) would make bash warn
	OUT=$(tr -d '\0' <"$E2E_T/.stdout")
	ERR=$(tr -d '\0' <"$E2E_T/.stderr")
}

# x_in FILE CMD...: like x, with stdin from FILE.
x_in() {
	local in=$1
	shift
	timeout -k 5 "$E2E_TIMEOUT" "$@" >"$E2E_T/.stdout" 2>"$E2E_T/.stderr" <"$in"
	RC=$?
	_collect
}

# x_tty CMD...: run CMD on a pseudo-terminal (util-linux script), output and status of CMD.
x_tty() {
	local cmd
	cmd=$(printf '%q ' "$@")
	timeout -k 5 "$E2E_TIMEOUT" script -qec "$cmd" /dev/null >"$E2E_T/.stdout" 2>"$E2E_T/.stderr" </dev/null
	RC=$?
	_collect
	OUT=${OUT//$'\r'/}
	ERR=$(cat "$E2E_T/.stderr")
}

# fail MSG: record why the current case failed; always returns 1 so "|| return" chains work.
fail() {
	printf '%s\n' "$*" >>"$E2E_T/.reason"
	return 1
}

# what the last command did, for failure messages
last() {
	local s="rc=$RC"
	[ "$RC" = 124 ] || [ "$RC" = 137 ] && s="$s (timed out after ${E2E_TIMEOUT}s?)"
	[ -n "$OUT" ] && s="$s; stdout: $(short "$OUT" 300)"
	[ -n "$ERR" ] && s="$s; stderr: $(short "$ERR" 900)"
	printf '%s' "$s"
}

want_rc() { [ "$RC" = "$1" ] || fail "${2:-command}: expected exit $1, got $(last)"; }
want_out() { case "$OUT" in *"$1"*) ;; *) fail "${2:-command}: stdout lacks [$1]; $(last)" ;; esac; }
want_err() { case "$ERR" in *"$1"*) ;; *) fail "${2:-command}: stderr lacks [$1]; $(last)" ;; esac; }

# poll SECONDS CMD...: retry CMD every 0.2 s until it succeeds or the time is up.
poll() {
	local n=$(($1 * 5))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# Frozen check from the host, independent of how the runtime freezes: a container loop
# writes an increasing counter to /tmp/count (rename, so a reader never sees it half written);
# read it through /proc/PID/root.
# shellcheck disable=SC2034 # used by podman.sh and containerd.sh
COUNTER_LOOP='i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done'
counter_of() { cat "/proc/$1/root/tmp/count" 2>/dev/null; }
# counter_moves PID: the counter changes within ~3 s
counter_moves() {
	local a b n=10
	a=$(counter_of "$1")
	while [ $n -gt 0 ]; do
		sleep 0.3
		b=$(counter_of "$1")
		[ -n "$b" ] && [ "$a" != "$b" ] && return 0
		n=$((n - 1))
	done
	return 1
}
# counter_still PID: the counter exists and does not change for 0.8 s
counter_still() {
	local a b
	a=$(counter_of "$1")
	sleep 0.8
	b=$(counter_of "$1")
	[ -n "$a" ] && [ "$a" = "$b" ]
}

# tcase NAME FUNC [ARGS...]: run one case in this shell, print the TAP-ish line and record it.
tcase() {
	local name=$1 rc
	shift
	: >"$E2E_T/.reason"
	if [ "$(date +%s)" -gt "$E2E_DEADLINE" ]; then
		echo "time budget (E2E_BUDGET=${E2E_BUDGET}s for this client) exceeded, case not run" >"$E2E_T/.reason"
		rc=1
	else
		OUT="" ERR="" RC=""
		"$@"
		rc=$?
	fi
	case $rc in
	0)
		echo "ok - $name"
		echo "ok" >>"$E2E_RESULTS"
		;;
	77)
		echo "ok - $name # SKIP $(head -1 "$E2E_T/.reason")"
		echo "skip" >>"$E2E_RESULTS"
		;;
	*)
		[ -s "$E2E_T/.reason" ] || echo "failed (exit $rc) without a recorded reason" >"$E2E_T/.reason"
		echo "not ok - $name -- $(head -1 "$E2E_T/.reason")"
		tail -n +2 "$E2E_T/.reason" | sed 's/^/#   /'
		echo "not ok" >>"$E2E_RESULTS"
		;;
	esac
	return $rc
}

skip_case() {
	fail "$*"
	return 77
}

# containerd_stop: delete every task and container left in the test's namespace (resuming
# paused ones so SIGKILL lands), then stop the containerd the test started, by its PID.
# Shims exit with their tasks. Safe to call twice.
containerd_stop() {
	local sock=$E2E_T/containerd/containerd.sock ns=hull-e2e-$E2E_ID pidf=$E2E_T/containerd.pid id pid
	[ -s "$pidf" ] || return 0
	pid=$(cat "$pidf")
	if kill -0 "$pid" 2>/dev/null && [ -S "$sock" ]; then
		for id in $(timeout 10 ctr --address "$sock" -n "$ns" task ls -q 2>/dev/null); do
			timeout 10 ctr --address "$sock" -n "$ns" task resume "$id" >/dev/null 2>&1
			timeout 10 ctr --address "$sock" -n "$ns" task kill -a -s SIGKILL "$id" >/dev/null 2>&1
			timeout 20 ctr --address "$sock" -n "$ns" task delete -f "$id" >/dev/null 2>&1
		done
		for id in $(timeout 10 ctr --address "$sock" -n "$ns" container ls -q 2>/dev/null); do
			timeout 20 ctr --address "$sock" -n "$ns" container delete "$id" >/dev/null 2>&1
		done
	fi
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		wait "$pid" 2>/dev/null
	fi
	: >"$pidf"
}
