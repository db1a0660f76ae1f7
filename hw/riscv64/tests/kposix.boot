# libposix programs on riscv64 (tests/kernel/posix_files.c): console, memory, VFS.
start console console
wait console
start memory --sigma0 memory
wait memory
start vfs vfs
wait vfs
exec posix_files
