#!/usr/bin/env bash
# tests/traces/proc_fields.sh EXOSIM EXOTRACE BOOT INIT
# The process protocol, declared in protocols/proc.def, is dumped by field
# name: record init running a command line (EXEC with its name string,
# FORK's fields, a held WAIT, IDS's ten answers; initrd's dev.READ,
# protocols/dev.def; the VFS's calls to tmpfs, protocols/fs.def) and read
# it back.
. "$(dirname "$0")/fields_lib.sh"
grep_for='proc\.'
record init "$@" -c 'id >/dev/null 2>&1; echo x > /tmp/f; exit 0'
want '-> proc  proc\.EXEC\(name="init"\)$' "EXEC with its name string by field"
want '-> proc  proc\.FORK\(child=[0-9]+, msg=0x[0-9a-f]+, msg_len=672\)$' "FORK's fields"
want '<- proc  proc\.FORK = 0 \[pid=[0-9]+\]' "FORK's answer"
want '-> proc  proc\.WAIT\(selector=-?[0-9]+, options=[A-Z0-9|]+\)$' "WAIT with its options"
want '<- proc  proc\.IDS = 0 \[pid=[0-9]+, ppid=[0-9]+, pgid=[0-9]+, sid=[0-9]+, ruid=0, ' "IDS's answer"
# The device protocol (protocols/dev.def) too: init reads the root image from initrd.
want '-> initrd  dev\.READ\(handle=[0-9]+, count=512, flags=0\)$' "dev.READ by field"
want '<- initrd  dev\.READ = 0 \[bytes=512, data="' "dev.READ's answer with its data string"
# And the file system protocol (protocols/fs.def): the VFS mounting tmpfs and writing /tmp/f.
want '^.*vfs -> tmpfs  fs\.MOUNT\(flags=0\)$' "fs.MOUNT by field"
want 'vfs -> tmpfs  fs\.LOOKUP\(dir=[0-9]+, name="f"\)$' "fs.LOOKUP with its name string"
want 'vfs <- tmpfs  fs\.CREATE = 0 \[node=[0-9]+, attrs=\[' "fs.CREATE's node and attribute array"
echo "proc, dev and fs fields by name: ok"
