/**
 * The x86-64 virtual address space as Linux 6.1 maps it (Documentation/x86/x86_64/mm.rst,
 * arch/x86/include/asm/pgtable_64_types.h, page_64_types.h), with Debian's configuration:
 * CONFIG_RANDOMIZE_BASE=y makes KERNEL_IMAGE_SIZE 1 GiB, so MODULES_VADDR is 0xffffffffc0000000
 * (the 0xffffffffa0000000 in many tutorials is the non-KASLR build).
 */
import { seededPrng } from './prng';

export type PagingLevels = 4 | 5;

export interface Region {
  name: string;
  start: bigint;
  /** Exclusive end. */
  end: bigint;
  what: string;
}

export interface AddressSpaceOptions {
  paging?: PagingLevels;
  /** null = booted with `nokaslr`; a number = KASLR on, with this seed for every random choice. */
  kaslrSeed?: number | null;
}

export const PAGE_SIZE = 4096;
export const START_KERNEL_MAP = 0xffffffff80000000n;
/** KERNEL_IMAGE_SIZE with CONFIG_RANDOMIZE_BASE=y (page_64_types.h). */
export const KERNEL_IMAGE_SIZE = 0x40000000n;
export const MODULES_VADDR = START_KERNEL_MAP + KERNEL_IMAGE_SIZE;
export const MODULES_END = 0xffffffffff000000n;
export const MODULES_LEN = MODULES_END - MODULES_VADDR;
/** Link address of the kernel's text: __START_KERNEL_map + CONFIG_PHYSICAL_START (0x1000000). */
export const KERNEL_LINK_TEXT = 0xffffffff81000000n;
/** CONFIG_PHYSICAL_ALIGN on Debian: KASLR slides the image in 2 MiB steps. */
const PHYSICAL_ALIGN = 0x200000n;

export interface AddressSpace {
  paging: PagingLevels;
  kaslr: boolean;
  seed: number | null;
  /** Virtual KASLR slide of the kernel image (0 with nokaslr). */
  kernelSlide: bigint;
  /**
   * get_module_load_offset() (arch/x86/kernel/module.c): chosen once per boot, only with KASLR:
   * (prandom_u32_max(1024) + 1) * PAGE_SIZE, so 4 KiB to 4 MiB above MODULES_VADDR.
   */
  moduleLoadOffset: bigint;
  regions: Region[];
  regionOf(address: bigint): Region | null;
}

function r(name: string, start: bigint, end: bigint, what: string): Region {
  return { name, start, end, what };
}

export function createAddressSpace(opts: AddressSpaceOptions = {}): AddressSpace {
  const paging = opts.paging ?? 4;
  const seed = opts.kaslrSeed ?? null;
  const kaslr = seed !== null;
  const rng = seededPrng(seed ?? 0);
  // The kernel image (~40 MiB for Debian's) slides inside its 1 GiB window, 2 MiB aligned; leave it room.
  const kernelSlide = kaslr ? BigInt(rng.below(480)) * PHYSICAL_ALIGN : 0n;
  const moduleLoadOffset = kaslr ? BigInt(rng.below(1024) + 1) * BigInt(PAGE_SIZE) : 0n;

  const lower: Region[] =
    paging === 4
      ? [
          r('user', 0n, 0x0000800000000000n, 'user space (TASK_SIZE_MAX = 0x7ffffffff000; the last page is never mapped)'),
          r('non-canonical', 0x0000800000000000n, 0xffff800000000000n, 'non-canonical hole: any access faults'),
          r('guard hole', 0xffff800000000000n, 0xffff880000000000n, 'guard hole, reserved for a hypervisor'),
          r('LDT remap', 0xffff880000000000n, 0xffff888000000000n, 'LDT remap for PTI'),
          r('direct map', 0xffff888000000000n, 0xffffc88000000000n, 'direct mapping of all physical memory (page_offset_base)'),
          r('vmalloc', 0xffffc90000000000n, 0xffffe90000000000n, 'vmalloc/ioremap space (vmalloc_base)'),
          r('vmemmap', 0xffffea0000000000n, 0xffffeb0000000000n, 'virtual memory map: the struct page array (vmemmap_base)'),
        ]
      : [
          r('user', 0n, 0x0100000000000000n, 'user space (56-bit, 5-level paging)'),
          r('non-canonical', 0x0100000000000000n, 0xff00000000000000n, 'non-canonical hole: any access faults'),
          r('guard hole', 0xff00000000000000n, 0xff10000000000000n, 'guard hole, reserved for a hypervisor'),
          r('LDT remap', 0xff10000000000000n, 0xff11000000000000n, 'LDT remap for PTI'),
          r('direct map', 0xff11000000000000n, 0xff91000000000000n, 'direct mapping of all physical memory (page_offset_base)'),
          r('vmalloc', 0xffa0000000000000n, 0xffd2000000000000n, 'vmalloc/ioremap space (vmalloc_base)'),
          r('vmemmap', 0xffd4000000000000n, 0xffd6000000000000n, 'virtual memory map: the struct page array (vmemmap_base)'),
        ];
  const upper: Region[] = [
    r('cpu_entry_area', 0xfffffe0000000000n, 0xfffffe8000000000n, 'cpu_entry_area mapping'),
    r('espfix', 0xffffff0000000000n, 0xffffff8000000000n, '%esp fixup stacks'),
    r('EFI', 0xffffffef00000000n, 0xffffffff00000000n, 'EFI runtime services mappings'),
    r(
      'kernel text',
      START_KERNEL_MAP,
      MODULES_VADDR,
      'kernel text mapping, mapped to physical address 0 (the image sits at 0xffffffff81000000 plus the KASLR slide)',
    ),
    r('modules', MODULES_VADDR, MODULES_END, 'module mapping space: module_alloc() returns memory here'),
    r('fixmap', MODULES_END, 0xffffffffff600000n, 'fixmap: compile-time fixed virtual addresses'),
    r('vsyscall', 0xffffffffff600000n, 0xffffffffff601000n, 'legacy vsyscall page'),
  ];
  const regions = [...lower, ...upper];
  return {
    paging,
    kaslr,
    seed,
    kernelSlide,
    moduleLoadOffset,
    regions,
    regionOf(address) {
      for (const reg of regions) if (address >= reg.start && address < reg.end) return reg;
      return null;
    },
  };
}
