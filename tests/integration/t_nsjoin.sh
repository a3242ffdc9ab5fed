#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Namespaces joined by path (.linux.namespaces[i].path) and the time namespace (timeOffsets).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

NETNS=hull-it-$$

# index of the namespace of TYPE in the default config
ns_index() { jq "[.linux.namespaces[].type] | index(\"$2\")" "$1/config.json"; }

test_join_netns_by_path() {
	command -v ip >/dev/null || skip "no ip(8)"
	ip netns add "$NETNS" || fail "ip netns add failed"
	on_exit "ip netns del $NETNS"
	ip -n "$NETNS" link add hullj0 type veth peer name hullj1 || fail "cannot make a veth pair in $NETNS"
	ip -n "$NETNS" addr add 10.213.7.1/24 dev hullj0
	local b=$TMPROOT/b-netns out i
	make_bundle "$b" sh -c 'cat /proc/net/dev | cut -d: -f1 | tr -d " " | tail -n +3 | sort | tr "\n" " "; echo; ip -o -4 addr show dev hullj0; readlink /proc/self/ns/net'
	i=$(ns_index "$b" network)
	jq_config "$b" ".linux.namespaces[$i].path = \"/run/netns/$NETNS\""
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" "hullj0 hullj1 lo " "the interfaces of the joined netns"
	assert_contains "$(sed -n 2p <<<"$out")" "10.213.7.1/24"
	assert_eq "$(sed -n 3p <<<"$out")" "net:[$(stat -L -c %i "/run/netns/$NETNS")]" "same netns inode"
	ip -n "$NETNS" -br link show hullj0 >/dev/null || fail "the joined netns lost its interface"
	ip netns del "$NETNS"
}

test_join_uts_of_running_container() {
	local a=$TMPROOT/b-utsa bb=$TMPROOT/b-utsb ida idb pid out i
	make_bundle "$a" sleep 30
	jq_config "$a" '.hostname = "shared-uts-host"'
	ida=$(new_id)
	HULL run -d -b "$a" "$ida" </dev/null >/dev/null || fail "run -d of the first container failed"
	pid=$(HULL state "$ida" | jq -r .pid)
	make_bundle "$bb" sh -c 'hostname; readlink /proc/self/ns/uts'
	i=$(ns_index "$bb" uts)
	# a joined uts namespace is not ours to rename: no hostname in this config
	jq_config "$bb" "del(.hostname) | .linux.namespaces[$i].path = \"/proc/$pid/ns/uts\""
	idb=$(new_id)
	out=$(bundle_run "$bb" "$idb" 2>&1) || fail "run of the joining container failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" shared-uts-host "hostname seen through the joined uts ns"
	assert_eq "$(sed -n 2p <<<"$out")" "$(readlink "/proc/$pid/ns/uts")" "same uts namespace"
	assert_eq "$(status_of "$ida")" running "the first container still runs"
	HULL delete --force "$ida"
}

test_hostname_without_uts_namespace_rejected() {
	# runc: "unable to set hostname without a private UTS namespace". hull runs in a uts
	# namespace of our own, so a runtime that wrongly sets the name cannot rename this machine.
	local b=$TMPROOT/b-utsh out id
	make_bundle "$b" hostname
	jq_config "$b" '.hostname = "nope" | del(.linux.namespaces[] | select(.type == "uts"))'
	id=$(new_id)
	out=$(unshare --uts sh -c 'hostname uts-before; "$0" --root "$1" create -b "$2" "$3" >"$4" 2>&1 </dev/null; rc=$?; echo "host=$(hostname)"; exit $rc' \
		"$HULL_BIN" "$ROOT" "$b" "$id" "$TMPROOT/utsh.out") && { HULL delete --force "$id"; fail "set a hostname without a uts namespace"; }
	assert_contains "$(cat "$TMPROOT/utsh.out")" "hostname"
	assert_eq "$out" "host=uts-before" "the runtime's hostname is unchanged"
}

test_bad_namespace_path_errors() {
	local b=$TMPROOT/b-badp out i id before
	make_bundle "$b" true
	i=$(ns_index "$b" network)
	jq_config "$b" ".linux.namespaces[$i].path = \"/does/not/exist\""
	before=$(ls "$ROOT" 2>/dev/null)
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a missing namespace path was accepted"; }
	assert_contains "$out" ".linux.namespaces[$i].path"
	assert_eq "$(ls "$ROOT" 2>/dev/null)" "$before" "no state dir left"
}

test_namespace_path_of_wrong_type_errors() {
	# the spec: an error if path is not associated with a namespace of type `type`
	local b=$TMPROOT/b-wrongt out i id
	make_bundle "$b" true
	i=$(ns_index "$b" network)
	jq_config "$b" ".linux.namespaces[$i].path = \"/proc/$$/ns/uts\""
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a uts namespace was joined as the network namespace"; }
	assert_contains "$out" ".linux.namespaces[$i].path"
	i=$(ns_index "$b" ipc)
	jq_config "$b" ".linux.namespaces[$i].path = \"/etc/hostname\""
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a regular file was joined as a namespace"; }
	assert_contains "$out" ".linux.namespaces["
}

test_time_namespace_offsets() {
	[ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
	local b=$TMPROOT/b-time out host_up in_up
	make_bundle "$b" sh -c 'cat /proc/self/timens_offsets; cut -d" " -f1 /proc/uptime; readlink /proc/self/ns/time'
	jq_config "$b" '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"monotonic":{"secs":86400,"nanosecs":0},"boottime":{"secs":172800,"nanosecs":500}}'
	host_up=$(cut -d' ' -f1 /proc/uptime)
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_contains "$out" "monotonic"
	assert_eq "$(awk '$1=="monotonic"{print $2, $3}' <<<"$out")" "86400 0" "monotonic offset"
	assert_eq "$(awk '$1=="boottime"{print $2, $3}' <<<"$out")" "172800 500" "boottime offset"
	in_up=$(sed -n 3p <<<"$out")
	# /proc/uptime follows boottime: about two days ahead of the host
	awk -v i="$in_up" -v h="$host_up" 'BEGIN{d=i-h; exit !(d > 172790 && d < 172830)}' ||
		fail "uptime inside $in_up vs host $host_up: not 172800 s ahead"
	[ "$(sed -n 4p <<<"$out")" != "$(readlink /proc/self/ns/time)" ] || fail "the container shares the host's time namespace"
}

test_time_offsets_without_time_namespace_rejected() {
	local b=$TMPROOT/b-time2 out id
	make_bundle "$b" true
	jq_config "$b" '.linux.timeOffsets = {"monotonic":{"secs":10}}'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "timeOffsets without a time namespace were accepted"; }
	assert_contains "$out" "timeOffsets"
}

run_tests
