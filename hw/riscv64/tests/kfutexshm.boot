# Futex words in paged and shared memory (hw/riscv64/tests/futex_shared.c).
start memory --sigma0 memory
wait memory
exec futex_shared
