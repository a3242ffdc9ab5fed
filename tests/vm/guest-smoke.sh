#!/bin/sh
# Smoke check of a guest (tests/vm/run [--systemd] --script tests/vm/guest-smoke.sh):
# prints what the guest looks like; fails when the systemd flavour is not what it claims.
echo "flavour=$HULL_VM_FLAVOUR pid1=$(cat /proc/1/comm) uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "cgroup mounts: $(grep cgroup /proc/mounts | tr '\n' ' ')"
echo "root controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
for a in "$@"; do case $a in [A-Z]*=*) export "$a" ;; esac; done
rc=0
if [ "$HULL_VM_FLAVOUR" = systemd ]; then
	[ "$(cat /proc/1/comm)" = systemd ] || { echo "not ok: PID 1 is not systemd"; rc=1; }
	systemctl is-system-running
	systemctl list-units --failed --no-legend --plain
	busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping >/dev/null &&
		echo "dbus: systemd answers on the system bus" || { echo "not ok: no system bus"; rc=1; }
	# where the boot time went (VERBOSE=1)
	[ "${VERBOSE:-0}" = 0 ] || journalctl -b _PID=1 -o short-monotonic --no-pager | head -n 25
	! grep -q ' cgroup ' /proc/mounts || { echo "not ok: a cgroup v1 hierarchy is mounted"; rc=1; }
fi
"$RUNTIME" --version | head -n1 || rc=1
exit $rc
