#!/bin/sh
# Build the modules of one sample folder against the Debian 12 headers for 6.1.0-50-amd64 and
# strip debug info (the file stays small; symbols and relocations stay):
#   sh samples/build-module.sh samples/NAME
# Environment: KDIR (headers), EXTRA_SYMVERS (a Module.symvers whose exports this module uses),
# KEEP_SYMVERS=1 (copy the built Module.symvers next to the .ko, for modules that depend on this one).
set -eu
KDIR=${KDIR:-/usr/src/linux-headers-6.1.0-50-amd64}
HERE=$(cd "$1" && pwd)
NAME=$(basename "$HERE")
# A fixed build directory keeps the output byte-for-byte reproducible (paths feed the build-id).
BUILD=/tmp/modscope-$NAME-build
rm -rf "$BUILD"
mkdir -p "$BUILD"
trap 'rm -rf "$BUILD"' EXIT
cp "$HERE"/*.c "$HERE/Kbuild" "$BUILD/"
for h in "$HERE"/*.h; do [ -f "$h" ] && cp "$h" "$BUILD/"; done
if [ -n "${EXTRA_SYMVERS:-}" ]; then
  cp "$EXTRA_SYMVERS" "$BUILD/extra.symvers"
  make -C "$KDIR" M="$BUILD" KBUILD_EXTRA_SYMBOLS="$BUILD/extra.symvers" modules
else
  make -C "$KDIR" M="$BUILD" modules
fi
for ko in "$BUILD"/*.ko; do
  strip --strip-debug -o "$HERE/$(basename "$ko")" "$ko"
  ls -l "$HERE/$(basename "$ko")"
done
[ "${KEEP_SYMVERS:-0}" = 1 ] && cp "$BUILD/Module.symvers" "$HERE/Module.symvers"
exit 0
