/** keepUnchanged: a new SeekView reuses the previous one's arrays only where their rows are the same (hello.ko's load). */
import { describe, expect, it } from 'vitest';
import type { SeekView } from '../../../../engine/api-types';
import { seek } from '../../../../engine/kernel-session';
import { loadModule } from '../../../../engine/load/index';
import { bootKernel, sample } from '../../../../scripts/test-support/kernel';
import { keepUnchanged } from './useKernelTimeline';

describe('keepUnchanged over hello.ko insmod', () => {
  const k = bootKernel();
  const { op } = loadModule(k, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: 'count=3', syscall: 'finit_module' });
  // As the worker answers: a structured clone, so no array is shared by accident.
  const at = (pos: number): SeekView => structuredClone(seek(k, pos));
  const steps = Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i)!).filter((s) => s.op === op.index);

  it('keeps the log, modules, allocations and layout within one relocation block, with the new item', () => {
    expect(op.result).toBe(0);
    const block = steps.find((s) => s.block === 'relocations' && s.span >= 2);
    if (!block) throw new Error('no relocation block in hello.ko');
    const a = at(block.pos);
    const b = at(block.pos + 1);
    const kept = keepUnchanged(a, b);
    expect(kept.item).toBe(b.item);
    expect(kept.pos).toBe(block.pos + 1);
    expect(kept.log).toBe(a.log);
    expect(kept.modules).toBe(a.modules);
    expect(kept.allocations).toBe(a.allocations);
    expect(kept.layout).toBe(a.layout);
  });

  it('takes the new arrays when the rows differ (init printed, the module went Live)', () => {
    const first = steps[0];
    const last = steps[steps.length - 1];
    const a = at(first.pos);
    const b = at(last.pos);
    expect(b.log.length).toBeGreaterThan(a.log.length);
    const kept = keepUnchanged(a, b);
    expect(kept.log).toBe(b.log);
    expect(kept.modules).toBe(b.modules);
    expect(kept.modules.find((m) => m.name === 'hello')?.state).toBe('LIVE');
    expect(keepUnchanged(null, b)).toBe(b);
  });
});
