#!/bin/sh
# tests/integration/run_boots.sh EXOSIM BOOTLIST — the front door's kernel:
# boot the default boot list on a private socket, wait for "ready", stop it
# with SIGINT as Ctrl-C would, and require a clean exit (status 0).
set -eu
exosim=$1 boot=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$exosim" --cpu auto --socket "$dir/k.sock" --boot "$boot" 2>"$dir/log" &
pid=$!
i=0
until grep -q "ready on" "$dir/log"; do
	i=$((i + 1))
	if [ $i -gt 2400 ] || ! kill -0 $pid 2>/dev/null; then
		cat "$dir/log" >&2
		echo "run_boots: the system did not come up" >&2
		exit 1
	fi
	sleep 0.05
done
grep -q "memory registered" "$dir/log" || { cat "$dir/log" >&2; exit 1; }
kill -INT $pid
status=0
wait $pid || status=$?
cat "$dir/log"
[ "$status" -eq 0 ] || { echo "run_boots: exosim exited with $status after SIGINT" >&2; exit 1; }
[ ! -e "$dir/k.sock" ] || { echo "run_boots: the socket was left behind" >&2; exit 1; }
