#!/bin/sh
# Build samples/consumer/consumer.ko against provider's exports. Without provider's Module.symvers,
# modpost fails: "provider_greet" [consumer.ko] undefined! See ../build-module.sh.
set -eu
HERE=$(dirname "$0")
[ -f "$HERE/../provider/Module.symvers" ] || sh "$HERE/../provider/build.sh"
EXTRA_SYMVERS="$HERE/../provider/Module.symvers" exec sh "$HERE/../build-module.sh" "$HERE"
