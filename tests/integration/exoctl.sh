#!/bin/sh
# tests/integration/exoctl.sh EXOSIM EXOCTL BOOTLIST PIPE_BLOCK — exoctl on a
# live system. Boot console, memory and the VFS (memory.boot) with pipe_block
# as the --exec program (it blocks in a pipe read) and check what exoctl
# shows: the blocked thread receiving from the VFS's thread, the servers, the
# program's mappings, the counters; trace start and stop; kill ends the space
# (and with it exosim, whose status is the program's); then the errors with
# no kernel and with a stale socket.
set -eu
exosim=$1 exoctl=$2 boot=$3 prog=$4
dir=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -9 $pid 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "exoctl.sh: $*" >&2; cat "$dir/log" >&2; exit 1; }
ctl() { "$exoctl" --socket "$dir/k.sock" "$@"; }

"$exosim" --cpu auto --socket "$dir/k.sock" --boot "$boot" --exec "$prog" >"$dir/out" 2>"$dir/log" &
pid=$!

# Wait until the program is blocked in its read (its thread receives from the VFS)
# and the VFS, having held the read back, waits for requests again: between the
# two the VFS is still running (seen under Valgrind), which is no failure.
i=0
until ctl ps >"$dir/ps" 2>"$dir/err" && grep -q '^[0-9].* pipe_block[^ ]* .*receiving from vfs(' "$dir/ps" &&
	grep -q '^[0-9]* *[0-9]* *vfs[^ ]* .*receiving from any (server loop)' "$dir/ps"; do
	i=$((i + 1))
	[ $i -lt 600 ] && kill -0 $pid 2>/dev/null || { cat "$dir/ps" "$dir/err" >&2; fail "pipe_block never blocked"; }
	sleep 0.05
done
cat "$dir/ps"

# The thread it waits for is the one that registered "vfs".
ctl servers >"$dir/servers"
cat "$dir/servers"
for name in vfs memory console; do
	grep -q "^$name " "$dir/servers" || fail "servers does not list $name"
done
vfs_tid=$(awk '$1 == "vfs" { print $2 }' "$dir/servers")
grep -q "pipe_block[^ ]* .*receiving from vfs($vfs_tid) (the reply to a call)" "$dir/ps" ||
	fail "the blocked thread is not receiving from vfs($vfs_tid)"
grep -q "^[0-9]* *[0-9]* *vfs[^ ]* .*$vfs_tid .*receiving from any (server loop) .* vfs$" "$dir/ps" ||
	fail "ps does not show the VFS waiting for requests"

# The program's space has its 16 pages of memory, mapped from sigma0 (the memory server).
ctl maps pipe_block >"$dir/maps"
cat "$dir/maps"
grep -q "^space [0-9]* (pipe_block): [1-9][0-9]* pages" "$dir/maps" || fail "maps shows no pages"
grep -q "^0x[0-9a-f]* .* rw- " "$dir/maps" || fail "maps shows no writable run"
ctl maps 9999 2>"$dir/err" && fail "maps of a space that does not exist succeeded"
grep -q "no space 9999" "$dir/err" || fail "maps 9999: $(cat "$dir/err")"

ctl stats >"$dir/stats"
cat "$dir/stats"
grep -q "messages delivered" "$dir/stats" || fail "stats has no totals"
awk '$3 == "pipe_block" && $5 > 0 && $6 > 0 && $7 > 0 { ok = 1 } END { exit !ok }' "$dir/stats" ||
	fail "stats shows no messages or faults for pipe_block"

# Recording on a live system: start, a second start refused, stop, stop again refused.
ctl trace start "$dir/live.trace" --filter server=vfs >"$dir/trace" || fail "trace start failed"
grep -q "^tracing to $dir/live.trace" "$dir/trace" || fail "trace start said: $(cat "$dir/trace")"
ctl trace start "$dir/other.trace" 2>"$dir/err" && fail "a second trace start succeeded"
grep -q "already tracing" "$dir/err" || fail "second trace start: $(cat "$dir/err")"
ctl trace stop >/dev/null || fail "trace stop failed"
ctl trace stop 2>"$dir/err" && fail "trace stop without a trace succeeded"
grep -q "not tracing" "$dir/err" || fail "trace stop again: $(cat "$dir/err")"
[ "$(head -c 8 "$dir/live.trace")" = EXOTRACE ] || fail "the trace file has no EXOTRACE header"

# Refusals: sigma0, an unknown space, a bad command line.
ctl kill memory 2>"$dir/err" && fail "kill of sigma0 succeeded"
grep -q "sigma0" "$dir/err" || fail "kill memory: $(cat "$dir/err")"
status=0
ctl maps >/dev/null 2>&1 || status=$?
[ $status -eq 2 ] || fail "a usage error exited with $status"

# kill ends the space; the --exec program died of SIGKILL, so exosim exits 137.
ctl kill pipe_block >"$dir/kill" || fail "kill pipe_block failed"
grep -q "^killed space [0-9]* (pid [0-9]*)" "$dir/kill" || fail "kill said: $(cat "$dir/kill")"
status=0
wait $pid || status=$?
pid=
[ $status -eq 137 ] || fail "exosim exited with $status after the program was killed"
[ ! -e "$dir/k.sock.ctl" ] || fail "the control socket was left behind"

# No kernel: a clear error and status 1.
status=0
ctl ps >/dev/null 2>"$dir/err" || status=$?
[ $status -eq 1 ] && grep -q "no kernel is running on $dir/k.sock" "$dir/err" || fail "no kernel: $status $(cat "$dir/err")"

# A stale socket (a kernel killed with SIGKILL leaves both files behind).
"$exosim" --cpu auto --socket "$dir/k.sock" 2>"$dir/log" &
pid=$!
i=0
until [ -S "$dir/k.sock.ctl" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the control socket did not appear"
	sleep 0.05
done
[ "$(stat -c %a "$dir/k.sock.ctl")" = 600 ] || fail "the control socket's mode is $(stat -c %a "$dir/k.sock.ctl")"
kill -9 $pid
wait $pid 2>/dev/null || true
pid=
status=0
ctl ps >/dev/null 2>"$dir/err" || status=$?
[ $status -eq 1 ] && grep -q "stale control socket" "$dir/err" || fail "stale socket: $status $(cat "$dir/err")"
cat "$dir/err"
echo "exoctl.sh: ok"
