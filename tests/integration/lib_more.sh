# SPDX-License-Identifier: Apache-2.0
# Extra helpers for the t_*.sh files that source it after lib.sh (it changes nothing for the
# files that do not).
#
# - on_exit CMD: run CMD when the file exits (before lib.sh's cleanup), for netns, links etc.
# - wait_for SECONDS CMD...: poll until CMD succeeds.
# - create_out ARGS...: hull create whose output is captured without hanging.
# - status_of ID / wait_status ID STATUS [SECONDS]: the container's state .status.

_ON_EXIT=$TMPROOT/.on-exit

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
