#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# podman (+ conmon) driving the runtime under test, registered in containers.conf as "hull".
# Run by tests/e2e/run, which provides the image, the temp dir and the cgroup parent.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
E2E_DEADLINE=$(($(date +%s) + E2E_BUDGET))

PT=$E2E_T/podman
mkdir -p "$PT/tmp" "$PT/net" "$PT/vol-ro" "$PT/vol-rw"
export CONTAINERS_CONF=$PT/containers.conf
# network_backend cni: nothing is created outside the temp dir for --network none
# (netavark would create /run/containers/networks).
cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
init_path = "/usr/bin/catatonit"
pids_limit = 0
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PT/events.log"
tmp_dir = "$PT/tmp"
network_backend = "cni"
runtime = "hull"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "hull"]

[engine.runtimes]
hull = ["$E2E_RUNTIME"]

[network]
network_config_dir = "$PT/net"
EOF

# the client as an executable (timeout and script need one, not a shell function)
P=$PT/podman
cat >"$P" <<EOF
#!/bin/sh
CONTAINERS_CONF='$CONTAINERS_CONF' exec podman --root '$PT/store' --runroot '$PT/run' "\$@"
EOF
chmod +x "$P"
IMG=localhost/busybox:latest
RUN=(run --pull never --network none --cgroup-parent="$E2E_CGP")

state_of() { "$P" inspect -f "{{.State.$2}}" "$1" 2>/dev/null; }
is_status() { [ "$(state_of "$1" Status)" = "$2" ]; }

# --- setup: load the OCI archive built by run and name it ---------------------------
setup() {
	x "$P" load -i "$E2E_T/busybox-oci.tar"
	want_rc 0 "podman load" || return
	local name
	name=$(printf '%s\n' "$OUT" | sed -n 's/^Loaded image[^:]*: //p' | head -1)
	[ -n "$name" ] || fail "podman load: no image name in [$(short "$OUT")]" || return
	x "$P" tag "$name" "$IMG"
	want_rc 0 "podman tag" || return
}

t_run_rm() {
	x "$P" "${RUN[@]}" --rm "$IMG" sh -c 'echo hello-e2e'
	want_rc 0 || return
	want_out hello-e2e || return
	# --rm: nothing left behind
	x "$P" ps -aq
	[ -z "$OUT" ] || fail "containers left after run --rm: $(short "$OUT")"
}

t_run_exit42() {
	x "$P" "${RUN[@]}" --rm "$IMG" sh -c 'exit 42'
	want_rc 42
}

t_run_cgroup_parent() {
	x "$P" "${RUN[@]}" --rm "$IMG" cat /proc/self/cgroup
	want_rc 0 || return
	# podman's cgroupfs name is <parent>/libpod-<id>; conmon sits in <parent>/conmon, so a
	# container left in the cgroups it inherited from conmon does not pass. Checked in the
	# cgroup2 hierarchy (0::), which every runtime uses here (on this hybrid host runc also
	# joins the v1 controllers; hull is cgroup2-only by design).
	printf '%s\n' "$OUT" | grep -Eq "^0::$E2E_CGP/libpod-[0-9a-f]{64}\$" ||
		fail "container not in its own cgroup $E2E_CGP/libpod-<id> (cgroup2): $(short "$OUT")"
}

t_run_stdin() {
	printf 'piped-in\n' >"$PT/stdin.txt"
	x_in "$PT/stdin.txt" "$P" "${RUN[@]}" --rm -i "$IMG" cat
	want_rc 0 || return
	want_out piped-in
}

t_run_tty() {
	x_tty "$P" "${RUN[@]}" --rm -t "$IMG" sh -c 'tty; echo in-tty; exit 5'
	want_rc 5 "run -t" || return
	want_out /dev/pts/ "run -t" || return
	want_out in-tty "run -t"
}

logs_have() {
	x "$P" logs e2e-main
	case "$OUT" in *started-e2e*) return 0 ;; esac
	return 1
}

t_run_d_logs() {
	x "$P" "${RUN[@]}" -d --name e2e-main "$IMG" sh -c 'echo started-e2e; exec sleep 1000'
	want_rc 0 "run -d" || return
	poll 10 is_status e2e-main running || fail "e2e-main not running: status $(state_of e2e-main Status)" || return
	poll 10 logs_have || fail "podman logs: $(last)"
}

t_exec() {
	x "$P" exec e2e-main sh -c 'echo exec-ok; id -u'
	want_rc 0 exec || return
	want_out exec-ok exec || return
	x "$P" exec e2e-main sh -c 'exit 3'
	want_rc 3 "exec exit code"
}

t_exec_tty() {
	x_tty "$P" exec -t e2e-main sh -c 'tty; echo tty-exec-ok'
	want_rc 0 "exec -t" || return
	want_out /dev/pts/ "exec -t" || return
	want_out tty-exec-ok "exec -t"
}

bg_running() {
	x "$P" exec e2e-main ps -o args
	case "$OUT" in *"sleep 567"*) return 0 ;; esac
	return 1
}

t_exec_detach() {
	x "$P" exec -d e2e-main sleep 567
	want_rc 0 "exec -d" || return
	poll 10 bg_running || fail "exec -d: 'sleep 567' not seen by ps in the container; $(last)"
}

t_exec_missing() {
	x "$P" exec e2e-main /nonexistent
	want_rc 127 "exec /nonexistent"
}

t_pause() {
	x "$P" "${RUN[@]}" -d --name e2e-pause "$IMG" sh -c "$COUNTER_LOOP"
	want_rc 0 "run -d" || return
	local pid
	pid=$(state_of e2e-pause Pid)
	poll 3 counter_moves "$pid" || fail "counter loop not running in e2e-pause (pid $pid)" || return
	x "$P" pause e2e-pause
	want_rc 0 pause || return
	is_status e2e-pause paused || fail "after pause: status $(state_of e2e-pause Status)" || return
	counter_still "$pid" || fail "container still runs after pause (counter moves)" || return
	x "$P" unpause e2e-pause
	want_rc 0 unpause || return
	is_status e2e-pause running || fail "after unpause: status $(state_of e2e-pause Status)" || return
	counter_moves "$pid" || fail "container does not run again after unpause"
}

t_kill() {
	x "$P" kill e2e-pause
	want_rc 0 kill || return
	poll 10 is_status e2e-pause exited || fail "after kill: status $(state_of e2e-pause Status)" || return
	local code
	code=$(state_of e2e-pause ExitCode)
	[ "$code" = 137 ] || fail "after kill (SIGKILL): exit code $code, expected 137"
}

t_stop() {
	# sh as pid 1 with a TERM trap: stop must deliver SIGTERM (exit 7), long before -t 20
	x "$P" "${RUN[@]}" -d --name e2e-stop "$IMG" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	want_rc 0 "run -d" || return
	poll 10 is_status e2e-stop running || fail "e2e-stop not running" || return
	sleep 0.3 # let sh install its trap
	local t0=$SECONDS
	x "$P" stop -t 20 e2e-stop
	want_rc 0 stop || return
	[ $((SECONDS - t0)) -lt 15 ] || fail "stop took $((SECONDS - t0)) s: SIGTERM not delivered?" || return
	local code
	code=$(state_of e2e-stop ExitCode)
	[ "$code" = 7 ] || fail "after stop: exit code $code, expected 7 (TERM trap)"
}

t_rm_f() {
	x "$P" "${RUN[@]}" -d --name e2e-rm "$IMG" sleep 1000
	want_rc 0 "run -d" || return
	poll 10 is_status e2e-rm running || fail "e2e-rm not running" || return
	local pid
	pid=$(state_of e2e-rm Pid)
	x "$P" rm -f -t 1 e2e-rm
	want_rc 0 "rm -f" || return
	x "$P" container exists e2e-rm
	[ "$RC" = 1 ] || fail "container still exists after rm -f (exists rc=$RC)" || return
	! kill -0 "$pid" 2>/dev/null || fail "container process $pid still alive after rm -f"
}

t_read_only() {
	x "$P" "${RUN[@]}" --rm --read-only "$IMG" sh -c \
		'touch /x 2>&1; echo touch-rc=$?; cat /tmp/from-image; echo w > /tmp/w && echo tmp-writable; echo w > /run/w && echo run-writable'
	want_rc 0 || return
	want_out "Read-only file system" "write to / under --read-only" || return
	want_out "touch-rc=1" || return
	want_out "image-tmp-content" "/tmp (tmpcopyup) lacks the image's /tmp content" || return
	want_out tmp-writable || return
	want_out run-writable
}

t_tmpfs() {
	x "$P" "${RUN[@]}" --rm --tmpfs /scratch:size=1m,mode=1777 "$IMG" sh -c \
		'grep " /scratch " /proc/mounts; stat -c %a /scratch; echo x > /scratch/f && echo scratch-writable'
	want_rc 0 || return
	want_out "tmpfs /scratch tmpfs" || return
	want_out "size=1024k" "tmpfs size option" || return
	want_out 1777 "tmpfs mode" || return
	want_out scratch-writable
}

t_volume() {
	echo from-host >"$PT/vol-ro/file"
	x "$P" "${RUN[@]}" --rm -v "$PT/vol-ro:/data:ro" -v "$PT/vol-rw:/data2" "$IMG" sh -c \
		'cat /data/file; touch /data/new 2>&1; echo ro-rc=$?; echo from-ctr > /data2/out'
	want_rc 0 || return
	want_out from-host "ro bind content" || return
	want_out "Read-only file system" "ro bind writable" || return
	[ ! -e "$PT/vol-ro/new" ] || fail "file created through a :ro bind" || return
	[ "$(cat "$PT/vol-rw/out" 2>/dev/null)" = from-ctr ] || fail "write through rw bind not on host"
}

t_user() {
	x "$P" "${RUN[@]}" --rm --user 65534 "$IMG" sh -c 'echo "$(id -u):$(id -g)"; touch /root/x 2>&1'
	want_rc 1 "non-root write to /root must fail" || return
	want_out "65534:65534" || return
	want_out "Permission denied"
}

t_caps() {
	x "$P" "${RUN[@]}" --rm --cap-drop all "$IMG" grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status
	want_rc 0 "cap-drop all" || return
	[ "$(printf '%s\n' "$OUT" | grep -c '0000000000000000')" = 3 ] ||
		fail "cap-drop all: capabilities not empty: $(short "$OUT")" || return
	x "$P" "${RUN[@]}" --rm --cap-drop all --cap-add NET_RAW "$IMG" grep -E '^Cap(Eff|Bnd)' /proc/self/status
	want_rc 0 "cap-add" || return
	[ "$(printf '%s\n' "$OUT" | grep -c '0000000000002000')" = 2 ] ||
		fail "cap-drop all --cap-add NET_RAW: expected 0x2000: $(short "$OUT")" || return
	# and the effect: without CAP_CHOWN, chown fails
	x "$P" "${RUN[@]}" --rm --cap-drop all "$IMG" sh -c 'touch /tmp/f; chown 1:1 /tmp/f'
	[ "$RC" != 0 ] || fail "chown succeeded without CAP_CHOWN"
}

t_seccomp() {
	cat >"$PT/seccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
	x "$P" "${RUN[@]}" --rm --security-opt "seccomp=$PT/seccomp.json" "$IMG" sh -c \
		'mkdir /tmp/d 2>&1; echo mkdir-rc=$?; touch /tmp/f && echo touch-ok'
	want_rc 0 || return
	want_out "Operation not permitted" "mkdir under the profile" || return
	want_out "mkdir-rc=1" || return
	want_out touch-ok "syscalls outside the profile"
}

t_init() {
	x "$P" "${RUN[@]}" --rm --init "$IMG" sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo "sh-pid=$$"; exit 3'
	want_rc 3 "--init exit code" || return
	want_out "/run/podman-init -- " "pid 1 is not the init" || return
	case "$OUT" in *"sh-pid=1"*) fail "the command is pid 1 under --init" ;; esac
}

t_rootfs() {
	cp -a "$E2E_T/rootfs" "$PT/rootfs"
	x "$P" "${RUN[@]}" --rm --rootfs "$PT/rootfs" /bin/sh -c 'echo from-rootfs; cat /etc/passwd | head -1'
	want_rc 0 || return
	want_out from-rootfs || return
	want_out "root:x:0:0"
}

t_bad_cmd() {
	x "$P" "${RUN[@]}" --rm "$IMG" /etc/passwd
	want_rc 126 "not executable (/etc/passwd)" || return
	x "$P" "${RUN[@]}" --rm "$IMG" /nonexistent
	want_rc 127 "missing command (/nonexistent)"
}

t_runtime_error() {
	# podman and conmon accept a net.* sysctl; only the runtime can find that the key does not
	# exist: podman must show the runtime's own message, prefixed with the runtime's name.
	x "$P" "${RUN[@]}" --rm --sysctl net.ipv4.e2e_nonexistent_key=1 "$IMG" true
	[ "$RC" != 0 ] && [ "$RC" != 125 ] || fail "expected a runtime failure (126/127), got $(last)" || return
	want_err "Error: hull:" "podman does not show a runtime error" || return
	want_err "e2e_nonexistent_key" "the runtime's message does not name the sysctl"
}

# memory limit of a process's cgroup, read from the host: the v1 memory controller when the
# process has its own v1 memory cgroup there, else cgroup2's memory.max
mem_limit_of() {
	local cg
	cg=$(awk -F: '$2=="memory"{print $3}' "/proc/$1/cgroup" 2>/dev/null)
	if [ -n "$cg" ] && [ -r "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes" ] &&
		[ "$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")" != 9223372036854771712 ]; then
		cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes"
		return
	fi
	cg=$(awk -F: '$1=="0"{print $3}' "/proc/$1/cgroup" 2>/dev/null)
	cat "/sys/fs/cgroup/unified$cg/memory.max" "/sys/fs/cgroup$cg/memory.max" 2>/dev/null | head -1
}

# A memory limit must be enforced, or refused by the runtime with an error naming the
# controller (hull on this hybrid host: cgroup2 offers only hugetlb); never ignored.
t_memory_update() {
	x "$P" "${RUN[@]}" -d --name e2e-mem --memory 64m "$IMG" sleep 1000
	if [ "$RC" != 0 ]; then
		want_err "Error: " "run --memory 64m" || return
		case "$ERR" in *"hull:"*memory*) ;; *) fail "run --memory 64m failed without a runtime error naming memory: $(last)" || return ;; esac
		echo "# --memory refused by the runtime: $(short "$(printf '%s\n' "$ERR" | grep -m1 'hull:')" 300)"
		return 0
	fi
	poll 10 is_status e2e-mem running || fail "e2e-mem not running" || return
	local pid lim
	pid=$(state_of e2e-mem Pid)
	lim=$(mem_limit_of "$pid")
	[ "$lim" = 67108864 ] || fail "--memory 64m accepted but the container's memory limit is [$lim]" || return
	x "$P" update --memory 128m e2e-mem
	want_rc 0 "podman update --memory 128m" || return
	lim=$(mem_limit_of "$pid")
	[ "$lim" = 134217728 ] || fail "after update --memory 128m: memory limit is [$lim]" || return
	x "$P" rm -f -t 0 e2e-mem
	want_rc 0 "rm -f"
}

if ! tcase "podman: setup (load image)" setup; then
	echo "# podman: skipping the podman cases, setup failed"
	return 0 2>/dev/null || exit 0
fi
tcase "podman: run --rm exit 0" t_run_rm
tcase "podman: run --rm exit code 42" t_run_exit42
tcase "podman: container in --cgroup-parent" t_run_cgroup_parent
tcase "podman: run -i (stdin pipe)" t_run_stdin
tcase "podman: run -t under script" t_run_tty
tcase "podman: run -d + logs" t_run_d_logs
tcase "podman: exec (output, exit code 3)" t_exec
tcase "podman: exec -t under script" t_exec_tty
tcase "podman: exec -d" t_exec_detach
tcase "podman: exec missing binary -> 127" t_exec_missing
tcase "podman: pause/unpause" t_pause
tcase "podman: kill -> 137" t_kill
tcase "podman: stop (SIGTERM)" t_stop
tcase "podman: rm -f running" t_rm_f
tcase "podman: --memory + update: enforced or refused, never ignored" t_memory_update
tcase "podman: --read-only (tmpcopyup)" t_read_only
tcase "podman: --tmpfs" t_tmpfs
tcase "podman: -v ro and rw binds" t_volume
tcase "podman: --user 65534" t_user
tcase "podman: --cap-drop all / --cap-add" t_caps
tcase "podman: seccomp profile (mkdir -> EPERM)" t_seccomp
tcase "podman: --init (catatonit)" t_init
tcase "podman: --rootfs DIR" t_rootfs
tcase "podman: bad commands -> 126/127" t_bad_cmd
tcase "podman: runtime error shown by podman" t_runtime_error
x "$P" rm -af -t 0
