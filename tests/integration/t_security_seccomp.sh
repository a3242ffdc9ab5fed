#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.seccomp end to end through the CLI: errnoRet, KILL, unknown names, ENOSYS for
# syscalls newer than the profile, the notify listener, the compiled-filter cache.
. "$(dirname "$0")/lib.sh"

DATA=$(cd "$(dirname "$0")/data" && pwd)
PODMAN_PROFILE=$DATA/podman-default-seccomp.json

val() { sed -n "s/^$2=//p" <<<"$1" | head -1; }

# seccomp_bundle DIR PROFILE_JSON CMD...
seccomp_bundle() {
	local b=$1 p=$2
	shift 2
	make_bundle "$b" "$@" || return 1
	jq_config "$b" ".linux.seccomp = $p"
}

# x86_64 syscall numbers used below
NR_ADD_KEY=248
NR_IO_URING_SETUP=425
NR_CLONE3=435
NR_OPENAT2=437
NR_FCHMODAT2=452
NR_LSM_SET_SELF_ATTR=460

test_errno_ret_returned() {
	local b=$TMPROOT/b-errno out
	# EXDEV (18): not an errno mkdir could produce here by itself
	seccomp_bundle "$b" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":18}]}' \
		sh -c 'oci-check mkdir /tmp/d1 755; oci-check mkdirat /tmp/d2 755; oci-check write /tmp/f; ls -d /tmp/d1 /tmp/d2 2>&1 | wc -l'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$(sed -n 1p <<<"$out")" "result=EXDEV" "mkdir" || return 1
	assert_eq "$(sed -n 2p <<<"$out")" "result=EXDEV" "mkdirat" || return 1
	assert_eq "$(sed -n 3p <<<"$out")" "result=ok" "other syscalls allowed" || return 1
	[ ! -e "$BASE_ROOTFS/tmp/d1" ] && [ ! -e "$BASE_ROOTFS/tmp/d2" ] || fail "a directory was created"
}

test_default_errno_ret() {
	local b=$TMPROOT/b-deferrno out
	# everything busybox needs is allowed by name; mkdir falls to the default (errno 18)
	seccomp_bundle "$b" "$(jq '.defaultErrnoRet = 18 | .syscalls |= map(.names -= ["mkdir","mkdirat"])' "$PODMAN_PROFILE")" \
		oci-check mkdir /tmp/d3 755
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$out" "result=EXDEV"
}

kill_case() { # ACTION
	local b=$TMPROOT/b-kill$RANDOM out rc
	seccomp_bundle "$b" "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"$1\"}]}" \
		oci-check mkdir /tmp/killed 755
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	rc=$?
	assert_eq "$rc" 159 "$1: killed by SIGSYS (128+31); output [$out]" || return 1
	assert_not_contains "$out" "result=" "the process never returned from mkdir"
}

test_kill_action_kills() { kill_case SCMP_ACT_KILL; }
test_kill_process_action_kills() { kill_case SCMP_ACT_KILL_PROCESS; }
test_kill_thread_action_kills() { kill_case SCMP_ACT_KILL_THREAD; }

test_trap_action_sigsys() {
	local b=$TMPROOT/b-trap out rc
	seccomp_bundle "$b" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_TRAP"}]}' \
		oci-check mkdir /tmp/trapped 755
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	rc=$?
	assert_eq "$rc" 159 "SIGSYS not handled: 128+31; output [$out]"
}

test_unknown_syscall_name_skipped() {
	local b=$TMPROOT/b-unknown out
	seccomp_bundle "$b" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_syscall_hull","mkdir","another_future_call"],"action":"SCMP_ACT_ERRNO","errnoRet":18}]}' \
		oci-check mkdir /tmp/d4 755
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "an unknown name made the run fail: $out" || return 1
	assert_eq "$out" "result=EXDEV" "the known name in the same rule still applies"
}

test_unknown_action_is_an_error() {
	local b=$TMPROOT/b-badact out id
	seccomp_bundle "$b" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_EXPLODE"}]}' true
	id=$(new_id)
	out=$(bundle_run "$b" "$id" 2>&1) && fail "an unknown action was accepted" && return 1
	assert_contains "$out" "linux.seccomp.syscalls[0].action" "the error names the JSON path: $out" || return 1
	[ ! -e "$ROOT/$id" ] || fail "a failed create left its state"
}

# An "old" profile: podman's, but denying with EPERM by default and without any syscall
# numbered from clone3 (435) on, as a profile written before Linux 5.3 would be.
old_profile() {
	jq 'del(.defaultErrnoRet) | .syscalls |= map(.names -= ["clone3","close_range","openat2","pidfd_getfd",
		"faccessat2","process_madvise","epoll_pwait2","mount_setattr","landlock_create_ruleset",
		"landlock_add_rule","landlock_restrict_self","memfd_secret","process_mrelease"]) | .syscalls |= map(select(.names | length > 0))' "$PODMAN_PROFILE"
}

test_syscalls_newer_than_profile_get_enosys() {
	local b=$TMPROOT/b-enosys out
	local script="echo clone3 \$(sec-probe syscall $NR_CLONE3 0 0); echo openat2 \$(sec-probe syscall $NR_OPENAT2 -100 s:/ 0 0)"
	script+="; echo fchmodat2 \$(sec-probe syscall $NR_FCHMODAT2 -100 s:/tmp 0755 0)"
	script+="; echo lsm_set_self_attr \$(sec-probe syscall $NR_LSM_SET_SELF_ATTR 0 0 0 0)"
	script+="; echo add_key \$(sec-probe syscall $NR_ADD_KEY 0 0 0 0 0); echo io_uring_setup \$(sec-probe syscall $NR_IO_URING_SETUP 1 0)"
	seccomp_bundle "$b" "$(old_profile)" sh -c "$script"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	# newer than anything the profile names: ENOSYS, so a libc falls back
	assert_contains "$out" "clone3 result=ENOSYS" || return 1
	assert_contains "$out" "openat2 result=ENOSYS" || return 1
	assert_contains "$out" "fchmodat2 result=ENOSYS" || return 1
	assert_contains "$out" "lsm_set_self_attr result=ENOSYS" || return 1
	# older syscalls the profile does not allow: the default action (EPERM)
	assert_contains "$out" "add_key result=EPERM" || return 1
	assert_contains "$out" "io_uring_setup result=EPERM"
}

# With such a profile close_range (436) is "newer" too and gets ENOSYS inside the filter:
# hull must still keep its caller's fds out of the container (CVE-2024-21626).
test_old_profile_no_fd_leak() {
	local b=$TMPROOT/b-oldfds out
	seccomp_bundle "$b" "$(old_profile)" sec-probe fds
	exec 7<"$TMPROOT" 8</
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	local rc=$?
	exec 7<&- 8<&-
	[ $rc -eq 0 ] || fail "run failed: $out" || return 1
	assert_eq "$(val "$out" fds)" "0,1,2" "fds in the container"
}

test_podman_profile_runs_and_denies() {
	local b=$TMPROOT/b-podman out
	seccomp_bundle "$b" "$(cat "$PODMAN_PROFILE")" sh -c "oci-check | grep -E '^(seccomp|no_new_privs)='; oci-check mkdir /tmp/pd 755; rmdir /tmp/pd; echo io_uring \$(sec-probe syscall $NR_IO_URING_SETUP 1 0); echo clone3 \$(sec-probe syscall $NR_CLONE3 0 0)"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_contains "$out" "seccomp=2" || return 1
	assert_contains "$out" "no_new_privs=1" || return 1
	assert_contains "$out" "result=ok" "mkdir is allowed by podman's profile" || return 1
	# podman's defaultErrnoRet is ENOSYS (38)
	assert_contains "$out" "io_uring result=ENOSYS" || return 1
	# clone3 is allowed: an invalid (NULL) clone_args then fails in the kernel, not the filter
	assert_not_contains "$out" "clone3 result=ENOSYS"
}

# ---- notify --------------------------------------------------------------------------------

# start_agent DIR REPLY: the agent listens on DIR/agent.sock and writes into DIR
start_agent() {
	local d=$1
	mkdir -p "$d"
	"$HELPERS/seccomp-agent" "$d/agent.sock" "$d" "$2" 30 >"$d/agent.out" 2>&1 &
	AGENT_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -e "$d/ready" ] && return 0
		sleep 0.05
	done
	fail "the agent did not start: $(cat "$d/agent.out")"
}

stop_agent() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$AGENT_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
}

notify_profile() { # SOCKET
	printf '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"%s","listenerMetadata":"meta-%s","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}' "$1" "$2"
}

test_notify_agent_answers_errno() {
	local d=$TMPROOT/agent-errno b=$TMPROOT/b-notify id out
	start_agent "$d" errno:18 || return 1
	seccomp_bundle "$b" "$(notify_profile "$d/agent.sock" errno)" sh -c 'oci-check mkdir /tmp/n1 755; ls -d /tmp/n1 2>/dev/null || echo absent'
	id=$(new_id)
	out=$(bundle_run "$b" "$id" 2>&1)
	local rc=$?
	stop_agent
	[ $rc -eq 0 ] || fail "run failed: $out" || return 1
	assert_eq "$out" "result=EXDEV
absent" "the agent's errno" || return 1
	assert_eq "$(cat "$d/fd")" seccomp-notify "the agent got a seccomp listener fd" || return 1
	# mkdir is 83 on x86_64, mkdirat 258
	grep -qE '^nr=(83|258) ' "$d/log" || fail "no mkdir notification logged: $(cat "$d/log" 2>&1)" || return 1
	local st=$d/state.json
	jq -e . "$st" >/dev/null || fail "state is not JSON: $(cat "$st")" || return 1
	assert_eq "$(jq -c .fds "$st")" '["seccompFd"]' "fds" || return 1
	assert_eq "$(jq -r .metadata "$st")" meta-errno "listenerMetadata" || return 1
	assert_eq "$(jq -r .state.id "$st")" "$id" "state.id" || return 1
	[ "$(jq -r .pid "$st")" -gt 0 ] || fail "no pid in the state" || return 1
	assert_eq "$(jq -r .ociVersion "$st" | cut -c1-2)" "1." "ociVersion"
}

test_notify_agent_fakes_success() {
	local d=$TMPROOT/agent-ok b=$TMPROOT/b-notify-ok out
	start_agent "$d" success || return 1
	seccomp_bundle "$b" "$(notify_profile "$d/agent.sock" ok)" sh -c 'oci-check mkdir /tmp/n2 755; ls -d /tmp/n2 2>/dev/null || echo absent'
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	local rc=$?
	stop_agent
	[ $rc -eq 0 ] || fail "run failed: $out" || return 1
	# the agent said "done" but did nothing: the directory does not exist
	assert_eq "$out" "result=ok
absent"
}

test_notify_agent_continue() {
	local d=$TMPROOT/agent-cont b=$TMPROOT/b-notify-cont out
	start_agent "$d" continue || return 1
	seccomp_bundle "$b" "$(notify_profile "$d/agent.sock" cont)" sh -c 'oci-check mkdir /tmp/n3 755; ls -d /tmp/n3 2>/dev/null || echo absent; rmdir /tmp/n3'
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	local rc=$?
	stop_agent
	[ $rc -eq 0 ] || fail "run failed: $out" || return 1
	assert_eq "$out" "result=ok
/tmp/n3" "the kernel ran the syscall"
}

test_notify_without_listener_fails_create() {
	local b=$TMPROOT/b-nolistener out id
	seccomp_bundle "$b" "$(notify_profile "$TMPROOT/nobody-listens.sock" none)" true
	id=$(new_id)
	out=$(bundle_run "$b" "$id" 2>&1) && fail "create succeeded without the listener" && return 1
	assert_contains "$out" "nobody-listens.sock" "the error names the listener: $out"
}

# ---- the compiled-filter cache -------------------------------------------------------------

test_cache_written_and_reused() {
	local b=$TMPROOT/b-cache root=$TMPROOT/cache-root out f
	seccomp_bundle "$b" "$(jq '.syscalls += [{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":18}] | .syscalls |= (reverse)' "$PODMAN_PROFILE")" oci-check mkdir /tmp/c1 755
	out=$("$HULL_BIN" --root "$root" run -b "$b" "$(new_id)" </dev/null 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$out" "result=EXDEV" "first run" || return 1
	f=$(ls "$root"/.seccomp-cache/*.bpf 2>/dev/null)
	[ "$(wc -w <<<"$f")" -eq 1 ] || fail "expected one cached filter, got [$f]" || return 1
	local m1
	m1=$(stat -c %Y.%i "$f")
	out=$("$HULL_BIN" --root "$root" --debug run -b "$b" "$(new_id)" </dev/null 2>&1) || fail "second run failed: $out" || return 1
	assert_contains "$out" "result=EXDEV" "second run" || return 1
	assert_eq "$(stat -c %Y.%i "$f")" "$m1" "the cache file was reused, not rewritten" || return 1
	# a damaged cache entry is detected and rebuilt: the filter still denies
	printf 'garbage' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
	out=$("$HULL_BIN" --root "$root" run -b "$b" "$(new_id)" </dev/null 2>&1) || fail "run with a damaged cache failed: $out" || return 1
	assert_eq "$out" "result=EXDEV" "after damaging the cache" || return 1
	rm -rf "$root"
}

run_tests
