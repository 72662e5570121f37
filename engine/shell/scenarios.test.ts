/**
 * Replays every recorded QEMU scenario in scripts/qemu/scenarios (real kmod 30, busybox sh,
 * Debian 6.1.0-50 booted `quiet nokaslr`) through the shell, each line in a fresh working
 * directory as the runner's `( eval "$line" )` has it, and compares the terminal output and exit
 * code. The differences listed in KNOWN are explained there; any other one fails.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootKernel, CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { Shell } from './index';
import { attachCpu } from '../cpu/attach';
import { createIcedDecoder } from '../../main/cpu/iced-decoder';

const DIR = join(ROOT, 'scripts', 'qemu', 'scenarios');
const scenarios = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.qemu.json') && !f.includes('.kaslr.')) : [];

/** /root/NAME.ko: a sample, or a corpus module (the runner copies both there under their base names). */
function files(path: string): Uint8Array | null {
  const m = /^\/root\/([\w-]+)\.ko$/.exec(path);
  if (!m) return null;
  for (const d of readdirSync(join(ROOT, 'samples'))) {
    const f = join(ROOT, 'samples', d, `${m[1]}.ko`);
    if (existsSync(f)) return new Uint8Array(readFileSync(f));
  }
  const f = join(CORPUS, 'fs', 'fat', `${m[1]}.ko`);
  return existsSync(f) ? new Uint8Array(readFileSync(f)) : null;
}

const LOOP = 'for loops, $(…) and [ ] are not in the shell';
const LS_L = 'ls -l is not modelled';
const KNOWN: Record<string, string> = {
  'hello.qemu.json: grep -e load_module -e bpf_prog_pack /proc/vmallocinfo': '/proc/vmallocinfo is not modelled',
  'hello.qemu.json: ls -l /sys/module/hello/parameters/': LS_L,
  'params.qemu.json: ls -l /sys/module/params/parameters/': LS_L,
  'hello.qemu.json: cd /sys/module/hello/sections && for f in .* *; do [ -f "$f" ] && echo "$f $(cat "$f")"; done': LOOP,
  'params.qemu.json: cd /sys/module/params/parameters && for f in *; do echo "$f=$(cat $f)"; done': LOOP,
  'hello.qemu.json: grep -c . /proc/kallsyms': "/proc/kallsyms has only the modules' symbols (vmlinux's are not in the profile)",
  'hello.qemu.json: dmesg | tail -n 12': 'the boot log and the init printk output are not modelled',
};

interface Step {
  cmd: string;
  output: string;
  rc: number;
  /** What the kernel logged while the command ran (level, text). */
  kmsg?: { level: number; text: string }[];
}

describe.skipIf(scenarios.length === 0)('recorded QEMU scenarios', () => {
  for (const f of scenarios) {
    const needsCorpus = f.startsWith('corpus-');
    it.skipIf(needsCorpus && !existsSync(join(CORPUS, 'fs', 'fat', 'fat.ko')))(f, () => {
      const steps = (JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { steps: Step[] }).steps;
      const k = bootKernel({ quiet: true });
      attachCpu(k, createIcedDecoder());
      const sh = new Shell(k, files);
      const mismatches: string[] = [];
      for (const s of steps) {
        sh.vfs.cwd = '/root';
        const logFrom = sh.k.log.records.length;
        const r = sh.run(s.cmd);
        if (KNOWN[`${f}: ${s.cmd}`] !== undefined) continue;
        const real = s.output.replace(/^\/init: (eval: )?line \d+: /gm, 'sh: ');
        if (r.output !== real || r.exit !== s.rc) mismatches.push(`${s.cmd}\n  real (${s.rc}): ${JSON.stringify(real)}\n  model (${r.exit}): ${JSON.stringify(r.output)}`);
        // The kernel's own lines for this command: text, level and order (timestamps aside).
        const realLog = (s.kmsg ?? []).map((m) => `<${m.level}>${m.text}`);
        const modelLog = sh.k.log.records.slice(logFrom).map((m) => `<${m.level}>${m.text}`);
        if (JSON.stringify(realLog) !== JSON.stringify(modelLog)) mismatches.push(`${s.cmd} (kernel log)\n  real: ${JSON.stringify(realLog)}\n  model: ${JSON.stringify(modelLog)}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
