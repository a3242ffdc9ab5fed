# SPDX-License-Identifier: Apache-2.0
# Shared helpers for hull's integration tests: each t_*.sh file sources this, defines
# functions named test_*, and calls run_tests at the end. Tests drive the real binary.
set -u

HULL_BIN=$(readlink -f "${HULL_BIN:?HULL_BIN must point at the built hull binary}")
HELPERS=${HULL_HELPERS:-$(dirname "$HULL_BIN")/helpers}
TMPROOT=$(mktemp -d /tmp/hull-it.XXXXXX)
ROOT=$TMPROOT/state            # --root for every call: tests can run in parallel
HULL() { "$HULL_BIN" --root "$ROOT" "$@"; }
_passed=0 _failed=0 _skipped=0
_failures=()

# A busybox rootfs shared by the bundles of one test file (hard links are cheap).
make_rootfs() {
	local r=$1
	mkdir -p "$r"/{bin,etc,proc,sys,dev,tmp,root,run,var/tmp}
	cp /bin/busybox "$r/bin/busybox"
	# relative links: `busybox --install -s DIR` would point them at the host path
	for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"; done
	chmod 1777 "$r/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
	if [ -d "$HELPERS" ]; then cp "$HELPERS"/* "$r/bin/" 2>/dev/null || true; fi
}

BASE_ROOTFS=$TMPROOT/rootfs
make_rootfs "$BASE_ROOTFS"

# make_bundle DIR CMD...  -> a bundle whose config runs CMD (non-terminal), rootfs shared.
# Tweak the config afterwards with: jq_config DIR 'jq filter'
make_bundle() {
	local b=$1
	shift
	mkdir -p "$b"
	ln -sfn "$BASE_ROOTFS" "$b/rootfs"
	(cd "$b" && "$HULL_BIN" spec) || return 1
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	jq_config "$b" ".process.terminal = false | .process.args = $args | .root.readonly = false"
}

jq_config() {
	local b=$1 filter=$2
	jq "$filter" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# bundle_run DIR ID -> runs the container in the foreground, prints its output, returns its status
bundle_run() {
	local b=$1 id=$2
	HULL run -b "$b" "$id" </dev/null
}

new_id() { echo "t$$-$RANDOM$RANDOM"; }

# The cgroup2 mount, found once from mountinfo: /sys/fs/cgroup on a pure-v2 host,
# /sys/fs/cgroup/unified on a hybrid one. Leak checks look for "$CG2/hull/ID"; with a
# hard-coded path they would pass whatever happens on the other kind of host.
CG2=$(awk '{for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") m = $5; break }} END {print m}' /proc/self/mountinfo)
[ -n "$CG2" ] || CG2=/nonexistent-cgroup2-mount

# a failed assert is sticky: the test fails even if a later command succeeds
_FAILMARK=$TMPROOT/.test-failed
fail() {
	echo "    $*" >&2
	: >"$_FAILMARK"
	return 1
}
assert_eq() { [ "$1" = "$2" ] || fail "expected [$2], got [$1]${3:+ ($3)}"; }
assert_contains() { case "$1" in *"$2"*) ;; *) fail "expected to contain [$2], got [$1]" ;; esac; }
assert_not_contains() { case "$1" in *"$2"*) fail "expected not to contain [$2], got [$1]" ;; esac; }
# skip REASON ends the test (each test runs in its own subshell)
skip() {
	echo "    skip: $*" >&2
	exit 77
}

cleanup_all() {
	# remove any container a failing test left behind, then our temp dir
	if [ -d "$ROOT" ]; then
		for d in "$ROOT"/*/; do
			[ -d "$d" ] || continue
			"$HULL_BIN" --root "$ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1
		done
	fi
	rm -rf "$TMPROOT"
}
trap cleanup_all EXIT

run_tests() {
	local t rc out
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${HULL_TEST_FILTER:-}" ] && ! [[ $t == *$HULL_TEST_FILTER* ]]; then continue; fi
		rm -f "$_FAILMARK"
		out=$( (set -u; $t) 2>&1)
		rc=$?
		# a failed assert stays a failure even when the test skips afterwards
		if [ -e "$_FAILMARK" ]; then rc=1; fi
		if [ $rc -eq 0 ]; then
			_passed=$((_passed + 1))
			echo "ok - $(basename "$0" .sh)::$t"
		elif [ $rc -eq 77 ]; then
			_skipped=$((_skipped + 1))
			echo "ok - $(basename "$0" .sh)::$t # SKIP ${out##*skip: }"
		else
			_failed=$((_failed + 1))
			echo "not ok - $(basename "$0" .sh)::$t"
			printf '%s\n' "$out" | sed 's/^/    # /' | tail -25
		fi
	done
	echo "# $(basename "$0" .sh): $_passed passed, $_failed failed, $_skipped skipped"
	[ $_failed -eq 0 ]
}
