/**
 * The module area allocator: module_alloc() (arch/x86/kernel/module.c) calls __vmalloc_node_range()
 * over [MODULES_VADDR + get_module_load_offset(), MODULES_END). mm/vmalloc.c takes the lowest free
 * address that fits (find_vmap_lowest_match) and every area carries one guard page after it
 * (no VM_NO_GUARD), so modules pack upward with one-page gaps.
 * Offsets from the range start are plain numbers (the range is at most a few TiB), kept sorted.
 */
import { PAGE_SIZE } from './address-space';

export interface VmArea {
  start: bigint;
  /** Size including the guard page. */
  size: bigint;
  label: string;
}

interface Area {
  off: number;
  size: number;
  label: string;
}

export class VmallocRange {
  private areas: Area[] = [];
  private readonly length: number;
  /**
   * How many of the first areas lie end to end from offset 0 (no gap between them): no allocation can go below the
   * end of the last of them, so alloc() starts its lowest-fit search there. load-all keeps ~4,000 modules' areas: a
   * search from the first one was O(n) per module_alloc(), ~2 % of its time. (The kernel's find_vmap_lowest_match()
   * walks an rbtree augmented with each subtree's largest free gap.)
   */
  private packed = 0;

  constructor(
    readonly start: bigint,
    readonly end: bigint,
  ) {
    this.length = Number(end - start);
  }

  /** Returns the base address, or null when nothing fits (the kernel's -ENOMEM). */
  alloc(size: number, label: string): bigint | null {
    const need = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE;
    let cursor = this.packedEnd();
    let at = this.areas.length;
    for (let i = this.packed; i < this.areas.length; i++) {
      const a = this.areas[i];
      if (a.off - cursor >= need) {
        at = i;
        break;
      }
      cursor = Math.max(cursor, a.off + a.size);
    }
    if (cursor + need > this.length) return null;
    this.areas.splice(at, 0, { off: cursor, size: need, label });
    this.extendPacked();
    return this.start + BigInt(cursor);
  }

  free(start: bigint): void {
    const off = Number(start - this.start);
    let lo = 0;
    let hi = this.areas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.areas[mid].off < off) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.areas.length && this.areas[lo].off === off) {
      this.areas.splice(lo, 1);
      this.packed = Math.min(this.packed, lo);
      this.extendPacked();
    }
  }

  /** An area already there (its size includes the guard page), e.g. one copied from another range. */
  place(start: bigint, size: bigint, label: string): void {
    const off = Number(start - this.start);
    let at = 0;
    while (at < this.areas.length && this.areas[at].off < off) at++;
    this.areas.splice(at, 0, { off, size: Number(size), label });
    this.packed = Math.min(this.packed, at);
    this.extendPacked();
  }

  /** The end of the packed prefix (0 when there is none). */
  private packedEnd(): number {
    const last = this.areas[this.packed - 1];
    return last ? last.off + last.size : 0;
  }

  private extendPacked(): void {
    while (this.packed < this.areas.length && this.areas[this.packed].off === this.packedEnd()) this.packed++;
  }

  clone(): VmallocRange {
    const c = new VmallocRange(this.start, this.end);
    c.areas = this.areas.map((a) => ({ ...a }));
    c.packed = this.packed;
    return c;
  }

  list(): readonly VmArea[] {
    return this.areas.map((a) => ({ start: this.start + BigInt(a.off), size: BigInt(a.size), label: a.label }));
  }
}
