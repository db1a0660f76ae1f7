# Scheduling on the riscv64 kernel (sched_prio.c): console, memory, VFS, scheduler, processes.
start console console
wait console
start memory --sigma0 memory
wait memory
start vfs vfs
wait vfs
start sched sched
wait sched
start proc proc
wait proc
exec sched_prio
