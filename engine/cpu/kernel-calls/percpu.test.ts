/** percpu.ts: __alloc_percpu areas through the one CPU's offset, percpu counters (mm/percpu.c, lib/percpu_counter.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32, readU64 } from './mem';

const GS = 0xffff88801d800000n;

function setup() {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  ctx.state.gsBase = GS;
  return { state, ctx, call };
}

describe('__alloc_percpu', () => {
  it('returns a pointer whose CPU 0 copy (p + __per_cpu_offset[0]) is zeroed, aligned memory; free_percpu frees it', () => {
    const { state, ctx, call } = setup();
    const p = call('__alloc_percpu', 24n, 16n) as bigint;
    const cpu0 = (p + GS) & 0xffffffffffffffffn;
    expect(cpu0 % 16n).toBe(0n);
    expect([...ctx.peek(cpu0, 24)]).toEqual(new Array(24).fill(0));
    expect(state.percpuAreas.has(p)).toBe(true);
    expect(call('free_percpu', p)).toBe(0n);
    expect(ctx.freed.length).toBe(1);
    expect(call('free_percpu', 0n)).toBe(0n); // NULL is a no-op
  });
  it('refuses what pcpu_alloc() WARNs about: size 0, over PCPU_MIN_UNIT_SIZE, align not a power of two', () => {
    const { call } = setup();
    expect(call('__alloc_percpu', 0n, 8n)).toBe('not-modelled');
    expect(call('__alloc_percpu', 40000n, 8n)).toBe('not-modelled');
    expect(call('__alloc_percpu_gfp', 8n, 12n, 0xcc0n)).toBe('not-modelled');
  });
});

describe('__percpu_counter_init', () => {
  it('sets count, an s32 per-CPU counter and an empty list; percpu_counter_destroy frees the counters and clears the pointer', () => {
    const { ctx, call } = setup();
    const fbc = DATA_BASE + 0x100n;
    ctx.map(fbc, 64, 0xaa);
    expect(call('__percpu_counter_init', fbc, 42n, 0xcc0n, 0n)).toBe(0n);
    expect(readU64(ctx.mem, fbc + 8n)).toBe(42n);
    const counters = readU64(ctx.mem, fbc + 32n);
    expect(readU32(ctx.mem, (counters + GS) & 0xffffffffffffffffn)).toBe(0);
    expect(readU64(ctx.mem, fbc + 16n)).toBe(fbc + 16n);
    call('percpu_counter_destroy', fbc);
    expect(readU64(ctx.mem, fbc + 32n)).toBe(0n);
  });
});
