#!/usr/bin/env node
// Records the struct acpi_device of QEMU's fixed-feature power button (LNXPWRBN:00) as the real kernel made it at boot,
// with the layout of this build: one boot, `insmod acpi_pwrbn_probe.ko` (acpi-pwrbn-probe/acpi_pwrbn_probe.c).
//
//   node scripts/qemu/acpi-pwrbn-probe.mjs    # writes scripts/qemu/recordings/acpi-pwrbn.qemu.json
//
// engine/cpu/kernel-calls/acpi-button-device.ts builds the device from it; acpi-button-device.test.ts checks it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureBoot } from './capture-boot.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'recordings', 'acpi-pwrbn.qemu.json');
const LINES = ['ls /sys/bus/acpi/devices/LNXPWRBN:00/', 'cat /proc/bus/input/devices', 'insmod acpi_pwrbn_probe.ko'];

const t = await captureBoot(join(HERE, 'acpi-pwrbn-probe', 'acpi_pwrbn_probe.c'), LINES);
const out = {
  what: "QEMU PC's LNXPWRBN:00 struct acpi_device as the real kernel built it; scripts/qemu/acpi-pwrbn-probe.mjs",
  kernel: t.kernel ?? t.version,
  sysfs: t.steps[0].output.split('\n').filter((l) => l.length),
  inputDevices: t.steps[1].output.split('\n'),
  insmod: { output: t.steps[2].output, rc: t.steps[2].rc },
  kmsg: t.steps[2].kmsg.map((m) => m.text),
};
writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
console.log(out.kmsg.join('\n'));
