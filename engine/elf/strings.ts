/**
 * NUL-terminated strings from ELF string tables, decoded as UTF-8 by engine/base/utf8.ts.
 */

import { charCodes, decodeUtf8 } from '../base/utf8';

export { decodeUtf8 };

/** Longest string returned from a table; longer ones are cut here. */
export const MAX_STRING = 4096;
/** Length strings are cut to once a table has decoded far more than its own size. */
export const SHORT_STRING = 256;
/** Strings a table decodes one at a time before it decodes its whole self as ASCII (StringTable.get). */
const SINGLE_DECODES = 2048;

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
  /** Strings decoded one by one so far: the whole-table string is built only for tables read densely. */
  private singles = 0;

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

  /** True when the table holds no byte ≥ 0x80. */
  isAscii(): boolean {
    return this.asciiTable() !== false;
  }

  /** Decode the whole table at once from now on (when every name will be read: a full symbol table). */
  dense(): void {
    this.singles = SINGLE_DECODES;
  }

  /**
   * `keep` = false: do not remember the string (a full symbol table read names each offset about once: the cache
   * only cost a map insertion per symbol).
   */
  get(offset: number, keep = true): string | null {
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
    // A few names (modprobe's undefined symbols, a relocation listing's first lines) are decoded one by one;
    // past that, an all-ASCII table is turned into one string once and names are its substrings.
    const table = this.ascii === null && ++this.singles <= SINGLE_DECODES ? false : this.asciiTable();
    const s = table === false ? decodeUtf8(this.bytes, from, to) : table.substring(offset, offset + (to - from));
    if (keep) this.cache.set(offset, s);
    return s;
  }
}
