#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# linux.netDevices (spec 1.3): host interfaces moved into the container's netns; linux.sysctl.
# Only interfaces this file creates are touched: a veth pair whose host end has a name unique
# to this run and whose peer lives in a netns of ours.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

NETNS=hull-it-nd-$$
on_exit "ip netns del $NETNS"
# names our host ends may have after a (possibly buggy) move or rename
OUR_NAMES="^(hnd$$.|hndx$$|ctr0|joined0)$"

# make_pair SUFFIX ADDR: veth with host end hnd<pid><SUFFIX> (printed), peer in $NETNS
make_pair() {
	local host=hnd$$$1
	[ -e "/var/run/netns/$NETNS" ] || ip netns add "$NETNS" || return 1
	ip link add "$host" type veth peer name "p$$$1" netns "$NETNS" || return 1
	# clean up by ifindex: a runtime may rename the device and leave it on the host
	local idx
	idx=$(cat "/sys/class/net/$host/ifindex")
	on_exit "n=\$(ip -o link show | awk -F': ' '\$1==$idx{print \$2}' | cut -d@ -f1); echo \"\$n\" | grep -qE '$OUR_NAMES' && ip link del \"\$n\""
	[ -z "${2:-}" ] || ip addr add "$2" dev "$host" || return 1
	echo "$host"
}

host_has_link() { ip link show "$1" >/dev/null 2>&1; }

test_netdevice_moved_renamed_with_address() {
	command -v ip >/dev/null || skip "no ip(8)"
	local host b=$TMPROOT/b-nd out id
	host=$(make_pair a 10.213.9.2/24) || skip "cannot create a veth pair here"
	ip -n "$NETNS" addr add 10.213.9.1/24 dev "p$$a"
	ip -n "$NETNS" link set "p$$a" up
	make_bundle "$b" sh -c 'ls /sys/class/net | sort | tr "\n" " "; echo; ip -o -4 addr show dev ctr0; ip -o link show ctr0; ping -c 1 -W 3 10.213.9.1 >/dev/null && echo ping-ok'
	jq_config "$b" ".linux.netDevices = {\"$host\": {\"name\": \"ctr0\"}}
		| .process.capabilities.bounding += [\"CAP_NET_RAW\"] | .process.capabilities.effective += [\"CAP_NET_RAW\"] | .process.capabilities.permitted += [\"CAP_NET_RAW\"]"
	id=$(new_id)
	out=$(bundle_run "$b" "$id" 2>&1) || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" "ctr0 lo " "interfaces inside"
	assert_contains "$(sed -n 2p <<<"$out")" "inet 10.213.9.2/24"
	assert_contains "$(sed -n 3p <<<"$out")" ",UP"
	assert_contains "$out" ping-ok
	# a virtual device dies with the container's netns: it is not moved back
	wait_for 5 sh -c "! ip link show $host >/dev/null 2>&1" || fail "$host is back on the host"
	wait_for 10 sh -c "! ip -n $NETNS link show p$$a >/dev/null 2>&1" || fail "the veth peer survived the container's netns"
}

test_netdevice_keeps_host_name_without_name() {
	command -v ip >/dev/null || skip "no ip(8)"
	local host b=$TMPROOT/b-nd2 out
	host=$(make_pair b) || skip "cannot create a veth pair here"
	make_bundle "$b" sh -c 'ls /sys/class/net | sort | tr "\n" " "'
	jq_config "$b" ".linux.netDevices = {\"$host\": {}}"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" "$host lo " "moved under its host name"
	host_has_link "$host" && fail "$host is still on the host"
	return 0
}

test_netdevice_name_clash_is_error() {
	command -v ip >/dev/null || skip "no ip(8)"
	local host b=$TMPROOT/b-nd3 out id
	host=$(make_pair c) || skip "cannot create a veth pair here"
	make_bundle "$b" true
	jq_config "$b" ".linux.netDevices = {\"$host\": {\"name\": \"lo\"}}"
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "moved $host in as a second lo"; }
	assert_contains "$out" "$host"
	assert_contains "$out" "lo"
	[ ! -e "$ROOT/$id" ] || fail "state dir left after the failed create"
	host_has_link "$host" || fail "$host is gone from the host after the failed create"
	ip link del "$host" 2>/dev/null
	return 0
}

test_netdevice_missing_on_host_is_error() {
	local b=$TMPROOT/b-nd4 out id
	make_bundle "$b" true
	jq_config "$b" ".linux.netDevices = {\"hndnone$$\": {\"name\": \"eth0\"}}"
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a missing host device was accepted"; }
	assert_contains "$out" "hndnone$$"
	[ ! -e "$ROOT/$id" ] || fail "state dir left after the failed create"
}

test_netdevice_without_netns_is_error() {
	# runc: "unable to move network devices without a private NET namespace"
	command -v ip >/dev/null || skip "no ip(8)"
	local host b=$TMPROOT/b-nd5 out id
	host=$(make_pair d) || skip "cannot create a veth pair here"
	make_bundle "$b" true
	jq_config "$b" ".linux.netDevices = {\"$host\": {\"name\": \"hndx$$\"}} | del(.linux.namespaces[] | select(.type == \"network\"))"
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "netDevices without a network namespace were accepted"; }
	assert_contains "$out" "namespace"
	host_has_link "$host" || fail "$host vanished from the host (renamed to $(ip -o link show | grep -o "hndx$$"))"
	ip link del "hndx$$" 2>/dev/null
	ip link del "$host" 2>/dev/null
	return 0
}

test_netdevice_into_joined_netns() {
	command -v ip >/dev/null || skip "no ip(8)"
	local host b=$TMPROOT/b-nd6 out target=hull-it-ndt-$$
	host=$(make_pair e 10.213.10.2/24) || skip "cannot create a veth pair here"
	ip netns add "$target" || fail "ip netns add"
	on_exit "ip netns del $target"
	make_bundle "$b" sh -c 'ip -o -4 addr show dev joined0'
	jq_config "$b" ".linux.netDevices = {\"$host\": {\"name\": \"joined0\"}}
		| (.linux.namespaces[] | select(.type == \"network\")).path = \"/run/netns/$target\""
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_contains "$out" "10.213.10.2/24"
	host_has_link joined0 && fail "$host was left renamed to joined0 on the host"
	# the namespace outlives the container: the device stays in it
	ip -n "$target" -o -4 addr show dev joined0 | grep -q 10.213.10.2 || fail "joined0 is not in $target after the run"
	ip netns del "$target"
}

test_sysctl_in_new_namespaces() {
	local b=$TMPROOT/b-sysctl out host_fwd host_shm
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	host_shm=$(cat /proc/sys/kernel/shm_rmid_forced)
	make_bundle "$b" sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced /proc/sys/kernel/msgmax'
	jq_config "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1", "kernel.msgmax": "12345"}'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$(echo $out)" "1 1 12345" "sysctls inside"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "host ip_forward unchanged"
	assert_eq "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host_shm" "host shm_rmid_forced unchanged"
}

test_sysctl_not_namespaced_rejected() {
	# the value written would be the host's own, so even a runtime that wrongly writes it
	# changes nothing on this machine
	local b=$TMPROOT/b-sysctl2 out id
	make_bundle "$b" true
	jq_config "$b" ".linux.sysctl = {\"kernel.panic\": \"$(cat /proc/sys/kernel/panic)\"}"
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "a host-wide sysctl was accepted"; }
	assert_contains "$out" "kernel.panic"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

test_sysctl_net_without_netns_rejected() {
	local b=$TMPROOT/b-sysctl3 out id
	make_bundle "$b" true
	jq_config "$b" ".linux.sysctl = {\"net.ipv4.ip_forward\": \"$(cat /proc/sys/net/ipv4/ip_forward)\"} | del(.linux.namespaces[] | select(.type == \"network\"))"
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "net.* sysctl in the host netns was accepted"; }
	assert_contains "$out" "net.ipv4.ip_forward"
}

test_sysctl_unknown_rejected() {
	local b=$TMPROOT/b-sysctl4 out id
	make_bundle "$b" true
	jq_config "$b" '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
	id=$(new_id)
	out=$(create_out -b "$b" "$id") && { HULL delete --force "$id"; fail "an unknown sysctl was accepted"; }
	assert_contains "$out" "net.ipv4.no_such_knob"
	[ ! -e "$ROOT/$id" ] || fail "state dir left"
}

run_tests
