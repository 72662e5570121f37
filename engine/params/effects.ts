/**
 * What one argument did to memory, for the UI: a ParamMemory wrapper that passes everything
 * through and remembers the writes, allocations and frees in order.
 */
import type { ParamMemory } from './memory';

export type MemEffect =
  | { kind: 'write'; address: bigint; bytes: Uint8Array }
  | { kind: 'kmalloc'; address: bigint; length: number; why: string }
  | { kind: 'kfree'; address: bigint };

export class RecordingMemory implements ParamMemory {
  effects: MemEffect[] = [];

  constructor(private readonly inner: ParamMemory) {}

  read(address: bigint, length: number): Uint8Array {
    return this.inner.read(address, length);
  }

  write(address: bigint, bytes: Uint8Array): void {
    this.inner.write(address, bytes);
    this.effects.push({ kind: 'write', address, bytes: bytes.slice() });
  }

  kmalloc(length: number, why: string): bigint {
    const address = this.inner.kmalloc(length, why);
    this.effects.push({ kind: 'kmalloc', address, length, why });
    return address;
  }

  kfree(address: bigint): void {
    this.inner.kfree(address);
    this.effects.push({ kind: 'kfree', address });
  }

  /** The effects so far, and start afresh. */
  take(): MemEffect[] {
    const e = this.effects;
    this.effects = [];
    return e;
  }
}
