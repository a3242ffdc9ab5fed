#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A create that fails at any step leaves the state root, the host's mounts, the cgroup
# hierarchy and the process table as they were, and the error is the last line on stderr.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

# everything of ours that a failed create could leave behind
snapshot() {
	echo "root: $(ls -A "$ROOT" 2>/dev/null | grep -v '^\.seccomp-cache$' | tr '\n' ' ')"
	echo "mounts: $(grep -E "$TMPROOT|$(readlink -f "$BASE_ROOTFS")" /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')"
	echo "cgroups: $(ls "$CG2/hull" 2>/dev/null | grep "^t$$-" | tr '\n' ' ')"
	# processes that mention our state root or temp dir (hull, its container init, hooks)
	local p
	echo -n "procs:"
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$BASHPID" ] && continue
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$TMPROOT" && echo -n " ${p#/proc/}:$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-60)"
	done
	echo
}

# expect_failed_create BUNDLE WHAT [create options]: create fails with WHAT in the last stderr
# line and leaves nothing behind
expect_failed_create() {
	local b=$1 what=$2 before after id
	shift 2
	before=$(snapshot)
	id=$(new_id)
	HULL create "$@" -b "$b" "$id" </dev/null >"$TMPROOT/create.out" 2>"$TMPROOT/create.err" && {
		HULL delete --force "$id"
		fail "create succeeded, expected a failure about: $what"
		return 1
	}
	assert_contains "$(tail -1 "$TMPROOT/create.err")" "$what"
	sleep 0.2 # a process that is being reaped must not count
	after=$(snapshot)
	assert_eq "$after" "$before" "nothing left behind"
	[ ! -e "$ROOT/$id" ] || fail "state dir $ROOT/$id left"
	[ ! -e "$CG2/hull/$id" ] || fail "cgroup $CG2/hull/$id left"
}

# positive control for snapshot(): a created container shows up in each part it watches
# (else "nothing left behind" would pass whatever a failed create leaves)
test_snapshot_sees_a_created_container() {
	local b=$TMPROOT/b-control id before during
	make_bundle "$b" sleep 30
	before=$(snapshot)
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "create failed"
	during=$(snapshot)
	assert_contains "$(grep '^root:' <<<"$during")" "$id"
	assert_contains "$(grep '^cgroups:' <<<"$during")" "$id"
	[ -d "$CG2/hull/$id" ] || fail "no cgroup at $CG2/hull/$id while the container exists"
	[ "$(grep '^procs:' <<<"$during")" != "$(grep '^procs:' <<<"$before")" ] || fail "snapshot does not see the container's processes"
	HULL delete --force "$id" || fail "delete --force failed"
	sleep 0.2
	assert_eq "$(snapshot)" "$before" "after delete"
}

test_failing_create_container_hook() {
	local b=$TMPROOT/b-cc
	make_bundle "$b" true
	jq_config "$b" '.hooks = {"createContainer":[{"path":"/bin/sh","args":["sh","-c","echo cc-hook-ran >&2; exit 4"]}]}'
	expect_failed_create "$b" createContainer
}

test_failing_prestart_hook() {
	local b=$TMPROOT/b-pre
	make_bundle "$b" true
	jq_config "$b" '.hooks = {"prestart":[{"path":"/bin/false"}]}'
	expect_failed_create "$b" prestart
}

test_hook_not_found() {
	local b=$TMPROOT/b-nohook
	make_bundle "$b" true
	jq_config "$b" '.hooks = {"createRuntime":[{"path":"/no/such/hook"}]}'
	expect_failed_create "$b" /no/such/hook
}

test_failing_mount_bad_tmpfs_option() {
	local b=$TMPROOT/b-tmpfsbad
	make_bundle "$b" true
	jq_config "$b" '.mounts += [{"destination":"/mnt/bad","type":"tmpfs","source":"tmpfs","options":["size=banana"]}]'
	expect_failed_create "$b" /mnt/bad
}

test_failing_mount_after_other_mounts_with_overlay() {
	# a late mount fails after the overlay, /proc, /dev ... were set up
	local b=$TMPROOT/b-ovlfail
	make_bundle "$b" true
	jq_config "$b" ".mounts += [{\"destination\":\"/mnt/ok\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},
		{\"destination\":\"/mnt/x\",\"type\":\"bind\",\"source\":\"$TMPROOT/no-such-dir\",\"options\":[\"rbind\"]}]"
	expect_failed_create "$b" /mnt/x --overlay
}

test_bad_sysctl() {
	local b=$TMPROOT/b-sysctl
	make_bundle "$b" true
	jq_config "$b" '.linux.sysctl = {"net.ipv4.no_such_sysctl_here": "1"}'
	expect_failed_create "$b" net.ipv4.no_such_sysctl_here
}

test_missing_executable() {
	local b=$TMPROOT/b-noexe
	make_bundle "$b" no-such-program
	expect_failed_create "$b" 'executable file not found in $PATH'
}

test_bad_cwd() {
	local b=$TMPROOT/b-cwd
	make_bundle "$b" true
	jq_config "$b" '.process.cwd = "/etc/passwd"'
	expect_failed_create "$b" /etc/passwd
}

test_device_over_existing_file() {
	local b=$TMPROOT/b-devf
	make_bundle "$b" true
	jq_config "$b" '.linux.devices = [{"path":"/etc/group","type":"c","major":1,"minor":3}]'
	expect_failed_create "$b" /etc/group
	[ -f "$BASE_ROOTFS/etc/group" ] || fail "the image's /etc/group was replaced"
}

test_bad_namespace_path() {
	local b=$TMPROOT/b-nsp
	make_bundle "$b" true
	jq_config "$b" '(.linux.namespaces[] | select(.type == "ipc")).path = "/proc/self/ns/nope"'
	expect_failed_create "$b" ".linux.namespaces["
}

test_bad_rlimit_value() {
	local b=$TMPROOT/b-rl
	make_bundle "$b" true
	# above fs.nr_open: setrlimit fails (EPERM) even for root
	local n=$(($(cat /proc/sys/fs/nr_open) + 1))
	jq_config "$b" ".process.rlimits = [{\"type\":\"RLIMIT_NOFILE\",\"soft\":$n,\"hard\":$n}]"
	expect_failed_create "$b" RLIMIT_NOFILE
}

test_failed_run_leaves_nothing() {
	local b=$TMPROOT/b-runfail before id
	make_bundle "$b" true
	jq_config "$b" '.hooks = {"createContainer":[{"path":"/bin/false"}]}'
	before=$(snapshot)
	id=$(new_id)
	HULL run -b "$b" "$id" </dev/null >/dev/null 2>"$TMPROOT/run.err" && fail "run succeeded despite a failing hook"
	assert_contains "$(tail -1 "$TMPROOT/run.err")" createContainer
	sleep 0.2
	assert_eq "$(snapshot)" "$before" "nothing left behind by run"
}

test_failing_start_container_hook() {
	# startContainer runs in the container after start released it. runc's start has already
	# returned 0 by then, so start's status is not checked; the user program must not run,
	# the container must end up stopped, and delete must remove everything
	local b=$TMPROOT/b-sc id before out
	make_bundle "$b" sh -c 'echo payload-ran >/tmp/payload-ran-'$$
	jq_config "$b" '.hooks = {"startContainer":[{"path":"/bin/sh","args":["sh","-c","exit 6"]}]}'
	before=$(snapshot)
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "create failed"
	HULL start "$id" >/dev/null 2>&1
	wait_status "$id" stopped || fail "not stopped after the failed start: $(status_of "$id")"
	[ ! -e "$BASE_ROOTFS/tmp/payload-ran-$$" ] || fail "the payload ran after a failing startContainer hook"
	HULL delete "$id" || HULL delete --force "$id" || fail "delete failed"
	sleep 0.2
	assert_eq "$(snapshot)" "$before" "nothing left behind"
	rm -f "$BASE_ROOTFS/tmp/payload-ran-$$"
}

test_failed_create_with_default_root() {
	# without --root: the default state root keeps nothing of the failed container
	local b=$TMPROOT/b-defroot id
	make_bundle "$b" no-such-program
	id=$(new_id)
	"$HULL_BIN" create -b "$b" "$id" </dev/null >/dev/null 2>"$TMPROOT/defroot.err" && {
		"$HULL_BIN" delete --force "$id"
		fail "create of a missing program succeeded"
	}
	assert_contains "$(tail -1 "$TMPROOT/defroot.err")" 'executable file not found'
	[ ! -e "/run/hull/$id" ] || fail "/run/hull/$id left behind"
	[ ! -e "$CG2/hull/$id" ] || fail "cgroup left behind"
}

test_bad_config_json_leaves_nothing() {
	local b=$TMPROOT/b-json
	make_bundle "$b" true
	echo '{"ociVersion": "1.2.0", "process": ' >"$b/config.json"
	expect_failed_create "$b" config.json
}

run_tests
