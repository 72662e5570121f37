#!/bin/sh
# Build samples/provider/*.ko against the Debian 12 headers for 6.1.0-50-amd64,
# strip debug info (keeps the file small; symbols and relocations stay) and clean up.
set -eu
KDIR=${KDIR:-/usr/src/linux-headers-6.1.0-50-amd64}
HERE=$(cd "$(dirname "$0")" && pwd)
# A fixed build directory keeps the output byte-for-byte reproducible (paths feed the build-id).
BUILD=/tmp/modscope-provider-build
rm -rf "$BUILD"
mkdir -p "$BUILD"
trap 'rm -rf "$BUILD"' EXIT
cp "$HERE/provider.c" "$HERE/Kbuild" "$BUILD/"
make -C "$KDIR" M="$BUILD" modules
strip --strip-debug -o "$HERE/provider.ko" "$BUILD/provider.ko"
# consumer/build.sh needs the CRCs of provider's exports (KBUILD_EXTRA_SYMBOLS).
cp "$BUILD/Module.symvers" "$HERE/Module.symvers"
ls -l "$HERE/provider.ko" "$HERE/Module.symvers"
