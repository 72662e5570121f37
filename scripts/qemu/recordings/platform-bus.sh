# The platform bus of the modelled machine (QEMU PC, -nodefaults): its devices, their modalias and driver, and the
# platform drivers built into the kernel. Recorded with: node scripts/qemu/run-scenario.mjs scripts/qemu/recordings/platform-bus.sh --out scripts/qemu/recordings/platform-bus.qemu.json
# engine/cpu/kernel-calls/platform.ts holds the lists it gave; platform.test.ts checks them against this recording.
ls /sys/bus/platform/devices
for d in /sys/bus/platform/devices/*; do echo "$(basename $d) modalias=$(cat $d/modalias) driver=$(basename $(readlink $d/driver) 2>/dev/null)"; done
ls /sys/bus/platform/drivers
