/**
 * Trace links and phases on a real trace: hello.ko loaded with count=3 on the modelled Debian 6.1
 * kernel. The link written for a position, replayed on a fresh engine, lands on the same step.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../engine/engine';
import type { EngineArg, EngineMethod, EngineValue, StepInfo } from '../../../engine/api-types';
import { formatLink, linkModuleFile, parseLink, sampleUrlFor, startLink, type TraceLink } from './link';
import { nextStepPos, phaseTarget, phases } from './phases';
import { currentLink } from './useTraceLink';
import { sample } from '../../../scripts/test-support/kernel';

const HELLO = sample('hello/hello.ko');
const PROFILE = sample('kernel/debian-6.1.0-50-amd64.json.gz');

async function session() {
  const e = createEngine();
  const call = async <M extends EngineMethod>(m: M, a: EngineArg<M>): Promise<EngineValue<M>> => {
    const r = await e.call(m, a);
    if (!r.ok) throw new Error(`${m}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  await call('open', { name: 'hello.ko', bytes: new Uint8Array(HELLO) });
  return call;
}

type Call = Awaited<ReturnType<typeof session>>;

async function replay(call: Call, l: TraceLink) {
  const kernel = await call('kernel.boot', { profile: new Uint8Array(PROFILE), paging: l.paging, kaslrSeed: l.kaslrSeed ?? undefined });
  for (const c of l.commands) await call('kernel.shell', { line: c });
  const t = await call('kernel.timeline', {});
  const steps: StepInfo[] = (await call('kernel.steps', { offset: 0, limit: 5000 })).rows;
  return { kernel, t, steps };
}

describe('trace links', () => {
  it('parses the documented fragment', () => {
    const l = parseLink('#kernel=6.1&insmod=hello.ko%20count=3&pos=412');
    expect(l).toEqual({ kernel: '6.1', paging: 4, kaslrSeed: null, commands: ['insmod hello.ko count=3'], pos: 412, step: null, view: 'load' });
    expect(linkModuleFile(l!)).toBe('hello.ko');
    expect(sampleUrlFor('hello.ko')).toBe('/samples/hello/hello.ko');
    expect(formatLink(l!)).toBe('#kernel=6.1&insmod=hello.ko%20count=3&pos=412&view=load');
  });

  it('keeps command order, paging, KASLR seed and odd characters through a round trip', () => {
    const l: TraceLink = {
      kernel: '6.1',
      paging: 5,
      kaslrSeed: 7,
      commands: ['insmod params.ko name="a b" n=1,2', 'rmmod params', 'insmod hello.ko count=3+1'],
      pos: null,
      step: 9,
      view: 'load',
    };
    const back = parseLink(formatLink(l));
    expect(back).toEqual(l);
  });

  it('rejects what is not a trace link, naming nothing it cannot reproduce', () => {
    expect(parseLink('')).toBeNull();
    expect(parseLink('#section=3')).toBeNull();
    expect(parseLink('#kernel=6.1&paging=3')).toBeNull();
    expect(parseLink('#kernel=6.1&kaslr=-1')).toBeNull();
    expect(parseLink('#kernel=linux')).toBeNull();
    expect(parseLink('#kernel=6.1&pos=1e3')?.pos).toBeNull();
  });

  it('starts from the fragment, else from the saved link only when it was on the Load view', () => {
    const saved = '#kernel=6.1&insmod=hello.ko&pos=3&view=load';
    expect(startLink('#kernel=6.1&pos=5', saved)?.pos).toBe(5);
    expect(startLink('', saved)?.pos).toBe(3);
    expect(startLink('', saved.replace('view=load', 'view=other'))).toBeNull();
    expect(startLink('#foo', saved)).toBeNull();
    // Not replayed on a kernel the view does not boot.
    expect(startLink('#kernel=2.4&insmod=hello.o', saved)).toBeNull();
    expect(parseLink('#kernel=2.4&insmod=hello.o')?.kernel).toBe('2.4');
  });

  it('a link written for a position of a real trace reproduces it on a fresh engine', async () => {
    const a = await session();
    const first = await replay(a, {
      kernel: '6.1',
      paging: 4,
      kaslrSeed: null,
      commands: ['insmod hello.ko count=3'],
      pos: null,
      step: null,
      view: 'load',
    });
    expect(first.t.ops.map((o) => o.command)).toEqual(['insmod hello.ko count=3']);
    const reloc = first.steps.find((s) => s.fn === 'apply_relocations')!;
    const pos = reloc.pos + 2;
    const at = await a('kernel.seek', { pos });
    const frag = formatLink(currentLink(first.kernel, first.t.ops, pos));
    expect(frag).toBe(`#kernel=6.1&insmod=hello.ko%20count=3&pos=${pos}&view=load`);

    const b = await session();
    const again = await replay(b, parseLink(frag)!);
    expect(again.t.length).toBe(first.t.length);
    const there = await b('kernel.seek', { pos });
    expect(there.step.fn).toBe('apply_relocations');
    expect(there.item).toEqual(at.item);
  });
});

describe('phases', () => {
  it('Shift+→ walks the runs of one kernel function of a real trace', async () => {
    const call = await session();
    const { steps } = await replay(call, {
      kernel: '6.1',
      paging: 4,
      kaslrSeed: null,
      commands: ['insmod hello.ko count=3'],
      pos: null,
      step: null,
      view: 'load',
    });
    const runs = phases(steps);
    expect(runs.length).toBeGreaterThan(10);
    // Every run is one function; neighbours differ.
    for (const [a, b] of runs) for (let i = a; i <= b; i++) expect(steps[i].fn).toBe(steps[a].fn);
    for (let r = 1; r < runs.length; r++)
      expect(steps[runs[r][0]].fn === steps[runs[r - 1][0]].fn && steps[runs[r][0]].op === steps[runs[r - 1][0]].op).toBe(false);

    // From inside apply_relocations' block: forward to the next function, back to the block's start, then the previous phase.
    const i = steps.findIndex((s) => s.fn === 'apply_relocations');
    const inside = steps[i].pos + 3;
    const next = phaseTarget(steps, inside, 1)!;
    expect(steps.find((s) => s.pos === next)!.fn).not.toBe('apply_relocations');
    expect(phaseTarget(steps, inside, -1)).toBe(steps[i].pos);
    const prev = phaseTarget(steps, steps[i].pos, -1)!;
    expect(steps.find((s) => s.pos === prev)!.fn).toBe(steps[i - 1].fn);
    // The ends.
    expect(phaseTarget(steps, 0, -1)).toBeNull();
    expect(phaseTarget(steps, steps[steps.length - 1].pos, 1)).toBeNull();
    expect(nextStepPos(steps, steps[steps.length - 1].pos)).toBeNull();
    expect(nextStepPos(steps, inside)).toBe(steps[i + 1].pos);
  });
});
