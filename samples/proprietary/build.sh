#!/bin/sh
# Build samples/proprietary/{proprietary,gplonly}.ko (see ../build-module.sh), then patch gplonly.ko's
# .modinfo in place: "license=Dual MIT/GPL" -> "license=Proprietary\0" (12 bytes each, so no offset
# changes). See README.md.
set -eu
HERE=$(dirname "$0")
sh "$HERE/../build-module.sh" "$HERE"
node "$HERE/patch-license.mjs" "$HERE/gplonly.ko"
