#!/usr/bin/env node
// Records what the modelled machine (QEMU PC, -nodefaults, TCG) gives a driver that ioremap()s the legacy VGA window
// 0xa0000-0xbffff (no VGA card; it answers as RAM) and reads/writes ISA ports no device claims (HGA's
// 0x3b4/0x3b5/0x3ba/0x3bf): one boot, /proc/iomem, then `insmod iomem_probe.ko` (iomem-probe/iomem_probe.c).
//
//   node scripts/qemu/iomem-probe.mjs    # writes scripts/qemu/recordings/iomem-legacy.qemu.json
//
// engine/cpu/kernel-calls/ioremap.ts models what it shows; ioremap.test.ts checks the model against the recording.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureBoot } from './capture-boot.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'recordings', 'iomem-legacy.qemu.json');
const LINES = ['cat /proc/iomem', 'insmod iomem_probe.ko'];

const t = await captureBoot(join(HERE, 'iomem-probe', 'iomem_probe.c'), LINES);
const out = {
  what: 'QEMU PC (-nodefaults): the legacy VGA window and HGA ports as a module sees them; scripts/qemu/iomem-probe.mjs',
  kernel: t.kernel ?? t.version,
  accel: t.accel,
  iomem: t.steps[0].output.split('\n').filter((l) => l.length),
  insmod: { output: t.steps[1].output, rc: t.steps[1].rc },
  kmsg: t.steps[1].kmsg.map((m) => m.text),
};
writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
console.log(out.kmsg.join('\n'));
