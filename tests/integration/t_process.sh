#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# process.*: user, env, cwd, rlimits, capabilities, noNewPrivileges, oomScoreAdj, umask.
. "$(dirname "$0")/lib.sh"

test_user_and_groups() {
	local b=$TMPROOT/b-user out
	make_bundle "$b" sh -c 'id -u; id -g; id -G'
	jq_config "$b" '.process.user = {"uid": 65534, "gid": 65534, "additionalGids": [5, 7]}'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" 65534
	assert_eq "$(sed -n 2p <<<"$out")" 65534
	assert_contains "$(sed -n 3p <<<"$out")" "5"
	assert_contains "$(sed -n 3p <<<"$out")" "7"
}

test_env_and_cwd() {
	local b=$TMPROOT/b-env out
	make_bundle "$b" sh -c 'echo "$FOO|$(pwd)"'
	jq_config "$b" '.process.env += ["FOO=bar baz"] | .process.cwd = "/tmp"'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$out" "bar baz|/tmp"
}

test_rlimits_visible() {
	local b=$TMPROOT/b-rl out
	make_bundle "$b" sh -c 'grep "Max open files" /proc/self/limits'
	jq_config "$b" '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":123,"hard":456}]'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$(awk '{print $4, $5}' <<<"$out")" "123 456"
}

test_capabilities_exact() {
	local b=$TMPROOT/b-caps out
	make_bundle "$b" sh -c 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status; grep NoNewPrivs /proc/self/status'
	jq_config "$b" '.process.capabilities = {"bounding":["CAP_KILL","CAP_NET_BIND_SERVICE"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]} | .process.noNewPrivileges = true'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_contains "$out" "CapInh:	0000000000000000"
	assert_contains "$out" "CapPrm:	0000000000000020"
	assert_contains "$out" "CapEff:	0000000000000020"
	assert_contains "$out" "CapBnd:	0000000000000420"
	assert_contains "$out" "CapAmb:	0000000000000000"
	assert_contains "$out" "NoNewPrivs:	1"
}

test_oom_score_adj_and_umask() {
	local b=$TMPROOT/b-oom out
	make_bundle "$b" sh -c 'cat /proc/self/oom_score_adj; umask'
	jq_config "$b" '.process.oomScoreAdj = 300 | .process.user.umask = 63'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" 300
	assert_eq "$(sed -n 2p <<<"$out")" 0077
}

test_missing_executable() {
	local b=$TMPROOT/b-noexec out id
	make_bundle "$b" no-such-binary
	id=$(new_id)
	out=$(HULL create -b "$b" "$id" 2>&1 </dev/null) && fail "create of a missing binary succeeded"
	assert_contains "$out" 'executable file not found in $PATH'
	[ ! -e "$ROOT/$id" ] || fail "failed create left a state dir"
}

test_only_stdio_fds_reach_container() {
	local b=$TMPROOT/b-fds out
	make_bundle "$b" sh -c 'ls /proc/self/fd'
	exec 7>"$TMPROOT/leak"
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	exec 7>&-
	# ls itself holds one fd for the directory it reads (3)
	assert_eq "$(echo $out)" "0 1 2 3"
}

test_preserve_fds() {
	local b=$TMPROOT/b-pfd out
	make_bundle "$b" sh -c 'cat <&3'
	echo "through-fd-3" >"$TMPROOT/pfd"
	out=$(HULL run --preserve-fds 1 -b "$b" "$(new_id)" 3<"$TMPROOT/pfd" </dev/null) || fail "run failed: $out"
	assert_eq "$out" through-fd-3
}

run_tests
