/**
 * dma_set_mask() and dma_set_coherent_mask() (kernel/dma/mapping.c, 6.1) for a device with the direct mapping (no
 * dma_ops: QEMU's PC has no IOMMU): dma_direct_supported() accepts any mask of 32 bits or more, and a smaller one
 * when it covers ZONE_DMA's 24 bits (the 512 MiB machine's (max_pfn - 1) << PAGE_SHIFT is larger); else -EIO.
 * dma_set_mask() also needs dev->dma_mask to point somewhere, and stores the mask there; the coherent one goes to
 * dev->coherent_dma_mask. Offsets: struct device's dma_mask 576, coherent_dma_mask 584 (pahole, 6.1.0-50).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU64, ret, writeU64 } from './mem';

const DEV_DMA_MASK = 576n;
const DEV_COHERENT_DMA_MASK = 584n;
const EIO = 5;
/** DMA_BIT_MASK(zone_dma_bits = 24). */
const ZONE_DMA_MASK = 0xffffffn;

const supported = (mask: bigint): boolean => mask >= ZONE_DMA_MASK;

function setMask(ctx: KernelCallContext, coherent: boolean): bigint | 'not-modelled' {
  const dev = ctx.arg(0);
  const mask = ctx.arg(1);
  if (coherent) {
    if (!supported(mask)) return ret(-EIO);
    writeU64(ctx.mem, dev + DEV_COHERENT_DMA_MASK, mask);
    return 0n;
  }
  let at: bigint;
  try {
    at = readU64(ctx.mem, dev + DEV_DMA_MASK);
  } catch {
    ctx.note('dma_set_mask: the device is not a struct device the model laid out: not modelled');
    return 'not-modelled';
  }
  if (at === 0n || !supported(mask)) return ret(-EIO);
  writeU64(ctx.mem, at, mask);
  return 0n;
}

export function dmaMaskFunctions(): Record<string, KernelFunction> {
  return {
    // int dma_set_mask(struct device *dev, u64 mask)
    dma_set_mask: (ctx) => setMask(ctx, false),
    // int dma_set_coherent_mask(struct device *dev, u64 mask)
    dma_set_coherent_mask: (ctx) => setMask(ctx, true),
  };
}
