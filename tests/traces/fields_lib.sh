# tests/traces/fields_lib.sh — sourced by the *_fields.sh tests: record one
# program's session and look for lines of its dump.
#   record NAME EXOSIM EXOTRACE BOOT PROGRAM [ARGS...]   records into $dir/dump
#   want REGEX WHAT                                      fails unless a line matches
# $grep_for (set by the caller) picks the dump lines shown when want fails.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

record() {
	local name=$1 exosim=$2 exotrace=$3 boot=$4
	shift 4
	"$exosim" -q --trace "$dir/t.trace" --cpu auto --boot "$boot" --exec "$@" >"$dir/out" 2>&1 ||
		{ echo "$name failed:"; cat "$dir/out"; exit 1; }
	"$exotrace" dump "$dir/t.trace" >"$dir/dump"
}

want() {
	grep -E -- "$1" "$dir/dump" >/dev/null ||
		{ echo "not in the dump: $2"; grep -- "$grep_for" "$dir/dump" | head -20; exit 1; }
}
