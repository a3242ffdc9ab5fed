#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile images and configs against hull's path handling: symlinked mount destinations
# (CVE-2021-30465 / CVE-2024-45310 / CVE-2019-18837) also while being swapped, /dev /proc
# /sys as symlinks, masked paths (CVE-2025-31133), the cgroup view (CVE-2023-25809).
. "$(dirname "$0")/lib.sh"

# A private copy of the busybox rootfs (the attacks modify it).
private_rootfs() {
	cp -a "$BASE_ROOTFS" "$1"
}

# A createContainer hook: runs in the container's mount namespace after hull mounted
# everything and before pivot_root, when the host's tree is still visible there. It dumps
# the mount table, so a test sees whether a mount landed outside the rootfs.
MI_HOOK=$TMPROOT/dump-mountinfo.sh
printf '#!/bin/sh\ncat /proc/self/mountinfo >"$1"\n' >"$MI_HOOK"
chmod 755 "$MI_HOOK"
add_mi_hook() { # BUNDLE DUMPFILE
	jq_config "$1" ".hooks.createContainer = [{\"path\":\"$MI_HOOK\",\"args\":[\"dump\",\"$2\"]}]"
}

# Mount points of DUMP that are neither under ROOTFS nor mount points of the host: a mount
# that escaped the rootfs. Empty when all is well.
escaped_mounts() { # DUMP ROOTFS
	local host
	host=$(awk '{print $5}' /proc/self/mountinfo | sort -u)
	awk '{print $5}' "$1" | sort -u | while read -r m; do
		case $m in "$2" | "$2"/*) continue ;; esac
		grep -qxF -- "$m" <<<"$host" || echo "$m"
	done
}

uniq_name() { echo "hull-esc-$$-$RANDOM$RANDOM"; }

# ---- mount destinations through symlinks ---------------------------------------------------

# dest_symlink_case LINKTARGET_FMT: /mnt/x in the image is a symlink to LINKTARGET (with %s
# for a fresh name under /tmp); a bind mount on /mnt/x must land inside the rootfs.
dest_symlink_case() {
	local fmt=$1 tag=$2 name r b src dump out real
	name=$(uniq_name)
	r=$TMPROOT/rootfs-$tag b=$TMPROOT/b-$tag src=$TMPROOT/src-$tag dump=$TMPROOT/mi-$tag
	private_rootfs "$r"
	mkdir -p "$r/mnt" "$src"
	echo "volume-data" >"$src/marker"
	# shellcheck disable=SC2059
	ln -s "$(printf "$fmt" "$name")" "$r/mnt/x"
	make_bundle "$b" sh -c "cat /mnt/x/marker; cat /tmp/$name/marker"
	ln -sfn "$r" "$b/rootfs"
	jq_config "$b" ".mounts += [{\"destination\":\"/mnt/x\",\"type\":\"bind\",\"source\":\"$src\",\"options\":[\"rbind\"]}]"
	add_mi_hook "$b" "$dump"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	real=$(readlink -f "$r")
	[ ! -e "/tmp/$name" ] || fail "/tmp/$name was created on the host" || return 1
	assert_eq "$(escaped_mounts "$dump" "$real")" "" "mounts outside the rootfs" || return 1
	grep -q " $real/tmp/$name " "$dump" || fail "no mount at $real/tmp/$name (where the link points inside)" || return 1
	assert_eq "$out" "volume-data
volume-data"
}

test_mount_dest_relative_symlink_stays_inside() {
	dest_symlink_case "../../../../../../../../tmp/%s" rel
}

test_mount_dest_absolute_symlink_stays_inside() {
	dest_symlink_case "/tmp/%s" abs
}

test_mount_dest_dotdot_symlink_stays_inside() {
	dest_symlink_case "/../../../../../../tmp/%s" dotdot
}

# A tmpfs whose destination is a link to "/etc" (the host's, if it were followed on the host)
test_mount_dest_symlink_to_etc() {
	local r=$TMPROOT/rootfs-etc b=$TMPROOT/b-etc dump=$TMPROOT/mi-etc out real
	private_rootfs "$r"
	mkdir -p "$r/mnt"
	ln -s /etc "$r/mnt/etc"
	make_bundle "$b" sh -c 'ls /etc | wc -l; touch /etc/new && echo wrote'
	ln -sfn "$r" "$b/rootfs"
	jq_config "$b" '.mounts += [{"destination":"/mnt/etc","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev"]}]'
	add_mi_hook "$b" "$dump"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	real=$(readlink -f "$r")
	assert_eq "$(escaped_mounts "$dump" "$real")" "" "mounts outside the rootfs" || return 1
	grep -q " $real/etc " "$dump" || fail "the tmpfs is not on the image's /etc" || return 1
	# the image's /etc is hidden by the empty tmpfs; the image and the host keep theirs
	assert_eq "$out" "0
wrote" || return 1
	[ ! -e "$r/etc/new" ] && [ ! -e /etc/new ] || fail "the write went through to a real /etc"
}

# CVE-2021-30465: a container swaps a directory of a shared volume with a symlink pointing
# out while a second container is created with a mount below that path. Every attempt must
# mount inside the second container's rootfs, or fail.
test_symlink_swap_race_never_mounts_outside() {
	local vol=$TMPROOT/race-vol name a=$TMPROOT/b-race-a ida rb=$TMPROOT/b-race-b r=$TMPROOT/rootfs-race
	local i n=${HULL_RACE_ROUNDS:-20} ok=0 refused=0 dump real out
	name=$(uniq_name)
	mkdir -p "$vol"
	make_bundle "$a" sh -c "while :; do rm -rf /vol/x; mkdir -p /vol/x; rm -rf /vol/x; ln -s /../../../../../../../tmp/$name /vol/x; done"
	jq_config "$a" ".mounts += [{\"destination\":\"/vol\",\"type\":\"bind\",\"source\":\"$vol\",\"options\":[\"rbind\"]}]"
	ida=$(new_id)
	HULL run -d -b "$a" "$ida" </dev/null >/dev/null 2>&1 || fail "attacker container did not start" || return 1
	private_rootfs "$r"
	real=$(readlink -f "$r")
	make_bundle "$rb" true
	ln -sfn "$r" "$rb/rootfs"
	jq_config "$rb" ".mounts += [{\"destination\":\"/vol\",\"type\":\"bind\",\"source\":\"$vol\",\"options\":[\"rbind\"]},
		{\"destination\":\"/vol/x/sub\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\"]}]"
	local rc=0
	for ((i = 0; i < n; i++)); do
		dump=$TMPROOT/mi-race-$i
		add_mi_hook "$rb" "$dump"
		if out=$(bundle_run "$rb" "$(new_id)" 2>&1); then
			ok=$((ok + 1))
			[ -f "$dump" ] || { fail "round $i: created, but the hook left no mount table"; rc=1; break; }
		else
			refused=$((refused + 1))
			echo "    round $i refused: $out" >&2
		fi
		if [ -e "/tmp/$name" ]; then
			fail "round $i: /tmp/$name exists on the host"
			rc=1
			break
		fi
		if [ -f "$dump" ] && [ -n "$(escaped_mounts "$dump" "$real")" ]; then
			fail "round $i: mount outside the rootfs: $(escaped_mounts "$dump" "$real")"
			rc=1
			break
		fi
	done
	HULL delete --force "$ida" >/dev/null 2>&1
	rm -rf "/tmp/$name" 2>/dev/null
	echo "    race: $ok created, $refused refused of $n" >&2
	[ $rc -eq 0 ] || return 1
	[ $ok -gt 0 ] || [ $refused -gt 0 ] || fail "no round ran"
}

# ---- /dev, /proc, /sys as symlinks in the image ---------------------------------------------

# image_link_case DIR TARGET [jq filter for the config]: expect a clear refusal, host
# untouched. Sets IMG_ROOTFS to the image it made.
image_link_case() {
	local dir=$1 target=$2 filter=${3:-.} tag r b out
	tag=link-${dir//\//}-$RANDOM
	r=$TMPROOT/rootfs-$tag b=$TMPROOT/b-$tag
	IMG_ROOTFS=$r
	private_rootfs "$r"
	rm -rf "${r:?}$dir"
	ln -s "$target" "$r$dir"
	make_bundle "$b" true
	ln -sfn "$r" "$b/rootfs"
	jq_config "$b" "$filter"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) && fail "an image with $dir -> $target was accepted" && return 1
	assert_contains "$out" "symlink" "the error says why: $out"
}

test_image_dev_symlink_to_etc() {
	local before
	before=$(ls -a /etc | md5sum)
	image_link_case /dev /etc || return 1
	assert_eq "$(ls -a /etc | md5sum)" "$before" "the host's /etc" || return 1
	for f in null zero full random urandom tty ptmx pts console shm mqueue; do
		[ ! -e "$IMG_ROOTFS/etc/$f" ] || fail "/etc/$f created in the image" || return 1
	done
}

test_image_dev_symlink_without_dev_mount() {
	local before t
	before=$(ls -a /etc | md5sum)
	image_link_case /dev /etc 'del(.mounts[] | select(.destination | startswith("/dev")))' || return 1
	assert_eq "$(ls -a /etc | md5sum)" "$before" "the host's /etc" || return 1
	for t in null zero full random urandom tty; do
		[ ! -e "$IMG_ROOTFS/etc/$t" ] || fail "device $t created through the /dev link" || return 1
	done
}

test_image_proc_symlink() {
	local name
	name=$(uniq_name)
	image_link_case /proc "/tmp/$name" || return 1
	[ ! -e "/tmp/$name" ] || fail "/tmp/$name created on the host"
}

test_image_proc_symlink_relative() {
	image_link_case /proc "../../../../../../tmp"
}

test_image_sys_symlink_to_etc() {
	image_link_case /sys /etc
}

# ---- masked paths -----------------------------------------------------------------------------

test_masked_paths_are_masked() {
	local b=$TMPROOT/b-masked out p
	# (make_bundle takes one line per argument)
	make_bundle "$b" sh -c 'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do [ -e $f ] || continue; oci-check stat $f; echo "size $f $(cat $f | wc -c)"; done; echo "acpi $(ls -A /proc/acpi 2>/dev/null | wc -l)"; echo "firmware $(ls -A /sys/firmware | wc -l)"; touch /sys/firmware/x 2>/dev/null || echo firmware-ro'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	for p in /proc/kcore /proc/keys /proc/timer_list; do
		[ -e "$p" ] || continue
		assert_contains "$out" "stat=$p type=c major=1 minor=3" "$p is the null device" || return 1
		assert_contains "$out" "size $p 0" || return 1
	done
	assert_contains "$out" "acpi 0" || return 1
	assert_contains "$out" "firmware 0" || return 1
	assert_contains "$out" "firmware-ro"
}

# A masked path that is a symlink in the image is followed inside the rootfs only; the null
# device comes from the host's /dev, never from the image.
test_masked_symlink_in_image() {
	local r=$TMPROOT/rootfs-masklink b=$TMPROOT/b-masklink out
	private_rootfs "$r"
	mkdir -p "$r/data"
	echo s3cret >"$r/data/secret"
	ln -s /data/secret "$r/data/link"
	ln -s ../../../../../../../../etc/hostname "$r/data/esc"
	make_bundle "$b" sh -c 'echo "secret [$(cat /data/secret)]"; oci-check stat /data/secret; cat /data/esc 2>&1 | head -c 0; echo esc-done'
	ln -sfn "$r" "$b/rootfs"
	jq_config "$b" '.linux.maskedPaths += ["/data/link", "/data/esc"]'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_contains "$out" "secret []" "the link's target (inside) is masked" || return 1
	assert_contains "$out" "type=c major=1 minor=3" || return 1
	assert_eq "$(cat "$r/data/secret")" s3cret "the image's file itself" || return 1
	assert_contains "$out" esc-done
}

# CVE-2025-31133: the image's /dev/null is a symlink to a sysctl. hull must not bind that
# (writable) file over the masked paths; the host's core_pattern stays as it is.
test_image_devnull_symlink_not_used_for_masking() {
	local r=$TMPROOT/rootfs-devnull b=$TMPROOT/b-devnull out before rc
	before=$(cat /proc/sys/kernel/core_pattern)
	private_rootfs "$r"
	ln -sf /proc/sys/kernel/core_pattern "$r/dev/null"
	make_bundle "$b" sh -c 'oci-check stat /proc/kcore; echo "|/tmp/pwned" > /proc/kcore; cat /proc/sys/kernel/core_pattern'
	ln -sfn "$r" "$b/rootfs"
	# no tmpfs on /dev: the image's /dev (and its /dev/null link) is what the container gets
	jq_config "$b" 'del(.mounts[] | select(.destination == "/dev"))'
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	rc=$?
	assert_eq "$(cat /proc/sys/kernel/core_pattern)" "$before" "the host's core_pattern" || return 1
	if [ $rc -eq 0 ]; then
		assert_contains "$out" "stat=/proc/kcore type=c major=1 minor=3" "/proc/kcore is masked by the null device"
	else
		assert_contains "$out" "/dev/null" "a refusal names /dev/null: $out"
	fi
}

# ---- cgroups (CVE-2023-25809) -------------------------------------------------------------------

cgroup_view_case() { # jq filter for namespaces
	local b=$TMPROOT/b-cg$RANDOM out own
	make_bundle "$b" sh -c 'sed -n "s/^0:://p" /proc/self/cgroup; grep " /sys/fs/cgroup " /proc/self/mountinfo; echo " $(ls -A /sys/fs/cgroup | tr "\n" " ")"; touch /sys/fs/cgroup/x 2>&1; mkdir /sys/fs/cgroup/y 2>&1; echo $$ > /sys/fs/cgroup/cgroup.procs 2>&1; true'
	jq_config "$b" "$1"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	echo "$out"
}

test_cgroup_without_cgroupns_readonly_own_only() {
	local out own host_entries e
	out=$(cgroup_view_case 'del(.linux.namespaces[] | select(.type == "cgroup"))') || { echo "$out" >&2; return 1; }
	own=$(head -1 <<<"$out")
	case $own in /?*) ;; *) fail "the container is in the root cgroup? [$own]" || return 1 ;; esac
	# the bind's root is the container's own cgroup, read-only
	assert_contains "$(sed -n 2p <<<"$out")" " $own /sys/fs/cgroup ro," "only the own cgroup, read-only" || return 1
	assert_contains "$out" "Read-only file system" || return 1
	assert_not_contains "$out" "can't create /sys/fs/cgroup/cgroup.procs: Permission" || return 1
	# nothing of the host's tree: none of the root cgroup's subdirectories is visible
	local mnt
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	for e in $(find "$mnt" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'); do
		assert_not_contains "$(sed -n 3p <<<"$out")" " $e " "host cgroup $e visible" || return 1
	done
}

test_cgroup_with_cgroupns_readonly() {
	local out
	out=$(cgroup_view_case '.') || { echo "$out" >&2; return 1; }
	assert_eq "$(head -1 <<<"$out")" "/" "the cgroup namespace root" || return 1
	assert_contains "$(sed -n 2p <<<"$out")" " / /sys/fs/cgroup ro," || return 1
	assert_contains "$out" "Read-only file system"
}

run_tests
