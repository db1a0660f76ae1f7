#!/bin/sh
# tests/integration/nothing_left.sh EXOSIM BOOTLIST INIT — a booted system
# leaves no process behind on the host: when exosim is killed outright
# (SIGKILL: forked processes die with it), and when one of its servers dies
# (the system stops). Processes are told apart by the private kernel socket
# in their environment.
set -u
exosim=$1 boot=$2 init=$3
sock=/tmp/exo-left-$$.sock
fails=0

ours() { # the pids whose environment names our socket
	for e in /proc/[0-9]*/environ; do
		if { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "EXO_SOCKET=$sock"; then
			p=${e#/proc/}
			echo "${p%/environ}"
		fi
	done
}

wait_for_sleepers() {
	i=0
	while [ "$i" -lt 300 ]; do
		n=0
		for p in $(ours); do
			{ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q '^sleep 100' && n=$((n + 1))
		done
		[ "$n" -ge 2 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "nothing_left: the sleepers never started" >&2
	return 1
}

gone() { # CASE: every process of ours ends within 10 s
	i=0
	while [ "$i" -lt 100 ]; do
		[ -z "$(ours)" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "nothing_left: $1: left behind:" >&2
	for p in $(ours); do echo "  $p $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)" >&2; kill -9 "$p"; done
	fails=$((fails + 1))
}

# 1. exosim killed with SIGKILL.
"$exosim" -q --socket "$sock" --boot "$boot" --exec "$init" -c 'sleep 100 & sleep 100' &
k=$!
wait_for_sleepers || fails=$((fails + 1))
kill -9 "$k"
wait "$k" 2>/dev/null
gone "exosim killed"

# 2. a server killed: the system stops by itself.
"$exosim" -q --socket "$sock" --boot "$boot" --exec "$init" -c 'sleep 100 & sleep 100' &
k=$!
wait_for_sleepers || fails=$((fails + 1))
for p in $(ours); do
	{ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q 'servers/vfs/vfs' && kill -9 "$p"
done
i=0
while kill -0 "$k" 2>/dev/null && [ "$i" -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$k" 2>/dev/null; then
	echo "nothing_left: exosim still runs after its VFS died" >&2
	fails=$((fails + 1))
	kill -9 "$k"
fi
wait "$k" 2>/dev/null
gone "a server killed"
rm -f "$sock"
[ "$fails" -eq 0 ] && echo "nothing_left: ok"
[ "$fails" -eq 0 ]
