/**
 * Scatterlists (lib/scatterlist.c, include/linux/scatterlist.h of 6.1; no CONFIG_DEBUG_SG). struct scatterlist
 * { unsigned long page_link; unsigned int offset @8; unsigned int length @12; dma_addr_t dma_address @16;
 * unsigned int dma_length @24 (CONFIG_NEED_SG_DMA_LENGTH) } is 32 bytes; page_link's low bits are SG_CHAIN (1) and
 * SG_END (2). sg_init_table(sgl, n): zero the entries, mark the last one's end. sg_init_one(sg, buf, len):
 * sg_init_table(sg, 1) then sg_set_buf(): page_link = virt_to_page(buf) | SG_END, offset = offset_in_page(buf),
 * length = len. virt_to_page() of a direct-map address is vmemmap_base + PFN * sizeof(struct page) (64), with
 * page_offset_base and vmemmap_base those of the modelled machine (recorded under QEMU).
 *
 * sg_next(sg): NULL after the entry marked SG_END, else the next entry, following an SG_CHAIN link (page_link & ~3).
 * sg_nents(sg): the entries sg_next() reaches. The mapping iterator (struct sg_mapping_iter: page, addr @8, length @16,
 * consumed @24, piter { sg @32, sg_pgoffset @40, __nents @44, __pg_advance @48 }, __offset @56, __remaining @60,
 * __flags @64; 72 bytes): sg_miter_start() zeroes it and starts the page iterator; sg_miter_next() ends the previous
 * step (sg_miter_stop()), moves to the next page with bytes left (__sg_page_iter_next(), sg_miter_get_next_page()) and
 * maps it: on x86-64 kmap()/kmap_atomic() of a page is page_address() (no highmem), the direct-map address of the PFN.
 * With SG_MITER_ATOMIC the mapping holds preempt_disable() (__preempt_count + 1, per CPU) until sg_miter_stop();
 * its pagefault_disable() (current->pagefault_disabled) is not modelled. flush_dcache_page() does nothing on x86.
 *
 * scatterwalk_map_and_copy(buf, sg, start, nbytes, out) (crypto/scatterwalk.c): skips start bytes of the list
 * (scatterwalk_ffwd()), then copies nbytes between buf and the list's bytes, into the list when out is 1, out of it
 * when 0 (each entry's pages are consecutive in vmemmap and in the direct map). A list shorter than start + nbytes
 * walks off its end (a NULL entry) in the kernel: not modelled.
 */
import { MACHINE } from '../../machine/qemu-pc';
import type { KernelCallContext, KernelFunction } from '../types';
import type { KernelCallState } from './state';
import { readU32, readU64, u32, writeU32, writeU64 } from './mem';

const SG_SIZE = 32;
const SG_CHAIN = 1n;
const SG_END = 2n;
const STRUCT_PAGE = 64n;
const PAGE = 4096;
/** include/linux/scatterlist.h: SG_MITER_ATOMIC, SG_MITER_TO_SG, SG_MITER_FROM_SG. */
const SG_MITER_ATOMIC = 1;
const SG_MITER_TO_SG = 2;
const SG_MITER_FROM_SG = 4;
const MITER = { page: 0n, addr: 8n, length: 16n, consumed: 24n, sg: 32n, pgoffset: 40n, nents: 44n, advance: 48n, offset: 56n, remaining: 60n, flags: 64n };

/** sg_next(): NULL after the last entry; a chain entry links on to another array. */
function sgNext(ctx: KernelCallContext, sg: bigint): bigint {
  if (readU64(ctx.mem, sg) & SG_END) return 0n;
  const next = sg + BigInt(SG_SIZE);
  const link = readU64(ctx.mem, next);
  return link & SG_CHAIN ? link & ~3n : next;
}

/** sg_page_count(): the pages sg->offset + sg->length spans. */
const sgPageCount = (ctx: KernelCallContext, sg: bigint): number => Math.ceil((readU32(ctx.mem, sg + 8n) + readU32(ctx.mem, sg + 12n)) / PAGE);

export function scatterlistFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const pageOffset = BigInt(MACHINE.vars.page_offset_base);
  const vmemmap = BigInt(MACHINE.vars.vmemmap_base);
  const preemptCount = (ctx: KernelCallContext): bigint | null => {
    const at = s.options.lookupSymbol?.('__preempt_count') ?? null;
    return at === null ? null : ctx.state.gsBase + at;
  };
  const addPreempt = (ctx: KernelCallContext, at: bigint, d: number): void => writeU32(ctx.mem, at, (readU32(ctx.mem, at) + d) >>> 0);
  /** sg_miter_stop(): account the bytes consumed and unmap (kunmap_atomic(): preempt_enable()). */
  const miterStop = (ctx: KernelCallContext, m: bigint, pc: bigint | null): void => {
    if (readU64(ctx.mem, m + MITER.addr) === 0n) return;
    const consumed = Number(readU64(ctx.mem, m + MITER.consumed));
    writeU32(ctx.mem, m + MITER.offset, (readU32(ctx.mem, m + MITER.offset) + consumed) >>> 0);
    writeU32(ctx.mem, m + MITER.remaining, (readU32(ctx.mem, m + MITER.remaining) - consumed) >>> 0);
    if (readU32(ctx.mem, m + MITER.flags) & SG_MITER_ATOMIC && pc !== null) addPreempt(ctx, pc, -1);
    for (const f of [MITER.page, MITER.addr, MITER.length, MITER.consumed]) writeU64(ctx.mem, m + f, 0n);
  };
  /** __sg_page_iter_next(). */
  const pageIterNext = (ctx: KernelCallContext, m: bigint): boolean => {
    let nents = readU32(ctx.mem, m + MITER.nents);
    let sg = readU64(ctx.mem, m + MITER.sg);
    if (!nents || !sg) return false;
    let pgoff = readU32(ctx.mem, m + MITER.pgoffset) + readU32(ctx.mem, m + MITER.advance);
    writeU32(ctx.mem, m + MITER.advance, 1);
    let ok = true;
    while (pgoff >= sgPageCount(ctx, sg)) {
      pgoff -= sgPageCount(ctx, sg);
      sg = sgNext(ctx, sg);
      if (!--nents || !sg) {
        ok = false;
        break;
      }
    }
    writeU32(ctx.mem, m + MITER.pgoffset, pgoff >>> 0);
    writeU64(ctx.mem, m + MITER.sg, sg);
    writeU32(ctx.mem, m + MITER.nents, nents >>> 0);
    return ok;
  };
  /** The direct-map address of an entry's first byte. */
  const entryAddress = (ctx: KernelCallContext, sg: bigint): bigint | null => {
    const page = readU64(ctx.mem, sg) & ~3n;
    if (page < vmemmap || page >= vmemmap + (1n << 40n)) return null;
    return pageOffset + ((page - vmemmap) / STRUCT_PAGE) * BigInt(PAGE) + BigInt(readU32(ctx.mem, sg + 8n));
  };
  return {
    scatterwalk_map_and_copy: (ctx) => {
      let buf = ctx.arg(0);
      let skip = u32(ctx.arg(2));
      let left = u32(ctx.arg(3));
      const out = u32(ctx.arg(4)) !== 0;
      const chunks: { from: bigint; to: bigint; n: number }[] = [];
      for (let sg = ctx.arg(1); left > 0; sg = sgNext(ctx, sg)) {
        if (sg === 0n) return 'not-modelled';
        const len = readU32(ctx.mem, sg + 12n);
        if (skip >= len) {
          skip -= len;
          continue;
        }
        const at = entryAddress(ctx, sg);
        if (at === null) return 'not-modelled';
        const n = Math.min(len - skip, left);
        const sgAt = at + BigInt(skip);
        chunks.push(out ? { from: buf, to: sgAt, n } : { from: sgAt, to: buf, n });
        buf += BigInt(n);
        left -= n;
        skip = 0;
      }
      for (const c of chunks) ctx.mem.write(c.to, ctx.mem.read(c.from, c.n, 'read').slice());
      return 0n;
    },
    // struct scatterlist *sg_next(struct scatterlist *sg)
    sg_next: (ctx) => sgNext(ctx, ctx.arg(0)),
    // int sg_nents(struct scatterlist *sg)
    sg_nents: (ctx) => {
      let n = 0n;
      for (let sg = ctx.arg(0); sg !== 0n; sg = sgNext(ctx, sg)) n++;
      return n;
    },
    // void sg_miter_start(struct sg_mapping_iter *miter, struct scatterlist *sgl, unsigned int nents, unsigned int flags)
    sg_miter_start: (ctx) => {
      const m = ctx.arg(0);
      const flags = u32(ctx.arg(3));
      if (!(flags & (SG_MITER_TO_SG | SG_MITER_FROM_SG))) return 'not-modelled'; // WARN_ON()
      ctx.mem.write(m, new Uint8Array(72));
      writeU64(ctx.mem, m + MITER.sg, ctx.arg(1));
      writeU32(ctx.mem, m + MITER.nents, u32(ctx.arg(2)));
      writeU32(ctx.mem, m + MITER.flags, flags);
      return 0n;
    },
    // bool sg_miter_next(struct sg_mapping_iter *miter)
    sg_miter_next: (ctx) => {
      const m = ctx.arg(0);
      const pc = preemptCount(ctx);
      if (pc === null || readU64(ctx.mem, m + MITER.consumed) > readU64(ctx.mem, m + MITER.length)) return 'not-modelled'; // WARN_ON()
      miterStop(ctx, m, pc);
      if (!readU32(ctx.mem, m + MITER.remaining)) {
        if (!pageIterNext(ctx, m)) return 0n;
        const sg = readU64(ctx.mem, m + MITER.sg);
        let pgoff = readU32(ctx.mem, m + MITER.pgoffset);
        const sgOffset = readU32(ctx.mem, sg + 8n);
        let offset = pgoff ? 0 : sgOffset;
        pgoff += Math.floor(offset / PAGE);
        offset %= PAGE;
        const left = sgOffset + readU32(ctx.mem, sg + 12n) - pgoff * PAGE - offset;
        writeU32(ctx.mem, m + MITER.pgoffset, pgoff);
        writeU32(ctx.mem, m + MITER.offset, offset);
        writeU32(ctx.mem, m + MITER.remaining, Math.min(left >>> 0, PAGE - offset));
      }
      const sg = readU64(ctx.mem, m + MITER.sg);
      const page = (readU64(ctx.mem, sg) & ~3n) + BigInt(readU32(ctx.mem, m + MITER.pgoffset)) * STRUCT_PAGE;
      if (page < vmemmap) return 'not-modelled';
      const remaining = BigInt(readU32(ctx.mem, m + MITER.remaining));
      writeU64(ctx.mem, m + MITER.page, page);
      writeU64(ctx.mem, m + MITER.length, remaining);
      writeU64(ctx.mem, m + MITER.consumed, remaining);
      if (readU32(ctx.mem, m + MITER.flags) & SG_MITER_ATOMIC) addPreempt(ctx, pc, 1);
      const addr = pageOffset + ((page - vmemmap) / STRUCT_PAGE) * BigInt(PAGE) + BigInt(readU32(ctx.mem, m + MITER.offset));
      writeU64(ctx.mem, m + MITER.addr, addr);
      return 1n;
    },
    // void sg_miter_stop(struct sg_mapping_iter *miter)
    sg_miter_stop: (ctx) => {
      const m = ctx.arg(0);
      if (readU64(ctx.mem, m + MITER.consumed) > readU64(ctx.mem, m + MITER.length)) return 'not-modelled'; // WARN_ON()
      miterStop(ctx, m, preemptCount(ctx));
      return 0n;
    },
    // void sg_init_table(struct scatterlist *sgl, unsigned int nents)
    sg_init_table: (ctx) => {
      const sgl = ctx.arg(0);
      const n = u32(ctx.arg(1));
      if (n === 0 || n > 1 << 16) return 'not-modelled';
      ctx.mem.write(sgl, new Uint8Array(SG_SIZE * n));
      writeU64(ctx.mem, sgl + BigInt(SG_SIZE * (n - 1)), SG_END);
      return 0n;
    },
    // void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int buflen)
    sg_init_one: (ctx) => {
      const sg = ctx.arg(0);
      const buf = ctx.arg(1);
      // virt_to_page() holds for the direct map only (a vmalloc or module address would be a kernel bug).
      if (buf < pageOffset || buf >= pageOffset + (1n << 46n)) return 'not-modelled';
      const page = vmemmap + ((buf - pageOffset) >> 12n) * STRUCT_PAGE;
      ctx.mem.write(sg, new Uint8Array(SG_SIZE));
      writeU64(ctx.mem, sg, page | SG_END);
      writeU32(ctx.mem, sg + 8n, Number(buf & 0xfffn));
      writeU32(ctx.mem, sg + 12n, u32(ctx.arg(2)));
      return 0n;
    },
  };
}
