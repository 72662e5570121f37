/**
 * Bit-level helpers: the bitmap searches of lib/find_bit.c (6.1) that for_each_cpu(), for_each_set_bit() and
 * find_first_zero_bit() compile to. Without them every for_each_possible_cpu() loop spins forever
 * (a not-modelled call returns 0, so the "next CPU" is always 0). Bitmaps are arrays of unsigned
 * long, little-endian, read a word at a time; bits past nbits are ignored, "not found" is nbits.
 * Also lib/hweight.c's population counts and lib/crc32.c's crc32_le().
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU64 } from './mem';
import { GFP, kfreeModel, kmallocModel } from './alloc';

const BITS = 64n;

type Word = (ctx: KernelCallContext, index: bigint) => bigint;

/** FIND_NEXT_BIT(): the first set bit of word(idx) at or after start, or nbits. */
function findNext(ctx: KernelCallContext, word: Word, nbits: bigint, start: bigint): bigint {
  if (start >= nbits) return nbits;
  let idx = start / BITS;
  let w = word(ctx, idx) & (~0n << (start % BITS)) & 0xffffffffffffffffn;
  while (w === 0n) {
    idx++;
    if (idx * BITS >= nbits) return nbits;
    w = word(ctx, idx);
  }
  let bit = 0n;
  while (((w >> bit) & 1n) === 0n) bit++;
  const r = idx * BITS + bit;
  return r < nbits ? r : nbits;
}

/** FIND_LAST_BIT(): the highest set bit below nbits, or nbits when none. */
function findLast(ctx: KernelCallContext, word: Word, nbits: bigint): bigint {
  if (nbits === 0n) return 0n;
  let idx = (nbits - 1n) / BITS;
  const tail = nbits % BITS;
  let w = word(ctx, idx) & (tail === 0n ? 0xffffffffffffffffn : (1n << tail) - 1n);
  for (;;) {
    if (w !== 0n) {
      let bit = 63n;
      while (((w >> bit) & 1n) === 0n) bit--;
      return idx * BITS + bit;
    }
    if (idx === 0n) return nbits;
    idx--;
    w = word(ctx, idx);
  }
}

const plain =
  (arg: number): Word =>
  (ctx, i) =>
    readU64(ctx.mem, ctx.arg(arg) + i * 8n);
const inverted =
  (arg: number): Word =>
  (ctx, i) =>
    ~readU64(ctx.mem, ctx.arg(arg) + i * 8n) & 0xffffffffffffffffn;
const both =
  (a: number, b: number): Word =>
  (ctx, i) =>
    readU64(ctx.mem, ctx.arg(a) + i * 8n) & readU64(ctx.mem, ctx.arg(b) + i * 8n);

function popcount(v: bigint): bigint {
  let n = 0n;
  for (let w = BigInt.asUintN(64, v); w; w &= w - 1n) n++;
  return n;
}

/**
 * bitmap_alloc(nbits, flags) (lib/bitmap.c): kmalloc_array(BITS_TO_LONGS(nbits), sizeof(long), flags); bitmap_zalloc() adds
 * __GFP_ZERO. nbits is an unsigned int, so the product cannot overflow: at most 2^26 longs, past KMALLOC_MAX_SIZE (NULL).
 */
function bitmapAlloc(fn: string, zero: boolean): KernelFunction {
  return (ctx) => {
    const longs = (ctx.arg(0) & 0xffffffffn) / BITS + ((ctx.arg(0) & 0xffffffffn) % BITS === 0n ? 0n : 1n);
    return kmallocModel(ctx, longs * 8n, zero ? ctx.arg(1) | GFP.ZERO : ctx.arg(1), fn);
  };
}

export function bitmapFunctions(): Record<string, KernelFunction> {
  return {
    bitmap_alloc: bitmapAlloc('bitmap_alloc', false),
    bitmap_zalloc: bitmapAlloc('bitmap_zalloc', true),
    // void bitmap_free(const unsigned long *bitmap): kfree(bitmap).
    bitmap_free: (ctx) => {
      kfreeModel(ctx, ctx.arg(0), 'bitmap_free');
      return 0n;
    },
    // unsigned long _find_first_bit(const unsigned long *addr, unsigned long size)
    _find_first_bit: (ctx) => findNext(ctx, plain(0), ctx.arg(1), 0n),
    // unsigned long _find_next_bit(const unsigned long *addr, unsigned long nbits, unsigned long start)
    _find_next_bit: (ctx) => findNext(ctx, plain(0), ctx.arg(1), ctx.arg(2)),
    _find_first_zero_bit: (ctx) => findNext(ctx, inverted(0), ctx.arg(1), 0n),
    _find_next_zero_bit: (ctx) => findNext(ctx, inverted(0), ctx.arg(1), ctx.arg(2)),
    // _find_first_and_bit(addr1, addr2, size); _find_next_and_bit(addr1, addr2, nbits, start)
    _find_first_and_bit: (ctx) => findNext(ctx, both(0, 1), ctx.arg(2), 0n),
    _find_next_and_bit: (ctx) => findNext(ctx, both(0, 1), ctx.arg(2), ctx.arg(3)),
    _find_last_bit: (ctx) => findLast(ctx, plain(0), ctx.arg(1)),
    // lib/hweight.c: the population count the hweightN() macros call when the CPU lacks POPCNT
    __sw_hweight8: (ctx) => popcount(ctx.arg(0) & 0xffn),
    __sw_hweight16: (ctx) => popcount(ctx.arg(0) & 0xffffn),
    __sw_hweight32: (ctx) => popcount(ctx.arg(0) & 0xffffffffn),
    __sw_hweight64: (ctx) => popcount(ctx.arg(0)),
    // u32 crc32_le(u32 crc, const u8 *p, size_t len) (lib/crc32.c): reflected CRC-32 (poly 0xedb88320),
    // no pre- or post-inversion (callers pass ~0 and invert themselves).
    crc32_le: (ctx) => {
      let crc = Number(ctx.arg(0) & 0xffffffffn) >>> 0;
      const len = Number(ctx.arg(2) & 0xffffffffn);
      const data = len ? ctx.mem.read(ctx.arg(1), len, 'read') : new Uint8Array(0);
      for (const b of data) {
        crc ^= b;
        for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
      }
      return BigInt(crc >>> 0);
    },
    // unsigned int __bitmap_weight(const unsigned long *bitmap, unsigned int bits)
    __bitmap_weight: (ctx) => {
      const nbits = ctx.arg(1) & 0xffffffffn;
      let n = 0n;
      for (let i = 0n; i * BITS < nbits; i++) {
        let w = readU64(ctx.mem, ctx.arg(0) + i * 8n);
        const left = nbits - i * BITS;
        if (left < BITS) w &= (1n << left) - 1n;
        for (; w; w &= w - 1n) n++;
      }
      return n;
    },
  };
}
