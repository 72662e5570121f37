#!/bin/sh
# Build fault_inject.ko against the Debian 12 headers (6.1.0-50-amd64): sh scripts/qemu/fault-inject/build.sh
exec sh "$(dirname "$0")/../../../samples/build-module.sh" "$(dirname "$0")"
