/**
 * C strings as the kernel sees them: bytes, ending at the first NUL. Arguments reach the kernel as
 * bytes (init_module's uargs, copied by strndup_user() in load_module()), so parsing works on
 * bytes and only decodes to text for display. The engine's lib has no TextEncoder/TextDecoder.
 */
import { decodeUtf8, encodeUtf8 } from '../base/utf8';

/** The kernel memory parameter code reads and writes (the loaded module's, or a test's SimpleParamMemory). */
export interface ParamMemory {
  /** Throws if any byte is unmapped. */
  read(address: bigint, length: number): Uint8Array;
  write(address: bigint, bytes: Uint8Array): void;
  /** kmalloc(len): returns the address of new zeroed memory (for charp copies). */
  kmalloc(length: number, why: string): bigint;
  kfree(address: bigint): void;
}

/** UTF-8 bytes of a string (for tests and callers that hold text). */
export function cstr(s: string): Uint8Array {
  return encodeUtf8(s).bytes;
}

/** Bytes → text for display (malformed UTF-8 becomes U+FFFD). */
export function text(b: Uint8Array): string {
  return decodeUtf8(b, 0, b.length);
}

/** The bytes before the first NUL: what strlen() would measure. */
export function untilNul(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul < 0 ? b : b.subarray(0, nul);
}

/**
 * isspace() from include/linux/ctype.h over lib/ctype.c's _ctype[]: \t \n \v \f \r, space, and
 * byte 0xA0 (Latin-1 no-break space is `_S|_SP` in the kernel's table). So a UTF-8 argument
 * containing a 0xA0 byte (U+00A0, or the second byte of "à" = C3 A0) is split there by next_arg().
 */
export function kernelIsspace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0xa0;
}

/** strcmp(a, b) === 0 over byte strings. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Longest C string read from modelled memory: a page, as scnprintf(buf, PAGE_SIZE) would bound it. */
export const MAX_CSTRING = 4096;

/**
 * Read the NUL-terminated string at `address` (without the NUL), at most `max` bytes.
 * Reads a byte at a time so a string ending just before unmapped memory reads cleanly;
 * a string running into unmapped memory lets the memory's exception through.
 */
export function readCString(mem: ParamMemory, address: bigint, max = MAX_CSTRING): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = mem.read(address + BigInt(i), 1)[0];
    if (b === 0) break;
    out.push(b);
  }
  return Uint8Array.from(out);
}
