#!/bin/sh
# Build samples/permanent/*.ko against the Debian 12 headers for 6.1.0-50-amd64,
# strip debug info (keeps the file small; symbols and relocations stay) and clean up.
set -eu
KDIR=${KDIR:-/usr/src/linux-headers-6.1.0-50-amd64}
HERE=$(cd "$(dirname "$0")" && pwd)
# A fixed build directory keeps the output byte-for-byte reproducible (paths feed the build-id).
BUILD=/tmp/modscope-permanent-build
rm -rf "$BUILD"
mkdir -p "$BUILD"
trap 'rm -rf "$BUILD"' EXIT
cp "$HERE/permanent.c" "$HERE/Kbuild" "$BUILD/"
make -C "$KDIR" M="$BUILD" modules
strip --strip-debug -o "$HERE/permanent.ko" "$BUILD/permanent.ko"
ls -l "$HERE/permanent.ko"
