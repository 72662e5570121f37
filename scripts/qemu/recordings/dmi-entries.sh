# The SMBIOS structures of the modelled machine (QEMU PC, SeaBIOS): their types, as /sys/firmware/dmi/entries names them
# (type-instance). Recorded with: node scripts/qemu/run-scenario.mjs scripts/qemu/recordings/dmi-entries.sh --out scripts/qemu/recordings/dmi-entries.qemu.json
# machine.ts (dmi_find_device) and its test rely on it: none of types 9, 10, 11, 38, 41, so dmi_devices is empty.
ls /sys/firmware/dmi/entries
