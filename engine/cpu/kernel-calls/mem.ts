/**
 * Small helpers the kernel-function models share: reading C strings and integers out of the modelled
 * address space, writing results back, and turning kernel bytes into display text.
 * Everything goes through CpuMemory, so an unmapped address throws CpuFault exactly where the real
 * kernel function would take a page fault.
 */
import type { CpuMemory, KernelCallContext } from '../types';

export const PAGE_SIZE = 4096n;
const MASK64 = (1n << 64n) - 1n;

/** A value as it goes into rax: two's complement, 64 bits. */
export function ret(value: number | bigint): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

/** (long) of a 64-bit register value. */
export function s64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** (int) of a register value: the low 32 bits, sign-extended. */
export function s32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

/** (unsigned int) of a register value. */
export function u32(value: bigint): number {
  return Number(BigInt.asUintN(32, value));
}

/** IS_ERR_VALUE() (include/linux/err.h): the top 4095 values of the address space encode -errno. */
export function isErrValue(ptr: bigint): boolean {
  return (ptr & MASK64) >= MASK64 - 4094n;
}

/** ZERO_OR_NULL_PTR() (include/linux/slab.h): NULL or ZERO_SIZE_PTR (16). */
export function isZeroOrNull(ptr: bigint): boolean {
  return (ptr & MASK64) <= 16n;
}

export function readU64(mem: CpuMemory, address: bigint): bigint {
  const b = mem.read(address, 8, 'read');
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function readU32(mem: CpuMemory, address: bigint): number {
  const b = mem.read(address, 4, 'read');
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}

export function writeU64(mem: CpuMemory, address: bigint, value: bigint): void {
  const b = new Uint8Array(8);
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < 8; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  mem.write(address, b);
}

export function writeU32(mem: CpuMemory, address: bigint, value: number): void {
  const v = value >>> 0;
  mem.write(address, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24));
}

/**
 * Read bytes one page at a time until a NUL (not included) or max bytes. Reading stops at the first NUL,
 * so a string that ends just before an unmapped page does not fault, as in the kernel's byte loops.
 */
export function readCStringBytes(mem: CpuMemory, address: bigint, max = 1 << 20): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = address;
  while (total < max) {
    const toPageEnd = Number(PAGE_SIZE - (at % PAGE_SIZE));
    let chunk: Uint8Array;
    try {
      chunk = mem.read(at, Math.min(toPageEnd, 256, max - total), 'read');
    } catch {
      // The chunk runs past the end of a modelled object (a small kmalloc'd string): go byte by
      // byte, so only a truly unmapped byte before the NUL faults, as it would in the kernel.
      chunk = mem.read(at, 1, 'read');
    }
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      parts.push(chunk.subarray(0, nul));
      total += nul;
      break;
    }
    parts.push(chunk);
    total += chunk.length;
    at += BigInt(chunk.length);
  }
  return concat(parts, total);
}

/** strlen() over modelled memory. */
export function cstrlen(mem: CpuMemory, address: bigint, max = 1 << 30): number {
  return readCStringBytes(mem, address, max).length;
}

export function concat(parts: Uint8Array[], total?: number): Uint8Array {
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Kernel text is bytes. Show it as UTF-8 when it is valid UTF-8 (module authors write UTF-8 sources),
 * otherwise byte-for-byte as latin1 so nothing is lost.
 */
export function bytesToText(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const n = b >= 0xf5 ? -1 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : -1;
    if (n < 0 || i + n >= bytes.length) return latin1(bytes);
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return latin1(bytes);
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) || (n === 3 && (cp < 0x10000 || cp > 0x10ffff))) return latin1(bytes);
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** Read a NUL-terminated name for a note; null when the pointer is NULL or the read faults. */
export function tryCString(ctx: KernelCallContext, address: bigint, max = 128): string | null {
  if (address === 0n || address < PAGE_SIZE || isErrValue(address)) return null;
  try {
    return bytesToText(readCStringBytes(ctx.mem, address, max));
  } catch {
    return null;
  }
}

/** The string a `const char *` field at structPtr+offset points to, for notes only (never fatal). */
export function tryFieldString(ctx: KernelCallContext, structPtr: bigint, offset: number): string | null {
  if (structPtr === 0n || isErrValue(structPtr)) return null;
  try {
    return tryCString(ctx, readU64(ctx.mem, structPtr + BigInt(offset)));
  } catch {
    return null;
  }
}

