#!/bin/sh
# Build samples/proprietary/*.ko against the Debian 12 headers for 6.1.0-50-amd64,
# strip debug info (keeps the file small; symbols and relocations stay) and clean up.
set -eu
KDIR=${KDIR:-/usr/src/linux-headers-6.1.0-50-amd64}
HERE=$(cd "$(dirname "$0")" && pwd)
# A fixed build directory keeps the output byte-for-byte reproducible (paths feed the build-id).
BUILD=/tmp/modscope-proprietary-build
rm -rf "$BUILD"
mkdir -p "$BUILD"
trap 'rm -rf "$BUILD"' EXIT
cp "$HERE/proprietary.c" "$HERE/gplonly.c" "$HERE/Kbuild" "$BUILD/"
make -C "$KDIR" M="$BUILD" modules
strip --strip-debug -o "$HERE/proprietary.ko" "$BUILD/proprietary.ko"
strip --strip-debug -o "$HERE/gplonly.ko" "$BUILD/gplonly.ko"
# Patch gplonly.ko's .modinfo in place: "license=Dual MIT/GPL" -> "license=Proprietary\0"
# (12 bytes each, so no offset changes). See README.md.
node "$HERE/patch-license.mjs" "$HERE/gplonly.ko"
ls -l "$HERE/proprietary.ko" "$HERE/gplonly.ko"
