#!/usr/bin/env bash
# hw/riscv64/qemu-run.sh — boot the riscv64 kernel with a boot image under
# qemu-system-riscv64 -machine virt and Debian's OpenSBI; exit with the
# status the system ended with (the kernel powers off with it).
#
#   qemu-run.sh [--timeout SECONDS] [--icount] [--gdb] KERNEL IMAGE [QEMU-ARGS...]
#
# --timeout stops a hung machine (status 124); --icount counts one
# instruction per virtual nanosecond, so instret is exact (the benchmark);
# --gdb waits for gdb on tcp::1234 before the first instruction (-s -S).
set -euo pipefail
timeout=0
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--icount) extra+=(-icount shift=0); shift ;;
	--gdb) extra+=(-s -S); shift ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || { echo "usage: qemu-run.sh [--timeout S] [--icount] [--gdb] KERNEL IMAGE [QEMU-ARGS...]" >&2; exit 2; }
kernel=$1 image=$2
shift 2
firmware=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
[ -f "$firmware" ] || { echo "qemu-run: no OpenSBI firmware ($firmware): install opensbi" >&2; exit 77; }
command -v qemu-system-riscv64 >/dev/null || { echo "qemu-run: no qemu-system-riscv64: install qemu-system-misc" >&2; exit 77; }
cmd=(qemu-system-riscv64 -machine virt -m 512M -smp 1 -no-reboot
	-bios "$firmware" -kernel "$kernel" -initrd "$image" "${extra[@]}" "$@")
if [ "$timeout" != 0 ]; then
	# Not a terminal (a test): no monitor on stdio, and a bound on the run.
	exec timeout -k 5 "$timeout" "${cmd[@]}" -display none -serial stdio -monitor none </dev/null
fi
# On a terminal: the console is this terminal (Ctrl-C goes to Exo; Ctrl-A X stops QEMU).
exec "${cmd[@]}" -nographic
