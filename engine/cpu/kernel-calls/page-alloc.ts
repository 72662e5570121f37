/**
 * The page allocator as modules see it (mm/page_alloc.c, mm/mempolicy.c, mm/swap.c of 6.1). alloc_pages(gfp, order)
 * (the NUMA build's export; alloc_page(gfp) is alloc_pages(gfp, 0)) returns the struct page of 2^order contiguous page
 * frames, zeroed with __GFP_ZERO; page_address() of it (inline: lowmem_page_address(), the direct map) is where the
 * bytes are. The frames come from the machine's allocator, page aligned in the direct map, and their struct page is
 * the one in vmemmap for that frame (vmemmap_base + PFN * 64): prep_new_page() leaves the first page with _refcount 1
 * (set_page_refcounted()) and _mapcount -1 (page_mapcount_reset(), an unmapped page). __GFP_COMP makes a compound page
 * (prep_compound_page()): the tail pages point at the head (compound_head = head + 1) and the order is kept.
 * __free_pages(page, order) drops that reference and frees the frames when it was the last (put_page_testzero());
 * put_page() is inline and calls __folio_put() when the count reaches 0, which frees the frames (free_unref_page()).
 * Orders of MAX_ORDER (11) and above fail (__alloc_pages(): WARN_ON_ONCE_GFP unless __GFP_NOWARN, then NULL).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { MACHINE } from '../../machine/qemu-pc';
import { GFP } from './alloc';
import { readU32, readU64, u32, writeU32, writeU64 } from './mem';

const STRUCT_PAGE = 64n;
/**
 * struct page: compound_head @8 (bit 0: a tail page); the first tail page's compound_dtor @16, compound_order @17,
 * compound_mapcount @20 and compound_nr @28; _mapcount @48, _refcount @52.
 */
const PAGE_COMPOUND_HEAD = 8n;
const PAGE_COMPOUND_DTOR = 16n;
const PAGE_COMPOUND_MAPCOUNT = 20n;
const PAGE_COMPOUND_NR = 28n;
const PAGE_MAPCOUNT = 48n;
const PAGE_REFCOUNT = 52n;
const MAX_ORDER = 11;
/** __GFP_COMP (include/linux/gfp_types.h). */
const GFP_COMP = 0x4000n;

const pageOffset = BigInt(MACHINE.vars.page_offset_base);
const vmemmap = BigInt(MACHINE.vars.vmemmap_base);

/** virt_to_page() of a direct-map address. */
export function virtToPage(address: bigint): bigint {
  return vmemmap + ((address - pageOffset) >> 12n) * STRUCT_PAGE;
}

/** page_address() of a struct page in vmemmap. */
export function pageAddress(page: bigint): bigint {
  return pageOffset + ((page - vmemmap) / STRUCT_PAGE) * 4096n;
}

export function pageAllocFunctions(): Record<string, KernelFunction> {
  /** Allocations made here, by head struct page: their order. */
  const live = new Map<bigint, number>();
  const free = (ctx: KernelCallContext, page: bigint, why: string): void => {
    const order = live.get(page);
    if (order === undefined) return;
    live.delete(page);
    ctx.kfree(pageAddress(page));
    ctx.note(`${why}: the ${1 << order} page(s) at ${hexU64(pageAddress(page))} are free again`);
  };
  /** put_page_testzero(): the reference dropped; true when it was the last. */
  const putTestZero = (ctx: KernelCallContext, page: bigint): boolean => {
    const n = (readU32(ctx.mem, page + PAGE_REFCOUNT) - 1) >>> 0;
    writeU32(ctx.mem, page + PAGE_REFCOUNT, n);
    return n === 0;
  };
  return {
    // struct page *alloc_pages(gfp_t gfp, unsigned int order)
    alloc_pages: (ctx) => {
      const gfp = ctx.arg(0);
      const order = u32(ctx.arg(1));
      if (order >= MAX_ORDER) {
        ctx.note(`alloc_pages: order ${order} >= MAX_ORDER${gfp & GFP.NOWARN ? '' : ' (with a page-allocator WARNING)'}; returns NULL`);
        return 0n;
      }
      const zero = (gfp & GFP.ZERO) !== 0n;
      const bytes = 4096 << order;
      const p = ctx.kmalloc(bytes, zero, `alloc_pages (order ${order})`);
      if (p === 0n) return 0n;
      const page = virtToPage(p);
      for (let i = 0n; i < 1n << BigInt(order); i++) {
        const q = page + i * STRUCT_PAGE;
        ctx.mem.write(q, new Uint8Array(Number(STRUCT_PAGE)));
        writeU32(ctx.mem, q + PAGE_MAPCOUNT, 0xffffffff);
      }
      writeU32(ctx.mem, page + PAGE_REFCOUNT, 1);
      if (gfp & GFP_COMP && order > 0) {
        for (let i = 1n; i < 1n << BigInt(order); i++) writeU64(ctx.mem, page + i * STRUCT_PAGE + PAGE_COMPOUND_HEAD, page + 1n);
        // prep_compound_head(): COMPOUND_PAGE_DTOR (1), the order, compound_mapcount -1, compound_nr.
        ctx.mem.write(page + STRUCT_PAGE + PAGE_COMPOUND_DTOR, Uint8Array.of(1, order));
        writeU32(ctx.mem, page + STRUCT_PAGE + PAGE_COMPOUND_MAPCOUNT, 0xffffffff);
        writeU32(ctx.mem, page + STRUCT_PAGE + PAGE_COMPOUND_NR, 1 << order);
      }
      live.set(page, order);
      ctx.note(`alloc_pages: ${1 << order} page(s)${zero ? ' (zeroed)' : ''} at ${hexU64(p)}, struct page ${hexU64(page)}`);
      return page;
    },
    // void __free_pages(struct page *page, unsigned int order)
    __free_pages: (ctx) => {
      const page = ctx.arg(0);
      if (!live.has(page)) return 'not-modelled';
      if (putTestZero(ctx, page)) free(ctx, page, '__free_pages');
      return 0n;
    },
    // void __folio_put(struct folio *folio): put_page() found the count at 0.
    __folio_put: (ctx) => {
      const page = ctx.arg(0);
      if (!live.has(page) || readU32(ctx.mem, page + PAGE_REFCOUNT) !== 0 || readU64(ctx.mem, page + PAGE_COMPOUND_HEAD) & 1n) return 'not-modelled';
      free(ctx, page, '__folio_put');
      return 0n;
    },
  };
}
