#!/bin/bash
# test_sh.sh SHELL — behaviour tests for Exo's sh (or any POSIX shell).
#
# Each case runs a script through `SHELL -c` (or as a script file, or on
# standard input) in a scratch folder and compares standard output plus
# standard error, and the exit status, with what is expected. The first
# difference stops the run with exit status 1 and shows both sides.
# The commands inside the cases are limited to utilities Exo's /bin has:
# cat echo wc head true false test ls mkdir rm mv cp ln sleep env kill;
# a case that needs the shell again runs "$0", and no case depends on the
# scratch folder's name, so the -c cases also run on Exo one by one.
set -u

SH=${1:?usage: test_sh.sh PATH-TO-SHELL}
case $SH in /*) ;; *) SH=$PWD/$SH ;; esac
[ -x "$SH" ] || { echo "test_sh.sh: $SH is not executable" >&2; exit 2; }

T=${TMPDIR:-/tmp}/test_sh.$$
rm -rf "$T"
mkdir -p "$T" || exit 2
trap 'cd /; rm -rf "$T"' EXIT
cd "$T" || exit 2
W=$T/w
export SH
ncases=0

# Each case starts in an empty folder, $W.
fresh() {
	cd "$T" && rm -rf "$W" && mkdir "$W" && cd "$W" || exit 2
}

fail() {
	echo "FAIL: $1"
	echo "--- script:"
	printf '%s\n' "$2"
	echo "--- expected (status $3):"
	printf '%s\n' "$4"
	echo "--- got (status $5):"
	printf '%s\n' "$6"
	exit 1
}

# check NAME EXPECTED SCRIPT [STATUS]: SHELL -c SCRIPT, output and status
check() {
	local name=$1 want=$2 script=$3 wst=${4:-0} got st
	fresh
	got=$("$SH" -c "$script" 2>&1 </dev/null)
	st=$?
	[ "$got" == "$want" ] && [ "$st" == "$wst" ] || fail "$name" "$script" "$wst" "$want" "$st" "$got"
	ncases=$((ncases + 1))
}

# check_file NAME EXPECTED SCRIPT [STATUS [ARGS...]]: SCRIPT as a file
check_file() {
	local name=$1 want=$2 script=$3 wst=${4:-0} got st
	shift 4 2>/dev/null || shift $#
	fresh
	printf '%s\n' "$script" > script.sh
	got=$("$SH" script.sh "$@" 2>&1 </dev/null)
	st=$?
	[ "$got" == "$want" ] && [ "$st" == "$wst" ] || fail "$name" "$script" "$wst" "$want" "$st" "$got"
	ncases=$((ncases + 1))
}

# check_stdin NAME EXPECTED SCRIPT [STATUS]: SCRIPT on standard input
check_stdin() {
	local name=$1 want=$2 script=$3 wst=${4:-0} got st
	fresh
	printf '%s\n' "$script" > ../stdin.sh
	got=$("$SH" < ../stdin.sh 2>&1)
	st=$?
	[ "$got" == "$want" ] && [ "$st" == "$wst" ] || fail "$name" "$script" "$wst" "$want" "$st" "$got"
	ncases=$((ncases + 1))
}

nl=$'\n'

# ---- words and quoting ----
check "echo words" "a b c" 'echo a   b c'
check "single quotes keep everything" 'a  $x "b" \n' "echo 'a  \$x \"b\" \\n'"
check "double quotes expand" "<1 2>" 'x="1 2"; echo "<$x>"'
check "backslash in double quotes" 'a$b"c\d\' 'echo "a\$b\"c\d\\"'
check "backslash outside quotes" 'a b$c' 'echo a\ b\$c'
check "adjacent quoted parts" "abcdef" "echo a'b'\"c\"d\\ef"
check "empty quoted argument counts" "3" 'set -- "" a ""; echo $#'
check "comment" "a" 'echo a # b c'
check "hash inside a word" "a#b" 'echo a#b'
check "line continuation" "ab" "echo a\\${nl}b"
check "multi-line double quote" "a${nl}b" "echo \"a${nl}b\""
check "semicolons and newlines" "1${nl}2${nl}3" "echo 1; echo 2${nl}echo 3"
check "long word" "131072" 'x=a; i=0; while [ $i -lt 17 ]; do x=$x$x; i=$((i+1)); done; echo ${#x}'
check "long line" "ok" 'x=$(i=0; while [ $i -lt 3000 ]; do echo -n "word$i "; i=$((i+1)); done); set -- $x; [ $# = 3000 ] && echo ok'

# ---- variables and parameters ----
check "assignment" "hello" 'x=hello; echo $x'
check "braces" "ab_c" 'x=a; echo ${x}b_c'
check "default" "def xset" 'echo ${u:-def} ${u-x}set'
check "assign default" "new new" 'echo ${u:=new} $u'
check "alternate" "[] [alt]" 'x=1; echo "[${u:+alt}]" "[${x:+alt}]"'
check "length" "5 0" 'x=hello; echo ${#x} ${#u}'
check "error if unset" "sh: u: unset!" 'echo ${u:?unset!}' 1
check "prefix and suffix removal" "b.c a.b a c" 'x=a.b.c; echo ${x#*.} ${x%.*} ${x%%.*} ${x##*.}'
check "special parameters" "0 2 x y" 'set -- x y; true; echo $? ${#} $1 $2'
check "dollar-dollar is a number" "yes" 'case $$ in *[!0-9]*) echo no;; *) echo yes;; esac'
check "-c name and arguments" "name a b 2" '"$0" -c '"'"'echo $0 $1 $2 $#'"'"' name a b'
check "quoted at keeps words" "[a b]${nl}[c]" 'set -- "a b" c; for w in "$@"; do echo "[$w]"; done'
check "quoted star joins" "[a b c]" 'set -- "a b" c; echo "[$*]"'
check "unquoted at splits" "3" 'set -- "a b" c; set -- $@; echo $#'
check "empty at gives no words" "0" 'set --; set -- "$@"; echo $#'
check "field splitting" "3" 'x="a  b   c"; set -- $x; echo $#'
check "IFS splitting" "[a][][b]" 'IFS=:; x="a::b"; for w in $x; do echo -n "[$w]"; done; echo'
check "no splitting in quotes" "1" 'x="a b c"; set -- "$x"; echo $#'
check "tilde" "/home/u/x" 'HOME=/home/u; echo ~/x'
check "quoted tilde" "~/x" 'HOME=/home/u; echo "~/x"'
check "prefix assignment is temporary" "bar${nl}|" 'FOO=bar "$0" -c "echo \$FOO"; echo "|$FOO"'
check "export" "exported" 'export E=exported; "$0" -c "echo \$E"'
check "unset" "[]" 'x=1; unset x; echo "[$x]"'
check "arithmetic" "7 1 2 -3 1" 'a=3; echo $((1 + a * 2)) $((7 % 3)) $(( (a+1)/2 )) $((-a)) $((a > 2 && a < 5))'
check "arithmetic assignment" "5 5" 'echo $((n = 2 + 3)) $n'
check "set -- and shift" "b c 2" 'set -- a b c; shift; echo $1 $2 $#'

# ---- command substitution ----
check "dollar-paren" "x y" 'echo $(echo x) $(echo y)'
check "backquotes" "hi" 'echo `echo hi`'
check "nested substitution" "inner" 'echo $(echo $(echo inner))'
check "substitution strips newlines" "[a${nl}b]" 'x=$(echo a; echo b; echo); echo "[$x]"'
check "quoted substitution keeps spaces" "a  b" 'echo "$(echo "a  b")"'
check "substitution status" "1" 'x=$(false); echo $?'
check "substitution with parentheses" "ok" 'echo $( (echo ok) )'

# ---- pipelines and lists ----
check "pipeline" "3" 'echo $(echo a b c | wc -w)'
check "three stages" "2" 'echo $( (echo x; echo y) | cat | wc -l)'
check "pipeline status is the last" "0${nl}1" 'false | true; echo $?; true | false; echo $?'
check "and-or" "b${nl}c" 'false && echo a; true && echo b; false || echo c; true || echo d'
check "negation" "1${nl}0" '! true; echo $?; ! false; echo $?'
check "subshell isolates" "in${nl}out" 'x=out; (x=in; echo $x); echo $x'
check "brace group" "a${nl}b" '{ echo a; echo b; } | cat'
check "builtin in pipeline" "hello" 'echo hello | { read v; echo $v; }'

# ---- redirections ----
check "output and input" "hello" 'echo hello > f; cat < f'
check "append" "1${nl}2" 'echo 1 > f; echo 2 >> f; cat f'
check "stderr to stdout" "err" 'ls /nonexistent-dir 2>/dev/null; echo err 2>&1 >&2 | cat'
check "2>&1 order" "oops" '{ echo oops >&2; } 2>&1 | cat'
check "numbered descriptor" "three" 'echo three 3>f3 >&3; cat f3'
check "input descriptor" "line" 'echo line > f; exec 4<f; cat <&4'
check "close descriptor" "y" 'echo x >&- 2>/dev/null; echo y'
check "read-write" "data" 'echo data > f; cat <> f'
check "builtin redirection is undone" "visible" 'echo hidden > f; echo visible'
check "exec redirection stays" "a${nl}b" 'exec > out; echo a; echo b; exec >&2; cat out' 0
check "redirection on a loop" "1${nl}2" 'for i in 1 2; do echo $i; done > f; cat f'
check "here-document" "hi there${nl}\$x" 'x=there; cat <<EOF
hi $x
EOF
cat <<"E"
$x
E'
check "here-document with tabs stripped" "a" 'cat <<-EOF
	a
	EOF'
check "redirection error" "sh: /nonexistent/f: No such file or directory${nl}1" 'echo x > /nonexistent/f; echo $?'

# ---- control structures ----
check "if elif else" "two" 'if false; then echo one; elif true; then echo two; else echo three; fi'
check "if status" "0" 'if false; then :; fi; echo $?'
check "while" "1 2 3" 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo -n "$i"; [ $i -lt 3 ] && echo -n " "; done; echo'
check "until" "x" 'until true; do echo no; done; echo x'
check "for with list" "a${nl}b" 'for v in a b; do echo $v; done'
check "for over parameters" "p${nl}q" 'set -- p q; for v; do echo $v; done'
check "break and continue" "1${nl}3" 'for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done'
check "nested break" "a1" 'for a in a b; do for i in 1 2; do echo $a$i; break 2; done; done'
check "case" "fruit${nl}other${nl}num" 'for w in apple car 42; do case $w in apple|pear) echo fruit;; [0-9]*) echo num;; *) echo other;; esac; done'
check "case quoted pattern" "lit" 'case "*" in "*") echo lit;; *) echo glob;; esac'
check "functions" "hi a${nl}3" 'f() { echo hi $1; return 3; }; f a; echo $?'
check "function positional parameters restored" "x" 'set -- x; f() { set -- y; }; f; echo $1'
check "multi-line if" "yes" 'if true
then
  echo yes
fi'

# ---- globbing ----
check "star" "g/a.c g/b.c" 'mkdir g; : > g/a.c; : > g/b.c; : > g/c.h; echo g/*.c'
check "question mark" "g/a.c" 'mkdir g; : > g/a.c; : > g/ab.c; echo g/?.c'
check "bracket" "g/a g/c" 'mkdir g; : > g/a; : > g/b; : > g/c; echo g/[ac]'
check "range and negation" "g/b g/c${nl}g/a" 'mkdir g; : > g/a; : > g/b; : > g/c; echo g/[b-z]; echo g/[!bc]'
check "no match stays literal" "g/*.none" 'mkdir g; echo g/*.none'
check "hidden files need a dot" "g/v${nl}g/.h" 'mkdir g; : > g/.h; : > g/v; echo g/*; echo g/.*'
check "quoted star is literal" "g/*" 'mkdir g; : > g/a; echo "g/*"'
check "glob in directories" "d1/x d2/x" 'mkdir d1 d2; : > d1/x; : > d2/x; echo d*/x'
check "glob from a variable" "g/a" 'mkdir g; : > g/a; p="g/*"; echo $p'

# ---- commands, status, errors ----
check "exit status" "" 'exit 5' 5
check "status of last command" "" 'false' 1
check "not found" "sh: no-such-cmd: not found${nl}127" 'no-such-cmd; echo $?'
check "permission denied" "sh: ./f: Permission denied${nl}126" ': > f; ./f; echo $?'
check "PATH search" "found" 'mkdir bin; ln -s "$(command -v "$0")" bin/xsh; PATH=$PWD/bin:$PATH; xsh -c "echo found"'
check "default PATH is /bin" "ran" 'unset PATH; echo ran | cat'
check "unterminated quote" "sh: syntax error: unterminated quote" 'echo "abc' 2
check "unmatched paren" "sh: syntax error: unexpected ')'" 'echo a )' 2
check "incomplete if" "sh: syntax error: unexpected end of file" 'if true; then echo' 2
check "missing then" "sh: syntax error: unexpected 'fi'" 'if true; fi' 2
check "set -e" "a" 'set -e; echo a; false; echo b' 1
check "set -e ignores conditions" "a${nl}b" 'set -e; if false; then :; fi; false || echo a; echo b'
check "exit in subshell" "3" '(exit 3); echo $?'
check "true false colon" "0 1 0" 'true; a=$?; false; b=$?; :; echo $a $b $?'

# ---- builtins ----
check "cd and pwd" "ok" 'mkdir d; here=$(pwd); cd d; [ "$(pwd)" = "$here/d" ] && echo ok'
check "cd sets PWD and OLDPWD" "ok" 'mkdir d; here=$(pwd); cd d; [ "$PWD" = "$here/d" ] && [ "$OLDPWD" = "$here" ] && echo ok'
check "cd -" "ok" 'mkdir d; here=$(pwd); cd d; [ "$(cd -)" = "$here" ] && cd - >/dev/null && [ "$(pwd)" = "$here" ] && echo ok'
check "cd home" "ok" 'mkdir h; HOME=$(pwd)/h; cd; [ "$(pwd)" = "$HOME" ] && echo ok'
check "read splits" "a|b c" 'echo "a b c" | { read x y; echo "$x|$y"; }'
check "read -r keeps backslash" 'a\b' 'echo "a\\b" | { read -r x; echo "$x"; }'
check "read at end of input" "1" 'read x < /dev/null; echo $?'
check "read loop" "1:a${nl}2:b" '{ echo a; echo b; } > f; n=0; while read l; do n=$((n+1)); echo $n:$l; done < f'
check "echo -n" "ab" 'echo -n a; echo b'
check "eval" "3" 'x="echo 3"; eval $x'
check "dot" "sourced 1" 'echo "y=1; echo sourced \$y" > inc; . ./inc'
check "test builtin" "yes${nl}no" '[ -d . ] && echo yes; [ 1 -gt 2 ] && echo bad; test -z "" && echo no'
check "type" "echo is a shell builtin" 'type echo'
check "command -v" "cd" 'command -v cd'
check "umask" "0027" 'umask 027; umask'
check "export listing" "export XY='1 2'" 'export XY="1 2"; export | while read l; do case $l in *XY=*) echo "$l";; esac; done'
check "exec replaces the shell" "replaced" 'exec echo replaced; echo not here'
check "printf conversions" "a-42|    r|l  |007|ff|3.50" 'printf "%s-%d|%5s|%-3s|%03d|%x|%.2f\n" a 42 r l 7 255 3.5'
check "printf reuses its format" "[a][b][c]" 'printf "[%s]" a b c; echo'
check "printf escapes and %b" "a${nl}b	c" 'printf "a\n"; printf "%b\n" "b\tc"'
check "printf missing arguments" "<> 0" 'printf "<%s> %d\n"'
check "trap on exit" "hi${nl}bye" 'trap "echo bye" EXIT; echo hi; exit 3' 3
check "trap on a signal" "got TERM${nl}after" 'trap "echo got TERM" TERM; kill $$; echo after'
check "trap ignores a signal" "alive" 'trap "" TERM; kill $$; echo alive'
check "subshells do not inherit traps" "sub${nl}main${nl}parent" 'trap "echo parent" EXIT; (echo sub); echo main'
check "trap lists actions" "trap -- 'echo x' INT" 'trap "echo x" INT; trap'

# ---- background jobs ----
check "background and wait" "started${nl}done 0" 'sleep 0.1 & echo started; wait; echo done $?'
check "wait for a pid returns its status" "3" '(sleep 0.1; exit 3) & wait $!; echo $?'
check "dollar-bang is set" "yes" 'sleep 0.01 & [ -n "$!" ] && echo yes; wait'
check "kill a background job" "143" 'sleep 5 & sleep 0.5; kill $!; wait $!; echo $?'
check "background output" "bg" '{ echo bg; } & wait'

# ---- script files and standard input ----
check_file "script arguments" "script.sh 2 x y${nl}[x][y]" 'echo $0 $# $1 $2; for a in "$@"; do echo -n "[$a]"; done; echo' 0 x y
check_file "script exit status" "a" 'echo a
exit 4
echo b' 4
check_file "script syntax error stops it" "a${nl}sh: syntax error: unexpected ')'" 'echo a
echo )
echo b' 2
check_file "script functions and loops" "1 2 3" 'count() {
	i=1
	while [ $i -le $1 ]; do
		echo -n "$i"
		[ $i -lt $1 ] && echo -n " "
		i=$((i + 1))
	done
	echo
}
count 3' 0
check_stdin "commands on standard input" "from stdin${nl}2" 'echo from stdin
x=2
echo $x'
check_stdin "commands read the rest of standard input" "line two" 'read l
line two
echo $l'
check_stdin "last status is the exit status" "" 'false' 1

echo "test_sh.sh: all $ncases cases passed"
