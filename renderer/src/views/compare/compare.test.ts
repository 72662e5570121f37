/**
 * The comparison's model on real runs: hello.ko (count=3) and the provider/consumer pair loaded by
 * the modelled 2.4 and 6.1 kernels. The syscalls found where each path crosses into the kernel,
 * lockstep targets per stage, and the swimlane layout (ELK): stage columns in order across both
 * kernels, no two steps overlapping, every step in its own lane.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../engine/engine';
import type { EngineArg, EngineMethod, EngineValue, StepInfo } from '../../../../engine/api-types';
import { sample } from '../../../../scripts/test-support/kernel';
import { LABEL_W, layoutPath, stageLabelWidth, syscallLabelWidth } from './laneLayout';
import { STAGE_LABEL, crossings, stageOf, stagesIn, stepForStage, type Version } from './stages';
import { SYSCALL_ROWS } from './syscalls';

const PROFILE = sample('kernel/debian-6.1.0-50-amd64.json.gz');

async function bothRuns(files: { name: string; rel: string; args: string }[]) {
  const e = createEngine();
  const call = async <M extends EngineMethod>(m: M, a: EngineArg<M>): Promise<EngineValue<M>> => {
    const r = await e.call(m, a);
    if (!r.ok) throw new Error(`${m}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  await call('kernel.boot', { profile: PROFILE, version: '2.4' });
  await call('kernel.boot', { version: '6.1' });
  const runs: Record<Version, StepInfo[]> = { '2.4': [], '6.1': [] };
  for (const f of files) {
    const m = await call('open', { name: f.name, bytes: sample(f.rel) });
    for (const version of ['2.4', '6.1'] as const) {
      const op = await call('kernel.load', { id: m.id, args: f.args, version });
      expect(op.result, `${f.name} on ${version}`).toBe(0);
      const page = await call('kernel.steps', { offset: 0, limit: 5000, version });
      runs[version] = page.rows.filter((s) => s.op === op.index);
    }
  }
  return runs;
}

const calls = (steps: StepInfo[]) => crossings(steps).map((c) => `${c.dir} ${c.syscall}`);

describe('2.4 ⇄ 6.1 comparison model', () => {
  it('finds each path’s syscalls where it crosses into the kernel and back (hello.ko)', async () => {
    const runs = await bothRuns([{ name: 'hello.ko', rel: 'hello/hello.ko', args: 'count=3' }]);
    expect(calls(runs['2.4'])).toEqual([
      'call query_module',
      'return query_module',
      'call create_module',
      'return create_module',
      'call init_module',
      'return init_module',
    ]);
    expect(calls(runs['6.1'])).toEqual(['call finit_module', 'return finit_module']);
    // The call enters at the kernel's own function.
    const c24 = crossings(runs['2.4'])
      .filter((c) => c.dir === 'call')
      .map((c) => runs['2.4'][c.step].fn);
    expect(c24).toEqual(['sys_query_module', 'sys_create_module', 'sys_init_module']);
    expect(runs['6.1'][crossings(runs['6.1'])[0].step].fn).toBe('kernel_read_file_from_fd');
    for (const c of [...crossings(runs['2.4']), ...crossings(runs['6.1'])]) expect(SYSCALL_ROWS.map((r) => r.name)).toContain(c.syscall);
  });

  it('lockstep puts both kernels on their first step of each stage', async () => {
    const runs = await bothRuns([{ name: 'hello.ko', rel: 'hello/hello.ko', args: 'count=3' }]);
    const stages = stagesIn(runs['2.4'], runs['6.1']);
    expect(stages).toEqual(['read', 'check', 'reserve', 'symbols', 'relocate', 'params', 'copy', 'link', 'init', 'result']);
    const at = (v: Version, st: (typeof stages)[number]) => runs[v][stepForStage(runs[v], st)];
    expect(at('2.4', 'reserve').fn).toBe('obj_load_size');
    expect(at('6.1', 'reserve').fn).toBe('layout_and_allocate');
    expect(at('2.4', 'relocate').fn).toBe('obj_relocate');
    expect(at('2.4', 'relocate').block).toBe('relocations');
    expect(at('6.1', 'relocate').fn).toBe('apply_relocations');
    for (const st of stages) for (const v of ['2.4', '6.1'] as const) expect(stageOf(at(v, st))).toBe(st);
    // A stage a run lacks: the next one it has ('unload' is in neither load; result follows).
    expect(stepForStage(runs['2.4'], 'unload')).toBe(runs['2.4'].length - 1);
  });

  it('lays out each path left to right in step order, its stages as labelled runs, its syscalls on the boundary (provider + consumer)', async () => {
    const runs = await bothRuns([
      { name: 'provider.ko', rel: 'provider/provider.ko', args: '' },
      { name: 'consumer.ko', rel: 'consumer/consumer.ko', args: '' },
    ]);
    for (const v of ['2.4', '6.1'] as const) {
      const steps = runs[v];
      const l = layoutPath(v, steps, 960);
      expect(l.nodes.length).toBe(steps.length);
      // Step numbers read left to right, inside the drawing, each in its side's lane.
      for (let i = 1; i < l.nodes.length; i++) expect(l.nodes[i].x, `${v} step ${i + 1}`).toBeGreaterThan(l.nodes[i - 1].x + 2 * l.radius - 1);
      expect(l.nodes[0].x - l.radius).toBeGreaterThanOrEqual(LABEL_W);
      expect(l.nodes[l.nodes.length - 1].x + l.radius).toBeLessThanOrEqual(960);
      for (const n of l.nodes) {
        const b = l.bands.find((x) => x.side === n.side)!;
        expect(n.y).toBeGreaterThan(b.y);
        expect(n.y).toBeLessThan(b.y + b.h);
      }
      // The stage strip: runs in order covering every step once, labels that fit their run.
      expect(l.segments[0].first).toBe(0);
      for (let k = 1; k < l.segments.length; k++) {
        expect(l.segments[k].first).toBe(l.segments[k - 1].last + 1);
        expect(l.segments[k].stage).not.toBe(l.segments[k - 1].stage);
      }
      expect(l.segments[l.segments.length - 1].last).toBe(steps.length - 1);
      // Stage names whole or absent, never shortened; in a row, no two overlap; inside the drawing.
      const named = l.segments.filter((g) => g.label);
      for (const g of named) expect(g.label).toBe(STAGE_LABEL[g.stage]);
      expect(named.length, `${v}: named segments`).toBeGreaterThanOrEqual(Math.min(l.segments.length, 6));
      for (const a of named)
        for (const b of named) {
          if (a === b || a.row !== b.row) continue;
          const [wa, wb] = [stageLabelWidth(a.label) / 2, stageLabelWidth(b.label) / 2];
          expect(a.labelX + wa <= b.labelX - wb || b.labelX + wb <= a.labelX - wa, `${a.label} / ${b.label}`).toBe(true);
        }
      for (const g of named) expect(g.labelX + stageLabelWidth(g.label) / 2).toBeLessThanOrEqual(l.width);
      // Every syscall arrow crosses the user/kernel boundary line.
      for (const a of l.arrows) expect((a.y0 - l.boundaryY) * (a.y1 - l.boundaryY)).toBeLessThan(0);
      // The syscall names never overlap one another nor leave the drawing, down to the lanes' width
      // when presenting at 1280×720 (≈ 830 px) and a little below (three names need ≈ 590 px).
      for (const width of [960, 830, 760]) {
        const pills = layoutPath(v, steps, width)
          .arrows.filter((a) => a.dir === 'call')
          .map((a) => ({ l: a.labelX - syscallLabelWidth(a.syscall) / 2, r: a.labelX + syscallLabelWidth(a.syscall) / 2 }));
        for (let k = 0; k < pills.length; k++) {
          expect(pills[k].l, `${v} at ${width}`).toBeGreaterThanOrEqual(LABEL_W);
          expect(pills[k].r, `${v} at ${width}`).toBeLessThanOrEqual(width);
          if (k > 0) expect(pills[k].l, `${v} at ${width}: name ${k + 1} clear of name ${k}`).toBeGreaterThanOrEqual(pills[k - 1].r);
        }
      }
    }
    // consumer.ko's 2.4 load: the same three syscalls; 6.1: finit_module.
    const calls = (v: Version) =>
      layoutPath(v, runs[v], 960)
        .arrows.filter((a) => a.dir === 'call')
        .map((a) => a.syscall);
    expect(calls('2.4')).toEqual(['query_module', 'create_module', 'init_module']);
    expect(calls('6.1')).toEqual(['finit_module']);
  });
});
