# Waiting on words of memory (tests/kernel/futex.c): the machine ends with its status.
exec futex
