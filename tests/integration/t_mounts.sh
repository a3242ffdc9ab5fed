#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Rootfs and mounts: --no-pivot, rootfsPropagation, tmpfs options, tmpcopyup, nosuid/noexec,
# mqueue, recursive read-only (rro) on an rbind with a submount.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_more.sh"

add_mount() { # add_mount BUNDLE JSON-OBJECT
	jq_config "$1" ".mounts += [$2]"
}

our_mounts() { grep -cE "$TMPROOT|$(readlink -f "$BASE_ROOTFS")" /proc/self/mountinfo; }

test_no_pivot_runs_in_its_rootfs() {
	local b=$TMPROOT/b-nopivot out
	echo only-in-image >"$BASE_ROOTFS/etc/nopivot-marker"
	make_bundle "$b" sh -c 'cat /etc/nopivot-marker; echo "pid=$$"; ls /proc/1/root/ >/dev/null && echo root-ok; [ -e /etc/os-release ] && echo host-visible || echo host-hidden'
	out=$(HULL run --no-pivot -b "$b" "$(new_id)" 2>&1 </dev/null) || fail "run --no-pivot failed: $out"
	assert_eq "$out" "only-in-image
pid=1
root-ok
host-hidden"
	assert_eq "$(our_mounts)" 0 "no mount of ours left on the host"
	rm -f "$BASE_ROOTFS/etc/nopivot-marker"
}

test_no_pivot_on_create() {
	local b=$TMPROOT/b-nopivot2 id
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL create --no-pivot -b "$b" "$id" </dev/null || fail "create --no-pivot failed"
	HULL start "$id" || fail "start failed"
	assert_eq "$(status_of "$id")" running
	HULL delete --force "$id" || fail "delete failed"
	assert_eq "$(our_mounts)" 0 "no mount of ours left on the host"
}

# the optional fields (shared:N, master:N, unbindable) of the container's "/" in its mountinfo
root_propagation_inside() {
	local b=$1
	bundle_run "$b" "$(new_id)" 2>&1
}

test_rootfs_propagation() {
	local b=$TMPROOT/b-prop out p
	# fields 7.. up to "-" are the optional fields
	make_bundle "$b" sh -c 'awk '\''$5=="/" { s=""; for (i=7; $i!="-"; i++) s=s" "$i; print "opt:" s }'\'' /proc/self/mountinfo'
	for p in shared private unbindable; do
		jq_config "$b" ".linux.rootfsPropagation = \"$p\""
		out=$(root_propagation_inside "$b") || { fail "run with rootfsPropagation=$p failed: $out"; continue; }
		case $p in
		shared) assert_contains "$out" "shared:" ;;
		private) assert_eq "$out" "opt:" "private root has no propagation fields" ;;
		unbindable) assert_contains "$out" "unbindable" ;;
		esac
	done
	jq_config "$b" '.linux.rootfsPropagation = "sideways"'
	out=$(create_out -b "$b" "$(new_id)") && fail "rootfsPropagation=sideways accepted"
	assert_contains "$out" "rootfsPropagation"
}

test_tmpfs_size_and_mode() {
	local b=$TMPROOT/b-tmpfs out
	make_bundle "$b" sh -c 'stat -c %a /mnt/small; df -k /mnt/small | tail -1 | awk "{print \$2}"; dd if=/dev/zero of=/mnt/small/fill bs=1k count=2048 2>&1 | grep -o "No space left on device" | head -1; grep " /mnt/small " /proc/mounts'
	add_mount "$b" '{"destination":"/mnt/small","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=0700","nosuid","nodev"]}'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$(sed -n 1p <<<"$out")" 700 "tmpfs mode"
	assert_eq "$(sed -n 2p <<<"$out")" 1024 "tmpfs size in KiB"
	assert_eq "$(sed -n 3p <<<"$out")" "No space left on device" "the size is enforced"
	assert_contains "$(sed -n 4p <<<"$out")" "tmpfs rw,nosuid,nodev"
	[ ! -e "$BASE_ROOTFS/mnt/small/fill" ] || fail "the tmpfs write reached the rootfs"
}

test_tmpcopyup_on_readonly_root() {
	# podman --read-only: a tmpfs over an image dir keeps the image's files, the image stays as is
	local b=$TMPROOT/b-copyup out
	mkdir -p "$BASE_ROOTFS/var/cache/app/sub"
	echo from-image >"$BASE_ROOTFS/var/cache/app/file"
	echo nested >"$BASE_ROOTFS/var/cache/app/sub/deep"
	chmod 0751 "$BASE_ROOTFS/var/cache/app"
	make_bundle "$b" sh -c 'cat /var/cache/app/file /var/cache/app/sub/deep; stat -c %a /var/cache/app; echo new >/var/cache/app/file && cat /var/cache/app/file; touch /var/x 2>/dev/null || echo root-ro; grep " /var/cache/app " /proc/mounts | cut -d" " -f3'
	jq_config "$b" '.root.readonly = true'
	add_mount "$b" '{"destination":"/var/cache/app","type":"tmpfs","source":"tmpfs","options":["tmpcopyup","nosuid","nodev"]}'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" "from-image
nested
751
new
root-ro
tmpfs"
	assert_eq "$(cat "$BASE_ROOTFS/var/cache/app/file")" from-image "the image file is unchanged"
}

test_noexec_mount_refuses_exec() {
	local b=$TMPROOT/b-noexec out
	make_bundle "$b" sh -c 'cp /bin/busybox /mnt/noexec/ && /mnt/noexec/busybox true 2>&1; echo "rc=$?"; cp /bin/busybox /mnt/exec/ && /mnt/exec/busybox true; echo "rc=$?"'
	add_mount "$b" '{"destination":"/mnt/noexec","type":"tmpfs","source":"tmpfs","options":["noexec"]}'
	add_mount "$b" '{"destination":"/mnt/exec","type":"tmpfs","source":"tmpfs","options":["exec"]}'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_contains "$out" "Permission denied"
	assert_contains "$(sed -n '$p' <<<"$out")" "rc=0"
	assert_contains "$(grep rc= <<<"$out" | head -1)" "rc=126"
}

test_nosuid_mount_ignores_setuid() {
	[ -x "$HELPERS/oci-check" ] || skip "no oci-check helper"
	local b=$TMPROOT/b-nosuid out src=$TMPROOT/suid
	mkdir -p "$src" && cp "$HELPERS/oci-check" "$src/" && chown 0:0 "$src/oci-check" && chmod 4755 "$src/oci-check"
	make_bundle "$b" sh -c '/suid-yes/oci-check ids | grep ^euid; /suid-no/oci-check ids | grep ^euid'
	jq_config "$b" '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
	add_mount "$b" "{\"destination\":\"/suid-yes\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"bind\",\"ro\"]}"
	add_mount "$b" "{\"destination\":\"/suid-no\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"bind\",\"ro\",\"nosuid\"]}"
	chmod 711 "$TMPROOT" # uid 1000 must reach the bind sources' contents
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" "euid=0
euid=1000" "setuid honoured on the suid mount, ignored on nosuid"
}

test_mqueue_is_the_containers_own() {
	local b=$TMPROOT/b-mq out q=hull-it-q-$$
	make_bundle "$b" sh -c "grep ' /dev/mqueue ' /proc/mounts | cut -d' ' -f3,4; touch /dev/mqueue/$q && cat /dev/mqueue/$q; readlink /proc/self/ns/ipc"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_contains "$(sed -n 1p <<<"$out")" "mqueue rw,nosuid,nodev,noexec"
	assert_contains "$(sed -n 2p <<<"$out")" "QSIZE:0"
	[ "$(sed -n 3p <<<"$out")" != "$(readlink /proc/self/ns/ipc)" ] || fail "the container shares the host's ipc namespace"
	# the queue lived in the container's ipc namespace only
	local hostmq
	hostmq=$(mktemp -d "$TMPROOT/mq.XXXX")
	if unshare -m sh -c "mount -t mqueue mqueue $hostmq && [ -e $hostmq/$q ]"; then
		fail "the queue is visible in the host's ipc namespace"
	fi
	return 0
}

test_rro_rbind_makes_submounts_readonly() {
	# the submount lives in a private mount namespace that hull runs in: nothing on the host
	local b=$TMPROOT/b-rro src=$TMPROOT/rro-src out
	mkdir -p "$src/sub"
	make_bundle "$b" sh -c 'touch /data/top 2>/dev/null && echo top-rw || echo top-ro; touch /data/sub/inner 2>/dev/null && echo sub-rw || echo sub-ro; grep " /data/sub " /proc/mounts | cut -d" " -f4 | cut -d, -f1'
	add_mount "$b" "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"rro\"]}"
	out=$(unshare -m --propagation private sh -c 'mount -t tmpfs sub "$1/sub" && "$2" --root "$3" run -b "$4" "$5" </dev/null' \
		sh "$src" "$HULL_BIN" "$ROOT" "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" "top-ro
sub-ro
ro" "rro reaches the submount"
	[ ! -e "$src/top" ] || fail "wrote through the rro bind"
}

test_plain_ro_rbind_is_readonly_at_top() {
	local b=$TMPROOT/b-ro src=$TMPROOT/ro-src out
	mkdir -p "$src"
	make_bundle "$b" sh -c 'touch /data/top 2>/dev/null && echo top-rw || echo top-ro'
	add_mount "$b" "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\",\"ro\"]}"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out"
	assert_eq "$out" top-ro
}

test_mount_destination_symlink_stays_inside() {
	# a symlink in the image pointing at a host path must resolve inside the rootfs
	local b=$TMPROOT/b-link out hostdir=$TMPROOT/host-target
	mkdir -p "$hostdir"
	ln -sfn "$hostdir" "$BASE_ROOTFS/escape"
	make_bundle "$b" sh -c 'echo inside >/escape/f 2>/dev/null; echo done'
	add_mount "$b" '{"destination":"/escape","type":"tmpfs","source":"tmpfs","options":["size=1m"]}'
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	[ -z "$(ls -A "$hostdir")" ] || fail "a mount or write followed the symlink out of the rootfs"
	assert_eq "$(our_mounts)" 0 "no mount of ours on the host"
	rm -f "$BASE_ROOTFS/escape"
	rm -rf "$BASE_ROOTFS$hostdir" 2>/dev/null
	return 0
}

run_tests
