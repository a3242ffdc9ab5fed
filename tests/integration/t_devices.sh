#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.devices (nodes with type, major:minor, mode, owner) and the device cgroup
# (linux.resources.devices, eBPF on the cgroup2 hierarchy).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

cg2=$CG2

test_devices_created_with_numbers_mode_owner() {
	local b=$TMPROOT/b-dev out
	make_bundle "$b" sh -c 'for d in /dev/fuse /dev/hull-null /opt/outside-dev /dev/hull-blk; do stat -c "%n %F %t:%T %a %u:%g" $d; done'
	jq_config "$b" '.linux.devices = [
		{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438,"uid":0,"gid":0},
		{"path":"/dev/hull-null","type":"c","major":1,"minor":3,"fileMode":416,"uid":1000,"gid":1001},
		{"path":"/opt/outside-dev","type":"c","major":1,"minor":5,"fileMode":384},
		{"path":"/dev/hull-blk","type":"b","major":7,"minor":200,"fileMode":432,"uid":5,"gid":6}]'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" "/dev/fuse character special file a:e5 666 0:0
/dev/hull-null character special file 1:3 640 1000:1001
/opt/outside-dev character special file 1:5 600 0:0
/dev/hull-blk block special file 7:c8 660 5:6"
	[ ! -e "$BASE_ROOTFS/opt/outside-dev" ] || [ -c "$BASE_ROOTFS/opt/outside-dev" ] || fail "odd file left in the rootfs"
	rm -f "$BASE_ROOTFS/opt/outside-dev"
}

test_device_over_mismatching_file_is_error() {
	# the spec: a file already at path that does not match the device is an error
	local b=$TMPROOT/b-devclash out id
	make_bundle "$b" true
	jq_config "$b" '.linux.devices = [{"path":"/etc/passwd","type":"c","major":1,"minor":3,"fileMode":438}]'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "replaced /etc/passwd with a device"; }
	assert_contains "$out" "/etc/passwd"
	[ -f "$BASE_ROOTFS/etc/passwd" ] || fail "the image's /etc/passwd is gone"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_device_cgroup_denies_zero_allows_null() {
	local b=$TMPROOT/b-devcg out id
	make_bundle "$b" sh -c 'head -c 1 /dev/zero >/dev/null && echo zero-ok; echo x >/dev/null && echo null-ok; head -c 3 /dev/urandom | wc -c'
	jq_config "$b" '.linux.resources.devices += [{"allow":false,"type":"c","major":1,"minor":5,"access":"rwm"}]'
	id=$(new_id)
	out=$(bundle_run "$b" "$id" 2>&1) || fail "run failed: $out"
	assert_contains "$out" "Operation not permitted"
	assert_not_contains "$out" zero-ok
	assert_contains "$out" null-ok
	assert_eq "$(tail -1 <<<"$out")" 3 "urandom still readable"
	[ ! -e "$cg2/hull/$id" ] || fail "the container's cgroup outlived it"
}

test_device_cgroup_listed_device_usable_unlisted_not() {
	# a linux.devices entry is usable (crun/hull add it to the allowed set); a node the
	# container makes itself (mknod is allowed, as in runc) for a device nobody allowed
	# cannot be opened
	local b=$TMPROOT/b-devfuse out
	make_bundle "$b" sh -c '( true </dev/fuse ) && echo fuse-open; mknod /tmp/port c 1 4 && echo mknod-ok; ( true </tmp/port ) 2>&1 || echo denied; rm -f /tmp/port'
	jq_config "$b" '.linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438}]
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_contains "$out" fuse-open
	assert_contains "$out" mknod-ok
	assert_contains "$out" "Operation not permitted"
	assert_contains "$out" denied
}

test_device_cgroup_mknod_denied() {
	# a trailing deny of "m" for 1:7 wins over the default mknod permission
	local b=$TMPROOT/b-mknod out
	make_bundle "$b" sh -c 'mknod /tmp/newfull c 1 7 2>&1 || echo mknod-denied; mknod /tmp/newnull c 1 3 && echo null-mknod-ok; rm -f /tmp/newfull /tmp/newnull'
	jq_config "$b" '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]
		| .linux.resources.devices += [{"allow":false,"type":"c","major":1,"minor":7,"access":"m"}]'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_contains "$out" "Operation not permitted"
	assert_contains "$out" mknod-denied
	assert_contains "$out" null-mknod-ok
}

test_device_bad_type_rejected() {
	local b=$TMPROOT/b-devbad out id
	make_bundle "$b" true
	jq_config "$b" '.linux.devices = [{"path":"/dev/x","type":"z","major":1,"minor":3}]'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "device type z accepted"; }
	assert_contains "$out" ".linux.devices[0].type"
}

run_tests
