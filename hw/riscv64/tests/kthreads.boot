# The system's servers with tests/kernel/posix_threads.c in init's place, in the same
# order as the sim's (sim/default.boot.in). Names
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
exec posix_threads
