#!/bin/sh
# tests/integration/cc_builds.sh EXOSIM BOOTLIST BUILDDIR SOURCE — what
# `./exo cc` does: compile and link a plain C program against libposix and
# libexo through the uninstalled exo-posix.pc, then run it as a space.
set -eu
# EXTRA: the sanitizer flags of a sanitized build (its libraries need them).
exosim=$1 boot=$2 build=$3 src=$4 extra=${5:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
PKG_CONFIG_PATH="$build/meson-uninstalled" 
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
${CC:-cc} $extra "$src" -o "$dir/prog" $(pkg-config --cflags --libs exo-posix)
out=$("$exosim" -q --cpu auto --boot "$boot" --exec "$dir/prog")
echo "$out"
case "$out" in
*"hello from Exo memory at 0x2"*) ;;
*) echo "cc_builds: the program did not run on Exo memory" >&2; exit 1 ;;
esac
