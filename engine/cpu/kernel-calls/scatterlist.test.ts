/** scatterlist.ts: sg_init_one() and sg_init_table() (lib/scatterlist.c) as gcm's crypto_gcm_module_init() calls them. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE, HEAP_BASE } from './fake-context';
import { readU32, readU64 } from './mem';

describe('sg_init_one', () => {
  it("points the entry at the buffer's struct page in vmemmap (64 bytes a page frame), its offset and length, and ends the list", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const sg = DATA_BASE + 0x100n;
    ctx.map(sg, 32, 0xaa);
    const buf = HEAP_BASE + 0x1230n; // 0xffff888000101230: PFN 0x101, offset 0x230
    expect(call('sg_init_one', sg, buf, 16n)).toBe(0n);
    expect(readU64(ctx.mem, sg)).toBe(0xffffea0000000000n + 0x101n * 64n + 2n);
    expect(readU32(ctx.mem, sg + 8n)).toBe(0x230);
    expect(readU32(ctx.mem, sg + 12n)).toBe(16);
    expect(readU64(ctx.mem, sg + 16n)).toBe(0n);
    expect(call('sg_init_one', sg, 0xffffffffc0001000n, 16n)).toBe('not-modelled'); // not the direct map
  });
  it('sg_init_table zeroes n entries and marks only the last as the end', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const sgl = DATA_BASE + 0x200n;
    ctx.map(sgl, 96, 0xaa);
    call('sg_init_table', sgl, 3n);
    expect([readU64(ctx.mem, sgl), readU64(ctx.mem, sgl + 32n), readU64(ctx.mem, sgl + 64n)]).toEqual([0n, 0n, 2n]);
  });
});

describe('walking a list: sg_next, sg_nents, the mapping iterator, scatterwalk_map_and_copy', () => {
  const VMEMMAP = 0xffffea0000000000n;
  const PAGE_OFFSET = 0xffff888000000000n;
  const pageOf = (a: bigint): bigint => VMEMMAP + ((a - PAGE_OFFSET) >> 12n) * 64n;
  /** Two entries: 10 bytes at buf+0xffa (crossing a page) and 7 at buf2, the second reached through a chain link. */
  function list() {
    const PREEMPT = DATA_BASE + 0x3000n;
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => (n === '__preempt_count' ? PREEMPT : null) }));
    ctx.poke(PREEMPT, Uint8Array.of(0, 0, 0, 0x80));
    const a = DATA_BASE + 0x100n;
    const b = DATA_BASE + 0x200n;
    const buf = HEAP_BASE + 0x1ffan;
    const buf2 = HEAP_BASE + 0x5010n;
    ctx.poke(buf, Uint8Array.from({ length: 10 }, (_, i) => 0x10 + i));
    ctx.poke(buf2, Uint8Array.from({ length: 7 }, (_, i) => 0x40 + i));
    const entry = (at: bigint, page: bigint, off: number, len: number): void => {
      ctx.poke(at, new Uint8Array(32));
      ctx.poke(at, new Uint8Array(new BigUint64Array([page]).buffer));
      ctx.poke(at + 8n, new Uint8Array(new Uint32Array([off, len]).buffer));
    };
    entry(a, pageOf(buf), 0xffa, 10);
    entry(a + 32n, b | 1n, 0, 0); // SG_CHAIN to b
    entry(b, pageOf(buf2) | 2n, 0x10, 7); // SG_END
    return { ctx, call, a, b, buf, buf2, PREEMPT };
  }

  it('sg_next follows the chain and stops after SG_END; sg_nents counts 2', () => {
    const { call, a, b } = list();
    expect(call('sg_next', a)).toBe(b);
    expect(call('sg_next', b)).toBe(0n);
    expect(call('sg_nents', a)).toBe(2n);
  });

  it('scatterwalk_map_and_copy copies across entries from an offset, both ways; past the end is not modelled', () => {
    const { ctx, call, a, buf2 } = list();
    const out = DATA_BASE + 0x800n;
    expect(call('scatterwalk_map_and_copy', out, a, 8n, 5n, 0n)).toBe(0n);
    expect([...ctx.peek(out, 5)]).toEqual([0x18, 0x19, 0x40, 0x41, 0x42]);
    ctx.poke(out, Uint8Array.of(1, 2, 3));
    expect(call('scatterwalk_map_and_copy', out, a, 11n, 3n, 1n)).toBe(0n);
    expect([...ctx.peek(buf2, 5)]).toEqual([0x40, 1, 2, 3, 0x44]);
    expect(call('scatterwalk_map_and_copy', out, a, 10n, 8n, 0n)).toBe('not-modelled');
  });

  it('sg_miter: one mapping per page piece (the first entry spans two pages), preempt count held while mapped', () => {
    const { ctx, call, a, buf, buf2, PREEMPT } = list();
    const m = DATA_BASE + 0x600n;
    ctx.poke(m, new Uint8Array(72).fill(0xaa));
    expect(call('sg_miter_start', m, a, 2n, 7n)).toBe(0n); // ATOMIC | TO_SG | FROM_SG
    const steps: [bigint, bigint][] = [];
    while (call('sg_miter_next', m) === 1n) {
      steps.push([readU64(ctx.mem, m + 8n), readU64(ctx.mem, m + 16n)]);
      expect(readU32(ctx.mem, PREEMPT)).toBe(0x80000001);
    }
    expect(steps).toEqual([
      [buf, 6n],
      [buf + 6n, 4n],
      [buf2, 7n],
    ]);
    expect(readU32(ctx.mem, PREEMPT)).toBe(0x80000000);
    call('sg_miter_stop', m);
    expect(readU32(ctx.mem, PREEMPT)).toBe(0x80000000);
  });
});
