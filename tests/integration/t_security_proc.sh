#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The process a container gets: no leaked host fds (CVE-2024-21626), a cwd that cannot be
# outside the rootfs, exactly the capabilities asked for (CVE-2022-29162), no_new_privs and
# seccomp as seen from inside, and /proc writes that the image cannot redirect
# (CVE-2019-16884 / CVE-2025-52881).
. "$(dirname "$0")/lib.sh"

# status_of OUTPUT KEY -> the value of "KEY=value" in oci-check / sec-probe output
val() { sed -n "s/^$2=//p" <<<"$1" | head -1; }

# ---- CVE-2024-21626: fds ------------------------------------------------------------------

test_fd_scan_run_sees_only_stdio() {
	local b=$TMPROOT/b-fds out
	make_bundle "$b" sec-probe fds
	# host fds that are NOT close-on-exec in hull: a directory, a file, the host's "/"
	exec 7<"$TMPROOT" 8>"$TMPROOT/leak-file" 9</
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	local rc=$?
	exec 7<&- 8>&- 9<&-
	[ $rc -eq 0 ] || fail "run failed: $out" || return 1
	assert_eq "$(val "$out" fds)" "0,1,2"
}

test_fd_scan_run_preserve_fds_exact() {
	local b=$TMPROOT/b-pfds out
	make_bundle "$b" sec-probe fds
	exec 5<"$TMPROOT"
	out=$(HULL run --preserve-fds 2 -b "$b" "$(new_id)" 3</dev/null 4>"$TMPROOT/pf4" </dev/null 2>&1)
	local rc=$?
	exec 5<&-
	[ $rc -eq 0 ] || fail "run failed: $out" || return 1
	assert_eq "$(val "$out" fds)" "0,1,2,3,4" "fd 5 (not preserved) must not pass"
}

test_fd_scan_exec_sees_only_stdio() {
	local b=$TMPROOT/b-efds id out
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
	exec 7<"$TMPROOT" 8</
	out=$(HULL exec "$id" sec-probe fds 2>&1 </dev/null)
	local out2
	out2=$(HULL exec --preserve-fds 1 "$id" sec-probe fds 3</dev/null 2>&1 </dev/null)
	exec 7<&- 8<&-
	HULL delete --force "$id" >/dev/null 2>&1
	assert_eq "$(val "$out" fds)" "0,1,2" "exec" || return 1
	assert_eq "$(val "$out2" fds)" "0,1,2,3" "exec --preserve-fds 1"
}

# the same with a seccomp profile that does not allow close_range (an older profile): the
# fds must still be gone
test_fd_scan_with_profile_without_close_range() {
	local b=$TMPROOT/b-fds-sc out id
	make_bundle "$b" sec-probe fds
	jq_config "$b" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["close_range"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	exec 7<"$TMPROOT" 8</
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	id=$(new_id)
	jq_config "$b" '.process.args = ["sleep", "30"]'
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1
	local out2
	out2=$(HULL exec "$id" sec-probe fds 2>&1 </dev/null)
	exec 7<&- 8<&-
	HULL delete --force "$id" >/dev/null 2>&1
	assert_eq "$(val "$out" fds)" "0,1,2" "run" || return 1
	assert_eq "$(val "$out2" fds)" "0,1,2" "exec"
}

# CVE-2024-21626 "attack 2": process.args[0] through a magic link to one of hull's fds,
# climbing out of it to the host's tree, e.g. /proc/self/fd/N/../bin/busybox. With every fd
# closed before execve nothing resolves; the profile denies close_range so that closing by
# any other means must have happened before the filter was loaded.
# Positive control first: the same command through the container's own /bin/busybox must run
# and print the container's inode, or a container that never starts would pass.
args_magiclink_case() { # exec|run
	local b=$TMPROOT/b-argsfd-$1 out n id host_ino own_ino
	host_ino=$(stat -c %i /bin/busybox)
	own_ino=$(stat -c %i "$BASE_ROOTFS/bin/busybox")
	make_bundle "$b" sleep 30
	jq_config "$b" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["close_range"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	if [ "$1" = exec ]; then
		id=$(new_id)
		HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
		out=$(HULL exec "$id" /bin/busybox stat -L -c %i /proc/self/exe 2>&1 </dev/null)
	else
		jq_config "$b" '.process.args = ["/bin/busybox", "stat", "-L", "-c", "%i", "/proc/self/exe"]'
		out=$(bundle_run "$b" "$(new_id)" 2>&1)
	fi
	assert_eq "$out" "$own_ino" "control: $1 of the container's own /bin/busybox" || {
		[ -n "${id:-}" ] && HULL delete --force "$id" >/dev/null 2>&1
		return 1
	}
	local rc=0
	for n in $(seq 3 20); do
		if [ "$1" = exec ]; then
			out=$(HULL exec "$id" "/proc/self/fd/$n/../bin/busybox" stat -L -c %i /proc/self/exe 2>&1 </dev/null)
		else
			jq_config "$b" ".process.args = [\"/proc/self/fd/$n/../bin/busybox\", \"stat\", \"-L\", \"-c\", \"%i\", \"/proc/self/exe\"]"
			out=$(bundle_run "$b" "$(new_id)" 2>&1)
		fi
		if [ "$out" = "$host_ino" ]; then
			fail "$1: args[0] /proc/self/fd/$n/../bin/busybox ran the HOST's /bin/busybox"
			rc=1
			break
		fi
	done
	[ -n "${id:-}" ] && HULL delete --force "$id" >/dev/null 2>&1
	return $rc
}

test_args_through_fd_magiclink_run() { args_magiclink_case run; }
test_args_through_fd_magiclink_exec() { args_magiclink_case exec; }

# process.cwd through a magic link to one of hull's own fds (a host directory in runc's
# case: the leaked cgroup fd). Every fd number hull could hold at that point is tried.
test_cwd_proc_self_fd_refused() {
	local b=$TMPROOT/b-cwdfd out n rc
	make_bundle "$b" sh -c 'pwd; ls -di . | cut -d" " -f1'
	local root_ino
	root_ino=$(stat -c %i "$BASE_ROOTFS")
	# positive control: an ordinary cwd runs (a container that never starts would pass below)
	jq_config "$b" '.process.cwd = "/tmp"'
	out=$(bundle_run "$b" "$(new_id)" 2>&1)
	assert_eq "$(head -1 <<<"$out")" /tmp "control: cwd /tmp" || return 1
	for n in $(seq 3 20); do
		jq_config "$b" ".process.cwd = \"/proc/self/fd/$n\""
		out=$(bundle_run "$b" "$(new_id)" 2>&1)
		rc=$?
		[ $rc -eq 0 ] || continue # refused: fine (the error names the cwd)
		# accepted: then it must be a directory of the container
		assert_not_contains "$out" "unreachable" "cwd /proc/self/fd/$n" || return 1
		case $(head -1 <<<"$out") in /*) ;; *) fail "cwd /proc/self/fd/$n: pwd printed [$out]" || return 1 ;; esac
	done
}

test_exec_cwd_proc_self_fd_refused() {
	local b=$TMPROOT/b-ecwd id out n rc
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
	# positive control: exec with an ordinary --cwd works
	out=$(HULL exec --cwd /tmp "$id" sh -c 'pwd' 2>&1 </dev/null)
	assert_eq "$out" /tmp "control: exec --cwd /tmp" || { HULL delete --force "$id" >/dev/null 2>&1; return 1; }
	local bad=0
	for n in $(seq 3 20); do
		out=$(HULL exec --cwd "/proc/self/fd/$n" "$id" sh -c 'pwd' 2>&1 </dev/null)
		rc=$?
		[ $rc -eq 0 ] || continue
		assert_not_contains "$out" "unreachable" "exec --cwd /proc/self/fd/$n" || { bad=1; break; }
		case $out in /*) ;; *) fail "exec --cwd /proc/self/fd/$n: pwd printed [$out]"; bad=1; break ;; esac
	done
	rc=$bad
	HULL delete --force "$id" >/dev/null 2>&1
	return $rc
}

# cwd spelled to climb out ("/../../..") or through a symlink of the image pointing out
# ends up inside the rootfs
test_cwd_cannot_leave_rootfs() {
	local r=$TMPROOT/rootfs-cwd b=$TMPROOT/b-cwdout out cwd
	cp -a "$BASE_ROOTFS" "$r"
	ln -s ../../../../../../../.. "$r/up"
	mkdir -p "$r/inner"
	ln -s /../../../../../../ "$r/inner/abs-up"
	local root_ino
	root_ino=$(stat -c %i "$r")
	make_bundle "$b" sh -c 'ls -di . | awk "{print \$1}"'
	ln -sfn "$r" "$b/rootfs"
	for cwd in "/../../../.." "/up" "/up/up" "/inner/abs-up" "/inner/abs-up/../.."; do
		jq_config "$b" ".process.cwd = \"$cwd\""
		out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "cwd $cwd: run failed: $out" || return 1
		assert_eq "$out" "$root_ino" "cwd $cwd is the container's root" || return 1
	done
}

# ---- capabilities, no_new_privs, seccomp as seen from inside ------------------------------

test_view_default_process() {
	local b=$TMPROOT/b-view out
	make_bundle "$b" oci-check
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$(val "$out" cap_inh)" 0000000000000000 "CapInh" || return 1
	assert_eq "$(val "$out" cap_amb)" 0000000000000000 "CapAmb" || return 1
	# hull spec: CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE = bits 29, 5, 10
	assert_eq "$(val "$out" cap_eff)" 0000000020000420 "CapEff" || return 1
	assert_eq "$(val "$out" cap_bnd)" 0000000020000420 "CapBnd" || return 1
	assert_eq "$(val "$out" no_new_privs)" 1 "NoNewPrivs" || return 1
	assert_eq "$(val "$out" seccomp)" 0 "no profile: Seccomp 0"
}

test_view_with_profile_and_ambient() {
	local b=$TMPROOT/b-view2 out
	make_bundle "$b" oci-check
	jq_config "$b" ".linux.seccomp = $(cat "$(dirname "$0")/data/podman-default-seccomp.json")
		| .process.capabilities.inheritable = [\"CAP_KILL\"] | .process.capabilities.ambient = [\"CAP_KILL\"]"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$(val "$out" seccomp)" 2 "Seccomp: filter mode" || return 1
	assert_eq "$(val "$out" no_new_privs)" 1 "NoNewPrivs" || return 1
	# asked for: exactly CAP_KILL (bit 5) in inheritable and ambient
	assert_eq "$(val "$out" cap_inh)" 0000000000000020 "CapInh" || return 1
	assert_eq "$(val "$out" cap_amb)" 0000000000000020 "CapAmb"
}

test_view_no_new_privs_false() {
	local b=$TMPROOT/b-nnp0 out
	make_bundle "$b" oci-check
	jq_config "$b" '.process.noNewPrivileges = false'
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$(val "$out" no_new_privs)" 0 "NoNewPrivs when not asked"
}

# CVE-2022-29162: exec --cap adds to bounding/effective/permitted, never to inheritable
test_exec_cap_never_inheritable() {
	local b=$TMPROOT/b-xcap id out
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
	out=$(HULL exec --cap CAP_NET_RAW --cap CAP_SYS_CHROOT "$id" oci-check 2>&1 </dev/null)
	local out_user
	out_user=$(HULL exec --cap CAP_NET_RAW --user 1000:1000 "$id" oci-check 2>&1 </dev/null)
	HULL delete --force "$id" >/dev/null 2>&1
	assert_eq "$(val "$out" cap_inh)" 0000000000000000 "CapInh after exec --cap" || return 1
	assert_eq "$(val "$out" cap_amb)" 0000000000000000 "CapAmb after exec --cap" || return 1
	# CAP_NET_RAW (13) and CAP_SYS_CHROOT (18) were added
	assert_eq "$(val "$out" cap_eff)" 0000000020042420 "CapEff after exec --cap" || return 1
	assert_eq "$(val "$out_user" cap_inh)" 0000000000000000 "CapInh after exec --cap --user 1000" || return 1
	assert_eq "$(val "$out_user" no_new_privs)" 1 "exec inherits noNewPrivileges"
}

test_exec_process_json_never_inheritable() {
	local b=$TMPROOT/b-xproc id out out2 p=$TMPROOT/process-caps.json p2=$TMPROOT/process-caps-inh.json
	make_bundle "$b" sleep 30
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
	# like podman's exec process.json: caps named in bounding/effective/permitted only
	local caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_KILL","CAP_NET_RAW","CAP_SETPCAP","CAP_SETUID","CAP_SETGID"]'
	cat >"$p" <<EOF
{"args":["oci-check"],"cwd":"/","user":{"uid":0,"gid":0},"env":["PATH=/bin"],"noNewPrivileges":true,
 "capabilities":{"bounding":$caps,"effective":$caps,"permitted":$caps}}
EOF
	jq '.capabilities.inheritable = ["CAP_KILL"]' "$p" >"$p2"
	out=$(HULL exec --process "$p" "$id" 2>&1 </dev/null)
	out2=$(HULL exec --process "$p2" "$id" 2>&1 </dev/null)
	HULL delete --force "$id" >/dev/null 2>&1
	assert_contains "$out" "cap_inh=" "oci-check ran: $out" || return 1
	assert_eq "$(val "$out" cap_inh)" 0000000000000000 "CapInh after exec --process" || return 1
	assert_eq "$(val "$out" cap_amb)" 0000000000000000 "CapAmb after exec --process" || return 1
	assert_eq "$(val "$out" cap_eff)" 00000000000021e3 "CapEff after exec --process" || return 1
	assert_eq "$(val "$out2" cap_inh)" 0000000000000020 "CapInh when process.json names CAP_KILL"
}

# ---- /proc writes go through hull's own verified procfs ------------------------------------

# The image's /proc is a symlink into a fake tree; the config mounts no procfs, so hull's
# sysctl and oom_score_adj writes only have hull's own procfs to go through.
test_proc_symlink_does_not_redirect_writes() {
	local r=$TMPROOT/rootfs-procsym b=$TMPROOT/b-procsym id pid dom
	cp -a "$BASE_ROOTFS" "$r"
	rmdir "$r/proc"
	mkdir -p "$r/tmp/evil/sys/kernel" "$r/tmp/evil/self" "$r/tmp/evil/sys/net/ipv4"
	echo untouched >"$r/tmp/evil/sys/kernel/domainname"
	echo untouched >"$r/tmp/evil/self/oom_score_adj"
	echo untouched >"$r/tmp/evil/sys/net/ipv4/ip_forward"
	ln -s /tmp/evil "$r/proc"
	make_bundle "$b" sleep 30
	ln -sfn "$r" "$b/rootfs"
	jq_config "$b" 'del(.mounts[] | select(.destination == "/proc")) | .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.sysctl = {"kernel.domainname": "sysctl.test", "net.ipv4.ip_forward": "1"} | .process.oomScoreAdj = 123'
	id=$(new_id)
	HULL run -d -b "$b" "$id" </dev/null >"$TMPROOT/procsym.out" 2>&1 || fail "run -d failed: $(cat "$TMPROOT/procsym.out")" || return 1
	pid=$(HULL state "$id" | jq -r .pid)
	local oom fwd
	oom=$(cat "/proc/$pid/oom_score_adj")
	dom=$(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname)
	fwd=$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward)
	HULL delete --force "$id" >/dev/null 2>&1
	assert_eq "$(cat "$r/tmp/evil/sys/kernel/domainname")" untouched "fake domainname file" || return 1
	assert_eq "$(cat "$r/tmp/evil/self/oom_score_adj")" untouched "fake oom_score_adj file" || return 1
	assert_eq "$(cat "$r/tmp/evil/sys/net/ipv4/ip_forward")" untouched "fake ip_forward file" || return 1
	assert_eq "$oom" 123 "the real oom_score_adj" || return 1
	assert_eq "$dom" sysctl.test "the container's real domainname" || return 1
	assert_eq "$fwd" 1 "the container netns' real ip_forward"
}

# The config bind-mounts a fake tree over /proc/sys: the sysctl must still reach the kernel.
test_bind_over_proc_sys_does_not_redirect_sysctl() {
	local b=$TMPROOT/b-procsys fake=$TMPROOT/fake-proc-sys out
	mkdir -p "$fake/kernel"
	echo untouched >"$fake/kernel/domainname"
	make_bundle "$b" oci-check
	jq_config "$b" ".mounts += [{\"destination\":\"/proc/sys\",\"type\":\"bind\",\"source\":\"$fake\",\"options\":[\"rbind\",\"rw\"]}]
		| .linux.readonlyPaths = [] | .linux.sysctl = {\"kernel.domainname\": \"bound.test\"}"
	out=$(bundle_run "$b" "$(new_id)" 2>&1) || fail "run failed: $out" || return 1
	assert_eq "$(cat "$fake/kernel/domainname")" untouched "the bind-mounted fake file" || return 1
	assert_eq "$(val "$out" domainname)" bound.test "uname() in the container"
}

run_tests
