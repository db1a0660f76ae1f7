#!/bin/sh
# tests/integration/gdb_helper.sh EXOSIM GDB EXO_PY GDB_TARGET — the gdb
# helper in batch mode: gdb_target joins a private kernel and stops at
# gdb_target_stop with a message and a thread id; exo.py's printers must show
# them decoded, and exo-ipc must find the thread blocked in a receive.
set -eu
exosim=$1 gdb=$2 script=$3 target=$4
dir=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "gdb_helper.sh: $*" >&2; cat "$dir/out" >&2; exit 1; }

"$exosim" --cpu auto -q --socket "$dir/k.sock" 2>"$dir/log" &
pid=$!
i=0
until [ -S "$dir/k.sock" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the kernel did not come up"
	sleep 0.05
done

EXO_SOCKET="$dir/k.sock" "$gdb" -nx -batch -x "$script" \
	-ex 'set pagination off' -ex 'handle SIGSEGV nostop noprint pass' \
	-ex 'break gdb_target_stop' -ex run \
	-ex 'print gdb_msg' -ex 'print gdb_tid' -ex 'print gdb_msg.tag' -ex 'print *m' \
	-ex 'exo-ipc' -ex 'thread apply all exo-ipc' -ex kill \
	--args "$target" >"$dir/out" 2>&1 || fail "gdb failed"
cat "$dir/out"
expect() { grep -q -e "$1" "$dir/out" || fail "no line matching: $1"; }
expect 'tag = label 0x42 u 2 t 2 flags 0x0'
expect 'mr\[0\] = 0x7'
expect 'mr\[1\] = 0x1234'
expect 'mr\[2..3\] = string 10 bytes at 0x[0-9a-f]* "hello, gdb"'
expect '^\$2 = 2\.1 (0x8001)'
expect '^\$3 = label 0x42 u 2 t 2 flags 0x0'
expect '^thread 1: channel fd [0-9]*, thread 1\.1 (0x4001), space 1'
expect 'no IPC in progress'
expect 'in IPC: receive from 1\.1 (0x4001) (timeout never)'
expect 'channel fd [0-9]*, thread 2\.1 (0x8001), space 1, in an interruptible IPC'
echo "gdb_helper.sh: ok"
