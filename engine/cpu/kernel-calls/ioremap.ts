/**
 * ioremap() and its cache-mode variants, and iounmap() (arch/x86/mm/ioremap.c, 6.1), for the physical memory of the
 * modelled machine whose contents are recorded.
 *
 * __ioremap_caller(): a zero size or a range that wraps gives NULL; RAM the kernel uses is refused with a WARN
 * ("ioremap on RAM at …"); otherwise memtype_reserve() (the low ISA range 0xa0000-0xfffff is untracked by PAT: always
 * allowed, whatever the cache mode asked), get_vm_area_caller() (a page-rounded vmalloc area with a guard page),
 * ioremap_page_range(), and the address plus the offset in the first page. No line is logged for a range inside one
 * iomem resource (iomem_map_sanity_check()). iounmap() frees the area (memtype_free(): nothing for the ISA range).
 *
 * What the mapping reaches is the machine's: recorded on QEMU's PC with -nodefaults (no VGA card), TCG, by
 * scripts/qemu/iomem-probe.mjs (recordings/iomem-unassigned.qemu.json). /proc/iomem gives the legacy VGA window
 * 0xa0000-0xbffff to the "PCI Bus 0000:00" window and nothing else, yet there the machine answers as RAM: a
 * writew(0xaa55) reads back 0xaa55, at 0xb0000 as at 0xb8000, so hgafb's hga_card_detect() (drivers/video/fbdev/hgafb.c)
 * passes its memory test and gives up at the port test (port 0x3b5 reads 0xff: port-io.ts), "HGA card not detected.".
 * Of that window the model knows the bytes of 0xb0000-0xb7fff, the monochrome text buffer: all zero at the recording,
 * and no code of the modelled kernel writes there (vgacon runs in colour, from 0xb8000). Its other pages hold what
 * the recording shows the model does not have — SeaBIOS's SMM area around 0xa0000 and 0xa8000, vgacon's screen at
 * 0xb8000 — and every other physical range (the BIOS, option ROMs, the PCI hole, the APICs, the HPET) has contents or
 * devices the model does not keep: an ioremap() of those says "not modelled".
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';

const PAGE = 0x1000n;
/** The part of the VGA window whose contents the model knows (see above): [start, end). */
export const KNOWN_VGA_WINDOW_RAM: readonly [bigint, bigint] = [0xb0000n, 0xb8000n];
/** System RAM of the modelled machine (/proc/iomem): 0x1000-0x9fbff and 0x100000-0x1ffdffff. */
const SYSTEM_RAM: readonly [bigint, bigint][] = [
  [0x1000n, 0x9fc00n],
  [0x100000n, 0x1ffe0000n],
];

export function ioremapFunctions(): Record<string, KernelFunction> {
  /** The known window's bytes, shared by every mapping of it: what one writes, another reads. */
  const window = new Uint8Array(Number(KNOWN_VGA_WINDOW_RAM[1] - KNOWN_VGA_WINDOW_RAM[0]));
  const ioremap =
    (fn: string): KernelFunction =>
    (ctx: KernelCallContext) => {
      const phys = ctx.arg(0);
      const size = ctx.arg(1);
      const last = phys + size - 1n;
      // __ioremap_caller(): "Don't allow wraparound or zero size".
      if (size === 0n || last > 0xffffffffffffffffn) return 0n;
      const range = `${hexU64(phys)}-${hexU64(last)}`;
      if (SYSTEM_RAM.some(([a, b]) => phys < b && last >= a)) {
        ctx.note(`${fn} ${range}: System RAM, which the kernel refuses with a WARN ("ioremap on RAM at"): not modelled`);
        return 'not-modelled';
      }
      const [lo, hi] = KNOWN_VGA_WINDOW_RAM;
      if (phys < lo || last >= hi) {
        ctx.note(`${fn} ${range}: what QEMU's PC has there is not recorded: not modelled`);
        return 'not-modelled';
      }
      const first = phys & ~(PAGE - 1n);
      const end = (last + PAGE) & ~(PAGE - 1n);
      const at = ctx.mem.mapIo?.(window.subarray(Number(first - lo), Number(end - lo)), `ioremap ${range}`);
      if (at === undefined) return 'not-modelled';
      if (at === null) return 0n;
      ctx.note(`${fn} ${range}: the VGA window's RAM (QEMU's PC, no VGA card) mapped at ${hexU64(at + (phys - first))}`);
      return at + (phys - first);
    };
  return {
    ioremap: ioremap('ioremap'),
    ioremap_uc: ioremap('ioremap_uc'),
    ioremap_wc: ioremap('ioremap_wc'),
    ioremap_wt: ioremap('ioremap_wt'),
    ioremap_cache: ioremap('ioremap_cache'),
    // void iounmap(volatile void __iomem *addr): a mapping the model made is freed (free_vm_area()); NULL does nothing.
    iounmap: (ctx) => {
      const addr = ctx.arg(0);
      if (addr === 0n) return 0n;
      if (ctx.mem.unmapIo?.(addr)) {
        ctx.note(`iounmap ${hexU64(addr)}: unmapped`);
        return 0n;
      }
      ctx.note(`iounmap ${hexU64(addr)}: not a mapping the model made`);
      return 'not-modelled';
    },
  };
}
