#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# systemd integration as a service manager sees it: the sd_notify relay (NOTIFY_SOCKET in
# hull's environment at create/run and start) and socket activation (LISTEN_FDS/LISTEN_PID).
# A python3 datagram listener stands in for systemd's notify socket; sd-probe (tests/helpers)
# is the service inside the container.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "1..0 # SKIP python3 missing"; exit 0; }

# listener SOCK LOG SECS -> starts a datagram listener logging each datagram followed by a
# "--" line; prints its pid once the socket exists. It exits by itself after SECS.
listener() {
	local sock=$1 log=$2 secs=$3
	: >"$log"
	python3 - "$sock" "$log" "$secs" >/dev/null 2>&1 <<-'EOF' &
		import socket, sys, time
		path, log, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
		s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
		s.bind(path)
		end = time.monotonic() + secs
		with open(log, 'a') as f:
		    while time.monotonic() < end:
		        s.settimeout(max(0.01, end - time.monotonic()))
		        try:
		            d = s.recv(8192)  # recv, not recvmsg: a BARRIER=1 fd is closed at once
		        except socket.timeout:
		            break
		        f.write(d.decode(errors='replace') + '\n--\n')
		        f.flush()
	EOF
	local pid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	[ -S "$sock" ] || fail "the listener did not start"
	echo "$pid"
}

ms_now() { echo $(($(date +%s%N) / 1000000)); }

# the container: sleeps, says STATUS, then READY, then stays up
notify_bundle() {
	local b=$1 delay=$2
	make_bundle "$b" sh -c "sleep $delay; sd-probe notify 'STATUS=warming up' >/dev/null; sd-probe notify READY=1 >/dev/null; sleep 30"
}

test_start_returns_after_ready_and_relays() {
	local b=$TMPROOT/b-ready id sock=$TMPROOT/ready.sock log=$TMPROOT/ready.log lp t0 t1 pid env
	notify_bundle "$b" 2
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	NOTIFY_SOCKET=$sock HULL create -b "$b" "$id" </dev/null || fail "create failed"
	t0=$(ms_now)
	NOTIFY_SOCKET=$sock HULL start "$id" || fail "start failed"
	t1=$(ms_now)
	# the process sleeps 2 s after start released it: returning earlier means no wait
	[ $((t1 - t0)) -ge 2000 ] || fail "start returned after $((t1 - t0)) ms, before the container's READY=1 (sent after 2000 ms)"
	pid=$(HULL state "$id" | jq -r .pid)
	assert_eq "$(HULL state "$id" | jq -r .status)" running
	assert_contains "$(cat "$log")" "STATUS=warming up"
	assert_contains "$(cat "$log")" "READY=1
MAINPID=$pid"
	# STATUS came first, READY with the host pid of the container's init after it
	[ "$(grep -n 'STATUS=' "$log" | cut -d: -f1)" -lt "$(grep -n 'READY=1' "$log" | cut -d: -f1)" ] ||
		fail "STATUS was not relayed before READY: $(cat "$log")"
	env=$(tr '\0' '\n' </proc/"$pid"/environ)
	assert_contains "$env" "NOTIFY_SOCKET=/run/notify/notify.sock"
	# hull does not leave its end behind once start returned
	[ ! -e "$ROOT/$id/notify/run/notify.sock" ] || fail "the container's notify socket stayed after start"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
	[ ! -e "$ROOT/$id" ] || fail "delete left the state dir"
}

test_run_detach_returns_after_ready() {
	local b=$TMPROOT/b-rund id sock=$TMPROOT/rund.sock log=$TMPROOT/rund.log lp t0 t1 pid
	notify_bundle "$b" 1
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	t0=$(ms_now)
	NOTIFY_SOCKET=$sock HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	t1=$(ms_now)
	[ $((t1 - t0)) -ge 1000 ] || fail "run -d returned after $((t1 - t0)) ms, before READY=1"
	pid=$(HULL state "$id" | jq -r .pid)
	assert_contains "$(cat "$log")" "READY=1
MAINPID=$pid"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_mainpid_of_a_child_is_translated_to_its_host_pid() {
	local b=$TMPROOT/b-mainpid id sock=$TMPROOT/mainpid.sock log=$TMPROOT/mainpid.log lp out=$TMPROOT/mainpid.out
	local cpid hpid
	make_bundle "$b" true
	# one datagram with two lines (make_bundle splits arguments at newlines)
	jq_config "$b" '.process.args = ["sh", "-c", "sleep 60 & echo bg=$!; sd-probe notify \"MAINPID=$!\nREADY=1\" >/dev/null; wait"]'
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	NOTIFY_SOCKET=$sock HULL create -b "$b" "$id" </dev/null >"$out" || fail "create failed"
	NOTIFY_SOCKET=$sock HULL start "$id" || fail "start failed"
	cpid=$(sed -n 's/^bg=//p' "$out")
	hpid=$(sed -n 's/^MAINPID=//p' "$log")
	[ -n "$cpid" ] && [ -n "$hpid" ] || fail "no pids: out=$(cat "$out") log=$(cat "$log")"
	[ "$hpid" != "$cpid" ] || fail "MAINPID was passed on untranslated ($cpid)"
	# the host pid is the container's child: its pid in the container's namespace is $cpid
	assert_eq "$(awk '/^NSpid:/ {print $NF}' /proc/"$hpid"/status)" "$cpid" "NSpid of host pid $hpid"
	assert_contains "$(HULL ps --format json "$id")" "$hpid"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_attack_relay_passes_only_the_allow_list() {
	# a container must not steer the caller: no foreign MAINPID, no fds, no NOTIFYACCESS
	local b=$TMPROOT/b-filter id sock=$TMPROOT/filter.sock log=$TMPROOT/filter.log lp pid
	make_bundle "$b" true
	jq_config "$b" '.process.args = ["sh", "-c", "sd-probe notify-fd \"MAINPID=99999\nNOTIFYACCESS=all\nFDSTORE=1\nWATCHDOG_USEC=1\nREADY=1\" >/dev/null; sleep 30"]'
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	NOTIFY_SOCKET=$sock HULL run -d -b "$b" "$id" </dev/null >/dev/null || fail "run -d failed"
	pid=$(HULL state "$id" | jq -r .pid)
	assert_contains "$(cat "$log")" "READY=1
MAINPID=$pid"
	assert_not_contains "$(cat "$log")" "99999"
	assert_not_contains "$(cat "$log")" "NOTIFYACCESS"
	assert_not_contains "$(cat "$log")" "FDSTORE"
	assert_not_contains "$(cat "$log")" "WATCHDOG_USEC"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_attack_other_host_users_cannot_reach_the_socket() {
	command -v setpriv >/dev/null || skip "setpriv missing"
	local b=$TMPROOT/b-priv id sock=$TMPROOT/priv.sock log=$TMPROOT/priv.log lp sp res csock
	notify_bundle "$b" 3
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	# the state root as hull makes it (0711 all the way), not the test's private temp dir
	chmod 0711 "$TMPROOT"
	NOTIFY_SOCKET=$sock HULL create -b "$b" "$id" </dev/null >/dev/null || fail "create failed"
	NOTIFY_SOCKET=$sock HULL start "$id" &
	sp=$!
	csock=$ROOT/$id/notify/run/notify.sock
	for _ in $(seq 100); do [ -S "$csock" ] && break; sleep 0.02; done
	[ -S "$csock" ] || fail "no container socket while start waits"
	# nobody on the host tries to fake the container's READY=1 while start waits for it
	res=$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    s.sendto(b"READY=1", sys.argv[1]); print("sent")
except OSError as e:
    print(e.__class__.__name__)' "$csock" 2>&1)
	chmod 0700 "$TMPROOT"
	assert_eq "$res" PermissionError "another host user sending to the container's socket"
	wait "$sp" || fail "start failed"
	# only the real READY (after 3 s) was relayed
	assert_eq "$(grep -c '^READY=1' "$log")" 1 "READY=1 relayed once: $(cat "$log")"
	assert_eq "$(stat -c %a "$ROOT/$id/notify")" 700
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_attack_symlink_in_the_state_dir_is_not_followed() {
	local b=$TMPROOT/b-link id sock=$TMPROOT/link.sock log=$TMPROOT/link.log lp out evil=$TMPROOT/evil
	notify_bundle "$b" 0
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	mkdir -p "$evil"
	NOTIFY_SOCKET=$sock HULL create -b "$b" "$id" </dev/null >/dev/null || fail "create failed"
	# between create and start, run/ is swapped for a symlink to a directory elsewhere
	mv "$ROOT/$id/notify/run" "$ROOT/$id/notify/run.real"
	ln -s "$evil" "$ROOT/$id/notify/run"
	out=$(NOTIFY_SOCKET=$sock HULL start "$id" 2>&1) && fail "start went through a symlinked notify dir"
	assert_contains "$out" "notify/run"
	[ -z "$(ls -A "$evil")" ] || fail "start created $(ls "$evil") through the symlink"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_exit_before_ready_is_an_error() {
	local b=$TMPROOT/b-early id sock=$TMPROOT/early.sock log=$TMPROOT/early.log lp out
	make_bundle "$b" sh -c 'sd-probe notify "STATUS=giving up" >/dev/null; exit 3'
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	NOTIFY_SOCKET=$sock HULL create -b "$b" "$id" </dev/null >/dev/null || fail "create failed"
	out=$(NOTIFY_SOCKET=$sock timeout 20 "$HULL_BIN" --root "$ROOT" start "$id" 2>&1) && fail "start succeeded without READY=1"
	assert_contains "$out" "exited before it sent READY=1"
	assert_contains "$(cat "$log")" "STATUS=giving up"
	assert_not_contains "$(cat "$log")" "READY=1"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_ready_timeout_is_bounded_and_stops_the_container() {
	local b=$TMPROOT/b-slow id sock=$TMPROOT/slow.sock log=$TMPROOT/slow.log lp out t0 t1
	make_bundle "$b" sleep 60
	lp=$(listener "$sock" "$log" 30) || return 1
	id=$(new_id)
	NOTIFY_SOCKET=$sock HULL create -b "$b" "$id" </dev/null || fail "create failed"
	t0=$(ms_now)
	out=$(NOTIFY_SOCKET=$sock HULL_NOTIFY_TIMEOUT=1 timeout 20 "$HULL_BIN" --root "$ROOT" start "$id" 2>&1) &&
		fail "start succeeded without READY=1"
	t1=$(ms_now)
	assert_contains "$out" "sent no READY=1 to NOTIFY_SOCKET within 1 s"
	[ $((t1 - t0)) -lt 10000 ] || fail "the 1 s timeout took $((t1 - t0)) ms"
	for _ in $(seq 50); do [ "$(HULL state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
	assert_eq "$(HULL state "$id" | jq -r .status)" stopped "a start that timed out stops the container"
	HULL delete --force "$id"
	kill "$lp" 2>/dev/null
}

test_bad_notify_socket_fails_create_and_leaves_nothing() {
	# (stdout to a file: a create that wrongly succeeds must not hold $(...) open)
	local b=$TMPROOT/b-bad id err=$TMPROOT/bad.err
	notify_bundle "$b" 0
	id=$(new_id)
	NOTIFY_SOCKET=relative.sock HULL create -b "$b" "$id" </dev/null >/dev/null 2>"$err" &&
		fail "create accepted NOTIFY_SOCKET=relative.sock"
	assert_contains "$(cat "$err")" "NOTIFY_SOCKET=relative.sock"
	[ ! -e "$ROOT/$id" ] || fail "a failed create left its state dir"
	HULL delete --force "$id"
	# a create that fails later (no such program) leaves nothing either
	jq_config "$b" '.process.args = ["/no/such/program"]'
	NOTIFY_SOCKET=$TMPROOT/x.sock HULL create -b "$b" "$id" </dev/null >/dev/null 2>"$err" &&
		fail "create of a missing program succeeded"
	[ ! -e "$ROOT/$id" ] || fail "a failed create left its state dir (with the notify dir)"
	HULL delete --force "$id"
	# start: the caller's socket must exist (checked before the process is released)
	b=$TMPROOT/b-bad2
	notify_bundle "$b" 0
	NOTIFY_SOCKET=$TMPROOT/x.sock HULL create -b "$b" "$id" </dev/null >/dev/null || fail "create failed"
	NOTIFY_SOCKET=$TMPROOT/missing.sock HULL start "$id" 2>"$err" && fail "start with a missing NOTIFY_SOCKET succeeded"
	assert_contains "$(cat "$err")" "connect to NOTIFY_SOCKET $TMPROOT/missing.sock"
	assert_eq "$(HULL state "$id" | jq -r .status)" created "the process was not released"
	HULL delete --force "$id"
	[ ! -e "$ROOT/$id" ] || fail "delete left the state dir"
}

test_without_notify_socket_nothing_changes() {
	local b=$TMPROOT/b-plain id pid
	make_bundle "$b" sleep 30
	id=$(new_id)
	env -u NOTIFY_SOCKET "$HULL_BIN" --root "$ROOT" create -b "$b" "$id" </dev/null || fail "create failed"
	[ ! -e "$ROOT/$id/notify" ] || fail "a notify dir without NOTIFY_SOCKET"
	# created without it, a start with NOTIFY_SOCKET has nothing to wait for
	NOTIFY_SOCKET=$TMPROOT/nobody.sock timeout 10 "$HULL_BIN" --root "$ROOT" start "$id" || fail "start failed"
	pid=$(HULL state "$id" | jq -r .pid)
	assert_not_contains "$(tr '\0' '\n' </proc/"$pid"/environ)" NOTIFY_SOCKET
	HULL delete --force "$id"
}

# ---- socket activation ----

# activate PORTFILE [--extra-fd] [--pid N] -- CMD...: a listening TCP socket on
# 127.0.0.1:<random> as fd 3 (and a pipe as fd 4 with --extra-fd), LISTEN_FDS=1 and
# LISTEN_PID=<own pid> (or N), then exec CMD in the same process, as systemd does.
activate() {
	python3 - "$@" <<-'EOF'
		import os, socket, sys
		i = sys.argv.index('--')
		opts, cmd = sys.argv[1:i], sys.argv[i + 1:]
		s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		s.bind(('127.0.0.1', 0))
		s.listen(4)
		if s.fileno() != 3:
		    os.dup2(s.fileno(), 3)
		os.set_inheritable(3, True)
		nxt = 4
		if '--extra-fd' in opts:
		    r, w = os.pipe()
		    os.dup2(r, 4)
		    os.set_inheritable(4, True)
		    nxt = 5
		env = dict(os.environ, LISTEN_FDS='1')
		env['LISTEN_PID'] = opts[opts.index('--pid') + 1] if '--pid' in opts else str(os.getpid())
		with open(opts[0] + '.tmp', 'w') as f:
		    f.write(str(s.getsockname()[1]))
		os.rename(opts[0] + '.tmp', opts[0])
		os.closerange(nxt, 4096)
		os.execvpe(cmd[0], cmd, env)
	EOF
}

# connect PORTFILE -> what the server answers on 127.0.0.1:<port>
connect_once() {
	local pf=$1
	for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.05; done
	timeout 10 python3 -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(open(sys.argv[1]).read())), timeout=5)
print(c.recv(100).decode().strip())' "$pf"
}

activated_bundle() {
	make_bundle "$1" sh -c 'sec-probe fds; exec sd-probe listen hello-activated'
}

test_socket_activation_passes_the_listening_socket() {
	local b=$TMPROOT/b-act id pf=$TMPROOT/act.port out=$TMPROOT/act.out ap answer
	activated_bundle "$b"
	id=$(new_id)
	activate "$pf" -- "$HULL_BIN" --root "$ROOT" run -b "$b" "$id" </dev/null >"$out" 2>&1 &
	ap=$!
	answer=$(connect_once "$pf")
	wait "$ap" || fail "run failed: $(cat "$out")"
	assert_eq "$answer" hello-activated "the container accepted on fd 3 and answered"
	assert_contains "$(cat "$out")" "listen_fds=1"
	assert_contains "$(cat "$out")" "listen_pid=1
pid=1"
	# CVE-2024-21626 defence: 0-2 and the activation socket, nothing of hull's
	assert_contains "$(cat "$out")" "fds=0,1,2,3
"
	assert_contains "$(cat "$out")" "fd_3=socket:"
}

test_socket_activation_with_preserve_fds_comes_first() {
	# runc: the listen fds are 3.., the --preserve-fds ones follow
	local b=$TMPROOT/b-actp id pf=$TMPROOT/actp.port out=$TMPROOT/actp.out ap answer
	activated_bundle "$b"
	id=$(new_id)
	activate "$pf" --extra-fd -- "$HULL_BIN" --root "$ROOT" run --preserve-fds 1 -b "$b" "$id" </dev/null >"$out" 2>&1 &
	ap=$!
	answer=$(connect_once "$pf")
	wait "$ap" || fail "run failed: $(cat "$out")"
	assert_eq "$answer" hello-activated
	assert_contains "$(cat "$out")" "fds=0,1,2,3,4
"
	assert_contains "$(cat "$out")" "fd_3=socket:"
	assert_contains "$(cat "$out")" "fd_4=pipe:"
	assert_contains "$(cat "$out")" "listen_fds=1"
}

test_socket_activation_in_the_host_pid_namespace_gets_the_real_pid() {
	local b=$TMPROOT/b-actn id pf=$TMPROOT/actn.port out=$TMPROOT/actn.out ap answer
	activated_bundle "$b"
	jq_config "$b" '.linux.namespaces |= map(select(.type != "pid"))'
	id=$(new_id)
	activate "$pf" -- "$HULL_BIN" --root "$ROOT" run -b "$b" "$id" </dev/null >"$out" 2>&1 &
	ap=$!
	answer=$(connect_once "$pf")
	wait "$ap" || fail "run failed: $(cat "$out")"
	assert_eq "$answer" hello-activated "LISTEN_PID matched the process's own pid: $(cat "$out")"
	local lpid pid
	lpid=$(sed -n 's/^listen_pid=//p' "$out")
	pid=$(sed -n 's/^pid=//p' "$out")
	assert_eq "$lpid" "$pid"
	[ "$pid" != 1 ] || fail "expected a host pid, got 1"
}

test_listen_fds_for_another_process_are_not_passed() {
	# LISTEN_PID names some other process: the fds are not ours, fd 3 is closed as usual
	local b=$TMPROOT/b-acto id pf=$TMPROOT/acto.port out=$TMPROOT/acto.out
	activated_bundle "$b"
	id=$(new_id)
	activate "$pf" --pid 1 -- "$HULL_BIN" --root "$ROOT" run -b "$b" "$id" </dev/null >"$out" 2>&1 &&
		fail "the probe found listen fds: $(cat "$out")"
	assert_contains "$(cat "$out")" "fds=0,1,2
"
	assert_contains "$(cat "$out")" "listen_fds=
"
}

run_tests
