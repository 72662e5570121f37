/**
 * engine/whatif/OUTCOMES.md: every what-if (module mutations and kernel faults) with the outcome the real 6.1.0-50 kernel
 * gave under QEMU, read from the recordings themselves (scripts/qemu/scenarios/*.qemu.json and the `#! make` / `# whatif`
 * lines of their scripts), so the table cannot drift from them. `MODSCOPE_WRITE_OUTCOMES=1 npx vitest run
 * engine/whatif/outcomes.test.ts` rewrites it; otherwise the committed file must equal what the recordings say, and every
 * mutation kind, allocation site and fail: function must have a recorded row.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/test-support/kernel';
import { ALLOC_SITE_IDS, FAIL_FUNCTIONS } from '../load/fault-sites';
import { MUTATION_KINDS } from './mutate';

const DIR = join(ROOT, 'scripts', 'qemu', 'scenarios');
const FILE = join(ROOT, 'engine', 'whatif', 'OUTCOMES.md');

interface Step {
  cmd: string;
  source?: string;
  output: string;
  rc: number;
  kmsg: { level: number; text: string }[];
}
interface Row {
  mutation: string;
  module: string;
  recording: string;
  command: string;
  insmod: string;
  log: string;
}

const steps = (name: string): Step[] => (JSON.parse(readFileSync(join(DIR, `${name}.qemu.json`), 'utf8')) as { steps: Step[] }).steps;
const script = (name: string): string => readFileSync(join(DIR, `${name}.sh`), 'utf8');
const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `#! make NAME.ko from SOURCE MUTATION` lines: NAME.ko → its source and mutation. */
function made(name: string): Map<string, { from: string; mutation: string }> {
  const out = new Map<string, { from: string; mutation: string }>();
  for (const l of script(name).split('\n')) {
    const m = /^#! make ([\w-]+\.ko) from (\S+\.ko) (\S.*)$/.exec(l.trim());
    if (m) out.set(m[1], { from: base(m[2]), mutation: m[3].replace(/^"(.*)"$/, '$1') });
  }
  return out;
}

/**
 * The first kernel line the load printed about itself. Dropped: "loading out-of-tree module taints kernel" (once a
 * boot, about the module being out of tree) and, for the samples (never signed), "module verification failed".
 */
function firstLine(step: Step, sample: boolean): string {
  const l = step.kmsg.find(
    (k) => !/loading out-of-tree module taints kernel\.$/.test(k.text) && !(sample && /module verification failed/.test(k.text)),
  );
  return l ? `<${l.level}>${l.text}` : '(nothing)';
}
const insmodLine = (s: Step): string => (s.rc === 0 ? 'loads (exit 0)' : s.output.trim());

function rows(): Row[] {
  const out: Row[] = [];
  for (const rec of ['whatif-module', 'signature']) {
    const make = made(rec);
    const all = steps(rec);
    let consumers = 0;
    for (const s of all) {
      const [cmd, file, ...args] = s.cmd.split(' ');
      if (cmd !== 'insmod') continue;
      const m = make.get(file);
      const row = (mutation: string, module: string, sample: boolean) =>
        out.push({ mutation, module, recording: `${rec}.qemu.json`, command: s.cmd, insmod: insmodLine(s), log: firstLine(s, sample) });
      if (m) row(m.mutation, m.from, !['fat.ko', 'vfat.ko'].includes(m.from));
      else if (args.length) row(args.map((a) => `param:${a}`).join('+'), file, true);
      else if (file === 'consumer.ko') {
        // The script loads consumer.ko first with no provider, then after provider-nogreet.ko (provider_greet unexported).
        row(consumers++ === 0 ? 'without:provider' : 'unexport:provider_greet (on provider.ko, then this)', file, true);
      } else if (file === 'vfat.ko' && rec === 'whatif-module') row('unexport:fat_fill_super (on fat.ko, then this)', file, false);
    }
  }
  for (const rec of ['kernel-faults', 'kernel-faults-fn']) {
    const faults = steps(rec);
    faults.forEach((s, i) => {
      const name = /# whatif (\S+)/.exec(s.cmd)?.[1];
      if (!name) return;
      const next = faults[i + 1];
      const file = next.cmd.split(' ')[1];
      out.push({
        mutation: name,
        module: file,
        recording: `${rec}.qemu.json`,
        command: `${s.cmd.replace(/ # whatif .*/, '')}; ${next.cmd}`,
        insmod: insmodLine(next),
        log: firstLine(next, file === 'hello.ko'),
      });
    });
  }
  return out;
}

/**
 * How a fault is put in on the real kernel when it is not by skipping the function it names (kernel-faults*.sh say the
 * same). Every fault is recorded; none is left out.
 */
const HOW: Record<string, string> = {
  'fail:percpu_modalloc': 'percpu_modalloc() is inlined into load_module(): its allocator __alloc_reserved_percpu() returns NULL',
  'fail:do_init_module':
    'do_init_module() frees a module whose init failed, so skipping it is no failure the kernel can have: the kmalloc() of ' +
    'struct mod_initfree, its one failure before init, returns NULL',
  'fail-alloc:mod_sysfs_init': 'mod_sysfs_init() is inlined: kobject_set_name_vargs() called from kobject_init_and_add() fails',
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/`/g, '&#96;');

function markdown(): string {
  const r = rows();
  const lines = [
    '# What if…? — each mutation and fault, as the real kernel answered',
    '',
    "Generated from the recordings by `engine/whatif/outcomes.test.ts` (Debian's 6.1.0-50-amd64 under QEMU; the test fails when this file",
    'and the recordings disagree). Each row: the what-if as `modscope whatif` names it, the module it was given to, the recording, and what',
    "the real kernel did: insmod's line and the first kernel log line of that load (the once-a-boot out-of-tree taint line left out, and",
    "for the unsigned samples the signature line too). The model's answers are replayed against the same recordings in CI",
    '(engine/shell/scenarios.test.ts, engine/whatif/faults-qemu.test.ts).',
    '',
    '| what if | module | insmod on the real kernel | first kernel log line | recording |',
    '| --- | --- | --- | --- | --- |',
    ...r.map((x) => `| \`${cell(x.mutation)}\` | ${x.module} | ${cell(x.insmod)} | ${cell(x.log)} | ${x.recording} |`),
    '',
    '## How the faults were put in',
    '',
    "Debian's kernel has no fault-injection framework: scripts/qemu/fault-inject/fault_inject.ko puts a kprobe on the function named and",
    'skips it (as fail_function does), making it return the error once inside the next finit_module(); the arming command of each',
    'fault is in kernel-faults.sh and kernel-faults-fn.sh. Where the function is not skipped itself:',
    '',
    ...Object.entries(HOW).map(([f, how]) => `- \`${f}\`: ${how}.`),
    '',
  ];
  return lines.join('\n');
}

describe('OUTCOMES.md', () => {
  it('equals what the recordings say, and covers every mutation kind and fault', () => {
    const text = markdown();
    if (process.env.MODSCOPE_WRITE_OUTCOMES === '1') writeFileSync(FILE, text);
    expect(readFileSync(FILE, 'utf8')).toBe(text);
    const named = rows().map((r) => r.mutation);
    const kinds = new Set(named.flatMap((n) => n.split('+').map((p) => p.split(':')[0])));
    for (const k of MUTATION_KINDS) expect(kinds.has(k), `mutation kind ${k}`).toBe(true);
    for (const id of ALLOC_SITE_IDS) expect(named, `fail-alloc:${id}`).toContain(`fail-alloc:${id}`);
    // Every fault has a real-kernel recording of its own, under the name modscope whatif gives it.
    for (const [fn] of FAIL_FUNCTIONS)
      expect(
        named.some((n) => n.startsWith(`fail:${fn}`)),
        `fail:${fn}`,
      ).toBe(true);
    for (const f of Object.keys(HOW)) expect(named, f).toContain(f);
  });
});
