/**
 * The module area allocator: module_alloc() (arch/x86/kernel/module.c) calls __vmalloc_node_range()
 * over [MODULES_VADDR + get_module_load_offset(), MODULES_END). mm/vmalloc.c takes the lowest free
 * address that fits (find_vmap_lowest_match) and every area carries one guard page after it
 * (no VM_NO_GUARD), so modules pack upward with one-page gaps.
 */
import { PAGE_SIZE } from './address-space';

export interface VmArea {
  start: bigint;
  /** Size including the guard page. */
  size: bigint;
  label: string;
}

export class VmallocRange {
  private areas: VmArea[] = [];

  constructor(
    readonly start: bigint,
    readonly end: bigint,
  ) {}

  /** Returns the base address, or null when nothing fits (the kernel's -ENOMEM). */
  alloc(size: number, label: string): bigint | null {
    const need = BigInt(Math.ceil(size / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE);
    let cursor = this.start;
    for (const a of this.areas) {
      if (a.start - cursor >= need) break;
      if (a.start + a.size > cursor) cursor = a.start + a.size;
    }
    if (cursor + need > this.end) return null;
    const area = { start: cursor, size: need, label };
    this.areas.push(area);
    this.areas.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    return cursor;
  }

  free(start: bigint): void {
    this.areas = this.areas.filter((a) => a.start !== start);
  }

  list(): readonly VmArea[] {
    return this.areas;
  }
}
