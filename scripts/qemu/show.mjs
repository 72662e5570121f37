#!/usr/bin/env node
// Print a *.qemu.json transcript like a terminal session, with the kernel messages each command
// produced ("<level> text") under it. Usage: node scripts/qemu/show.mjs FILE.qemu.json [--boot]
// (--boot also prints the boot-time dmesg).
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const t = JSON.parse(readFileSync(file, 'utf8'));
const out = [`# ${t.kernel} ${t.cmdline} (printk: ${t.printk.replace(/\s+/g, ' ')})`];
if (process.argv.includes('--boot')) {
  for (const d of t.dmesg.slice(0, t.bootDmesgCount)) out.push(`  <${d.level}>[${d.time}] ${d.text}`);
}
for (const s of t.steps) {
  out.push(`$ ${s.cmd}`);
  if (s.output) out.push(s.output.replace(/\n$/, ''));
  if (s.rc !== 0) out.push(`[rc=${s.rc}]`);
  for (const k of s.kmsg) out.push(`  <${k.level}> ${k.text}`);
}
const con = t.console.filter((l) => !/reboot: Power down/.test(l));
if (con.length) out.push('# kernel console (ttyS0):', ...con);
process.stdout.write(`${out.join('\n')}\n`);
