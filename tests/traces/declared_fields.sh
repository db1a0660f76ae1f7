#!/usr/bin/env bash
# tests/traces/declared_fields.sh EXOSIM EXOTRACE BOOT SLEEP
# A protocol declared in protocols/ (sched) is dumped by field name: record
# /bin/sleep's SLEEP call and its answer, and read them back.
set -euo pipefail
exosim=$1 exotrace=$2 boot=$3 sleep_prog=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$exosim" -q --trace "$dir/t.trace" --cpu auto --boot "$boot" --exec "$sleep_prog" 0.01
"$exotrace" dump "$dir/t.trace" >"$dir/dump"
grep -E -- '-> sched  sched\.SLEEP\(deadline=0x[0-9a-f]+\)$' "$dir/dump" >/dev/null ||
	{ echo "no SLEEP request by field name:"; grep sched "$dir/dump"; exit 1; }
grep -E -- '<- sched  sched\.SLEEP = 0 \[now=0x[0-9a-f]+\]' "$dir/dump" >/dev/null ||
	{ echo "no SLEEP answer by field name:"; grep sched "$dir/dump"; exit 1; }
echo "sched fields by name: ok"
