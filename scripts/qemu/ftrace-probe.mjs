#!/usr/bin/env node
// Ground truth for engine/load/main-ftrace.ts: boot the real Debian kernel under QEMU, insmod a module whose init
// prints the first 8 bytes of one of its .text functions and of itself as they are when init runs (after
// ftrace_module_init()), and write the kernel's lines to scripts/qemu/recordings/ftrace-probe.json.
//   node scripts/qemu/ftrace-probe.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureBoot } from './capture-boot.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const t = await captureBoot(join(HERE, 'ftrace-probe', 'ftrace_probe.c'), ['insmod ftrace_probe.ko']);
const kmsg = t.steps[0].kmsg.map((m) => m.text);
if (!kmsg.some((l) => l.startsWith('ftrace_probe: probe_fn '))) throw new Error(`the probe printed nothing: ${kmsg.join(' | ')}`);
const out = join(HERE, 'recordings', 'ftrace-probe.json');
const machine = 'Debian 6.1.0-50-amd64, QEMU Standard PC (i440FX + PIIX), nokaslr';
writeFileSync(out, `${JSON.stringify({ machine, cmd: 'insmod ftrace_probe.ko', kmsg }, null, 1)}\n`);
process.stderr.write(`ftrace-probe: wrote ${out}\n`);
