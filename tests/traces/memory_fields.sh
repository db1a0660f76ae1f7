#!/usr/bin/env bash
# tests/traces/memory_fields.sh EXOSIM EXOTRACE BOOT MEMORY_SPACES
# The memory protocol, declared in protocols/memory.def, is dumped by field
# name, with flag names and a string item by its field's name: record the
# memory_spaces test program (mmap, stats, named shared memory, images).
. "$(dirname "$0")/fields_lib.sh"
grep_for='memory\.'
record memory_spaces "$@"
want '-> memory  memory\.MMAP\(len=0x100000, prot=R\|W, flags=0, hint=0, shm=0, offset=0\)$' "MMAP by field, prot by flag names"
want '<- memory  memory\.MMAP = 0 \[addr=0x[0-9a-f]+\]' "MMAP's answer by field"
want '-> memory  memory\.SHM_OPEN\(flags=CREAT\|EXCL, size=0x10000, name="/kshm"\)$' "SHM_OPEN with its string by name"
want '<- memory  memory\.STATS = 0 \[used=[0-9x a-f]+, free=0x[0-9a-f]+, pages=[0-9a-fx]+, limit=0x[0-9a-f]+\]' "STATS's answer"
want '-> memory  memory\.IMAGE\(n=2, table=\[0x[0-9a-f]+ 0x200000 0x4000 5 ' "IMAGE's table as one field"
want '-> memory  memory\.MMAP\(0x0\)|-> memory  memory\.MMAP\(0\)' "a malformed MMAP as it is"
echo "memory fields by name: ok"
