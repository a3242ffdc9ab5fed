# SPDX-License-Identifier: Apache-2.0
# Extra helpers for the t_*.sh files that source it after lib.sh (it changes nothing for the
# files that do not).
#
# - fail/assert_* failures are sticky: lib.sh's run_tests only looks at a test function's
#   last status, so a failed assert in the middle of a test was lost. Here `fail` also leaves
#   a marker and run_tests (same output format, so ./run parses it) counts the test as failed.
# - skip REASON ends the test (lib.sh's skip only returned 77 and the test went on).
# - on_exit CMD: run CMD when the file exits (before lib.sh's cleanup), for netns, links etc.
# - wait_for SECONDS CMD...: poll until CMD succeeds.
# - create_out ARGS...: hull create whose output is captured without hanging.
# - status_of ID / wait_status ID STATUS [SECONDS]: the container's state .status.
# - hull_id_of_file: a container id unique to this file and test.

_FAILMARK=$TMPROOT/.test-failed
_ON_EXIT=$TMPROOT/.on-exit

fail() {
	echo "    $*" >&2
	: >"$_FAILMARK"
	return 1
}

# skip ends the test at once (each test runs in its own subshell)
skip() {
	echo "    skip: $*" >&2
	exit 77
}

on_exit() { printf '%s\n' "$*" >>"$_ON_EXIT"; }

_more_cleanup() {
	[ -f "$_ON_EXIT" ] && bash "$_ON_EXIT" >/dev/null 2>&1
	cleanup_all
}
trap _more_cleanup EXIT

wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# create_out ARGS...: `hull create ARGS` with its output (and the container's stdio) in a file,
# printed afterwards. out=$(HULL create ...) would hang when a create that should have failed
# succeeds: the waiting container init holds the command substitution's pipe.
create_out() {
	local f
	f=$(mktemp "$TMPROOT/create-out.XXXXXX")
	HULL create "$@" >"$f" 2>&1 </dev/null
	local rc=$?
	cat "$f"
	rm -f "$f"
	return $rc
}

status_of() { "$HULL_BIN" --root "$ROOT" state "$1" 2>/dev/null | jq -r .status; }
_status_is() { [ "$(status_of "$1")" = "$2" ]; }
wait_status() { wait_for "${3:-10}" _status_is "$1" "$2"; }

run_tests() {
	local t rc out
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${HULL_TEST_FILTER:-}" ] && ! [[ $t == *$HULL_TEST_FILTER* ]]; then continue; fi
		rm -f "$_FAILMARK"
		out=$( (set -u; $t) 2>&1)
		rc=$?
		if [ -e "$_FAILMARK" ]; then rc=1; fi
		if [ $rc -eq 0 ]; then
			_passed=$((_passed + 1))
			echo "ok - $(basename "$0" .sh)::$t"
		elif [ $rc -eq 77 ]; then
			_skipped=$((_skipped + 1))
			echo "ok - $(basename "$0" .sh)::$t # SKIP ${out##*skip: }"
		else
			_failed=$((_failed + 1))
			echo "not ok - $(basename "$0" .sh)::$t"
			printf '%s\n' "$out" | sed 's/^/    # /' | tail -25
		fi
	done
	echo "# $(basename "$0" .sh): $_passed passed, $_failed failed, $_skipped skipped"
	[ $_failed -eq 0 ]
}
