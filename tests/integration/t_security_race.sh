#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Attacks from outside the container being set up (issue 11, holes 2 and 3):
#  - a hostile process sharing a directory of the rootfs (another container's volume) swaps
#    the device node hull just made for a symlink to a host file, hoping that the chmod and
#    chown that follow go by name through the symlink (before pivot_root: the host's file);
#  - an unprivileged host user reaches the state dir of an --overlay container and runs a
#    setuid-root file that container root planted in the writable upper layer
#    (CVE-2021-41091 class), or lists the state root.
. "$(dirname "$0")/lib.sh"

RACE=$HELPERS/hull-race

# A bundle whose /dev/race is a bind mount of SHARED, a directory another container (the
# attacker) also has, with a device in it (uid/gid 4321, mode 0666) that hull creates with
# mknod, chowns and chmods before pivot_root.
race_bundle() { # BUNDLE SHARED
	local b=$1 shared=$2
	mkdir -p "$shared"
	make_bundle "$b" true
	jq_config "$b" ".mounts += [{\"destination\":\"/dev/race\",\"type\":\"bind\",\"source\":\"$shared\",
		\"options\":[\"rbind\",\"rw\"]}]
		| .linux.devices = [{\"path\":\"/dev/race/node\",\"type\":\"c\",\"major\":1,\"minor\":3,
		\"fileMode\":438,\"uid\":4321,\"gid\":4321}]"
}

# The host file the attacker points its symlink at: root's, mode 0600.
new_target() { # PATH
	rm -f "$1"
	echo secret >"$1"
	chown 0:0 "$1"
	chmod 600 "$1"
}

target_untouched() { # PATH WHEN
	local got
	got=$(stat -c '%a %u:%g' "$1")
	[ "$got" = "600 0:0" ] || fail "$2: the host file $1 is now mode/owner $got (was 600 0:0): hull followed the swapped-in symlink"
}

# One create while the attacker waits for the node and swaps it for a symlink. With
# DELAY (microseconds) hull runs under strace, which holds every fchmodat for that long
# before the kernel looks the name up: the attacker, woken by inotify when the node is
# created, then always wins the race against a chmod by name. Prints the swap count.
race_once() { # BUNDLE SHARED TARGET DELAY
	local b=$1 sh=$2 target=$3 delay=$4 id swaps pid
	rm -f "$sh/node" "$sh/.stop" "$sh/.hull-race.tmp"
	"$RACE" swap "$sh" node "$target" 1 30 >"$TMPROOT/swaps" &
	pid=$!
	sleep 0.2 # the watch is set up
	id=$(new_id)
	if [ "$delay" -gt 0 ]; then
		# run, not create: strace -f waits for every traced process, the container's too.
		# LeakSanitizer cannot work under ptrace (an ASan build would only report that).
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 60 strace -f -qq -o /dev/null -e trace=fchmodat -e inject=fchmodat:delay_enter="$delay" \
			"$HULL_BIN" --root "$ROOT" run -b "$b" "$id" </dev/null >/dev/null 2>&1
	else
		timeout 30 "$HULL_BIN" --root "$ROOT" create -b "$b" "$id" </dev/null >/dev/null 2>&1
	fi
	HULL delete --force "$id" >/dev/null 2>&1
	: >"$sh/.stop"
	wait "$pid"
	cat "$TMPROOT/swaps"
}

test_device_node_swapped_for_symlink_never_reaches_host() {
	command -v strace >/dev/null || skip "strace is not installed (scripts/deps test installs it)"
	local b=$TMPROOT/b-race sh=$TMPROOT/shared-race target=$TMPROOT/host-secret swaps i total=0
	race_bundle "$b" "$sh"
	# positive control: without an attacker the node is made as asked
	local id
	id=$(new_id)
	HULL create -b "$b" "$id" </dev/null || fail "create without an attacker failed"
	assert_eq "$(stat -c '%F %t:%T %a %u:%g' "$sh/node")" "character special file 1:3 666 4321:4321" \
		"the device node without an attacker"
	HULL delete --force "$id"
	# the deterministic race: every fchmodat is held back 200 ms
	for i in 1 2 3; do
		new_target "$target"
		swaps=$(race_once "$b" "$sh" "$target" 200000)
		total=$((total + swaps))
		target_untouched "$target" "strace-assisted round $i" || return 1
	done
	[ "$total" -ge 3 ] || fail "the attacker swapped only $total of 3 nodes: the attack did not run"
}

test_device_node_race_loop_never_reaches_host() {
	# the same race unassisted: 100 creates against an attacker that swaps every node it sees
	local b=$TMPROOT/b-race2 sh=$TMPROOT/shared-race2 target=$TMPROOT/host-secret2 pid i id swaps
	race_bundle "$b" "$sh"
	new_target "$target"
	"$RACE" swap "$sh" node "$target" 1000 300 >"$TMPROOT/swaps2" &
	pid=$!
	sleep 0.2
	for i in $(seq 1 100); do
		rm -f "$sh/node"
		id=$(new_id)
		timeout 30 "$HULL_BIN" --root "$ROOT" create -b "$b" "$id" </dev/null >/dev/null 2>&1
		HULL delete --force "$id" >/dev/null 2>&1
		target_untouched "$target" "create #$i" || break
	done
	: >"$sh/.stop"
	wait "$pid"
	swaps=$(cat "$TMPROOT/swaps2")
	echo "    $swaps swaps in 100 creates" >&2
	[ "$swaps" -gt 0 ] || fail "the attacker never swapped a node: the attack did not run"
}

# ---- hole 3: the state dir of an --overlay container --------------------------------------

TEST_USER=hullrace$$
PUB=
plant_cleanup() {
	[ -n "$PUB" ] && [ -d "$PUB/state" ] && for d in "$PUB"/state/*/; do
		[ -d "$d" ] && "$HULL_BIN" --root "$PUB/state" delete --force "$(basename "$d")" >/dev/null 2>&1
	done
	[ -n "$PUB" ] && rm -rf "$PUB"
	userdel "$TEST_USER" >/dev/null 2>&1 || true
}

# setpriv keeps root's capabilities until its own execve, which would look the path up with
# CAP_DAC_OVERRIDE: a shell of the user, without capabilities, runs the command instead
as_user() {
	setpriv --reuid="$(id -u "$TEST_USER")" --regid="$(id -g "$TEST_USER")" --clear-groups -- \
		/bin/sh -c 'exec "$@"' sh "$@"
}

test_host_user_cannot_reach_overlay_upper_or_state() {
	command -v useradd >/dev/null || skip "useradd is missing (package passwd)"
	command -v setpriv >/dev/null || skip "setpriv is missing (package util-linux)"
	# a state root whose parents every user may traverse, like /run/hull
	local b id upper out root
	PUB=$(mktemp -d /tmp/hull-pub.XXXXXX)
	trap plant_cleanup EXIT # this test runs in its own subshell
	chmod 755 "$PUB"
	useradd -M -N -d /nonexistent -s /bin/sh "$TEST_USER" || skip "useradd $TEST_USER failed"
	root=$PUB/state
	b=$TMPROOT/b-plant
	make_bundle "$b" sh -c 'cp /bin/hull-race /planted && chmod 4755 /planted && touch /ready && sleep 60'
	id=$(new_id)
	"$HULL_BIN" --root "$root" run -d --overlay -b "$b" "$id" </dev/null >/dev/null || fail "run -d --overlay failed"
	upper=$root/$id/overlay/upper
	for _ in $(seq 1 100); do [ -e "$upper/ready" ] && break; sleep 0.1; done
	# positive controls: the container planted a setuid-root file, and the test user can run
	# a program in a place it may reach
	assert_eq "$(stat -c '%a %u' "$upper/planted" 2>&1)" "4755 0" "the file container root planted"
	cp "$RACE" "$PUB/probe" && chmod 755 "$PUB/probe"
	assert_eq "$(as_user "$PUB/probe" euid 2>&1)" "$(id -u "$TEST_USER")" "the test user runs a program it may reach"
	# the attack
	out=$(as_user "$upper/planted" euid 2>&1) && fail "host user $TEST_USER ran the setuid file container root planted in the upper layer (euid $out)"
	out=$(as_user ls "$root" 2>&1) && fail "host user $TEST_USER listed the state root: $out"
	out=$(as_user ls "$root/$id" 2>&1) && fail "host user $TEST_USER listed the container's state dir: $out"
	out=$(as_user stat "$root/$id/overlay/work" 2>&1) && fail "host user $TEST_USER reached the overlay work dir"
	out=$(as_user cat "$root/$id/state.json" 2>&1) && fail "host user $TEST_USER read state.json"
	# the modes that make it so
	assert_eq "$(stat -c %a "$root" "$root/$id" "$root/$id/overlay" | tr '\n' ' ')" "700 700 700 " \
		"modes of the state root, the container dir and the overlay dir"
	"$HULL_BIN" --root "$root" delete --force "$id" || fail "delete failed"
	[ ! -e "$root/$id" ] || fail "state dir left"
}

run_tests
