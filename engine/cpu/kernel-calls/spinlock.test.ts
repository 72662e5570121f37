/** spinlock.ts: the lock word as queued_spin_lock()/queued_spin_unlock() leave it; a held lock is not taken again. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';

describe('spin_lock and spin_unlock', () => {
  const { ctx, call } = modelCaller(new KernelCallState());
  it('take a free lock (val 1), release the locked byte only, and stop on a held lock (the CPU would spin)', () => {
    const lock = ctx.poke(0xffffffffc0340000n, new Uint8Array(4));
    expect(call('_raw_spin_lock', lock)).toBe(0n);
    expect([...ctx.peek(lock, 4)]).toEqual([1, 0, 0, 0]);
    expect(call('_raw_spin_lock_bh', lock)).toBe('not-modelled');
    expect(call('_raw_spin_unlock', lock)).toBe(0n);
    expect([...ctx.peek(lock, 4)]).toEqual([0, 0, 0, 0]);
    expect(call('_raw_spin_lock_irqsave', lock)).toBe(0x246n);
    ctx.poke(lock + 1n, Uint8Array.of(1)); // a pending bit another CPU set: unlock leaves it
    expect(call('_raw_spin_unlock_irqrestore', lock, 0x246n)).toBe(0n);
    expect([...ctx.peek(lock, 4)]).toEqual([0, 1, 0, 0]);
  });
});
