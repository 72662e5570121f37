/** waitqueue.ts: __init_waitqueue_head() and __wake_up() (kernel/sched/wait.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64, writeU64 } from './mem';

describe('wait queues', () => {
  it('__init_waitqueue_head makes an empty list; __wake_up on it wakes nobody; with a waiter it is not modelled', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const wq = ctx.str('x'.repeat(31));
    expect(call('__init_waitqueue_head', wq, 0n, 0n)).toBe(0n);
    expect([readU64(ctx.mem, wq + 8n), readU64(ctx.mem, wq + 16n)]).toEqual([wq + 8n, wq + 8n]);
    expect(Number(readU64(ctx.mem, wq) & 0xffffffffn)).toBe(0);
    expect(call('__wake_up', wq, 1n, 1n, 0n)).toBe(0n);
    writeU64(ctx.mem, wq + 8n, wq + 0x100n); // an entry on the list
    expect(call('__wake_up', wq, 1n, 1n, 0n)).toBe('not-modelled');
  });
});
