/**
 * Scatterlists (lib/scatterlist.c, include/linux/scatterlist.h of 6.1; no CONFIG_DEBUG_SG). struct scatterlist
 * { unsigned long page_link; unsigned int offset @8; unsigned int length @12; dma_addr_t dma_address @16;
 * unsigned int dma_length @24 (CONFIG_NEED_SG_DMA_LENGTH) } is 32 bytes; page_link's low bits are SG_CHAIN (1) and
 * SG_END (2). sg_init_table(sgl, n): zero the entries, mark the last one's end. sg_init_one(sg, buf, len):
 * sg_init_table(sg, 1) then sg_set_buf(): page_link = virt_to_page(buf) | SG_END, offset = offset_in_page(buf),
 * length = len. virt_to_page() of a direct-map address is vmemmap_base + PFN * sizeof(struct page) (64), with
 * page_offset_base and vmemmap_base those of the modelled machine (recorded under QEMU).
 */
import { MACHINE } from '../../machine/qemu-pc';
import type { KernelFunction } from '../types';
import { u32, writeU32, writeU64 } from './mem';

const SG_SIZE = 32;
const SG_END = 2n;
const STRUCT_PAGE = 64n;

export function scatterlistFunctions(): Record<string, KernelFunction> {
  const pageOffset = BigInt(MACHINE.vars.page_offset_base);
  const vmemmap = BigInt(MACHINE.vars.vmemmap_base);
  return {
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
