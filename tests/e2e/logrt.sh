#!/bin/bash
# Logging OCI-runtime wrapper (from the clients-contract notes): records argv/cwd/env/fds/config
# and runs the real runtime ($LOGRT_REAL). Used by tests/e2e/run when E2E_TRACE=1.
REAL=${LOGRT_REAL:-/usr/sbin/runc}
[ -x "$REAL" ] || REAL=/usr/bin/runc
DIR=${LOGRT_DIR:-$E2E}
LOG=$DIR/calls.log
CFG=$DIR/configs
OUT=$DIR/out
mkdir -p "$CFG" "$OUT"
id="$(date +%s%N)-$$"
parent="$(cat /proc/$PPID/comm 2>/dev/null)"
# locate subcommand: first non-flag arg, skipping values of value-taking global flags
sub=""; i=0; args=("$@"); n=${#args[@]}; bundle=""; procfile=""; resfile=""
while [ $i -lt $n ]; do
  a=${args[$i]}
  case "$a" in
    --root|--log|--log-format|--criu|--rootless) i=$((i+2)); continue;;
    -*) i=$((i+1)); continue;;
    *) sub=$a; break;;
  esac
done
for ((j=i+1;j<n;j++)); do
  a=${args[$j]}
  case "$a" in
    --bundle|-b) bundle=${args[$((j+1))]};;
    --bundle=*) bundle=${a#--bundle=};;
    -b=*) bundle=${a#-b=};;
    --process|-p) procfile=${args[$((j+1))]};;
    --process=*) procfile=${a#--process=};;
    --resources|-r) resfile=${args[$((j+1))]};;
    --resources=*) resfile=${a#--resources=};;
  esac
done
if [ -z "$bundle" ] && { [ "$sub" = create ] || [ "$sub" = run ]; }; then bundle=$PWD; fi
saved=""
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  saved="$CFG/$id-$sub-$parent-config.json"; cp "$bundle/config.json" "$saved"
fi
if [ -n "$procfile" ] && [ "$procfile" != - ] && [ -f "$procfile" ]; then
  saved="$CFG/$id-$sub-$parent-process.json"; cp "$procfile" "$saved"
fi
stdin_copy=""
if [ "$resfile" = - ] || [ "$procfile" = - ]; then
  stdin_copy="$CFG/$id-$sub-$parent-stdin.json"; cat > "$stdin_copy"
elif [ -n "$resfile" ] && [ -f "$resfile" ]; then
  saved="$CFG/$id-$sub-$parent-resources.json"; cp "$resfile" "$saved"
fi
fdtmp=$(mktemp /tmp/.logrt-fds.XXXXXX)
fd1=$(readlink /proc/$$/fd/1)
( cd /proc/self/fd 2>/dev/null; exec /usr/bin/find /proc/self/fd/ -mindepth 1 -maxdepth 1 -printf '%f=%l\n' ) > "$fdtmp"
fds=$(grep -v -E '=/proc/[0-9]+/fd$|^255=' "$fdtmp" | sed "s|^1=.*|1=$fd1|" | sort -n | jq -Rsc 'split("\n")|map(select(length>0))')
rm -f "$fdtmp"
envj=$(env | grep -E '^(XDG_|NOTIFY_SOCKET|LISTEN_|_LIBCONTAINER|_CONTAINERS|CONTAINER|RUNC|PATH=|HOME=|TMPDIR|GOMAXPROCS|DBUS|TERM=|container)' | jq -Rsc 'split("\n")|map(select(length>0))')
lim=$(awk '/processes|open files/{print $(NF-2)":"$(NF-1)" "$0}' /proc/$$/limits | awk '{print $1}' | paste -sd, -)
isatty0=$([ -t 0 ] && echo y || echo n)
jq -cn --arg id "$id" --arg parent "$parent" --arg ppid "$PPID" --arg cwd "$PWD" --arg sub "$sub" \
   --arg cfg "$saved" --arg stdin "$stdin_copy" --argjson fds "$fds" --argjson env "$envj" --arg tty0 "$isatty0" \
   --arg uid "$(id -u)" --arg lim "$lim" \
   '{ev:"call",id:$id,parent:$parent,ppid:$ppid,uid:$uid,limits_nproc_nofile:$lim,cwd:$cwd,sub:$sub,argv:$ARGS.positional,env:$env,fds:$fds,stdin_tty:$tty0,saved:$cfg,stdin_copy:$stdin}' --args -- "$@" >> "$LOG"
logrc() { jq -cn --arg id "$id" --arg sub "$sub" --argjson rc "$1" --arg out "$2" '{ev:"exit",id:$id,sub:$sub,rc:$rc,stdout_file:$out}' >> "$LOG"; }
case "$sub" in
  state|ps|features|list|--version|-v|"")
    o="$OUT/$id-$sub.out"
    "$REAL" "$@" > "$o"; rc=$?
    cat "$o"; logrc $rc "$o"; exit $rc;;
  events)
    case " $* " in *" --stats "*) o="$OUT/$id-$sub.out"; "$REAL" "$@" > "$o"; rc=$?; cat "$o"; logrc $rc "$o"; exit $rc;; esac
    exec "$REAL" "$@";;
esac
# run as a child so we can log the exit code; forward signals; keep stdin.
# NB: do not touch fds >2 here (they may be --preserve-fds / LISTEN_FDS); '<&0' keeps stdin for the async child
if [ -n "$stdin_copy" ]; then
  "$REAL" "$@" < "$stdin_copy" &
else
  "$REAL" "$@" <&0 &
fi
child=$!
for s in TERM INT HUP QUIT USR1 USR2; do trap "kill -$s $child 2>/dev/null" $s; done
while :; do
  wait $child; rc=$?
  # wait returns >128 when interrupted by a trapped signal; loop until the child is really gone
  if kill -0 $child 2>/dev/null; then continue; fi
  break
done
logrc $rc ""
exit $rc
