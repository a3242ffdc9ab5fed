#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A user namespace with uid/gid mappings: container 0 is host 100000 (65536 ids).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

# Like podman with --userns: the image belongs to the mapped root and the path to it is
# searchable (mktemp made our temp dir 0700, which host uid 100000 could not traverse).
chmod 711 "$TMPROOT"
chown -R -h 100000:100000 "$BASE_ROOTFS"

USERNS_FILTER='.linux.namespaces += [{"type":"user"}]
	| .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
	| .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'

userns_bundle() {
	local b=$1
	shift
	make_bundle "$b" "$@"
	jq_config "$b" "$USERNS_FILTER"
}

test_userns_maps_visible_inside() {
	local b=$TMPROOT/b-map out
	userns_bundle "$b" sh -c 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; id -g; readlink /proc/self/ns/user'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" "uid_map"
	assert_eq "$(sed -n 2p <<<"$out" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" "gid_map"
	assert_eq "$(sed -n 3p <<<"$out")" 0 "id -u inside"
	assert_eq "$(sed -n 4p <<<"$out")" 0 "id -g inside"
	[ "$(sed -n 5p <<<"$out")" != "$(readlink /proc/self/ns/user)" ] || fail "the container shares the host's user namespace"
}

test_userns_files_in_bind_mount_have_host_ids() {
	local b=$TMPROOT/b-own out src=$TMPROOT/owned
	mkdir -p "$src" && chown 100000:100000 "$src"
	userns_bundle "$b" sh -c 'touch /data/made-inside && mkdir /data/dir-inside && ls -ln /data/made-inside'
	jq_config "$b" ".mounts += [{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"rw\"]}]"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$(awk '{print $3, $4}' <<<"$out")" "0 0" "owned by root inside"
	assert_eq "$(stat -c '%u:%g' "$src/made-inside")" "100000:100000" "file owner on the host"
	assert_eq "$(stat -c '%u:%g' "$src/dir-inside")" "100000:100000" "dir owner on the host"
}

test_userns_host_sees_mapped_uid() {
	local b=$TMPROOT/b-host id pid
	userns_bundle "$b" sleep 30
	jq_config "$b" '.process.user = {"uid": 1000, "gid": 1000}'
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	pid=$(HULL state "$id" | jq -r .pid)
	assert_eq "$(awk '/^Uid:/{print $2}' "/proc/$pid/status")" 101000 "host uid of container uid 1000"
	assert_eq "$(awk '/^Gid:/{print $2}' "/proc/$pid/status")" 101000 "host gid of container gid 1000"
	HULL delete --force "$id"
}

test_userns_unmapped_host_root_is_nobody() {
	local b=$TMPROOT/b-nobody out src=$TMPROOT/hostroot
	# a directory of host root, which has no mapping: it shows as the overflow id
	mkdir -p "$src" && chmod 755 "$src"
	userns_bundle "$b" sh -c 'stat -c %u /hostroot; cat /proc/sys/kernel/overflowuid; touch /hostroot/not-mine 2>/dev/null && echo wrote || echo denied'
	jq_config "$b" ".mounts += [{\"destination\":\"/hostroot\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"rw\"]}]"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" "$(cat /proc/sys/kernel/overflowuid)" "host root shows as the overflow uid"
	assert_eq "$(sed -n 3p <<<"$out")" denied "container root cannot write a host-root directory"
	[ ! -e "$src/not-mine" ] || fail "container root wrote into a host-root directory"
}

test_userns_devices_and_default_dev() {
	# a user namespace cannot mknod: devices are bind-mounted from the host instead
	local b=$TMPROOT/b-udev out
	userns_bundle "$b" sh -c 'stat -c "%n %t:%T" /dev/fuse /dev/null /dev/zero; echo x >/dev/null && echo null-ok; head -c 2 /dev/zero | wc -c'
	jq_config "$b" '.linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438}]'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" "/dev/fuse a:e5
/dev/null 1:3
/dev/zero 1:5
null-ok
2"
}

test_userns_overlay_rootfs() {
	local b=$TMPROOT/b-uovl out before
	userns_bundle "$b" sh -c 'echo x >/etc/uovl && rm /etc/group && ls /etc'
	before=$(ls -A "$BASE_ROOTFS/etc")
	out=$(HULL run --overlay -b "$b" "$(new_id)" 2>&1 </dev/null) || fail "run --overlay in a user namespace failed: $out"
	assert_contains "$out" uovl
	assert_not_contains "$out" group
	assert_eq "$(ls -A "$BASE_ROOTFS/etc")" "$before" "the lower layer is unchanged"
}

test_userns_mappings_without_userns_rejected() {
	local b=$TMPROOT/b-nouserns out id
	make_bundle "$b" true
	jq_config "$b" '.linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "uidMappings without a user namespace were accepted"; }
	assert_contains "$out" "uidMappings"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

run_tests
