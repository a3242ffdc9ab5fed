#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `run /bin/true` with the systemd cgroup driver (and with the cgroupfs driver next to it) for
# hull, crun and runc, in the systemd guest of tests/vm (systemd as PID 1, pure cgroup v2):
#
#   tests/vm/run --systemd --script bench/systemd-guest.sh [-- BENCH_N=20]
#
# Interleaved (each iteration runs every runtime once, in a rotating order), medians of
# bench/measure (wall time of the runtime process, peak RSS of it and the helpers it waited
# for). Under TCG everything is several times slower than on hardware: compare the columns,
# not the absolute numbers. Informative only; nothing asserts on them.
for a in "$@"; do case $a in [A-Z]*=*) export "$a" ;; esac; done
N=${BENCH_N:-10}
W=/tmp/sdbench
REPO=${HULL_VM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
rm -rf "$W"
mkdir -p "$W/rootfs/bin" "$W/rootfs/proc" "$W/rootfs/dev" "$W/rootfs/sys" "$W/res"
cp /bin/busybox "$W/rootfs/bin/busybox"
ln -s busybox "$W/rootfs/bin/true"
gcc -O2 -o "$W/measure" "$REPO/bench/measure.c" || exit 2

RTS=
for spec in "hull:${RUNTIME:-/usr/local/bin/hull}" crun:/usr/bin/crun runc:/usr/sbin/runc; do
	name=${spec%%:*} bin=${spec#*:}
	[ -x "$bin" ] || { echo "# $name: $bin missing, skipped"; continue; }
	RTS="$RTS $name"
	eval "BIN_$name=$bin"
	echo "# $name: $bin: $("$bin" --version 2>/dev/null | head -n1)"
done
(cd "$W" && "${RUNTIME:-/usr/local/bin/hull}" spec) || exit 2
# ociVersion 1.0.2: crun 1.8 refuses newer ones; an absolute rootfs: runc refuses a symlink
jq --arg r "$W/rootfs" '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"] | .root.path = $r' \
	"$W/config.json" >"$W/base.json"

# one bundle per (driver, runtime, iteration): unit names must not collide while systemd
# garbage-collects the previous one
bundle() { # bundle DIR CGROUPSPATH
	mkdir -p "$1"
	jq --arg p "$2" '.linux.cgroupsPath = $p' "$W/base.json" >"$1/config.json"
}

sample() { # sample RT DRIVER I
	eval "bin=\$BIN_$1"
	id=$1-$2-$3
	if [ "$2" = systemd ]; then
		bundle "$W/b/$id" "system.slice:bench:$id"
		flag=--systemd-cgroup
	else
		bundle "$W/b/$id" "/bench/$id"
		flag=
	fi
	# shellcheck disable=SC2086
	"$W/measure" -o "$W/res/$1.$2" -t 60 "$bin" $flag --root "/run/sdbench-$1" run --bundle "$W/b/$id" "$id" \
		</dev/null >/dev/null 2>>"$W/res/$1.$2.err"
}

median() { # median FILE FIELD (1 wall_us, 2 maxrss_kb) over successful samples
	[ -s "$1" ] || { echo -; return; }
	awk -v f="$2" '$3 == 0 {print $f}' "$1" | sort -n |
		awk '{a[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
fails() { [ -s "$1" ] && awk '$3 != 0' "$1" | wc -l || echo 0; }

# warm up the page cache (and systemd's unit loading) once per runtime and driver
for rt in $RTS; do for d in systemd cgroupfs; do sample "$rt" "$d" warm; done; done
rm -f "$W"/res/*.systemd "$W"/res/*.cgroupfs

i=0
while [ "$i" -lt "$N" ]; do
	set -- $RTS
	k=$((i % $#))
	while [ "$k" -gt 0 ]; do set -- "$@" "$1"; shift; k=$((k - 1)); done # rotate the order
	for rt in "$@"; do
		sample "$rt" systemd "$i"
		sample "$rt" cgroupfs "$i"
	done
	i=$((i + 1))
done

ms() { [ "$1" = - ] && echo - || awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
echo
echo "run /bin/true in the systemd guest (TCG, $(nproc) vCPUs), median of $N:"
echo
echo "| runtime | --systemd-cgroup (ms) | cgroupfs (ms) | --systemd-cgroup peak RSS (KB) | cgroupfs peak RSS (KB) | failures |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
rc=0
for rt in $RTS; do
	f=$(($(fails "$W/res/$rt.systemd") + $(fails "$W/res/$rt.cgroupfs")))
	echo "| $rt | $(ms "$(median "$W/res/$rt.systemd" 1)") | $(ms "$(median "$W/res/$rt.cgroupfs" 1)") |" \
		"$(median "$W/res/$rt.systemd" 2) | $(median "$W/res/$rt.cgroupfs" 2) | $f |"
	if [ "$f" != 0 ]; then
		rc=1
		sort -u "$W/res/$rt.systemd.err" "$W/res/$rt.cgroupfs.err" 2>/dev/null | head -n3 | sed "s/^/# $rt: /"
	fi
done
left=$(systemctl list-units --all --no-legend --plain 'bench-*' 2>/dev/null | wc -l)
echo
echo "# units left behind: $left"
[ "$left" = 0 ] || rc=1
exit $rc
