#!/bin/sh
# A replay into a VFS with a planted change of behaviour fails, with a diff
# that names the call and the register that differ.
#   replay_catches_a_change.sh EXOTRACE TRACE BOOTLIST
set -u
exotrace=$1 trace=$2 boot=$3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$exotrace" replay "$trace" --server vfs --boot "$boot" --ignore time --ignore ino >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 1 ] || { echo "FAIL: replay exit status $rc, wanted 1 (a divergence)"; exit 1; }
grep -q 'vfs.PIPE' "$out" || { echo "FAIL: the diff does not name vfs.PIPE"; exit 1; }
grep -Eq 'mr\[1\]: recorded 0x[0-9a-f]+ \([0-9]+\), replayed' "$out" || { echo "FAIL: no diff of mr[1]"; exit 1; }
grep -q 'diverges from the recording at call #' "$out" || { echo "FAIL: no call number"; exit 1; }
echo "ok: the planted change shows as a trace diff"
