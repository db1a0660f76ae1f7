#!/bin/sh
# tests/integration/console_discipline.sh EXOSIM BOOTLIST READER — the
# console's line discipline on input from a pipe: exosim's stdin is a FIFO,
# and the input goes in only when console_reader says its mode is set.
set -eu
exosim=$1 boot=$2 reader=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# run MODE INPUT EXPECTED...: each EXPECTED must be a line of the output.
run() {
	mode=$1 input=$2
	shift 2
	rm -f "$dir/in" "$dir/out"
	mkfifo "$dir/in"
	"$exosim" -q --cpu auto --boot "$boot" --exec "$reader" "$mode" <"$dir/in" >"$dir/out" 2>&1 &
	pid=$!
	exec 3>"$dir/in"
	i=0
	until grep -q '^ready$' "$dir/out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 6000 ] || ! kill -0 $pid 2>/dev/null; then
			exec 3>&-
			cat "$dir/out" >&2
			echo "console_discipline: $mode: the reader did not get ready" >&2
			exit 1
		fi
		sleep 0.05
	done
	printf "$input" >&3
	exec 3>&-
	status=0
	wait $pid || status=$?
	echo "--- $mode"
	cat "$dir/out"
	[ "$status" -eq 0 ] || { echo "console_discipline: $mode: exit status $status" >&2; exit 1; }
	for want in "$@"; do
		grep -qxF -- "$want" "$dir/out" ||
			{ echo "console_discipline: $mode: no line '$want'" >&2; exit 1; }
	done
}

# Canonical: ERASE (DEL, ^H), KILL, WERASE, CR to NL; no echo from a pipe;
# the end of the host input is the end of file.
run lines 'abc\177d\nxy\025zz\nw1 w2\027w3\rq\bp\n' \
	'read: abd\n' 'read: zz\n' 'read: w1 w3\n' 'read: p\n' 'end'
if grep -q 'abc' "$dir/out"; then
	echo "console_discipline: input was echoed from a pipe" >&2
	exit 1
fi
# ^D mid-line delivers the line without it; at a line's start it is end of file.
run lines 'ab\004cd\n\004more\n' 'read: ab' 'read: cd\n' 'end'
if grep -q 'more' "$dir/out"; then
	echo "console_discipline: a read went past the end of file" >&2
	exit 1
fi
# A partial line when the host input ends is delivered, then end of file.
run lines 'tail' 'read: tail' 'end'
# Echo, when a program turns it on: erase rubs out with backspace-space-backspace.
run echo 'ab\177c\n' 'read: ac\n'
printf 'ab\b \bc\n' >"$dir/want"
grep -qF "$(cat "$dir/want")" "$dir/out" || { echo "console_discipline: echo: no 'ab<BS> <BS>c'" >&2; exit 1; }
# Raw: VMIN=0 and VTIME reads get 0 with no input; then the bytes come unedited.
run raw 'ab\177c\025\004\n' 'poll: 0' 'timed: 0' 'raw: ab\x7fc\x15\x04\n'
# O_NONBLOCK: EAGAIN with nothing typed; poll says when to read; at the end
# of the host input poll reports POLLIN and POLLHUP, and the read gets 0.
run nonblock 'x\n' 'nonblock: EAGAIN' 'read: x\n' 'poll-eof: in hup' 'end'
