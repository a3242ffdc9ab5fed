#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --systemd-cgroup on a host whose PID 1 is not systemd (this development host): a clear error
# and nothing left behind; the cgroupfs path never loads libsystemd. The driver itself is
# proven in the systemd guest (tests/vm/run --systemd -- DRIVER=systemd).
. "$(dirname "$0")/lib.sh"

# state dirs, and processes that mention our temp dir
leftovers() {
	echo "root: $(ls -A "$ROOT" 2>/dev/null | grep -v '^\.seccomp-cache$' | tr '\n' ' ')"
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$BASHPID" ] && continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$TMPROOT" && echo "proc ${p#/proc/}"
	done
}

test_no_systemd_is_a_clear_error() {
	[ ! -d /run/systemd/system ] || skip "systemd is running here"
	local b=$TMPROOT/b1 id err before
	make_bundle "$b" true
	jq_config "$b" '.linux.cgroupsPath = "system.slice:hull:x1"'
	before=$(leftovers)
	id=$(new_id)
	if HULL --systemd-cgroup create -b "$b" "$id" </dev/null 2>"$TMPROOT/err"; then
		HULL delete -f "$id"
		fail "create with --systemd-cgroup succeeded without systemd"
	fi
	err=$(tail -1 "$TMPROOT/err")
	assert_contains "$err" "--systemd-cgroup: systemd is not running on this host"
	assert_contains "$err" "drop --systemd-cgroup"
	assert_eq "$(leftovers)" "$before" "nothing left behind"
	# run fails the same way
	HULL --systemd-cgroup run -b "$b" "$id" </dev/null 2>"$TMPROOT/err" && fail "run succeeded"
	assert_contains "$(tail -1 "$TMPROOT/err")" "systemd is not running"
	assert_eq "$(leftovers)" "$before" "nothing left behind by run"
}

test_path_not_slice_form_is_refused() {
	local b=$TMPROOT/b2 id
	make_bundle "$b" true
	for p in /hull/x a:b system.slice:p: 'system.slice:p:a/b' 'bad:p:n'; do
		jq_config "$b" ".linux.cgroupsPath = \"$p\""
		id=$(new_id)
		HULL --systemd-cgroup create -b "$b" "$id" </dev/null 2>"$TMPROOT/err" && {
			HULL delete -f "$id"
			fail "cgroupsPath $p accepted"
		}
		assert_contains "$(tail -1 "$TMPROOT/err")" "linux.cgroupsPath"
		assert_contains "$(tail -1 "$TMPROOT/err")" "$p"
	done
	assert_eq "$(ls -A "$ROOT" 2>/dev/null | grep -v '^\.seccomp-cache$')" "" "no state dir left"
}

test_cgroupfs_path_never_loads_libsystemd() {
	local b=$TMPROOT/b3 id
	if ldd "$HULL_BIN" | grep -q libsystemd; then fail "hull links libsystemd: $(ldd "$HULL_BIN" | grep libsystemd)"; fi
	make_bundle "$b" true
	id=$(new_id)
	LD_DEBUG=files HULL run -b "$b" "$id" </dev/null >/dev/null 2>"$TMPROOT/lddebug" || fail "run failed: $(tail -3 "$TMPROOT/lddebug")"
	grep -q 'file=libc.so.6' "$TMPROOT/lddebug" || skip "LD_DEBUG output not available"
	if grep -q libsystemd "$TMPROOT/lddebug"; then fail "libsystemd loaded on the cgroupfs path"; fi
}

run_tests
