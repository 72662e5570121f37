#!/bin/sh
# Build samples/provider/provider.ko and keep its Module.symvers: consumer/build.sh needs the CRCs
# of provider's exports (KBUILD_EXTRA_SYMBOLS). See ../build-module.sh.
KEEP_SYMVERS=1 exec sh "$(dirname "$0")/../build-module.sh" "$(dirname "$0")"
