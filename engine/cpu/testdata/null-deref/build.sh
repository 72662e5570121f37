#!/bin/sh
# Build engine/cpu/testdata/null-deref's module: see samples/build-module.sh.
exec sh "$(dirname "$0")/../../../../samples/build-module.sh" "$(dirname "$0")"
