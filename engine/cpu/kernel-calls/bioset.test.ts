/** bioset.ts: block/bio.c's bioset_init()/bioset_exit() on a module's struct bio_set, as f2fs_init_bioset() calls them. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { BIO_SET, MEMPOOL } from './bioset';
import { readU32, readU64 } from './mem';

const SYMS: Record<string, bigint> = {
  mempool_alloc_slab: 0xffffffff81234560n,
  mempool_free_slab: 0xffffffff81234580n,
  bio_alloc_rescue: 0xffffffff81456780n,
};

describe('bioset_init / bioset_exit', () => {
  it('f2fs: bioset_init(&f2fs_bioset, 2, 0, BIOSET_NEED_BVECS) fills the pads, pools and rescue work and returns 0', () => {
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => SYMS[n] ?? null }));
    const bs = DATA_BASE + 0x1000n;
    ctx.poke(bs, new Uint8Array(BIO_SET.size));
    expect(call('bioset_init', bs, 2n, 0n, 1n)).toBe(0n);
    expect(readU32(ctx.mem, bs + BIO_SET.frontPad)).toBe(0);
    expect(readU32(ctx.mem, bs + BIO_SET.backPad)).toBe(64);
    for (const pool of [bs + BIO_SET.bioPool, bs + BIO_SET.bvecPool]) {
      expect([readU32(ctx.mem, pool + MEMPOOL.minNr), readU32(ctx.mem, pool + MEMPOOL.currNr)]).toEqual([2, 2]);
      expect([readU64(ctx.mem, pool + MEMPOOL.alloc), readU64(ctx.mem, pool + MEMPOOL.free)]).toEqual([SYMS.mempool_alloc_slab, SYMS.mempool_free_slab]);
      expect(readU64(ctx.mem, pool + MEMPOOL.waitHead)).toBe(pool + MEMPOOL.waitHead);
    }
    const work = bs + BIO_SET.rescueWork;
    expect([readU64(ctx.mem, work), readU64(ctx.mem, work + 8n), readU64(ctx.mem, work + 24n)]).toEqual([0xfffffffe0n, work + 8n, SYMS.bio_alloc_rescue]);
    expect(call('bioset_exit', bs)).toBe(0n);
    expect(readU64(ctx.mem, bs + BIO_SET.rescueWorkqueue)).toBe(0n);
  });

  it('front_pad as given; no bvec pool without BIOSET_NEED_BVECS; a rescuer or per-CPU cache is not modelled', () => {
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => SYMS[n] ?? null }));
    const bs = DATA_BASE + 0x2000n;
    ctx.poke(bs, new Uint8Array(BIO_SET.size));
    expect(call('bioset_init', bs, 4n, 40n, 0n)).toBe(0n);
    expect([readU32(ctx.mem, bs + BIO_SET.frontPad), readU32(ctx.mem, bs + BIO_SET.backPad)]).toEqual([40, 0]);
    expect(readU32(ctx.mem, bs + BIO_SET.bvecPool + MEMPOOL.minNr)).toBe(0);
    expect(call('bioset_init', bs, 4n, 0n, 3n)).toBe('not-modelled');
    expect(call('bioset_init', bs, 4n, 0n, 5n)).toBe('not-modelled');
  });
});
