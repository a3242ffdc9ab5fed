#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# overlayfs rootfs: `--overlay` and the annotation run.oci.hull.overlay=true keep root.path as a
# read-only lower layer; each container writes into its own upper dir under its state dir.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

# a fingerprint of the lower layer: every path with its size and mtime
lower_sum() { (cd "$BASE_ROOTFS" && find . -printf '%p %s %T@\n' | sort | md5sum); }

test_overlay_flag_writes_anywhere_lower_untouched() {
	local b=$TMPROOT/b-ovl out before
	make_bundle "$b" sh -c 'echo new >/etc/new-file && echo x >/bin/new-bin && rm /etc/group && mkdir /newdir && touch /newdir/f && echo written; ls /etc/group 2>&1 || echo group-gone'
	before=$(lower_sum)
	out=$(HULL run --overlay -b "$b" "$(new_id)" 2>&1 </dev/null) || fail "run --overlay failed: $out"
	assert_contains "$out" written
	assert_contains "$out" group-gone
	assert_eq "$(lower_sum)" "$before" "the lower root.path is unchanged"
	[ -e "$BASE_ROOTFS/etc/group" ] || fail "the rm inside the container removed the lower file"
	[ ! -e "$BASE_ROOTFS/etc/new-file" ] || fail "a write leaked into root.path"
}

test_overlay_honours_root_readonly() {
	# --overlay is about a writable root over a shared image; root.readonly=true must still win
	local b=$TMPROOT/b-ovlro out
	make_bundle "$b" sh -c 'touch /ro-test 2>/dev/null && echo wrote || echo readonly'
	jq_config "$b" '.root.readonly = true'
	out=$(HULL run --overlay -b "$b" "$(new_id)" 2>&1 </dev/null) || fail "run failed: $out"
	assert_eq "$out" readonly "root.readonly is honoured with --overlay"
	[ ! -e "$BASE_ROOTFS/ro-test" ] || fail "wrote into root.path"
}

test_overlay_annotation() {
	local b=$TMPROOT/b-ann out before id
	make_bundle "$b" sh -c 'echo via-annotation >/root/ann && cat /root/ann'
	jq_config "$b" '.annotations = {"run.oci.hull.overlay": "true"}'
	before=$(lower_sum)
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create with the overlay annotation failed"
	assert_eq "$(HULL state "$id" | jq -r '.annotations["run.oci.hull.overlay"]')" true "annotation in the state"
	HULL start "$id" || fail "start failed"
	wait_status "$id" stopped || fail "did not stop"
	# the write is in this container's upper layer under its state dir
	[ -n "$(find "$ROOT/$id" -xdev -name ann 2>/dev/null)" ] || fail "no upper layer file under $ROOT/$id"
	HULL delete "$id" || fail "delete failed"
	assert_eq "$(lower_sum)" "$before" "the lower root.path is unchanged"
	[ ! -e "$BASE_ROOTFS/root/ann" ] || fail "the annotation did not give an overlay: root.path was written"
}

test_overlay_annotation_false_is_plain_bind() {
	local b=$TMPROOT/b-annf out
	make_bundle "$b" sh -c 'echo x >/annf-marker && echo ok'
	jq_config "$b" '.annotations = {"run.oci.hull.overlay": "false"}'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	[ -e "$BASE_ROOTFS/annf-marker" ] || fail "overlay=false still used an overlay"
	rm -f "$BASE_ROOTFS/annf-marker"
}

test_overlay_containers_do_not_see_each_other() {
	local b=$TMPROOT/b-two a bid out
	make_bundle "$b" sh -c 'echo A >/only-in-a; sleep 30'
	a=$(new_id)
	HULL run -d --overlay -b "$b" "$a" </dev/null >/dev/null || fail "run -d A failed"
	wait_for 10 sh -c "find '$ROOT/$a' -xdev -name only-in-a | grep -q ." || fail "A's write is not in A's upper dir"
	local b2=$TMPROOT/b-two2
	make_bundle "$b2" sh -c 'cat /only-in-a 2>/dev/null || echo unseen; echo B >/only-in-b'
	bid=$(new_id)
	out=$(HULL run --overlay --keep -b "$b2" "$bid" 2>&1 </dev/null) || fail "run B failed: $out"
	assert_eq "$out" unseen "B does not see A's file"
	[ -z "$(find "$ROOT/$a" -xdev -name only-in-b)" ] || fail "B's write landed in A's state dir"
	[ -n "$(find "$ROOT/$bid" -xdev -name only-in-b)" ] || fail "B's write is not under B's state dir"
	[ ! -e "$BASE_ROOTFS/only-in-a" ] && [ ! -e "$BASE_ROOTFS/only-in-b" ] || fail "a write reached root.path"
	HULL delete --force "$a"
	HULL delete "$bid" || fail "delete B failed"
}

test_overlay_delete_removes_upper() {
	local b=$TMPROOT/b-del id
	make_bundle "$b" sh -c 'dd if=/dev/zero of=/big bs=1024 count=512 2>/dev/null; sleep 30'
	id=$(new_id)
	HULL run -d --overlay -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	wait_for 10 sh -c "find '$ROOT/$id' -xdev -name big -size +500k | grep -q ." || fail "the upper layer is not under the state dir $ROOT/$id"
	HULL kill "$id" KILL
	wait_status "$id" stopped || fail "did not stop"
	HULL delete "$id" || fail "delete failed"
	[ ! -e "$ROOT/$id" ] || fail "the state dir (and upper layer) survived delete"
	assert_eq "$(find "$ROOT" -xdev -name big | wc -l)" 0 "no upper layer file left under the state root"
	assert_eq "$(grep -c "$ROOT/$id" /proc/self/mountinfo)" 0 "no overlay mount left on the host"
}

test_overlay_twenty_containers_cost_little_disk() {
	# a rootfs with 8 MiB of data: 20 copies would be 160 MiB, 20 overlays only a few KiB each
	local r=$TMPROOT/fat-rootfs b=$TMPROOT/b-fat i ids=() used id
	make_rootfs "$r"
	dd if=/dev/urandom of="$r/blob" bs=1M count=8 2>/dev/null
	make_bundle "$b" sh -c 'echo mine >/mine; sleep 30'
	ln -sfn "$r" "$b/rootfs"
	for i in $(seq 20); do
		ids+=("$(new_id)-$i")
		HULL run -d --overlay -b "$b" "${ids[-1]}" </dev/null >/dev/null || { fail "run -d #$i failed"; break; }
	done
	assert_eq "$(HULL list -q | grep -c -- "-[0-9]*$")" 20 "20 containers exist"
	# every container has its own upper layer with its write, none reached the image
	for id in "${ids[@]}"; do
		wait_for 10 sh -c "find '$ROOT/$id' -xdev -name mine | grep -q ." || fail "$id has no upper layer under its state dir"
	done
	[ ! -e "$r/mine" ] || fail "a container wrote into root.path"
	used=$(du -skx "$ROOT" | awk '{print $1}')
	[ "$used" -lt 4096 ] || fail "20 overlay containers use ${used} KiB under the state root (8 MiB image)"
	for id in "${ids[@]}"; do HULL delete --force "$id"; done
	assert_eq "$(HULL list -q)" "" "all deleted"
	assert_eq "$(ls "$ROOT")" "" "the state root is empty again"
}

run_tests
