/** idr.ts: ids as lib/idr.c hands them out (lowest free from start, idr_base, cyclic), and xa_head for idr_is_empty(). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU64, writeU32 } from './mem';

function setup() {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  const idr = DATA_BASE + 0x200n;
  ctx.map(idr, 24);
  return { ctx, call, idr };
}

describe('idr_alloc', () => {
  it('gives the lowest free id at or above start, below end; -ENOSPC when full; find/remove/get_next', () => {
    const { ctx, call, idr } = setup();
    expect(call('idr_alloc', idr, 0xa0n, 0n, 0n, 0xcc0n)).toBe(0n); // mtd's idr_alloc(&mtd_idr, mtd, 0, 0, GFP_KERNEL)
    expect(readU64(ctx.mem, idr + 8n) & 3n).toBe(2n); // xa_head: not empty
    expect(call('idr_alloc', idr, 0xa1n, 0n, 0n, 0xcc0n)).toBe(1n);
    expect(call('idr_alloc', idr, 0xa2n, 5n, 7n, 0xcc0n)).toBe(5n);
    expect(call('idr_alloc', idr, 0xa3n, 5n, 7n, 0xcc0n)).toBe(6n);
    expect(call('idr_alloc', idr, 0xa4n, 5n, 7n, 0xcc0n)).toBe(BigInt.asUintN(64, -28n));
    expect(call('idr_find', idr, 5n)).toBe(0xa2n);
    expect(call('idr_remove', idr, 0n)).toBe(0xa0n);
    expect(call('idr_find', idr, 0n)).toBe(0n);
    const next = ctx.str('\0\0\0\0\0\0\0');
    expect(call('idr_get_next', idr, next)).toBe(0xa1n);
    expect(ctx.peek(next, 1)[0]).toBe(1);
    for (const id of [1n, 5n, 6n]) call('idr_remove', idr, id);
    expect(readU64(ctx.mem, idr + 8n)).toBe(0n); // idr_is_empty() again
  });
  it('counts from idr_base; idr_alloc_cyclic goes on from idr_next and wraps to start', () => {
    const { ctx, call, idr } = setup();
    writeU32(ctx.mem, idr + 16n, 1); // idr_init_base(idr, 1)
    expect(call('idr_alloc', idr, 1n, 0n, 0n, 0n)).toBe(1n);
    expect(call('idr_alloc_cyclic', idr, 2n, 1n, 4n, 0n)).toBe(2n);
    expect(call('idr_alloc_cyclic', idr, 3n, 1n, 4n, 0n)).toBe(3n);
    call('idr_remove', idr, 2n);
    expect(call('idr_alloc_cyclic', idr, 4n, 1n, 4n, 0n)).toBe(2n); // 4 is past end: wraps
  });
});
