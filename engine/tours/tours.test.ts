/**
 * Every tour beside the samples plays on the modelled kernel, and every stop lands on the step it
 * names; the lesson index covers C01–C34 with stops that exist and show the concept. Tours run
 * through the engine API exactly as the app plays them (createEngine: the engine/shell Shell on a
 * booted ModelKernel with the CPU attached, the same as engine/shell/scenarios.test.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { createEngine } from '../engine';
import { ROOT } from '../../scripts/test-support/kernel';
import { CONCEPTS } from './concepts';
import { LESSON_INDEX } from './lesson-index';
import { parseTour, tourFiles } from './parse';
import { callsFunction, resolveRef } from './resolve';
import { captionFields, fillCaption } from './caption';
import { runTour } from './run';
import { TourError } from './errors';
import type { Tour } from './types';

const SAMPLES = join(ROOT, 'samples');
const PROFILE = new Uint8Array(readFileSync(join(SAMPLES, 'kernel', 'debian-6.1.0-50-amd64.json.gz')));

function tourFilesOnDisk(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(SAMPLES)) {
    const dir = join(SAMPLES, d);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) if (/^tour(-[\w.]+)?\.json$/.test(f)) out.push(`${d}/${f}`);
  }
  return out.sort();
}

const tours: Tour[] = tourFilesOnDisk().map((rel) => parseTour(JSON.parse(readFileSync(join(SAMPLES, rel), 'utf8')), rel));
const byId = new Map(tours.map((t) => [t.id, t]));

describe('tour files', () => {
  it('cover every prebuilt sample module, with unique ids, each tour beside its sample', () => {
    expect(byId.size).toBe(tours.length);
    for (const t of tours) for (const f of tourFiles(t)) expect(existsSync(join(SAMPLES, f)), `${t.id}: ${f}`).toBe(true);
    const modules = readdirSync(SAMPLES)
      .filter((d) => statSync(join(SAMPLES, d)).isDirectory())
      .flatMap((d) =>
        readdirSync(join(SAMPLES, d))
          .filter((f) => f.endsWith('.ko'))
          .map((f) => `${d}/${f}`),
      );
    expect(modules.length).toBeGreaterThanOrEqual(17);
    const toured = new Set(tours.flatMap(tourFiles));
    expect(modules.filter((m) => !toured.has(m))).toEqual([]);
    expect(tours.filter((t) => t.kernel === '2.4').map((t) => t.id)).toEqual(['hello-2.4', 'provider-2.4']);
  });

  it('reject a malformed tour with a typed error naming the field', () => {
    const good = JSON.parse(readFileSync(join(SAMPLES, 'hello', 'tour.json'), 'utf8')) as {
      stops: { at: Record<string, unknown>; concepts: string[] }[];
    };
    const bad1 = structuredClone(good);
    delete bad1.stops[2].at.fn;
    expect(() => parseTour(bad1, 'x.json')).toThrowError(expect.objectContaining({ code: 'BAD_TOUR', field: 'stops[2].at.fn', stop: 2 }));
    const bad2 = structuredClone(good);
    bad2.stops[1].concepts = ['C35'];
    expect(() => parseTour(bad2, 'x.json')).toThrowError(expect.objectContaining({ code: 'BAD_TOUR', field: 'stops[1].concepts[0]' }));
    expect(() => parseTour({ ...good, kernel: '2.6' }, 'x.json')).toThrowError(expect.objectContaining({ field: 'kernel' }));
    expect(() => parseTour(null, 'x.json')).toThrowError(TourError);
    // A made file: a plain NAME.ko, from a sample, by a mutation; a mutation that does not fit is refused when the tour runs.
    expect(() => parseTour({ ...good, made: [{ file: '../x.ko', from: 'hello/hello.ko', mutation: 'crc:_printk' }] }, 'x.json')).toThrowError(
      expect.objectContaining({ code: 'BAD_TOUR', field: 'made[0].file' }),
    );
    expect(() => parseTour({ ...good, made: [{ file: 'x.ko', from: 'hello/hello.ko' }] }, 'x.json')).toThrowError(
      expect.objectContaining({ field: 'made[0].mutation' }),
    );
  });
});

describe('every tour plays on the modelled kernel', () => {
  for (const tour of tours) {
    it(`${tour.id} (${tour.kernel}): setup runs, every stop resolves to its step, captions fill`, async () => {
      const engine = createEngine({ decoder: createIcedDecoder });
      const run = await runTour(engine, tour, { profile: PROFILE, file: async (rel) => new Uint8Array(readFileSync(join(SAMPLES, rel))) });
      // Every line is a command the shell knows (127: not found), and the setup made operations.
      for (const l of run.transcript) expect(l.exit, `${l.line}\n${l.output}`).not.toBe(127);
      expect(run.ops.length - run.opBase).toBeGreaterThan(0);
      expect(run.stops).toHaveLength(tour.stops.length);
      const version = tour.kernel;
      for (const r of run.stops) {
        const stop = tour.stops[r.stop];
        const at = stop.at;
        const seek = await engine.call('kernel.seek', { pos: r.pos, version });
        if (!seek.ok) throw new Error(seek.error.message);
        const v = seek.value;
        const label = `${tour.id} stop ${r.stop}`;
        expect([v.step.fn, v.step.op], label).toEqual([at.fn, run.opBase + at.op]);
        // The nth step of that function in that operation.
        const same = run.steps.filter((s) => s.op === v.step.op && s.fn === at.fn);
        expect(same.indexOf(run.steps[r.stepIndex]), label).toBe(at.nth ?? 0);
        expect(run.steps[r.stepIndex].pos, label).toBe(v.step.pos);
        if (at.item !== undefined) expect(r.pos - v.step.pos, label).toBe(at.item);
        if (at.call !== undefined)
          expect(callsFunction(v.item, at.call), `${label}: ${JSON.stringify(v.item?.kind === 'instruction' ? v.item.call : v.item?.kind)}`).toBe(
            true,
          );
        if (at.symbol !== undefined)
          expect(v.item?.kind === 'symbol' ? v.item.name : v.item?.kind === 'relocation' ? v.item.symbol : null, label).toBe(at.symbol);
        const text = fillCaption(stop.caption, v, tour.id, r.stop);
        expect(text, label).not.toMatch(/[{}]/);
        // Each placeholder was filled with a value of this step.
        if (captionFields(stop.caption).length > 0) expect(text, label).not.toBe(stop.caption);
        expect(stop.concepts.length, label).toBeGreaterThan(0);
      }
      for (const id of run.opened) await engine.call('close', { id });
    });
  }
});

describe('stop references', () => {
  it('name the stop when they do not resolve', async () => {
    const engine = createEngine({ decoder: createIcedDecoder });
    const hello = byId.get('hello');
    if (!hello) throw new Error('no hello tour');
    const run = await runTour(engine, hello, { profile: PROFILE, file: async (rel) => new Uint8Array(readFileSync(join(SAMPLES, rel))) });
    const trace = {
      ops: run.ops,
      steps: run.steps,
      item: async (pos: number) => {
        const r = await engine.call('kernel.seek', { pos });
        return r.ok ? r.value.item : null;
      },
    };
    await expect(resolveRef('hello', 4, { op: 0, fn: 'no_such_function' }, trace, run.opBase)).rejects.toMatchObject({
      code: 'NO_STEP',
      stop: 4,
      field: 'at.fn',
    });
    await expect(resolveRef('hello', 5, { op: 9, fn: 'free_module' }, trace, run.opBase)).rejects.toMatchObject({ code: 'NO_OPERATION', stop: 5 });
    await expect(resolveRef('hello', 6, { op: 0, fn: 'do_one_initcall', call: '_printk', hit: 4 }, trace, run.opBase)).rejects.toMatchObject({
      code: 'NO_ITEM',
      stop: 6,
    });
    await expect(resolveRef('hello', 7, { op: 0, fn: 'parse_args', item: 0 }, trace, run.opBase)).rejects.toMatchObject({
      code: 'NO_ITEM',
      field: 'at.item',
    });
    // hello count=3 prints four lines in init: the fourth _printk is the last "Hello, world".
    const fourth = await resolveRef('hello', 0, { op: 0, fn: 'do_one_initcall', call: '_printk', hit: 3 }, trace, run.opBase);
    const v = await engine.call('kernel.seek', { pos: fourth.pos });
    expect(v.ok && v.value.item?.kind === 'instruction' && v.value.item.call?.startsWith('_printk(')).toBe(true);
    const view = v.ok ? v.value : null;
    expect(() => fillCaption('{item.nonsense}', view!, 'hello', 0)).toThrowError(expect.objectContaining({ code: 'BAD_CAPTION', stop: 0 }));
  });
});

describe('the lesson index', () => {
  it('maps each of C01–C34 to at least one existing stop or sample file that shows it', () => {
    expect(CONCEPTS.map((c) => c.id)).toEqual(Array.from({ length: 34 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`));
    expect(Object.keys(LESSON_INDEX).sort()).toEqual(CONCEPTS.map((c) => c.id));
    for (const c of CONCEPTS) {
      const entries = LESSON_INDEX[c.id];
      expect(entries.length, c.id).toBeGreaterThan(0);
      for (const e of entries) {
        if ('tour' in e) {
          const t = byId.get(e.tour);
          expect(t, `${c.id} → ${e.tour}`).toBeDefined();
          expect(t?.stops[e.stop]?.concepts, `${c.id} → ${e.tour} stop ${e.stop}`).toContain(c.id);
        } else {
          expect(existsSync(join(SAMPLES, e.file)), `${c.id} → ${e.file}`).toBe(true);
          expect(e.note.length).toBeGreaterThan(20);
        }
      }
    }
  });

  it('lists every stop under each concept the stop names', () => {
    const missing: string[] = [];
    for (const t of tours)
      t.stops.forEach((s, i) => {
        for (const c of s.concepts)
          if (!LESSON_INDEX[c]?.some((e) => 'tour' in e && e.tour === t.id && e.stop === i)) missing.push(`${c}: ${t.id} stop ${i}`);
      });
    expect(missing).toEqual([]);
  });
});

describe('the what-if tour (issue 16, item 7)', () => {
  it('refuses a made file whose mutation does not fit its sample, naming it', async () => {
    const bad = parseTour(
      {
        ...JSON.parse(readFileSync(join(SAMPLES, 'hello', 'tour-whatif.json'), 'utf8')),
        made: [{ file: 'x.ko', from: 'hello/hello.ko', mutation: 'crc:nothing' }],
      },
      'x.json',
    );
    const engine = createEngine({ decoder: createIcedDecoder });
    await expect(
      runTour(engine, bad, { profile: PROFILE, file: async (rel) => new Uint8Array(readFileSync(join(SAMPLES, rel))) }),
    ).rejects.toMatchObject({
      error: { field: 'made[0].mutation', message: expect.stringMatching(/^made\[0\] x\.ko: .*nothing has no __versions entry/) },
    });
  });

  const recorded = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'scenarios', 'whatif-module.qemu.json'), 'utf8')) as {
    steps: { cmd: string; output: string; rc: number; kmsg: { level: number; text: string }[] }[];
  };
  const script = readFileSync(join(ROOT, 'scripts', 'qemu', 'scenarios', 'whatif-module.sh'), 'utf8');
  // Printed once a boot, by whichever load taints first: not part of what one check says.
  const ONCE = /taints kernel\.$|tainting kernel$|^Disabling lock debugging due to kernel taint$/;

  it('makes its files as whatif-module.sh made them for the real kernel, fires one check a stop, and equals the recording', async () => {
    const tour = byId.get('whatif');
    if (!tour) throw new Error('no whatif tour');
    // Each made file is the recording's: the same name, source sample and mutation (`#! make NAME.ko from SOURCE MUTATION`).
    for (const m of tour.made ?? []) {
      const line = script.split('\n').find((l) => l.startsWith(`#! make ${m.file} from `));
      expect(line, m.file).toBeDefined();
      const [, from, mutation] = /^#! make \S+ from (\S+) (.*)$/.exec(line ?? '') ?? [];
      expect([from.replace('../../../samples/', ''), mutation.replace(/^"(.*)"$/, '$1')], m.file).toEqual([m.from, m.mutation]);
    }
    const engine = createEngine({ decoder: createIcedDecoder });
    const run = await runTour(engine, tour, { profile: PROFILE, file: async (rel) => new Uint8Array(readFileSync(join(SAMPLES, rel))) });
    const log = await engine.call('kernel.log', { pos: run.length });
    if (!log.ok) throw new Error(log.error.message);
    // Every setup line is a command of the recording, in the recording's order: the same output, exit code and kernel log lines.
    let from = 0;
    for (const [i, line] of run.transcript.entries()) {
      const at = recorded.steps.findIndex((s, j) => j >= from && s.cmd === line.line);
      expect(at, `${line.line}: not in whatif-module.qemu.json after step ${from}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
      const real = recorded.steps[at];
      expect([line.output, line.exit], line.line).toEqual([real.output, real.rc]);
      const op = run.ops[run.opBase + i];
      const lines = log.value.rows
        .filter((r) => r.pos >= op.startPos && r.pos <= op.endPos && !ONCE.test(r.text))
        .map((r) => `<${r.level}>${r.text}`);
      expect(lines, line.line).toEqual(real.kmsg.filter((k) => !ONCE.test(k.text)).map((k) => `<${k.level}>${k.text}`));
    }
    // Each stop is a check that fired: its step failed the load with the errno insmod reports, and no two stops show the same check twice.
    const checks = new Set<string>();
    for (const r of run.stops) {
      const step = run.steps[r.stepIndex];
      const op = run.ops.find((o) => o.index === step.op);
      expect(step.errno, `stop ${r.stop}: ${step.fn}`).toBeLessThan(0);
      expect(op?.result, `stop ${r.stop}`).toBe(step.errno);
      // The check, by what it says and shows: its function, errno, the first kernel line of the load (crc: and drop-version: both fail in
      // check_version()) and the concepts (an unexported symbol and a GPL-only one refused to a proprietary module print the same line).
      const said = log.value.rows.find((l) => op && l.pos >= op.startPos && l.pos <= op.endPos && !ONCE.test(l.text))?.text ?? '';
      const c = `${step.fn}:${step.errno}:${said}:${tour.stops[r.stop].concepts.join()}`;
      expect(checks.has(c), c).toBe(false);
      checks.add(c);
    }
    for (const c of ['C13', 'C21', 'C23', 'C24', 'C25'])
      expect(
        tour.stops.some((s) => s.concepts.includes(c)),
        c,
      ).toBe(true);
  });
});
