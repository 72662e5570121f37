/**
 * The kernel-side what-ifs replayed against the real kernel: scripts/qemu/scenarios/kernel-faults.qemu.json
 * was recorded on Debian's 6.1.0-50 under QEMU with scripts/qemu/fault-inject/fault_inject.ko, a kprobe that
 * makes one function fail once inside the next finit_module() (Debian has no CONFIG_FAULT_INJECTION). Each
 * arming line names the same fault as `modscope whatif` does ("# whatif fail-alloc:…"); the model runs the
 * same commands on one modelled kernel, with that fault in the next load, and must give the same insmod
 * output, the same kernel log lines, the fault firing exactly when the real one did (hits), and the same
 * /proc/modules rows (addresses aside: fault_inject.ko itself sits in the modules area on the real kernel).
 *
 * kernel-faults-fn.qemu.json records the six fail:FUNCTION faults the first recording reached only under their
 * fail-alloc: names (fail:kernel_read_file, module_alloc, strndup_user, module_sig_check, percpu_modalloc, do_init_module;
 * kernel-faults-fn.sh says how each is put in). Every fault modscope whatif names has a real-kernel recording
 * (engine/whatif/outcomes.test.ts checks it).
 * - What the recording shows that the model's shell does not: after add_sect_attrs() / add_notes_attrs() fail,
 *   `ls /sys/module/hello` lacks sections/ (and notes/); the model's load step says so, its /sys listing does not.
 *   (A missing version or srcversion file, after setup_modinfo()'s unchecked kstrdup() fails, the model does show.)
 * Every fault here is put in by skipping the function (as fail_function does), so no allocator prints its
 * "page allocation failure" warning — the model prints none either.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { attachCpu } from '../cpu/attach';
import { strerror } from '../load/errno';
import type { FaultSpec } from '../load/fault-sites';
import { unloadModule } from '../load/unload';
import { moduleAttributes, procModules } from '../shell/formats';
import { loadWithFault, type FaultRun } from './fault-run';
import { parseFault } from './faults';

interface Step {
  cmd: string;
  output: string;
  rc: number;
  kmsg: { level: number; text: string }[];
  source?: string;
}

const SCENARIOS = join(ROOT, 'scripts', 'qemu', 'scenarios');
const RECORDINGS = [
  ['kernel-faults', 20],
  ['kernel-faults-fn', 6],
] as const;
const recordings = RECORDINGS.map(([name, faults]) => ({
  name,
  faults,
  steps: (JSON.parse(readFileSync(join(SCENARIOS, `${name}.qemu.json`), 'utf8')) as { steps: Step[] }).steps,
}));

function modulePath(step: Step): string {
  const word = (step.source ?? step.cmd).split(' ')[1];
  return word.startsWith('corpus:kernel/') ? join(CORPUS, word.slice('corpus:kernel/'.length)) : join(SCENARIOS, word);
}

/** /proc/modules rows without the address, and without the helper module. */
const rows = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('fault_inject '))
    .map((l) => l.replace(/ 0x[0-9a-f]+/, ' ADDR'))
    .sort();

const needCorpus = recordings.some((r) => r.steps.some((s) => (s.source ?? '').includes('corpus:')));

describe.skipIf(missing(CORPUS_WHAT, !needCorpus || existsSync(join(CORPUS, 'fs', 'fat', 'vfat.ko'))))('kernel faults on the real 6.1 (QEMU)', () => {
  for (const recording of recordings)
    it(`replays ${recording.name}.qemu.json: ${recording.faults} faults, each fired once, same insmod output, kernel log and /proc/modules`, () => {
      const k = bootKernel({ quiet: true });
      attachCpu(k, createIcedDecoder());
      let pending: { spec: FaultSpec; name: string } | null = null;
      let last: { run: FaultRun; name: string } | null = null;
      const compared: string[] = [];
      for (const [i, step] of recording.steps.entries()) {
        const at = `step ${i}: ${step.cmd}`;
        const logFrom = k.log.records.length;
        const words = step.cmd.split(' ');
        if (words[0] === 'insmod' && words[1] === 'fault_inject.ko') {
          const name = /# whatif (\S+)/.exec(step.cmd)?.[1];
          if (!name) throw new Error(`${at}: no "# whatif" fault named`);
          const f = parseFault(name);
          if (f.kind !== 'spec') throw new Error(`${at}: ${name} is not a fault`);
          expect(step.rc, at).toBe(0);
          pending = { spec: f.spec, name };
          continue;
        }
        if (words[0] === 'rmmod' && words[1] === 'fault_inject') continue;
        if (words[0] === 'insmod') {
          const file = words[1];
          const image = new Uint8Array(readFileSync(modulePath(step)));
          const run = loadWithFault(
            k,
            { fileName: file, image, args: '', syscall: 'finit_module', command: step.cmd },
            pending?.spec ?? { kind: 'none' },
          );
          const errno = run.result.errno;
          expect(run.result.end.kind, at).toBe('returned');
          expect(errno === 0 ? '' : `insmod: ERROR: could not insert module ${file}: ${strerror(errno ?? 0)}\n`, at).toBe(step.output);
          expect(errno === 0 ? 0 : 1, at).toBe(step.rc);
          if (pending) {
            if (errno !== 0)
              expect(
                run.leaked.map((a) => a.label),
                `${at} (${pending.name}): left allocated`,
              ).toEqual([]);
            last = { run, name: pending.name };
            compared.push(pending.name);
          }
          pending = null;
        } else if (words[0] === 'rmmod') {
          expect(unloadModule(k, { name: words[1] }).errno === 0 ? 0 : 1, at).toBe(step.rc);
        } else if (step.cmd.startsWith('cat /sys/module/fault_inject/parameters/hits')) {
          const [hits, ...rest] = step.output.split('\n');
          expect(last, at).not.toBeNull();
          expect(last?.run.injector.fired ? '1' : '0', `${at} (${last?.name}): did the fault fire`).toBe(hits);
          if (step.cmd.includes('/proc/modules')) expect(rows(procModules(k)), at).toEqual(rows(rest.join('\n')));
          continue;
        } else if (step.cmd === 'cat /proc/modules') {
          expect(rows(procModules(k)), at).toEqual(rows(step.output));
          continue;
        } else if (step.cmd.startsWith('ls /sys/module/')) {
          const real = new Set(step.output.split('\n'));
          const mod = k.findModule(step.cmd.split('/')[3]);
          expect(mod, at).toBeTruthy();
          // version and srcversion: the model's attributes (setup_modinfo() left NULL what its kstrdup() could not copy).
          const attrs = mod ? moduleAttributes(mod) : new Map<string, string>();
          for (const f of ['version', 'srcversion']) expect(real.has(f), `${at}: ${f}`).toBe(attrs.has(f));
          // sections/ and notes/: the model's /sys listing is not changed by these faults; its load step says what is missing.
          const lost =
            last?.name === 'fail-alloc:add_sect_attrs' ? ['sections', 'notes'] : last?.name === 'fail-alloc:add_notes_attrs' ? ['notes'] : [];
          expect(
            ['sections', 'notes'].filter((d) => !real.has(d)),
            at,
          ).toEqual(lost);
          continue;
        } else throw new Error(`${at}: a command the replay does not know`);
        const log = k.log.records.slice(logFrom).map((r) => `<${r.level}>${r.text}`);
        expect(log, at).toEqual(step.kmsg.map((m) => `<${m.level}>${m.text}`));
      }
      expect(compared).toHaveLength(recording.faults);
    });
});
