/**
 * A simple CpuMemory of named regions (tests, and hosts that run code outside a ModelKernel).
 */
import { CpuFault, type CpuMemory, type MemorySpan } from './types';

export interface FlatRegion {
  name: string;
  base: bigint;
  bytes: Uint8Array;
  write: boolean;
  exec: boolean;
}

export class FlatMemory implements CpuMemory {
  readonly regions: FlatRegion[] = [];

  map(name: string, base: bigint, size: number | Uint8Array, perm: { write?: boolean; exec?: boolean } = {}): FlatRegion {
    const bytes = typeof size === 'number' ? new Uint8Array(size) : size;
    const r = { name, base, bytes, write: perm.write ?? true, exec: perm.exec ?? false };
    this.regions.push(r);
    return r;
  }

  private find(address: bigint, length: number): FlatRegion | null {
    for (const r of this.regions) if (address >= r.base && address + BigInt(length) <= r.base + BigInt(r.bytes.length)) return r;
    return null;
  }

  read(address: bigint, length: number, why: 'read' | 'fetch'): Uint8Array {
    const r = this.find(address, length);
    if (!r) throw new CpuFault('not-present', address, false, `nothing mapped at 0x${address.toString(16)} (+${length})`);
    if (why === 'fetch' && !r.exec) throw new CpuFault('not-executable', address, false, `${r.name} is not executable`);
    const off = Number(address - r.base);
    return r.bytes.subarray(off, off + length);
  }

  span(address: bigint): MemorySpan | null {
    const r = this.find(address, 1);
    return r ? { base: r.base, bytes: r.bytes, writable: r.write } : null;
  }

  write(address: bigint, bytes: Uint8Array): void {
    const r = this.find(address, bytes.length);
    if (!r) throw new CpuFault('not-present', address, true, `nothing mapped at 0x${address.toString(16)} (+${bytes.length})`);
    if (!r.write) throw new CpuFault('read-only', address, true, `${r.name} is read-only`);
    r.bytes.set(bytes, Number(address - r.base));
  }
}
