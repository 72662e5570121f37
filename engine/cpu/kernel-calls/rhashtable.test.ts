/** rhashtable_init()/rhltable_init() (lib/rhashtable.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';

/** struct rhashtable_params as bytes: nelem_hint, key_len, key_offset, head_offset, max_size, min_size, automatic_shrinking, 3 fns. */
function params(p: { hint?: number; keyLen?: number; keyOff?: number; headOff?: number; max?: number; min?: number; fns?: bigint[] }): Uint8Array {
  const b = new Uint8Array(40);
  const v = new DataView(b.buffer);
  v.setUint16(0, p.hint ?? 0, true);
  v.setUint16(2, p.keyLen ?? 0, true);
  v.setUint16(4, p.keyOff ?? 0, true);
  v.setUint16(6, p.headOff ?? 0, true);
  v.setUint32(8, p.max ?? 0, true);
  v.setUint16(12, p.min ?? 0, true);
  (p.fns ?? []).forEach((f, i) => v.setBigUint64(16 + 8 * i, f, true));
  return b;
}

describe('rhashtable_init and rhltable_init', () => {
  const symbols: Record<string, bigint> = {
    rhashtable_jhash2: 0xffffffff81500000n,
    jhash: 0xffffffff81500100n,
    rht_deferred_worker: 0xffffffff81500200n,
  };
  const state = new KernelCallState({ lookupSymbol: (n) => symbols[n] ?? null });
  const { ctx, call } = modelCaller(state);

  it("nf_tables' nft_objname_ht: its own hash functions, 64 buckets, rhlist set", () => {
    const fns = [0xffffffffc0301000n, 0xffffffffc0301100n, 0xffffffffc0301200n];
    const p = ctx.poke(0xffffffffc0310000n, params({ keyOff: 0x28, headOff: 0x10, fns }));
    const ht = ctx.poke(0xffffffffc0320000n, new Uint8Array(136).fill(0xaa));
    expect(call('rhltable_init', ht, p)).toBe(0n);
    const tbl = readU64(ctx.mem, ht);
    expect(readU32(ctx.mem, tbl)).toBe(64); // HASH_DEFAULT_SIZE
    expect(ctx.peek(tbl + 64n, 64 * 8).every((b) => b === 0)).toBe(true); // buckets NULL
    expect(readU32(ctx.mem, ht + 12n)).toBe(2 ** 31); // max_elems
    expect(readU64(ctx.mem, ht + 16n + 16n)).toBe(fns[0]); // p.hashfn kept
    expect(ctx.peek(ht + 16n + 12n, 2)).toEqual(Uint8Array.of(4, 0)); // p.min_size raised to HASH_MIN_SIZE
    expect(ctx.peek(ht + 56n, 1)[0]).toBe(1); // rhlist
    expect(readU64(ctx.mem, ht + 72n)).toBe(ht + 72n); // run_work.entry empty
    expect(readU64(ctx.mem, ht + 88n)).toBe(symbols.rht_deferred_worker);
    expect(readU64(ctx.mem, ht + 112n)).toBe(ht + 112n); // mutex wait_list empty
    expect(ctx.peek(ht + 128n, 8).every((b) => b === 0)).toBe(true); // lock, nelems
    expect(call('rhashtable_free_and_destroy', ht, 0n, 0n)).toBe(0n);
    expect(ctx.freed).toContain(tbl);
  });

  it('a u32-multiple key without hashfn hashes with rhashtable_jhash2 over words; nelem_hint and max_size shape the table', () => {
    const p = ctx.poke(0xffffffffc0311000n, params({ keyLen: 8, hint: 100, max: 1000, min: 3 }));
    const ht = ctx.poke(0xffffffffc0321000n, new Uint8Array(136));
    expect(call('rhashtable_init', ht, p)).toBe(0n);
    expect(readU32(ctx.mem, ht + 8n)).toBe(2); // key_len in u32 words
    expect(readU64(ctx.mem, ht + 32n)).toBe(symbols.rhashtable_jhash2);
    expect(readU32(ctx.mem, ht + 16n + 8n)).toBe(512); // rounddown_pow_of_two(1000)
    expect(readU32(ctx.mem, ht + 12n)).toBe(1024); // max_elems = max_size * 2
    expect(readU32(ctx.mem, readU64(ctx.mem, ht))).toBe(256); // roundup_pow_of_two(100 * 4 / 3)
    expect(ctx.peek(ht + 56n, 1)[0]).toBe(0);
  });

  it('no key_len and no obj_hashfn is -EINVAL; a table with elements left is not modelled at destroy', () => {
    const p = ctx.poke(0xffffffffc0312000n, params({}));
    expect(call('rhashtable_init', ctx.poke(0xffffffffc0322000n, new Uint8Array(136)), p)).toBe(-22n & ((1n << 64n) - 1n));
    const ok = ctx.poke(0xffffffffc0313000n, params({ keyLen: 4 }));
    const ht = ctx.poke(0xffffffffc0323000n, new Uint8Array(136));
    expect(call('rhashtable_init', ht, ok)).toBe(0n);
    ctx.poke(readU64(ctx.mem, ht) + 64n, Uint8Array.of(1)); // an element in bucket 0
    expect(call('rhashtable_free_and_destroy', ht, 0n, 0n)).toBe('not-modelled');
  });
});
