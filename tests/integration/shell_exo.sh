#!/bin/bash
# The shell on a booted Exo: each case is a command line run by
# `init -c` whose output and exit status are compared with what POSIX sh
# gives. Programs come from Exo's own /bin, files live in Exo's ramfs.
#
#   shell_exo.sh EXOSIM BOOT INIT                      on the sim
#   shell_exo.sh --riscv64 QEMU_RUN KERNEL IMAGE MKBOOT   on the riscv64 kernel
#
# On riscv64 every case boots QEMU with the system's image, its init line
# rewritten (mkboot.py --exec).
set -u
target=sim
if [ "$1" = --riscv64 ]; then
	target=riscv64 qemu_run=$2 kernel=$3 image=$4 mkboot=$5
	if ! command -v qemu-system-riscv64 >/dev/null; then
		echo "shell_exo: no qemu-system-riscv64: skipped"
		exit 77
	fi
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
else
	exosim=$1 boot=$2 init=$3
fi
fails=0 n=0

boot_c() { # COMMAND-LINE: its output, and its status
	if [ "$target" = sim ]; then
		timeout 120 "$exosim" -q --boot "$boot" --exec "$init" -c "$1" 2>&1
		return
	fi
	"$mkboot" --exec "$scratch/c.img" "$image" -c "$1" || return 99
	"$qemu_run" --timeout 120 "$kernel" "$scratch/c.img" 2>&1 >"$scratch/out"
	local st=$?
	sed -e '1,/^exo: riscv64 kernel/d' -e 's/\r$//' "$scratch/out"
	return $st
}


# Under Valgrind every boot costs seconds: that lane runs the first cases
# only, and then reports the test as skipped (77) rather than passed.
limit=1000
[ "${EXO_LANE:-}" = valgrind ] && limit=5

total=0
run() { # EXPECTED-STATUS EXPECTED-OUTPUT COMMAND-LINE
	local want_st=$1 want=$2 cmd=$3 got st
	total=$((total + 1))
	[ "$n" -ge "$limit" ] && return
	n=$((n + 1))
	got=$(boot_c "$cmd")
	st=$?
	if [ "$got" != "$want" ] || [ "$st" != "$want_st" ]; then
		fails=$((fails + 1))
		printf 'FAIL: %s\n  want (%s): %q\n  got  (%s): %q\n' "$cmd" "$want_st" "$want" "$st" "$got"
	fi
}

run 0 "$(printf '%s\n' ok)" 'false || echo ok'
run 0 "$(printf 'hello\nworld')" 'echo hello > /tmp/in; echo world >> /tmp/in; cat < /tmp/in > /tmp/out; cat /tmp/out'
run 0 "yes" 'n=$(ls /bin | wc -l); test "$n" -gt 20 && echo yes'
run 0 "$(printf 'bg done\nwaited 0')" '(sleep 0.2; echo bg done) & wait $!; echo waited $?'
run 0 "3" 'echo a b c | wc -w | while read x; do echo $x; done'
run 7 "" 'exit 7'
run 0 "err" 'ls /nonexistent 2>/dev/null || echo err'
run 0 "$(printf '/tmp/d/a /tmp/d/b')" 'mkdir -p /tmp/d; touch /tmp/d/a /tmp/d/b; echo /tmp/d/*'
run 0 "x=1 y=two" 'x=1; export y=two; env | while read v; do test "$v" = y=two && echo x=$x $v; done; :'
run 0 "$(printf 'pid ok')" 'test $$ -gt 1 && echo pid ok'
run 0 "$(printf 'to stderr')" 'echo to stderr 1>&2 2>&1'
run 0 "$(printf '3\n2\n1')" 'for i in 3 2 1; do echo $i; done'
run 0 "$(printf 'linked\nmoved')" 'cd /tmp && echo linked > f && ln -s f l && cat l && mv f g && test ! -e f && echo moved'
run 143 "" 'sleep 5 & kill -TERM $!; wait $!'
run 0 "$(printf 'sh: /tmp/nope: not found\n127')" '/tmp/nope; echo $?'
run 0 "script ran 2" 'echo "echo script ran \$#" > /tmp/s.sh; sh /tmp/s.sh a b'
run 0 "$(printf 'tmpfs on /tmp type fs (rw)\nmoved across')" 'mount | while read n on p rest; do test $p = /tmp && echo $n on $p $rest; done; echo x > /tmp/f; mv /tmp/f /root/f && test -f /root/f && test ! -e /tmp/f && echo moved across'
run 0 "init" 'ps | while read pid ppid pgid sid uid st cmd; do test $pid = 1 && echo $cmd; done; :'

echo "$((n - fails))/$n shell cases passed on Exo ($target)"
[ "$fails" -eq 0 ] || exit 1
# Cases this lane could not run make the test a skip (77), never a pass.
[ "$n" -eq "$total" ] || { echo "$((total - n)) of $total cases not run in the ${EXO_LANE:-} lane"; exit 77; }
