#!/usr/bin/env python3
"""hw/riscv64/mkboot.py — a riscv64 boot image: a tar whose member `boot` is
the boot list and whose other members are the programs it names.

    mkboot.py OUTPUT BOOTLIST NAME=PATH...

Each NAME=PATH puts the file PATH into the image as NAME (the name the boot
list and exo_space_spawn use). The kernel reads the image in place
(hw/riscv64/kernel/boot.c), so it is plain ustar, uncompressed."""
import io
import sys
import tarfile


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out, bootlist, members = argv[1], argv[2], argv[3:]
    with tarfile.open(out, 'w', format=tarfile.USTAR_FORMAT) as tar:
        data = open(bootlist, 'rb').read()
        info = tarfile.TarInfo('boot')
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
        for m in members:
            name, sep, path = m.partition('=')
            if not sep:
                sys.stderr.write('mkboot: expected NAME=PATH, got %s\n' % m)
                return 2
            data = open(path, 'rb').read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
