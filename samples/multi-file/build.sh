#!/bin/sh
# Build samples/multi-file/multi.ko from main.c and helper.c (see ../build-module.sh).
exec sh "$(dirname "$0")/../build-module.sh" "$(dirname "$0")"
