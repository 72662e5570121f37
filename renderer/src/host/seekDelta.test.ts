/** kernel.seek deltas (seekDelta.ts) over hello.ko's insmod: what crosses from the worker, and what the page rebuilds. */
import { describe, expect, it } from 'vitest';
import type { SeekView } from '../../../engine/api-types';
import { seek } from '../../../engine/kernel-session';
import { loadModule } from '../../../engine/load/index';
import { bootKernel, sample } from '../../../scripts/test-support/kernel';
import { DeltaReceiver, DeltaSender, sameData } from './seekDelta';

describe('seek deltas over hello.ko insmod', () => {
  const k = bootKernel();
  const { op } = loadModule(k, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: 'count=3', syscall: 'finit_module' });
  const steps = Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i)!).filter((s) => s.op === op.index);
  const block = steps.find((s) => s.block === 'relocations' && s.span >= 2);
  // Through postMessage: the page sees a structured clone of what the worker sends.
  const wire = <T>(x: T): T => structuredClone(x);

  it('sends only the item and the position within one relocation block; the page rebuilds the whole view', () => {
    if (!block) throw new Error('no relocation block in hello.ko');
    const tx = new DeltaSender();
    const rx = new DeltaReceiver();
    const a = seek(k, block.pos);
    const b = seek(k, block.pos + 1);
    const da = tx.encode(1, a);
    expect(da.same).toEqual([]);
    const va = rx.decode(1, wire(da)) as SeekView;
    expect(va).toEqual(a);
    const db = tx.encode(2, b);
    expect(db.base).toBe(1);
    expect(db.same).toEqual(['step', 'operation', 'modules', 'taints', 'log', 'allocations', 'layout']);
    expect(Object.keys(db.view).sort()).toEqual(['item', 'length', 'pos', 'stepIndex']);
    expect(JSON.stringify(db).length).toBeLessThan(JSON.stringify(b).length / 2);
    const vb = rx.decode(2, wire(db)) as SeekView;
    expect(vb).toEqual(b);
    // The unchanged parts are the previous answer's objects: memoised panes see the same props.
    expect(vb.log).toBe(va.log);
    expect(vb.layout).toBe(va.layout);
    expect(vb.step).toBe(va.step);
    expect(vb.item).not.toBe(va.item);
  });

  it('sends what changed across steps (init printed, the module went Live), and compares with what it sent', () => {
    const tx = new DeltaSender();
    const rx = new DeltaReceiver();
    const first = seek(k, steps[0].pos);
    const last = seek(k, steps[steps.length - 1].pos);
    rx.decode(1, wire(tx.encode(1, first)));
    const d = tx.encode(2, last);
    expect(d.same).not.toContain('log');
    expect(d.same).not.toContain('modules');
    expect(d.same).not.toContain('step');
    const v = rx.decode(2, wire(d)) as SeekView;
    expect(v).toEqual(last);
    expect(v.modules.find((m) => m.name === 'hello')?.state).toBe('LIVE');
    // The sender keeps copies: changing the engine's objects after sending does not make them "the same".
    const again = seek(k, steps[steps.length - 1].pos);
    again.operation.output.push('changed after sending');
    expect(tx.encode(3, again).same).not.toContain('operation');
  });

  it('refuses a delta relative to an answer the page does not hold', () => {
    if (!block) throw new Error('no relocation block in hello.ko');
    const tx = new DeltaSender();
    tx.encode(1, seek(k, block.pos));
    const d = tx.encode(2, seek(k, block.pos + 1));
    expect(rx0().decode(2, wire(d))).toMatch(/relative to answer 1, not none/);
    // After a failed seek both sides start again from a whole answer.
    tx.reset();
    const whole = tx.encode(3, seek(k, block.pos));
    expect(whole.same).toEqual([]);
    expect(rx0().decode(3, wire(whole))).toEqual(seek(k, block.pos));
  });

  it('compares plain data deeply', () => {
    expect(sameData({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true);
    expect(sameData({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData({ address: null }, { address: '0x0' })).toBe(false);
    expect(sameData(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(sameData([1], { 0: 1 })).toBe(false);
  });
});

function rx0(): DeltaReceiver {
  return new DeltaReceiver();
}
