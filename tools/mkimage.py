#!/usr/bin/env python3
"""tools/mkimage.py — build a ustar image of Exo's root file system.

    mkimage.py [--strip OBJCOPY] OUTPUT ENTRY...

    ENTRY is one of
      dir:NAME:MODE            an empty directory (MODE octal, e.g. 1777)
      file:NAME:MODE:SOURCE    a regular file with SOURCE's contents

Every entry is owned by 0:0 (numeric, no user names); directories leading
to an entry are added (0755) when not given. Times are SOURCE_DATE_EPOCH
when set, else now. Entries are written in sorted order, directories first,
so the same inputs make the same archive.

With --strip, every file that is an ELF executable goes in without its
debugging sections (OBJCOPY --strip-debug, on a copy): the riscv64 image,
whose files live in the VFS's memory on a small machine. The build folder
keeps the programs with their symbols for gdb.
"""
import os
import subprocess
import sys
import tarfile
import tempfile
import time


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    objcopy = None
    if argv[0] == '--strip':
        objcopy, argv = argv[1], argv[2:]
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    out = argv[0]
    mtime = int(os.environ.get('SOURCE_DATE_EPOCH', time.time()))
    dirs, files = {}, {}
    for spec in argv[1:]:
        parts = spec.split(':', 3)
        kind = parts[0]
        if kind == 'dir' and len(parts) == 3:
            dirs[parts[1].strip('/')] = int(parts[2], 8)
        elif kind == 'file' and len(parts) == 4:
            files[parts[1].strip('/')] = (int(parts[2], 8), parts[3])
        else:
            sys.stderr.write('mkimage: bad entry %r\n' % spec)
            return 2
    for name in list(dirs) + list(files):
        parent = os.path.dirname(name)
        while parent:
            dirs.setdefault(parent, 0o755)
            parent = os.path.dirname(parent)

    def info(name, mode, kind):
        ti = tarfile.TarInfo(name)
        ti.type, ti.mode, ti.mtime = kind, mode, mtime
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = ''
        return ti

    scratch = tempfile.TemporaryDirectory() if objcopy else None
    if objcopy:
        for name, (mode, src) in list(files.items()):
            with open(src, 'rb') as f:
                if f.read(4) != b'\x7fELF':
                    continue
            dst = os.path.join(scratch.name, name.replace('/', '_'))
            subprocess.run([objcopy, '--strip-debug', src, dst], check=True)
            files[name] = (mode, dst)

    tmp = out + '.tmp'
    with tarfile.open(tmp, 'w', format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(dirs):
            tar.addfile(info(name, dirs[name], tarfile.DIRTYPE))
        for name in sorted(files):
            mode, src = files[name]
            ti = info(name, mode, tarfile.REGTYPE)
            ti.size = os.path.getsize(src)
            with open(src, 'rb') as f:
                tar.addfile(ti, f)
    os.replace(tmp, out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
