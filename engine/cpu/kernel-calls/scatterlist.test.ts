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
