#!/usr/bin/env bash
# tests/traces/vfs_fields.sh EXOSIM EXOTRACE BOOT POSIX_PATHS
# The VFS protocol, declared in protocols/vfs.def, is dumped by field name:
# flags and modes by name, a directory descriptor taken from the label's
# bits, string items by their field's name, and the REDIRECT reply a device
# descriptor's write gets instead of its own. Records posix_paths (the *at
# calls, pipes, poll, writes to the console).
. "$(dirname "$0")/fields_lib.sh"
grep_for='vfs\.'
record posix_paths "$@"
want '-> vfs  vfs\.OPEN\(flags=[A-Z|]*CREAT[A-Z|]*, mode=0[0-7]+, path="' "OPEN by field, flags by name, the mode in octal"
want '<- vfs  vfs\.OPEN = 0 \[fd=[0-9]+\]' "OPEN's answer by field"
want '-> vfs  vfs\.[A-Z]+\([^)]*dirfd=[0-9]+, path="' "a directory descriptor from the label"
want '-> vfs  vfs\.RENAME\((from_dirfd=[0-9]+, )?(to_dirfd=[0-9]+, )?from="[^"]*", to="' "RENAME's two strings by name"
want '<- vfs  vfs\.WRITE = REDIRECT \[server=0x[0-9a-f]+, handle=[0-9]+, rdflags=0\]' "the REDIRECT reply by field"
want '<- vfs  vfs\.FSTAT = 0 \[stat=\[' "FSTAT's stat words as one field"
want '-> vfs  vfs\.POLL\(entries=[0-9]+, timeout=' "POLL by field"
echo "vfs fields by name: ok"
