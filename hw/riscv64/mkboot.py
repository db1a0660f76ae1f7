#!/usr/bin/env python3
"""hw/riscv64/mkboot.py — a riscv64 boot image: a tar whose member `boot` is
the boot list and whose other members are the programs it names.

    mkboot.py OUTPUT BOOTLIST NAME=PATH...
    mkboot.py --exec OUTPUT IMAGE ARG...

Each NAME=PATH puts the file PATH into the image as NAME (the name the boot
list and exo_space_spawn use). The kernel reads the image in place
(hw/riscv64/kernel/boot.c), so it is plain ustar, uncompressed.

--exec copies IMAGE with the arguments of its boot list's `exec` line
replaced by ARG... (quoted for the kernel: "...", with \\" and \\\\):
`./exo run --target riscv64 -c CMD` boots `init -c CMD` this way."""
import io
import sys
import tarfile


def quote(word):
    if word and not any(c in word for c in ' \t"\\\n'):
        return word
    return '"' + word.replace('\\', '\\\\').replace('"', '\\"') + '"'


def rewrite_exec(out, image, args):
    if any('\n' in a for a in args):
        sys.stderr.write('mkboot: a boot list argument cannot hold a newline\n')
        return 2
    with tarfile.open(image) as src, tarfile.open(out, 'w', format=tarfile.USTAR_FORMAT) as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            if info.name == 'boot':
                lines = data.decode().split('\n')
                for i, line in enumerate(lines):
                    words = line.split()
                    if words and words[0] == 'exec':
                        lines[i] = ' '.join(['exec', words[1]] + [quote(a) for a in args])
                data = '\n'.join(lines).encode()
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == '--exec':
        return rewrite_exec(argv[2], argv[3], argv[4:])
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
