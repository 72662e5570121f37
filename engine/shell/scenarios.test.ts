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
import { mutate, parseMutation } from '../whatif/mutate';
import { attachCpu } from '../cpu/attach';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const DIR = join(ROOT, 'scripts', 'qemu', 'scenarios');
// kernel-faults(-fn).qemu.json force faults with a kprobe helper module (scripts/qemu/fault-inject), which the
// shell cannot load: engine/whatif/faults-qemu.test.ts replays it with the same faults injected in the model.
const REPLAYED_ELSEWHERE = new Set(['kernel-faults.qemu.json', 'kernel-faults-fn.qemu.json']);
const scenarios = existsSync(DIR)
  ? readdirSync(DIR).filter((f) => f.endsWith('.qemu.json') && !f.includes('.kaslr.') && !REPLAYED_ELSEWHERE.has(f))
  : [];

/**
 * /root/NAME.ko: a sample, or a corpus module (the runner copies both there under their base names;
 * a corpus module's path is in the step's source line, "corpus:kernel/…/NAME.ko").
 */
function filesFor(corpusPaths: Map<string, string>, made: Map<string, { source: string; mutation: string }>): (path: string) => Uint8Array | null {
  const read = (path: string): Uint8Array | null => {
    const m = /^\/root\/([\w-]+)\.ko$/.exec(path);
    if (!m) return null;
    const make = made.get(`${m[1]}.ko`);
    if (make) {
      const src = make.source.startsWith('corpus:') ? join(CORPUS, make.source.slice('corpus:kernel/'.length)) : join(DIR, make.source);
      return existsSync(src) ? mutate(new Uint8Array(readFileSync(src)), parseMutation(make.mutation)).image : null;
    }
    for (const d of readdirSync(join(ROOT, 'samples'))) {
      const f = join(ROOT, 'samples', d, `${m[1]}.ko`);
      if (existsSync(f)) return new Uint8Array(readFileSync(f));
    }
    const rel = corpusPaths.get(m[1]);
    const f = rel !== undefined ? join(CORPUS, rel) : join(CORPUS, 'fs', 'fat', `${m[1]}.ko`);
    return existsSync(f) ? new Uint8Array(readFileSync(f)) : null;
  };
  return read;
}

/** The script's `#! make NAME.ko from SOURCE MUTATION` lines (scripts/qemu/run-scenario.mjs MAKE_LINE). */
function madeFiles(script: string): Map<string, { source: string; mutation: string }> {
  const out = new Map<string, { source: string; mutation: string }>();
  const file = join(DIR, script);
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#! make ([\w-]+\.ko) from (\S+\.ko) (\S.*)$/.exec(line.trim());
    if (m) out.set(m[1], { source: m[2], mutation: m[3].replace(/^"(.*)"$/, '$1') });
  }
  return out;
}

/** Kernel lines that come from the emulator, not the module: TCG's slow clock trips the clocksource watchdog. */
const EMULATOR_NOISE = /^<4>clocksource: Long readout interval, skipping watchdog check/;

const LOOP = 'for loops, $(…) and [ ] are not in the shell';
const LS_L = 'ls -l is not modelled';
const KNOWN: Record<string, string> = {
  'ring-flood.qemu.json: dmesg | grep -c .': 'the boot log (348 records here) is not modelled',
  'ring-flood.qemu.json: insmod ring-flood.ko count=2000':
    "the harness reads the real kernel's records after the command, when lines 1-969 were already overwritten; the model keeps every record of the step",
  'hello.qemu.json: grep -e load_module -e bpf_prog_pack /proc/vmallocinfo': '/proc/vmallocinfo is not modelled',
  'hello.qemu.json: ls -l /sys/module/hello/parameters/': LS_L,
  'params.qemu.json: ls -l /sys/module/params/parameters/': LS_L,
  'hello.qemu.json: cd /sys/module/hello/sections && for f in .* *; do [ -f "$f" ] && echo "$f $(cat "$f")"; done': LOOP,
  'params.qemu.json: cd /sys/module/params/parameters && for f in *; do echo "$f=$(cat $f)"; done': LOOP,
  'hello.qemu.json: dmesg | tail -n 12': 'the boot log and the init printk output are not modelled',
  'bad-crc.qemu.json: modprobe --dump-modversions bad-crc.ko': 'modprobe --dump-modversions is not in the shell',
  'amdgpu.qemu.json: ls /sys/firmware/acpi/tables/': "/sys/firmware is not in the shell (the tables themselves are the model's acpi_get_table data)",
  'amdgpu.qemu.json: for t in FACP DSDT APIC HPET WAET; do echo $t; od -An -tx1 -v /sys/firmware/acpi/tables/$t; done': LOOP,
  'amdgpu.qemu.json: echo $?': '$? is not in the shell',
  'amdgpu.qemu.json: grep MemTotal /proc/meminfo': '/proc/meminfo is not modelled',
};

/**
 * Commands whose kernel log is an oops: the registers, the PID, the stack and the call trace's offsets
 * are the real machine's, so only the oops's head is compared (the module's lines before it, BUG:,
 * #PF:, PGD, Oops:, CPU: with the PID left out, Hardware name:, and RIP: with find_kallsyms_symbol()'s
 * size (the last init symbol measured up to the page-aligned init_layout.text_size, 0x1000).
 */
const OOPS_HEAD: Record<string, string> = {
  'oops.qemu.json: insmod oops.ko': 'oops registers, PID and stack offsets differ',
};
function oopsHead(lines: string[]): string[] {
  const rip = lines.findIndex((l) => l.startsWith('<4>RIP: '));
  return lines.slice(0, rip + 1).map((l) => l.replace(/ PID: \d+ /, ' PID: _ '));
}

/**
 * Commands whose kernel log holds a dump_stack() (do_init_module() after an init returned > 0): insmod's user-space
 * registers (RIP: 0033: … R15), under user-space ASLR, and the unreliable "? fn+off" frames (stale stack words that
 * differ from run to run) are not modelled, and the PID is the real machine's.
 */
const DUMP_STACK: Record<string, string> = {
  'whatif-module.qemu.json: insmod init-positive.ko': "insmod's user-space registers are not modelled",
};
function withoutUserRegs(lines: string[]): string[] {
  const from = lines.findIndex((l) => l.startsWith('<4>RIP: 0033:'));
  const to = lines.findIndex((l) => l.startsWith('<4>R13: '));
  const kept = from >= 0 && to > from ? [...lines.slice(0, from), ...lines.slice(to + 1)] : lines;
  return kept.filter((l) => !l.startsWith('<4> ? ')).map((l) => l.replace(/ PID: \d+ /, ' PID: _ '));
}

interface Step {
  cmd: string;
  /** The line as written in the script, when the runner rewrote a module path. */
  source?: string;
  output: string;
  rc: number;
  /** What the kernel logged while the command ran (level, text). */
  kmsg?: { level: number; text: string }[];
}

describe('recorded QEMU scenarios', () => {
  it('are committed', () => expect(scenarios.length).toBeGreaterThanOrEqual(18));
  for (const f of scenarios) {
    const needsCorpus = f.startsWith('corpus-') || f === 'amdgpu.qemu.json' || f === 'signature.qemu.json' || f === 'whatif-module.qemu.json';
    it.skipIf(needsCorpus && missing(CORPUS_WHAT, existsSync(join(CORPUS, 'fs', 'fat', 'fat.ko'))))(f, () => {
      const recording = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { scenario: string; steps: Step[] };
      const steps = recording.steps;
      const k = bootKernel({ quiet: true });
      attachCpu(k, createIcedDecoder());
      const corpusPaths = new Map(
        steps.flatMap((x) => [...(x.source ?? '').matchAll(/corpus:kernel\/(\S+\/([\w-]+)\.ko)/g)].map((m) => [m[2], m[1]] as [string, string])),
      );
      const sh = new Shell(k, filesFor(corpusPaths, madeFiles(recording.scenario)));
      const mismatches: string[] = [];
      for (const s of steps) {
        sh.vfs.cwd = '/root';
        const logFrom = sh.k.log.records.length;
        const r = sh.run(s.cmd);
        if (KNOWN[`${f}: ${s.cmd}`] !== undefined) continue;
        const real = s.output.replace(/^\/init: (eval: )?line \d+: /gm, 'sh: ');
        if (r.output !== real || r.exit !== s.rc)
          mismatches.push(`${s.cmd}\n  real (${s.rc}): ${JSON.stringify(real)}\n  model (${r.exit}): ${JSON.stringify(r.output)}`);
        // The kernel's own lines for this command: text, level and order (timestamps aside).
        let realLog = (s.kmsg ?? []).map((m) => `<${m.level}>${m.text}`).filter((l) => !EMULATOR_NOISE.test(l));
        let modelLog = sh.k.log.records.slice(logFrom).map((m) => `<${m.level}>${m.text}`);
        if (OOPS_HEAD[`${f}: ${s.cmd}`] !== undefined) {
          expect(
            realLog.some((l) => l.startsWith('<4>RIP: ')),
            `${s.cmd}: the real log has no oops`,
          ).toBe(true);
          realLog = oopsHead(realLog);
          modelLog = oopsHead(modelLog);
        }
        if (DUMP_STACK[`${f}: ${s.cmd}`] !== undefined) {
          expect(
            realLog.some((l) => l.startsWith('<4>RIP: 0033:')),
            `${s.cmd}: the real log has no user-space registers`,
          ).toBe(true);
          realLog = withoutUserRegs(realLog);
          modelLog = withoutUserRegs(modelLog);
        }
        if (JSON.stringify(realLog) !== JSON.stringify(modelLog))
          mismatches.push(`${s.cmd} (kernel log)\n  real: ${JSON.stringify(realLog)}\n  model: ${JSON.stringify(modelLog)}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
