#!/bin/sh
# tests/integration/utils.sh EXOSIM BOOTLIST BINDIR — the /bin utilities
# (apps/bin), each run as a program on a freshly booted Exo: its output, its
# errors and its exit status. Every run is a new system, so a case looks at
# what that one run can show (the file system holds /dev, and /dev/initrd
# is the boot image); cases that need files made by an earlier command
# belong to the shell's tests.
set -u
exosim=$1 boot=$2 bin=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0 cases=0

# run STATUS NAME [ARGS...]: run bin/NAME on Exo (stdin: $dir/in), expect
# STATUS; the output is in $dir/out, errors in $dir/err.
# Under Valgrind every boot costs seconds: that lane runs the first cases
# only, and then reports the test as skipped (77) rather than passed.
limit=1000
[ "${EXO_LANE:-}" = valgrind ] && limit=12
skip=0
run() {
	want=$1 name=$2
	shift 2
	cases=$((cases + 1))
	if [ "$cases" -gt "$limit" ]; then
		skip=1
		return
	fi
	status=0
	timeout 60 "$exosim" -q --cpu auto --boot "$boot" --exec "$bin/$name" "$@" \
		<"$dir/in" >"$dir/out" 2>"$dir/err" || status=$?
	if [ "$status" -ne "$want" ]; then
		fail "$name $*: exit status $status, not $want"
		sed 's/^/  stderr: /' "$dir/err" >&2
	fi
}

fail() {
	echo "utils: FAIL: $*" >&2
	fails=$((fails + 1))
}

input() { printf "$@" >"$dir/in"; }

# out TEXT: the whole output is TEXT (printf format); has LINE: one line is LINE.
out() {
	[ "$skip" = 1 ] && return
	printf "$@" >"$dir/want"
	cmp -s "$dir/want" "$dir/out" || { fail "output differs:"; diff "$dir/want" "$dir/out" | sed 's/^/  /' >&2; }
}
has() { [ "$skip" = 1 ] && return; grep -qxF -- "$1" "$dir/out" || { fail "no line '$1' in:"; sed 's/^/  /' "$dir/out" >&2; }; }
err() { [ "$skip" = 1 ] && return; grep -qF -- "$1" "$dir/err" || { fail "no '$1' on stderr:"; sed 's/^/  /' "$dir/err" >&2; }; }
quiet() { [ "$skip" = 1 ] && return; [ ! -s "$dir/err" ] || { fail "unexpected stderr:"; sed 's/^/  /' "$dir/err" >&2; }; }

input ''

# true, false
run 0 true
run 1 false

# echo
run 0 echo hello   world
out 'hello world\n'
run 0 echo -n a b
out 'a b'
run 0 echo
out '\n'

# test and [
run 0 test-util -d /dev
run 1 test-util -f /dev
run 0 test-util -c /dev/null
run 0 test-util ! -e /nonexistent
run 0 test-util -e /dev/initrd -a -r /dev/initrd
run 1 test-util -w /nonexistent -o -x /nonexistent
run 0 test-util \( a = b \) -o \( 3 -lt 10 \)
run 0 test-util -z ""
run 0 test-util -n x
run 1 test-util a != a
run 2 test-util 1 -eq x
err 'integer expression expected'
run 0 [ 1 -le 1 ]
run 1 [ -h /dev ]
run 2 [ -d /dev
err "missing ']'"

# pwd
run 0 pwd
out '/\n'

# ls
run 0 ls -a /
out '.\n..\ndev\n'
run 0 ls /dev
has console
has initrd
has null
run 0 ls -l /dev/null
[ "$skip" = 1 ] || grep -Eq '^crw-rw-rw- 1 0 0 1, 3 [A-Z][a-z][a-z] [ 0-9][0-9] ( [0-9]{4}|[0-9]{2}:[0-9]{2}) /dev/null$' "$dir/out" ||
	fail "ls -l /dev/null: $(cat "$dir/out")"
run 0 ls -ld /dev/shm /dev/initrd
[ "$skip" = 1 ] || grep -q '^drwxrwxrwt .* /dev/shm$' "$dir/out" || fail "ls -ld /dev/shm: $(cat "$dir/out")"
[ "$skip" = 1 ] || grep -q '^cr--r--r-- .* 250, 0 .* /dev/initrd$' "$dir/out" || fail "ls -ld /dev/initrd: $(cat "$dir/out")"
run 0 ls -d /dev /
out '/\n/dev\n'
run 1 ls /nonexistent /dev/null
out '/dev/null\n'
err 'ls: /nonexistent: No such file or directory'
run 2 ls -Z

# cat: files, standard input, "-"
run 0 cat /dev/null
out ''
input 'line one\nline two\n'
run 0 cat
out 'line one\nline two\n'
run 0 cat - /dev/null
out 'line one\nline two\n'
input ''
run 1 cat /nonexistent
err 'cat: /nonexistent: No such file or directory'
run 0 cat /dev/initrd
[ "$skip" = 1 ] || { [ -f "$bin/../../exo-root.tar" ] && ! cmp -s "$dir/out" "$bin/../../exo-root.tar" &&
	fail "cat /dev/initrd is not exo-root.tar"; }

# wc
input 'one two\nthree\n'
run 0 wc
out '      2       3      14\n'
run 0 wc -l
out '      2\n'
input ''
run 0 wc -c /dev/initrd /dev/null
size=$(wc -c <"$bin/../../exo-root.tar" | tr -d ' ')
has "$(printf '%7s /dev/initrd' "$size")"
has "$(printf '%7s total' "$size")"
run 1 wc /nonexistent
err 'wc: /nonexistent: No such file or directory'

# head
input '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n'
run 0 head -3
out '1\n2\n3\n'
run 0 head -n 2 -
out '1\n2\n'
run 0 head
out '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n'
input ''
run 2 head -n x

# env (the environment exosim's spaces get)
EXO_UTILS_MARK=42 run 0 env
has EXO_UTILS_MARK=42
run 0 env -i A=1 B=two
out 'A=1\nB=two\n'

# uname (libposix's: Exo, not the host)
run 0 uname
out 'Exo\n'
run 0 uname -a
[ "$skip" = 1 ] || grep -q '^Exo [^ ]' "$dir/out" || fail "uname -a: $(cat "$dir/out")"
run 0 uname -s -m
[ "$skip" = 1 ] || [ "$(wc -w <"$dir/out")" -eq 2 ] || fail "uname -s -m: $(cat "$dir/out")"
run 2 uname -x

# mkdir
run 0 mkdir -p /dev /dev/shm
quiet
run 1 mkdir /dev
err 'mkdir: /dev: File exists'
run 1 mkdir -p /dev/null/x
err 'Not a directory'
run 0 mkdir -m 700 /a
run 2 mkdir
run 2 mkdir -m 9 /b

# rm, rmdir
run 1 rm /nonexistent
err 'rm: /nonexistent: No such file or directory'
run 0 rm -f /nonexistent
quiet
run 1 rm /dev
err 'rm: /dev: Is a directory'
run 1 rm -r /
err "refusing to remove"
run 1 rmdir /dev
err 'rmdir: /dev:'
run 2 rm

# mv, cp, ln, touch, chmod: errors, and what one run can do
run 1 mv /nonexistent /x
err 'mv: /nonexistent: No such file or directory'
run 2 mv /x
run 1 cp /nonexistent /x
err 'cp: /nonexistent: No such file or directory'
run 1 cp /dev/shm /x
err 'is a directory'
run 0 cp /dev/null /dev/shm
run 1 ln -s /x /dev/null
err 'ln: /dev/null: File exists'
run 0 ln -sf /x /dev/null
run 0 ln -s /dev/initrd
run 1 ln /nonexistent /x
err 'ln: /nonexistent: No such file or directory'
run 0 touch /new /dev/null
run 1 touch /nodir/x
err 'touch: /nodir/x: No such file or directory'
run 0 chmod u+x,go-w /dev/null
run 0 chmod 644 /dev/null
run 1 chmod 755 /nonexistent
err 'chmod: /nonexistent: No such file or directory'
run 2 chmod zz /dev/null
err 'invalid mode'

# tee
input 'tee me\n'
run 0 tee /dev/null /tmpfile
out 'tee me\n'
run 1 tee /dev/initrd
err 'tee: /dev/initrd: Read-only file system'
input ''

# sleep
start=$(date +%s%N)
run 0 sleep 0.2 .1
[ "$skip" = 1 ] || [ $(( ($(date +%s%N) - start) / 1000000 )) -ge 300 ] || fail "sleep 0.2 .1 took less than 0.3 s"
run 2 sleep x

# kill: names and numbers only (no signals are sent to anyone)
run 0 kill -l 9
out 'KILL\n'
run 0 kill -l 143
out 'TERM\n'
run 0 kill -l
has ' 9) SIGKILL'
run 2 kill -s NOPE 1
err 'unknown signal'
run 2 kill

ran=$((cases < limit ? cases : limit))
echo "utils: $ran of $cases cases run, $fails failed"
[ "$fails" -eq 0 ] || exit 1
# Cases this lane could not run make the test a skip (77), never a pass.
[ "$ran" -eq "$cases" ] || { echo "utils: $((cases - ran)) cases not run in the ${EXO_LANE:-} lane"; exit 77; }
