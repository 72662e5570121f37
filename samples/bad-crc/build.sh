#!/bin/sh
# Build samples/bad-crc/bad-crc.ko (see ../build-module.sh), then invert the CRC of _printk in its
# __versions section (patch-crc.mjs: same size, nothing else moves).
set -eu
HERE=$(dirname "$0")
sh "$HERE/../build-module.sh" "$HERE"
node "$HERE/patch-crc.mjs" "$HERE/bad-crc.ko" _printk
