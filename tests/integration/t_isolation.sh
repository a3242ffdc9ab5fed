#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Namespaces, hostname, mounts, /dev, masked and read-only paths as seen from inside.
. "$(dirname "$0")/lib.sh"

test_namespaces_differ_from_host() {
	local b=$TMPROOT/b-ns out ns
	make_bundle "$b" sh -c 'for n in pid net mnt ipc uts cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	for ns in pid net mnt ipc uts cgroup; do
		local inside host
		inside=$(awk -v n=$ns '$1==n{print $2}' <<<"$out")
		host=$(readlink /proc/self/ns/$ns)
		[ -n "$inside" ] || fail "no $ns namespace reported"
		[ "$inside" != "$host" ] || fail "$ns namespace is the host's ($host)"
	done
}

test_pid1_and_hostname() {
	local b=$TMPROOT/b-pid out
	make_bundle "$b" sh -c 'echo "pid=$$ host=$(hostname) dom=$(cat /proc/sys/kernel/domainname)"'
	jq_config "$b" '.hostname = "inside-box" | .domainname = "example.test"'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$out" "pid=1 host=inside-box dom=example.test"
}

test_lo_up_in_new_netns() {
	local b=$TMPROOT/b-lo out
	make_bundle "$b" sh -c 'cat /sys/class/net/lo/operstate; ls /sys/class/net'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$(head -1 <<<"$out")" unknown "lo is up (operstate 'unknown' for loopback)"
	assert_eq "$(tail -1 <<<"$out")" lo "only lo in a new netns"
}

test_default_devices() {
	local b=$TMPROOT/b-dev out
	make_bundle "$b" sh -c 'for d in null zero full random urandom tty; do ls -l /dev/$d; done; readlink /dev/ptmx; readlink /dev/fd; echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | wc -c'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_contains "$out" "1,   3"
	assert_contains "$out" "1,   9"
	assert_contains "$out" "5,   0"
	assert_contains "$out" "pts/ptmx"
	assert_contains "$out" "/proc/self/fd"
	assert_contains "$out" "null-ok"
	assert_eq "$(tail -1 <<<"$out")" 4
}

test_masked_and_readonly_paths() {
	local b=$TMPROOT/b-mask out
	# /proc/timer_list and /proc/acpi are in the default maskedPaths and exist on this kernel
	make_bundle "$b" sh -c 'cat /proc/timer_list 2>&1 | wc -c; ls /proc/acpi 2>&1 | wc -l; echo 1 > /proc/sys/kernel/domainname 2>&1 || echo ro-ok'
	[ -e /proc/timer_list ] || skip "no /proc/timer_list on this kernel"
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" 0 "masked file reads empty"
	assert_eq "$(sed -n 2p <<<"$out")" 0 "masked dir is empty"
	assert_contains "$out" "ro-ok"
}

test_root_readonly() {
	local b=$TMPROOT/b-ro out
	make_bundle "$b" sh -c 'touch /rootfile 2>&1 || echo ro-root; touch /tmp/x 2>&1 && echo tmp-ok'
	jq_config "$b" '.root.readonly = true | .mounts += [{"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev"]}]'
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_contains "$out" "ro-root"
	assert_contains "$out" "tmp-ok"
	[ ! -e "$BASE_ROOTFS/rootfile" ] || fail "wrote into the rootfs"
}

test_bind_mount_options() {
	local b=$TMPROOT/b-bind out src=$TMPROOT/bindsrc
	mkdir -p "$src" && echo data >"$src/file"
	make_bundle "$b" sh -c 'cat /mnt/data/file; echo y > /mnt/data/new 2>&1 || echo bind-ro; grep " /mnt/data " /proc/mounts'
	jq_config "$b" ".mounts += [{\"destination\":\"/mnt/data\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\"]}]"
	out=$(bundle_run "$b" "$(new_id)") || fail "run failed: $out"
	assert_contains "$out" "data"
	assert_contains "$out" "bind-ro"
	assert_contains "$out" "ro,nosuid,nodev,noexec"
	[ ! -e "$src/new" ] || fail "ro bind was writable"
}

test_mounts_do_not_leak_to_host() {
	# other processes may mount things meanwhile: look for anything under our paths
	local b=$TMPROOT/b-leak
	make_bundle "$b" sh -c 'mount -t tmpfs none /tmp && echo mounted'
	jq_config "$b" '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	assert_eq "$(bundle_run "$b" "$(new_id)")" mounted
	assert_eq "$(grep -cE "$TMPROOT|$(readlink -f "$BASE_ROOTFS")" /proc/self/mountinfo)" 0 "no mount of ours on the host"
}

run_tests
