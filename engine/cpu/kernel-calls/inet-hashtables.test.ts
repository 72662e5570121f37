/** inet-hashtables.ts: dccp's calls into net/ipv4/inet_hashtables.c on its own struct inet_hashinfo. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32, readU64, writeU32 } from './mem';

describe('inet_hashtables', () => {
  it('inet_hashinfo2_init_mod: 32 listen buckets, unlocked, each nulls list ending at NULLS_MARKER(i + 1 << 29)', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const h = DATA_BASE + 0x100n;
    ctx.poke(h, new Uint8Array(80).fill(0xcc));
    expect(call('inet_hashinfo2_init_mod', h)).toBe(0n);
    const t = readU64(ctx.mem, h + 64n);
    expect(readU32(ctx.mem, h + 60n)).toBe(31);
    expect(readU64(ctx.mem, h + 56n) & 0xffffffffn).toBe(0xccccccccn); // bhash_size untouched
    for (const i of [0, 1, 31]) {
      expect(readU32(ctx.mem, t + BigInt(16 * i))).toBe(0);
      expect(readU64(ctx.mem, t + BigInt(16 * i + 8))).toBe(((BigInt(i) + (1n << 29n)) << 1n) | 1n);
    }
  });

  it('inet_ehash_locks_alloc: 2 cache lines of spinlocks per possible CPU (1 here), at most one per bucket', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const h = DATA_BASE + 0x200n;
    ctx.map(h, 80, 0);
    writeU32(ctx.mem, h + 16n, 4095); // ehash_mask
    expect(call('inet_ehash_locks_alloc', h)).toBe(0n);
    const locks = readU64(ctx.mem, h + 8n);
    expect(readU32(ctx.mem, h + 20n)).toBe(31);
    expect([...ctx.peek(locks, 128)].every((b) => b === 0)).toBe(true);
    writeU32(ctx.mem, h + 16n, 7);
    expect(call('inet_ehash_locks_alloc', h)).toBe(0n);
    expect(readU32(ctx.mem, h + 20n)).toBe(7);
  });
});
