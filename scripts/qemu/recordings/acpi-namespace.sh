# The ACPI namespace's devices on the modelled machine (QEMU PC, -nodefaults): every struct acpi_device the kernel made
# (drivers/acpi/scan.c acpi_bus_scan()), with its namespace path, hardware ID, modalias (every ID: _HID then _CIDs) and _STA status.
# Recorded with: node scripts/qemu/run-scenario.mjs scripts/qemu/recordings/acpi-namespace.sh --out scripts/qemu/recordings/acpi-namespace.qemu.json
# engine/cpu/kernel-calls/acpi-namespace.ts holds the list it gave; acpi-namespace.test.ts checks it against this recording.
for d in /sys/bus/acpi/devices/*; do echo "$(basename $d) path=$(cat $d/path 2>/dev/null) hid=$(cat $d/hid 2>/dev/null) modalias=$(cat $d/modalias 2>/dev/null) status=$(cat $d/status 2>/dev/null)"; done
