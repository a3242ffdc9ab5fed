# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Helpers for tests/conformance/run: the runtime wrapper, bundles, assertions, waits.
# Every case runs in its own subshell with `set -eE`: a failed assertion or an unexpected
# command failure ends the case (exit 1), `skip REASON` ends it with 77.

# ---- the runtime under test ------------------------------------------------------------------
# RT ARGS...: the runtime with our private --root; bounded so that no case can hang the suite.
RT() { timeout -k 5 "${OCI_CONF_CMD_TIMEOUT:-60}" "$RUNTIME" --root "$STATE_ROOT" "$@"; }

# ctr_create ID BUNDLE: `create` with the container's stdio on files of the case ($C/out, $C/err)
# and never on a pipe: the container keeps them open, a pipe would block the caller.
ctr_create() { RT create --bundle "$2" "$1" </dev/null >>"$C/out" 2>>"$C/err"; }
ctr_start() { RT start "$1" </dev/null >>"$C/start.out" 2>&1; }
# ctr_run ID BUNDLE: foreground `run`; returns the runtime's exit status
ctr_run() { RT run --bundle "$2" "$1" </dev/null >>"$C/out" 2>>"$C/err"; }
ctr_state() { RT state "$1" 2>/dev/null; }
ctr_status() { ctr_state "$1" | jq -r '.status // empty' 2>/dev/null; }
ctr_pid() { ctr_state "$1" | jq -r '.pid // 0' 2>/dev/null; }
ctr_delete() { RT delete "$@" </dev/null >>"$C/delete.out" 2>&1; }
ctr_kill() { RT kill "$@" </dev/null >>"$C/kill.out" 2>&1; }
# ctr_gone ID: the runtime no longer knows the container
ctr_gone() { ! RT state "$1" >/dev/null 2>&1; }

# a container id unique to this suite run and case
# (counted in a file: callers use $(new_id), a subshell)
new_id() {
	echo >>"$C/.ids"
	echo "oc$$-$CASE_NO-$(wc -l <"$C/.ids")"
}

# ---- bundles ---------------------------------------------------------------------------------
# mkbundle [ARG...]: a bundle in $C/bundle (echoes its path) whose process runs ARG... (default
# /bin/oci-check); the rootfs is the shared busybox one, $C/shared is bind-mounted at /shared.
# Change its config with: cfg BUNDLE 'jq filter' [jq args...]
mkbundle() {
	local b=$C/bundle n=1
	while [ -e "$b" ]; do b=$C/bundle$((++n)); done
	mkdir -p "$b" "$C/shared"
	chmod 1777 "$C/shared"
	local args
	if [ $# -eq 0 ]; then set -- /bin/oci-check; fi
	args=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
	base_config "$args" "$ROOTFS" "$C/shared" >"$b/config.json"
	echo "$b"
}

cfg() {
	local b=$1 filter=$2
	shift 2
	jq "$@" "$filter" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# the default config: what `runc spec` makes, minus the terminal, plus /shared; the device cgroup
# rules only where the runtime can apply them on this host (see DEVICES_CGROUP in run)
base_config() {
	local args=$1 rootfs=$2 shared=$3
	jq -n --argjson args "$args" --arg rootfs "$rootfs" --arg shared "$shared" \
		--argjson devcg "$DEVICES_CGROUP" '{
	ociVersion: "1.0.2",
	process: {
		terminal: false,
		user: {uid: 0, gid: 0},
		args: $args,
		env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
		cwd: "/",
		capabilities: {
			bounding: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			effective: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			permitted: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
		},
		rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
		noNewPrivileges: true
	},
	root: {path: $rootfs, readonly: false},
	hostname: "oci-conformance",
	mounts: [
		{destination: "/proc", type: "proc", source: "proc"},
		{destination: "/dev", type: "tmpfs", source: "tmpfs",
		 options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{destination: "/dev/pts", type: "devpts", source: "devpts",
		 options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
		{destination: "/dev/shm", type: "tmpfs", source: "shm",
		 options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
		{destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]},
		{destination: "/shared", type: "bind", source: $shared, options: ["rbind", "rw"]}
	],
	linux: {
		namespaces: [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}],
		maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
			"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
		readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
	}
} | if $devcg == 1 then .linux.resources = {devices: [{allow: false, access: "rwm"}]} else . end'
}

# set_args BUNDLE ARG...: replace process.args
set_args() {
	local b=$1
	shift
	cfg "$b" '.process.args = $a' --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -cs .)"
}

# sh_args BUNDLE SCRIPT: the process is `sh -c SCRIPT`
sh_args() { set_args "$1" /bin/sh -c "$2"; }

# add_mount BUNDLE JSON: append a mount
add_mount() { cfg "$1" '.mounts += [$m]' --argjson m "$2"; }

# ---- reading what the container printed ------------------------------------------------------
# kv KEY [FILE]: the first value printed as KEY=value (oci-check output; default $C/out)
kv() { sed -n "s|^$1=||p" "${2:-$C/out}" | head -n1; }
# kv_all KEY [FILE]: every value of KEY
kv_all() { sed -n "s|^$1=||p" "${2:-$C/out}"; }
# mount_line MOUNTPOINT [FILE]: the oci-check mount= line of the last mount at MOUNTPOINT:
#   "<fstype> <mount options> <super options> <propagation tags>"
mount_line() { kv_all mount "${2:-}" | awk -v m="$1" '$1 == m {l = $2" "$3" "$4" "$5} END {print l}'; }
# host_ns TYPE: the inode of this shell's namespace of TYPE (the runtime namespace)
host_ns() { stat -L -c %i "/proc/self/ns/$1"; }
pid_ns() { stat -L -c %i "/proc/$1/ns/$2"; }

# errline: the runtime's last line of error output in this case (what it said when it failed)
errline() { grep -v '^ *$' "$C/err" 2>/dev/null | tail -n1; }

# ---- assertions ------------------------------------------------------------------------------
fail() {
	echo "FAIL: $*" >&2
	return 1
}
skip() {
	echo "SKIP: $*" >&2
	exit 77
}
expect_eq() { [ "$1" == "$2" ] || fail "${3:-value}: expected [$2], got [$1]"; }
expect_ne() { [ "$1" != "$2" ] || fail "${3:-value}: expected anything but [$2]"; }
# expect_has HAYSTACK NEEDLE [what]: substring
expect_has() { [[ $1 == *"$2"* ]] || fail "${3:-value}: expected to contain [$2], got [$1]"; }
expect_hasnt() { [[ $1 != *"$2"* ]] || fail "${3:-value}: expected not to contain [$2], got [$1]"; }
# expect_opt OPTLIST OPT: OPT is one of the comma-separated OPTLIST
expect_opt() { [[ ,$1, == *",$2,"* ]] || fail "${3:-options}: expected [$2] in [$1]"; }
expect_no_opt() { [[ ,$1, != *",$2,"* ]] || fail "${3:-options}: did not expect [$2] in [$1]"; }

# expect_create_fails ID BUNDLE WHAT: create must fail and leave no container behind
expect_create_fails() {
	if ctr_create "$1" "$2"; then
		fail "create succeeded but must fail: $3"
		return 1
	fi
	ctr_gone "$1" || fail "create failed but the runtime still knows container $1 ($3)"
}

# rejected ID BUNDLE: for a feature that must be "honoured or rejected". Runs the container:
# returns 0 when the runtime refused it (run failed before the process printed anything, and no
# container is left), 1 when it ran (the caller then checks the effect). The process must exit 0.
rejected() {
	if ! ctr_run "$1" "$2"; then
		[ ! -s "$C/out" ] || fail "the container ran but run failed: $(errline)"
		ctr_gone "$1" || fail "run failed but the runtime still knows container $1"
		echo "rejected by the runtime: $(errline)" >&2
		return 0
	fi
	return 1
}

# ---- waiting ---------------------------------------------------------------------------------
# wait_for SECONDS CMD...: poll CMD every 50ms until it succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}
is_status() { [ "$(ctr_status "$1")" = "$2" ]; }
wait_status() { wait_for "${3:-10}" is_status "$1" "$2" || fail "container $1: status [$(ctr_status "$1")], expected [$2]"; }
file_has() { [ -f "$1" ] && grep -q -- "$2" "$1"; }
pid_alive() { [ -n "$1" ] && [ "$1" -gt 0 ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid_dead() { ! pid_alive "$1"; }

# the cgroup2 mount of the runtime namespace (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host)
cgroup2_mount() {
	# the last one: in the suite's namespace a fresh cgroup2 may cover /sys/fs/cgroup (and what is below)
	awk '{for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") m = $5; break }} END {print m}' /proc/self/mountinfo
}
