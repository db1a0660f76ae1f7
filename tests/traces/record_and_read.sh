#!/bin/sh
# exosim --trace records a real session that exotrace reads: dump decodes the
# VFS protocol by name, stats and the Chrome export work, --trace-max
# rotates, a server filter keeps only that server's messages, and a cut or
# foreign file is refused with the byte offset.
#   record_and_read.sh EXOSIM EXOTRACE BOOTLIST PROGRAM [ARGS...]
set -u
exosim=$1 exotrace=$2 boot=$3
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$exosim" -q --cpu auto --trace "$dir/all" --boot "$boot" --exec "$@" >/dev/null 2>&1 || fail "the traced program failed"
"$exotrace" dump "$dir/all" >"$dir/dump" || fail "dump failed"
grep -q ' -> vfs  vfs.OPEN(' "$dir/dump" || fail "no decoded vfs.OPEN call in the dump"
grep -q ' <- vfs  vfs.OPEN = ' "$dir/dump" || fail "no decoded vfs.OPEN reply in the dump"
grep -q '+ space .* "vfs"' "$dir/dump" || fail "no space birth in the dump"
grep -q 'notice SPACE_EXIT' "$dir/dump" || fail "no kernel notice in the dump"
"$exotrace" stats "$dir/all" >"$dir/stats" || fail "stats failed"
grep -q '^vfs.OPEN ' "$dir/stats" || fail "no vfs.OPEN line in stats"
grep -q '^busiest clients' "$dir/stats" || fail "no busiest clients in stats"
"$exotrace" export --chrome "$dir/all" -o "$dir/all.json" || fail "export failed"
grep -q '"ph":"f"' "$dir/all.json" || fail "no flow arrows in the export"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/all.json" || fail "the export is not JSON"
fi

# Under Valgrind the runs below add minutes and no new code: the ASan lane has them.
if [ "${EXO_LANE:-}" != valgrind ]; then
# Rotation: FILE and FILE.1, each a trace of its own, none much over the bound.
"$exosim" -q --cpu auto --trace "$dir/rot" --trace-max 8K --boot "$boot" --exec "$@" >/dev/null 2>&1 || fail "traced run (rotation)"
[ -s "$dir/rot" ] && [ -s "$dir/rot.1" ] || fail "no rotation at 8K"
[ "$(stat -c %s "$dir/rot.1")" -lt 80000 ] || fail "a rotated file is far over the bound"
"$exotrace" dump "$dir/rot" | grep -q '(living)' || fail "a rotated file does not start with a snapshot"

# A filter: only messages to and from the VFS (births and names stay).
"$exosim" -q --cpu auto --trace "$dir/vfs" --trace-filter server=vfs --boot "$boot" --exec "$@" >/dev/null 2>&1 || fail "traced run (filter)"
"$exotrace" dump "$dir/vfs" >"$dir/vdump" || fail "dump of the filtered trace"
grep -q 'dev\.WRITE' "$dir/vdump" && fail "the server=vfs filter kept console writes"
grep -q 'vfs\.OPEN' "$dir/vdump" || fail "the server=vfs filter lost the VFS's calls"
fi

# Refusals name the offset.
head -c 5000 "$dir/all" >"$dir/cut"
"$exotrace" dump "$dir/cut" >/dev/null 2>"$dir/err"; rc=$?
[ $rc -eq 2 ] || fail "a cut trace gave status $rc"
grep -q 'truncated record.* at offset [0-9]' "$dir/err" || { cat "$dir/err"; fail "no offset for a cut trace"; }
echo "not a trace" >"$dir/junk"
"$exotrace" stats "$dir/junk" >/dev/null 2>"$dir/err" && fail "a foreign file was read"
grep -q 'at offset 0' "$dir/err" || fail "no offset for a foreign file"
"$exosim" --trace-filter nonsense=1 --exec /bin/true >/dev/null 2>&1 && fail "a bad filter was accepted"
echo "ok"
