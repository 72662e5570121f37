/**
 * NUL-terminated strings from ELF string tables. The engine's lib has no TextDecoder,
 * so UTF-8 is decoded by hand (ASCII fast path; malformed sequences become U+FFFD,
 * as TextDecoder's non-fatal mode does).
 */

const REPLACEMENT = 0xfffd;

/** Longest string returned from a table; longer ones are cut here. */
export const MAX_STRING = 4096;
/** Length strings are cut to once a table has decoded far more than its own size. */
export const SHORT_STRING = 256;

/** Decode bytes[start, end) as UTF-8. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  // Fast path: pure ASCII (nearly every symbol and section name).
  let i = start;
  while (i < end && bytes[i] < 0x80) i++;
  if (i === end) return asciiString(bytes, start, end);

  const codes: number[] = [];
  for (let j = start; j < i; j++) codes.push(bytes[j]);
  while (i < end) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      codes.push(b0);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      codes.push(REPLACEMENT);
      i++;
      continue;
    }
    let k = 1;
    for (; k <= need; k++) {
      const b = i + k < end ? bytes[i + k] : -1;
      if ((b & 0xc0) !== 0x80 || b < 0) break;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (k <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      // Consume the lead byte plus the valid continuation bytes seen (maximal subpart rule, roughly).
      codes.push(REPLACEMENT);
      i += Math.max(1, k);
      continue;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      codes.push(0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
    } else {
      codes.push(cp);
    }
    i += need + 1;
  }
  return charCodes(codes);
}

function asciiString(bytes: Uint8Array, start: number, end: number): string {
  // One fromCharCode call over a subarray: building with `s +=` per byte made a cons string
  // per character, and on amdgpu.ko's symbol table that garbage dominated the read time.
  if (end - start <= 8192) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  return charCodes(bytes.subarray(start, end));
}

function charCodes(codes: Uint8Array | number[]): string {
  // Chunked so a huge string cannot overflow the argument limit of fromCharCode.
  let s = '';
  const CHUNK = 8192;
  for (let i = 0; i < codes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, codes.slice(i, Math.min(codes.length, i + CHUNK)) as number[]);
  }
  return s;
}

/**
 * One string table section: bytes[start, end). `get` returns the string at a table offset,
 * or null when the offset is outside the table. A string missing its NUL ends at the table end
 * (readelf prints it the same way). Decoded strings are cached by offset: symbol tables
 * point many symbols at shared suffixes, and names repeat across reloc listings.
 */
export class StringTable {
  private readonly cache = new Map<number, string>();
  /**
   * Bytes decoded so far, and the point after which strings are cut to SHORT_STRING: a
   * hostile table without NULs and many distinct offsets into it would otherwise decode
   * up to MAX_STRING bytes per symbol, hundreds of times the file size.
   */
  private decoded = 0;
  private readonly budget: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {
    this.budget = 8 * Math.max(0, end - start) + 65536;
  }

  /** Count n bytes of names read from this table elsewhere (the WebAssembly reloc writer) toward the budget. */
  countDecoded(n: number): void {
    this.decoded += n;
  }

  /** The string at `offset` within the table, or null when out of range. */
  /**
   * The whole table as one string when it is pure ASCII (byte offsets = string offsets):
   * names are then cheap substrings of it instead of one decode each. null = not yet
   * computed; false = the table has non-ASCII bytes, decode per string.
   */
  private ascii: string | false | null = null;

  private asciiTable(): string | false {
    if (this.ascii === null) {
      let ok = true;
      for (let i = this.start; i < this.end; i++) {
        if (this.bytes[i] >= 0x80) {
          ok = false;
          break;
        }
      }
      this.ascii = ok ? charCodes(this.bytes.subarray(this.start, this.end)) : false;
    }
    return this.ascii;
  }

  get(offset: number): string | null {
    if (!(offset >= 0 && offset < this.end - this.start)) {
      // Offset 0 of an empty table is the empty string by convention.
      return offset === 0 ? '' : null;
    }
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit;
    const from = this.start + offset;
    // Scan at most MAX_STRING bytes: a hostile table without NULs must not make every lookup
    // walk the whole table (quadratic time). Real names are far shorter (KSYM_NAME_LEN is 512).
    const limit = Math.min(this.end, from + (this.decoded > this.budget ? SHORT_STRING : MAX_STRING));
    let to = from;
    while (to < limit && this.bytes[to] !== 0) to++;
    this.decoded += to - from;
    const table = this.asciiTable();
    const s = table === false ? decodeUtf8(this.bytes, from, to) : table.substring(offset, offset + (to - from));
    this.cache.set(offset, s);
    return s;
  }
}
