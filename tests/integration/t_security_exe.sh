#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# CVE-2019-5736: a container must not be able to overwrite the hull binary through
# /proc/self/exe. Every attack runs against a COPY of the built hull in a temp dir, so a
# successful attack never damages the build output.
. "$(dirname "$0")/lib.sh"

# A private copy of hull and of the rootfs for one attack; sets EXE_DIR, EXE_BIN, EXE_ROOTFS.
exe_setup() {
	EXE_DIR=$TMPROOT/$1
	mkdir -p "$EXE_DIR"
	EXE_BIN=$EXE_DIR/hull
	cp "$HULL_BIN" "$EXE_BIN"
	EXE_ROOTFS=$EXE_DIR/rootfs
	cp -a "$BASE_ROOTFS" "$EXE_ROOTFS"
	# a hostile image brings whatever libraries the interpreted hull needs (the original
	# exploit even replaced one of them)
	local lib
	for lib in $(ldd "$HULL_BIN" | grep -oE '/[^ ]+'); do
		mkdir -p "$EXE_ROOTFS$(dirname "$lib")"
		cp -L "$lib" "$EXE_ROOTFS$lib"
	done
	# run by the kernel as "/proc/self/exe --log=/tmp/gate /bin/evil": the interpreter is
	# whatever executable the exec'ing process runs; hull blocks opening the fifo as its log
	printf '#!/proc/self/exe --log=/tmp/gate\n' >"$EXE_ROOTFS/bin/evil"
	chmod 755 "$EXE_ROOTFS/bin/evil"
	mkfifo "$EXE_ROOTFS/tmp/gate"
}

XHULL() { "$EXE_BIN" --root "$ROOT" "$@"; }

# wait_stopped ID SECS: until the container's state says stopped
wait_stopped() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		case $(XHULL state "$1" 2>/dev/null | jq -r .status 2>/dev/null) in stopped | "") return 0 ;; esac
		sleep 0.1
	done
	return 1
}

# The interpreted process is `hull exec`'s child: it runs the file that `hull exec` runs.
test_exec_interpreter_cannot_overwrite_hull() {
	exe_setup exec-attack
	local b=$EXE_DIR/bundle id out before after
	make_bundle "$b" sec-probe exe-attack /tmp/gate 15
	ln -sfn "$EXE_ROOTFS" "$b/rootfs"
	# a strong attacker: file modes and ownership are no obstacle, only the defence is
	jq_config "$b" '.process.capabilities |= with_entries(.value += ["CAP_DAC_OVERRIDE", "CAP_FOWNER"])'
	before=$(sha256sum <"$EXE_BIN")
	id=$(new_id)
	XHULL run -d -b "$b" "$id" >"$EXE_DIR/attack.out" 2>&1 </dev/null || fail "run -d failed: $(cat "$EXE_DIR/attack.out")" || return 1
	# fails: the interpreted hull does not know the command "/bin/evil"
	XHULL exec "$id" /bin/evil >"$EXE_DIR/exec.out" 2>&1 </dev/null
	wait_stopped "$id" 20 || fail "the attacker did not finish"
	after=$(sha256sum <"$EXE_BIN")
	XHULL delete --force "$id" >/dev/null 2>&1
	out=$(cat "$EXE_DIR/attack.out")
	echo "$out" | sed 's/^/    attacker: /' >&2
	# the attack really happened: it found the interpreted hull and held its exe
	assert_contains "$out" "found=" || return 1
	assert_not_contains "$out" "found=none" || return 1
	assert_contains "$out" 'gate_log=' || return 1
	assert_contains "$(cat "$EXE_DIR/exec.out")" '"/bin/evil"' "the interpreted hull ran" || return 1
	assert_eq "$after" "$before" "sha256 of the hull binary" || return 1
	assert_not_contains "$out" "write=ok"
}

# The same for a container whose entrypoint is the script: pid 1 then is hull (the file
# `hull run` runs); another process of the container tries to open it for writing.
test_run_entrypoint_is_not_host_binary() {
	exe_setup run-attack
	local b=$EXE_DIR/bundle id out before after
	make_bundle "$b" /bin/evil
	ln -sfn "$EXE_ROOTFS" "$b/rootfs"
	before=$(sha256sum <"$EXE_BIN")
	id=$(new_id)
	XHULL run -d -b "$b" "$id" >"$EXE_DIR/pid1.out" 2>&1 </dev/null || fail "run -d failed: $(cat "$EXE_DIR/pid1.out")" || return 1
	out=$(XHULL exec "$id" sec-probe exe-peek 1 2>&1 </dev/null)
	# release pid 1 (it exits: "unknown command")
	XHULL exec "$id" sh -c 'cat /tmp/gate >/dev/null' </dev/null >/dev/null 2>&1
	wait_stopped "$id" 10
	XHULL delete --force "$id" >/dev/null 2>&1
	after=$(sha256sum <"$EXE_BIN")
	echo "$out" | sed 's/^/    attacker: /' >&2
	assert_contains "$out" "exe=/memfd:" "pid 1 runs a sealed copy, not $EXE_BIN" || return 1
	assert_not_contains "$out" "write=ok" || return 1
	assert_eq "$after" "$before" "sha256 of the hull binary"
}

# What the defence must not break: hull still works when run through a symlink and with a
# relative argv[0], and the re-exec keeps the arguments and the exit status.
test_cloned_binary_keeps_args_and_status() {
	local b=$TMPROOT/b-args out rc
	make_bundle "$b" sh -c 'echo "$0|$1|$2"; exit 7' "a b" "" "c"
	ln -sfn "$HULL_BIN" "$TMPROOT/hull-link"
	out=$("$TMPROOT/hull-link" --root "$ROOT" run -b "$b" "$(new_id)" </dev/null)
	rc=$?
	assert_eq "$out" "a b||c" || return 1
	assert_eq "$rc" 7 "exit status through the re-exec"
}

# hull itself never leaves its marker in the environment of what it starts.
test_no_marker_in_container_env() {
	local b=$TMPROOT/b-env out
	make_bundle "$b" sh -c 'env; cat /proc/self/environ | tr "\0" "\n"'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out" || return 1
	assert_not_contains "$out" "HULL"
}

run_tests
