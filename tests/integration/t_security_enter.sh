#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Entering a running container (`hull exec`) from the container's side: nothing of hull's
# that appears in the container's pid namespace may hold anything of the host. The attacker
# is the container itself, with CAP_SYS_PTRACE and no user namespace: its init (exec-watch,
# tests/helpers/exec-watch.c) races every new process for /proc/PID/root, cwd, fd/N and
# environ, ptrace-attaches it and reads its memory, while hull exec runs from a host
# directory holding a secret and with a secret in its environment.
. "$(dirname "$0")/lib.sh"

val() { sed -n "s/^$2=//p" <<<"$1" | head -1; }

test_exec_helper_never_visible_with_host_state() {
	[ -x "$HELPERS/exec-watch" ] || skip "exec-watch helper not built"
	local b=$TMPROOT/b-enter id hostdir token canary out pj i rc failed=0
	id=$(new_id)
	hostdir=$TMPROOT/hostonly
	mkdir -p "$hostdir"
	token=host-secret-$RANDOM$RANDOM$RANDOM
	canary=container-canary-$RANDOM$RANDOM
	echo "$token" >"$hostdir/secret.txt"
	echo "$canary" >"$BASE_ROOTFS/etc/enter-canary-$id"
	[ ! -e "$BASE_ROOTFS/${hostdir#/}/secret.txt" ] || fail "the secret must not be in the rootfs" || return 1
	out=/tmp/watch-$id.out
	# a sanitized hull: the sanitizer runtime caches the environment where hull cannot scrub it
	# (an anonymous mapping); only [stack] and [heap], hull's own, are searched then
	local scan=()
	if grep -qa __asan_init "$HULL_BIN"; then scan=(stack-heap); echo "    sanitized hull: memory scan of [stack] and [heap] only" >&2; fi
	make_bundle "$b" exec-watch "$out" "/tmp/stop-$id" 600 "${hostdir#/}/secret.txt" secret.txt "$(rev <<<"$token")" \
		"etc/enter-canary-$id" "$canary" 20 "${scan[@]}"
	# CAP_SYS_PTRACE, no user namespace (the default spec has none)
	jq_config "$b" '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
	jq -e '[.linux.namespaces[].type] | index("user") == null' "$b/config.json" >/dev/null ||
		fail "the attack needs a container without a user namespace" || return 1
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
	# the exec'd process: CAP_KILL only (MAX_CAPS 0x20), the canary in its environment
	pj=$TMPROOT/enter-process.json
	jq -n --arg c "$canary" '{args: ["sleep", "0.5"], cwd: "/", user: {uid: 0, gid: 0},
		env: ["PATH=/bin", ("WATCH_CANARY=" + $c)], noNewPrivileges: true,
		capabilities: {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}}' >"$pj"
	sleep 0.3 # the watcher is spinning
	for i in $(seq 1 30); do
		(cd "$hostdir" && HULL_TEST_HOST_SECRET=$token timeout 20 "$HULL_BIN" --root "$ROOT" exec --process "$pj" "$id" \
			</dev/null >/dev/null 2>&1)
		rc=$?
		[ $rc -eq 0 ] || { failed=$((failed + 1)); echo "    exec $i: status $rc" >&2; }
	done
	touch "$BASE_ROOTFS/tmp/stop-$id"
	for i in $(seq 1 300); do grep -qs '^finished=1' "$BASE_ROOTFS$out" && break; sleep 0.1; done
	local res
	res=$(cat "$BASE_ROOTFS$out" 2>/dev/null)
	[ -n "$res" ] || echo "    container: $(HULL state "$id" 2>&1 | tr "\n" " ")" >&2
	HULL delete --force "$id" >/dev/null 2>&1
	rm -f "$BASE_ROOTFS/etc/enter-canary-$id" "$BASE_ROOTFS$out" "$BASE_ROOTFS/tmp/stop-$id"
	echo "    watcher: $(tr '\n' ' ' <<<"$res")" >&2
	[ -n "$res" ] || fail "the watcher wrote no result" || return 1
	[ "$(val "$res" finished)" = 1 ] || echo "    the watcher did not finish in 30 s: its counters so far" >&2
	assert_eq "$failed" 0 "hull exec calls that failed"
	# the attacks
	local k
	for k in hit_root hit_cwd hit_fd hit_environ hit_mem hit_caps; do
		assert_eq "$(val "$res" $k)" 0 "$k (first hit of any kind: $(val "$res" first_hit))"
	done
	# positive controls: the watcher saw the processes, could attach and read them
	# (on a loaded machine the watcher may be descheduled past a process's whole life)
	[ "$(val "$res" seen)" -ge 10 ] || fail "the watcher saw only $(val "$res" seen) of 30 processes"
	[ "$(val "$res" attached)" -ge 1 ] || fail "the watcher never attached to a process (no CAP_SYS_PTRACE?)"
	[ "$(val "$res" root_canary)" -ge 1 ] || fail "the watcher never read the canary through /proc/PID/root"
	[ "$(val "$res" environ_canary)" -ge 1 ] || fail "the watcher never read the canary in /proc/PID/environ"
	[ "$(val "$res" mem_canary)" -ge 1 ] || fail "the watcher never found the canary in process memory"
	[ "$(val "$res" fds_opened)" -ge 1 ] || fail "the watcher never opened a /proc/PID/fd/N"
}

# The helper joins the container's user namespace before the namespaces it owns and becomes
# its root: the exec'd process is where the init is, with the init's root.
test_exec_into_a_user_namespace() {
	local b=$TMPROOT/b-enter-userns id out
	chmod 711 "$TMPROOT" # host uid 100000 must reach the rootfs
	make_bundle "$b" sleep 60
	jq_config "$b" '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
	out=$(cd / && HULL exec --cwd /tmp "$id" sh -c 'id -u; id -g; readlink /proc/self/ns/user; readlink /proc/1/ns/user
		readlink /proc/self/ns/mnt; readlink /proc/1/ns/mnt; cat /proc/self/uid_map; pwd; ls /proc/self/root/bin/busybox' \
		</dev/null 2>&1)
	local rc=$?
	HULL delete --force "$id" >/dev/null 2>&1
	[ $rc -eq 0 ] || fail "exec failed ($rc): $out" || return 1
	local l=()
	mapfile -t l <<<"$out"
	assert_eq "${l[0]}" 0 "uid inside"
	assert_eq "${l[1]}" 0 "gid inside"
	assert_eq "${l[2]}" "${l[3]}" "user namespace of the init"
	assert_eq "${l[4]}" "${l[5]}" "mount namespace of the init"
	assert_eq "$(tr -s ' ' <<<"${l[6]}" | sed 's/^ //')" "0 100000 65536" "uid_map"
	assert_eq "${l[7]}" /tmp "cwd"
	assert_eq "${l[8]}" /proc/self/root/bin/busybox "the container's root"
}

run_tests
