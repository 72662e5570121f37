import { ElfError } from './errors';
import { hex } from '../base/hex';
import type { Endian } from './types';

/** 2^53: offsets and sizes at or above this cannot be JavaScript numbers exactly. */
export const MAX_SAFE = 2 ** 53;

/**
 * Bounds-checked field readers over one DataView. Every structure reader goes through this,
 * so a hostile offset becomes an ElfError (TRUNCATED) instead of a RangeError.
 * Hot loops (relocations) use `dv` and `little` directly after checking the whole range once.
 */
export class ByteView {
  readonly dv: DataView;
  readonly little: boolean;
  readonly length: number;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, endian: Endian) {
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = endian === 'little';
    this.length = bytes.byteLength;
  }

  /** Throw TRUNCATED unless [offset, offset+size) lies inside the bytes. */
  need(offset: number, size: number, what: string): void {
    if (!(offset >= 0 && size >= 0 && offset + size <= this.length)) {
      throw new ElfError(
        'TRUNCATED',
        `${what}: ${size} bytes at ${hex(offset)} run past the end of the file (${hex(this.length)} bytes)`,
        offset,
        what,
      );
    }
  }

  /** True when [offset, offset+size) lies inside the bytes. */
  fits(offset: number, size: number): boolean {
    return offset >= 0 && size >= 0 && offset + size <= this.length;
  }

  u8(offset: number, what: string): number {
    this.need(offset, 1, what);
    return this.dv.getUint8(offset);
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.dv.getUint16(offset, this.little);
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.dv.getUint32(offset, this.little);
  }

  u64(offset: number, what: string): bigint {
    this.need(offset, 8, what);
    return this.dv.getBigUint64(offset, this.little);
  }

  /** An unsigned word of the file's class (4 or 8 bytes) as bigint: addresses, values. */
  word(offset: number, is64: boolean, what: string): bigint {
    return is64 ? this.u64(offset, what) : BigInt(this.u32(offset, what));
  }

  /**
   * An unsigned word of the file's class used as an offset, size or count: a number,
   * or ElfError ABSURD_SIZE when it is >= 2^53 (no real file is that large).
   */
  size(offset: number, is64: boolean, what: string): number {
    if (!is64) return this.u32(offset, what);
    this.need(offset, 8, what);
    const lo = this.dv.getUint32(offset + (this.little ? 0 : 4), this.little);
    const hi = this.dv.getUint32(offset + (this.little ? 4 : 0), this.little);
    if (hi >= 0x200000) {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      throw new ElfError('ABSURD_SIZE', `${what} is ${hex(v)}, too large to be a real offset or size`, offset, what);
    }
    return hi * 0x1_0000_0000 + lo;
  }
}
