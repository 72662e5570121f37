#!/bin/sh
# Build samples/kprobe-lookup's module(s): see ../build-module.sh.
exec sh "$(dirname "$0")/../build-module.sh" "$(dirname "$0")"
