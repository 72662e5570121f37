/**
 * A ParamMemory over plain byte regions, for tests and for hosts without a machine model:
 * map() places bytes at an address; kmalloc() hands out zeroed blocks from a bump pointer in
 * the direct map. Reads and writes must stay inside one region.
 */
import type { ParamMemory } from './memory';

interface Region {
  base: bigint;
  bytes: Uint8Array;
  label: string;
  freed: boolean;
}

export class SimpleParamMemory implements ParamMemory {
  private readonly regions: Region[] = [];
  private next: bigint;

  constructor(heapBase = 0xffff888100000000n) {
    this.next = heapBase;
  }

  /** Map `bytes` (kept by reference) at `base`. */
  map(base: bigint, bytes: Uint8Array, label = 'mapped'): void {
    this.regions.push({ base, bytes, label, freed: false });
  }

  private find(address: bigint, length: number): { r: Region; off: number } {
    for (const r of this.regions) {
      if (r.freed) continue;
      const off = address - r.base;
      if (off >= 0n && off + BigInt(length) <= BigInt(r.bytes.length)) return { r, off: Number(off) };
    }
    throw Object.assign(new Error(`unmapped: ${length} bytes at 0x${address.toString(16)}`), { address });
  }

  read(address: bigint, length: number): Uint8Array {
    const { r, off } = this.find(address, length);
    return r.bytes.slice(off, off + length);
  }

  write(address: bigint, bytes: Uint8Array): void {
    const { r, off } = this.find(address, bytes.length);
    r.bytes.set(bytes, off);
  }

  kmalloc(length: number, why: string): bigint {
    const base = this.next;
    // kmalloc size classes are at least 8-byte aligned; 64 keeps addresses readable.
    this.next += BigInt((length + 63) & ~63) || 64n;
    this.regions.push({ base, bytes: new Uint8Array(length), label: `kmalloc: ${why}`, freed: false });
    return base;
  }

  kfree(address: bigint): void {
    const r = this.regions.find((x) => x.base === address && !x.freed && x.label.startsWith('kmalloc'));
    if (!r) throw Object.assign(new Error(`kfree of 0x${address.toString(16)}, which is not a live kmalloc block`), { address });
    r.freed = true;
  }

  /** Live kmalloc blocks (for leak checks). */
  liveAllocations(): { base: bigint; length: number; why: string }[] {
    return this.regions
      .filter((r) => !r.freed && r.label.startsWith('kmalloc: '))
      .map((r) => ({ base: r.base, length: r.bytes.length, why: r.label.slice('kmalloc: '.length) }));
  }
}
