#!/bin/sh
# Re-record every scenarios/*.sh as scenarios/NAME.qemu.json (and hello once more with KASLR on).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
for s in "$HERE"/scenarios/*.sh; do
  node "$HERE/run-scenario.mjs" "$s" --out "${s%.sh}.qemu.json"
done
node "$HERE/run-scenario.mjs" "$HERE/scenarios/hello.sh" --kaslr --out "$HERE/scenarios/hello.kaslr.qemu.json"
