# The system's servers with tests/kernel/posix_procs in init's place (it unpacks the root itself); as in
# as the sim's (sim/default.boot.in), in the same order, then init. Names
# are members of the boot image (hw/riscv64/system/meson.build).
start console console
wait console
start memory --sigma0 memory
wait memory
# The root file system's image as /dev/initrd (a member of the boot image).
start initrd initrd exo-root.tar
wait initrd
start vfs vfs
wait vfs
start tmpfs tmpfs tmpfs
wait tmpfs
start sched sched
wait sched
start proc proc
wait proc
exec posix_procs
