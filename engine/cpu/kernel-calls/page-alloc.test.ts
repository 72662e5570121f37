/**
 * alloc_pages / __free_pages / __folio_put (page-alloc.ts): the struct page the page allocator hands out (vmemmap of the
 * frame, _refcount 1, _mapcount -1, compound heads), then the real modules that call it (tls's tls_device_init()
 * dummy page, libcxgbi's rsvd_page) against their recorded modprobe on the real kernel under QEMU.
 */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { HEAP_BASE } from './fake-context';
import { readU32, readU64 } from './mem';
import { pageAddress, virtToPage } from './page-alloc';
import { haveSampleCorpus, replaySampleTargets } from '../../../scripts/test-support/sample-replay';

const GFP_KERNEL = 0xcc0n;
const GFP_ZERO = 0x100n;
const GFP_COMP = 0x4000n;

function caller() {
  const c = modelCaller(new KernelCallState());
  const first = virtToPage(HEAP_BASE);
  c.ctx.map(first, Number(virtToPage(HEAP_BASE + (1n << 20n)) - first)); // the struct pages of the fake heap
  return c;
}

describe('alloc_pages (mm/page_alloc.c)', () => {
  it('returns the vmemmap struct page of zeroed frames with _refcount 1 and _mapcount -1; page_address() is the frame', () => {
    const { ctx, call } = caller();
    const page = call('alloc_pages', GFP_KERNEL | GFP_ZERO, 0n) as bigint;
    // The frames' address, as the model's note gives it (the fake heap is not page aligned: page_address() rounds down).
    const frames = BigInt(/at (0x[0-9a-f]+)/.exec(ctx.notes.at(-1) ?? '')?.[1] ?? '0');
    expect(page).toBe(virtToPage(frames));
    expect(pageAddress(page)).toBe(frames & ~0xfffn);
    expect(readU32(ctx.mem, page + 52n)).toBe(1);
    expect(readU32(ctx.mem, page + 48n)).toBe(0xffffffff);
    expect([...ctx.mem.read(frames, 4096, 'read')].every((b) => b === 0)).toBe(true);
  });
  it('__GFP_COMP: tail pages point at the head (bit 0 set), the first tail holds dtor 1, the order and compound_nr', () => {
    const { ctx, call } = caller();
    const page = call('alloc_pages', GFP_KERNEL | GFP_COMP, 2n) as bigint;
    for (let i = 1n; i < 4n; i++) expect(readU64(ctx.mem, page + i * 64n + 8n)).toBe(page + 1n);
    expect([...ctx.mem.read(page + 64n + 16n, 2, 'read')]).toEqual([1, 2]);
    expect(readU32(ctx.mem, page + 64n + 28n)).toBe(4);
  });
  it('order 11 (MAX_ORDER) fails with NULL; __free_pages frees at the last reference; put_page()’s __folio_put frees', () => {
    const { ctx, call } = caller();
    expect(call('alloc_pages', GFP_KERNEL, 11n)).toBe(0n);
    const page = call('alloc_pages', GFP_KERNEL, 0n) as bigint;
    expect(call('__free_pages', page, 0n)).toBe(0n);
    expect(ctx.freed).toEqual([pageAddress(page)]);
    expect(call('__free_pages', 0xffffea0000000040n, 0n)).toBe('not-modelled'); // not a page this model handed out
    const other = call('alloc_pages', GFP_KERNEL, 0n) as bigint;
    ctx.mem.write(other + 52n, new Uint8Array(4)); // put_page_testzero() inline in the module
    expect(call('__folio_put', other)).toBe(0n);
    expect(ctx.freed).toEqual([pageAddress(page), pageAddress(other)]);
  });
});

describe.skipIf(!process.env.CI && !haveSampleCorpus)('real modules that call alloc_pages, against the real kernel under QEMU', () => {
  it('tls and cxgb3i (libcxgbi) load as recorded in modprobe-sample.json.gz', () => {
    expect(replaySampleTargets(['tls', 'cxgb3i'])).toEqual({ tls: 'identical', cxgb3i: 'identical' });
  }, 120_000);
});
