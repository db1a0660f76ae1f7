# The memory server as sigma0 and the pager of every space (tests/kernel/memory_spaces.c).
start memory --sigma0 memory
wait memory
exec memory_spaces
