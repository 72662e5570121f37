/**
 * The memory zones of the modelled machine, as the real 6.1.0-50 kernel sets them up on QEMU's PC with 512 MiB
 * (scripts/qemu/recordings/zoneinfo.qemu.json: /proc/zoneinfo at boot). ZONE_NORMAL, Movable and Device are empty.
 */
import type { KernelFunction } from '../types';

export interface ZoneFacts {
  name: string;
  managed: number;
  /** high_wmark_pages(): _watermark[WMARK_HIGH] + watermark_boost (0 at boot), as /proc/zoneinfo's "high". */
  high: number;
}

export const QEMU_PC_ZONES: readonly ZoneFacts[] = [
  { name: 'DMA', managed: 3840, high: 32 },
  { name: 'DMA32', managed: 113267, high: 972 },
  { name: 'Normal', managed: 0, high: 0 },
];

/**
 * nr_free_buffer_pages() (mm/page_alloc.c nr_free_zone_pages(gfp_zone(GFP_USER))): over the zones up to ZONE_NORMAL,
 * the managed pages above the high watermark. sctp_init() sizes sysctl_sctp_mem from it, tcp and udp their memory limits.
 */
export function nrFreeBufferPages(zones: readonly ZoneFacts[] = QEMU_PC_ZONES): number {
  return zones.reduce((sum, z) => sum + (z.managed > z.high ? z.managed - z.high : 0), 0);
}

export function zoneFunctions(): Record<string, KernelFunction> {
  return {
    nr_free_buffer_pages: (ctx) => {
      const n = nrFreeBufferPages();
      ctx.note(`nr_free_buffer_pages: ${n} (managed pages above the high watermark in DMA and DMA32, as recorded)`);
      return BigInt(n);
    },
  };
}
