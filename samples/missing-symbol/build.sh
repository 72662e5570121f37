#!/bin/sh
# Build samples/missing-symbol/missing-symbol.ko (see ../build-module.sh). modpost does not find
# modscope_nobody_exports anywhere; KBUILD_MODPOST_WARN=1 turns its error into a warning:
#   WARNING: modpost: "modscope_nobody_exports" [.../missing-symbol.ko] undefined!
KBUILD_MODPOST_WARN=1 exec sh "$(dirname "$0")/../build-module.sh" "$(dirname "$0")"
