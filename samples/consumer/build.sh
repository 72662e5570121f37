#!/bin/sh
# Build samples/consumer/*.ko against the Debian 12 headers for 6.1.0-50-amd64,
# strip debug info (keeps the file small; symbols and relocations stay) and clean up.
set -eu
KDIR=${KDIR:-/usr/src/linux-headers-6.1.0-50-amd64}
HERE=$(cd "$(dirname "$0")" && pwd)
# A fixed build directory keeps the output byte-for-byte reproducible (paths feed the build-id).
BUILD=/tmp/modscope-consumer-build
rm -rf "$BUILD"
mkdir -p "$BUILD"
trap 'rm -rf "$BUILD"' EXIT
# Without provider's Module.symvers, modpost fails: "provider_greet" [consumer.ko] undefined!
[ -f "$HERE/../provider/Module.symvers" ] || sh "$HERE/../provider/build.sh"
cp "$HERE/consumer.c" "$HERE/Kbuild" "$BUILD/"
cp "$HERE/../provider/Module.symvers" "$BUILD/provider.symvers"
make -C "$KDIR" M="$BUILD" KBUILD_EXTRA_SYMBOLS="$BUILD/provider.symvers" modules
strip --strip-debug -o "$HERE/consumer.ko" "$BUILD/consumer.ko"
ls -l "$HERE/consumer.ko"
