/**
 * The recorded transcripts are still the truth: boot the real Debian 6.1.0-50 kernel under QEMU
 * (where qemu-system-x86_64 and busybox are installed), run three lessons again (one an oops), and compare every
 * command's output, exit code and kernel messages with the committed recording that the shell
 * replay test (engine/shell/scenarios.test.ts) holds the model to.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../test-support/kernel';
import { missing } from '../test-support/prereq';

interface Step {
  cmd: string;
  output: string;
  rc: number;
  kmsg?: { level: number; text: string }[];
}

const qemu = spawnSync('qemu-system-x86_64', ['--version']).status === 0 && existsSync('/bin/busybox');
const DIR = join(ROOT, 'scripts', 'qemu', 'scenarios');

/**
 * An oops's lines that do not depend on the run: up to RIP (the PID masked), and page_fault_oops()'s "CR2:" summary.
 * The registers, the stack and the code bytes around RIP hold addresses of the run (the task's stack, slab pointers).
 */
const oopsStable = (kmsg: string[]): string[] => {
  const rip = kmsg.findIndex((l) => l.startsWith('<4>RIP: 0010:'));
  if (rip < 0) return kmsg;
  return [...kmsg.slice(0, rip + 1).map((l) => l.replace(/ PID: \d+ /, ' PID: _ ')), ...kmsg.filter((l) => /^<4>CR2: [0-9a-f]{16}$/.test(l))];
};

/** Outputs that change from run to run: ls -l dates, timestamps, an oops's registers. */
const stable = (s: Step): { cmd: string; output: string; rc: number; kmsg: string[] } => ({
  cmd: s.cmd,
  output: s.cmd.startsWith('ls -l') || s.cmd.startsWith('dmesg') ? '' : s.output,
  rc: s.rc,
  kmsg: oopsStable((s.kmsg ?? []).map((m) => `<${m.level}>${m.text}`)),
});

describe.skipIf(missing('qemu-system-x86_64 (qemu-system-x86), /bin/busybox (busybox-static)', !!qemu))(
  'the real kernel under QEMU agrees with the recordings',
  () => {
    // oops: the faulting instruction (RIP), CR2 and the #PF error code the CPU pane shows are held to the recording.
    for (const name of ['hello', 'provider-consumer', 'oops']) {
      it(`${name}.sh`, () => {
        const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'qemu', 'run-scenario.mjs'), join(DIR, `${name}.sh`), '--timeout', '120'], {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        });
        expect(r.status, r.stderr).toBe(0);
        const live = (JSON.parse(r.stdout) as { steps: Step[] }).steps.map(stable);
        const recorded = (JSON.parse(readFileSync(join(DIR, `${name}.qemu.json`), 'utf8')) as { steps: Step[] }).steps.map(stable);
        expect(live).toEqual(recorded);
      }, 180_000);
    }
  },
);
