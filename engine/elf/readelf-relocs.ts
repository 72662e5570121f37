/**
 * The text `readelf -r -W` (GNU binutils 2.40, binutils/readelf.c: process_relocs →
 * dump_relocations) prints for a file, written straight into byte chunks.
 *
 * This is the `modscope relocs` hot path: amdgpu.ko has ~320,000 relocations (~30 MB of text).
 * A string and a row object (hex strings, BigInts) per relocation cost ~5× readelf's own time;
 * here each line is copied from precomputed pieces into one byte buffer: hex digits from a
 * table, the type column per type number, " <value> <name>" once per symbol. The entries are
 * read from the file bytes (readRelocListing: no column copies, no symbol table of objects).
 */
import { utf8Bytes } from '../base/utf8';
import { relocTypeName, SHN_UNDEF, STT_SECTION } from './constants';
import type { RelocListing, RelocSectionRef } from './reader';
import type { SymbolTableReader } from './symbols';
import type { ElfSection, ElfSymbol } from './types';

const COLUMNS_64_RELA = "    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend\n";
const COLUMNS_64_REL = "    Offset             Info             Type               Symbol's Value  Symbol's Name\n";
const COLUMNS_32_RELA = " Offset     Info    Type                Sym. Value  Symbol's Name + Addend\n";
const COLUMNS_32_REL = " Offset     Info    Type                Sym. Value  Symbol's Name\n";

/** '0'…'f' as bytes. */
const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const SPACE = 32;
const NL = 10;
const PLUS = 43;
const MINUS = 45;

/** The name readelf shows for a relocation's symbol: a section symbol shows its section's name. */
export function relocSymbolDisplayName(sections: readonly ElfSection[], s: ElfSymbol | undefined): string {
  if (!s) return '';
  if (s.type === STT_SECTION && s.shndx !== SHN_UNDEF) return sections[s.shndx]?.name ?? '';
  return s.name;
}

/** The first line of one section's listing (with its leading blank line) and the column line. */
export function relocSectionHeading(elf: RelocListing, r: RelocSectionRef): string {
  const at = r.offset === 0 ? '0' : `0x${r.offset.toString(16)}`; // printf %#x prints 0 as "0"
  const cols = elf.header.class === 32 ? (r.rela ? COLUMNS_32_RELA : COLUMNS_32_REL) : r.rela ? COLUMNS_64_RELA : COLUMNS_64_REL;
  return `\nRelocation section '${r.name}' at offset ${at} contains ${r.count} ${r.count === 1 ? 'entry' : 'entries'}:\n${cols}`;
}

/** " <value> <name>" of symbol k of `table` as a relocation line shows it (k past the end: value 0, no name). */
export function symbolPieceText(elf: RelocListing, table: SymbolTableReader | undefined, k: number): string {
  const elf32 = elf.header.class === 32;
  const s = table && k < table.count ? table.symbol(k) : undefined;
  const v = s ? BigInt.asUintN(64, s.value) : 0n;
  const value = elf32 ? (v & 0xffffffffn).toString(16).padStart(8, '0') : v.toString(16).padStart(16, '0');
  return ` ${value}${elf32 ? '   ' : ' '}${relocSymbolDisplayName(elf.sections, s)}`;
}

/** readelf's type column: "%-22s", or "unrecognized: %-7lx" for a type it has no name for. */
export function typeColumn(machine: number, type: number): string {
  const name = relocTypeName(machine, type);
  return name === null ? `unrecognized: ${type.toString(16).padEnd(7)}` : name.padEnd(22);
}

/** Writes `digits` hex digits of the 32-bit value v at out[p…]; returns the new position. */
function hex32(out: Uint8Array, p: number, v: number, digits: number): number {
  for (let k = digits - 1; k >= 0; k--) {
    out[p + k] = HEX[v & 15];
    v >>>= 4;
  }
  return p + digits;
}

/** Hex without leading zeros ("0" for zero) of hi:lo (both unsigned 32-bit). */
function hexTrim(out: Uint8Array, p: number, hi: number, lo: number): number {
  if (hi !== 0) {
    let n = 1;
    for (let v = hi >>> 4; v !== 0; v >>>= 4) n++;
    p = hex32(out, p, hi, n);
    return hex32(out, p, lo, 8);
  }
  let n = 1;
  for (let v = lo >>> 4; v !== 0; v >>>= 4) n++;
  return hex32(out, p, lo, n);
}

/** Longest fixed part of a line (offset, info, type column, separators, addend); names come on top. */
export const FIXED = 160;
/** Types below this have a slot; larger ones (never seen in real files) are looked up by number. */
const TYPE_SLOTS = 256;

/**
 * The pieces copied into lines, made once each in one pool: the type column per type number,
 * " <value> <name>" per symbol. start/len per slot, start -1 while not made. Symbol slots are
 * per symbol table, with one more slot for indices past its end (value 0, no name).
 */
export class Pieces {
  pool = new Uint8Array(1 << 16);
  used = 0;
  readonly typeStart = new Int32Array(TYPE_SLOTS + 1).fill(-1);
  readonly typeLen = new Int32Array(TYPE_SLOTS + 1);
  private readonly bigTypes = new Map<number, [number, number]>();
  private readonly symbolSlots = new Map<number, { start: Int32Array; len: Int32Array }>();

  constructor(private readonly elf: RelocListing) {}

  /** Append the UTF-8 of `s`; returns where it starts. */
  add(s: string): number {
    const b = utf8Bytes(s);
    if (this.used + b.length > this.pool.length) {
      const grown = new Uint8Array(Math.max(this.pool.length * 2, this.used + b.length));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    const start = this.used;
    this.pool.set(b, start);
    this.used += b.length;
    return start;
  }

  symbolSlotsOf(table: number): { start: Int32Array; len: Int32Array } {
    let ss = this.symbolSlots.get(table);
    if (ss === undefined) {
      const n = (this.elf.symbolTables.get(table)?.count ?? 0) + 1;
      this.symbolSlots.set(table, (ss = { start: new Int32Array(n).fill(-1), len: new Int32Array(n) }));
    }
    return ss;
  }

  /** Make symbol slot k of `table` (k = count: an index past the end). */
  makeSymbol(table: SymbolTableReader | undefined, ss: { start: Int32Array; len: Int32Array }, k: number): void {
    const start = this.add(symbolPieceText(this.elf, table, k));
    ss.start[k] = start;
    ss.len[k] = this.used - start;
  }

  /** Make the type slot of type t; t past the slots goes in the last slot (for the line being written). */
  makeType(t: number): void {
    if (t < TYPE_SLOTS) {
      const start = this.add(typeColumn(this.elf.header.machine, t));
      this.typeStart[t] = start;
      this.typeLen[t] = this.used - start;
      return;
    }
    let piece = this.bigTypes.get(t);
    if (piece === undefined) {
      const start = this.add(typeColumn(this.elf.header.machine, t));
      this.bigTypes.set(t, (piece = [start, this.used - start]));
    }
    this.typeStart[TYPE_SLOTS] = piece[0];
    this.typeLen[TYPE_SLOTS] = piece[1];
  }
}

/** Writes relocation lines into chunks, resumable where a chunk filled up. */
class RelocLines {
  private section = 0;
  private entry = 0;
  private headed = false;
  private readonly pieces: Pieces;
  private readonly dv: DataView;
  /** Output position after writeLines() (its second return value). */
  private readonly at = new Int32Array(1);

  constructor(
    private readonly elf: RelocListing,
    private readonly sections: readonly RelocSectionRef[],
  ) {
    this.pieces = new Pieces(elf);
    this.dv = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  }

  get done(): boolean {
    return this.section >= this.sections.length;
  }

  /** Fill `out` from the start with whole lines; returns the part written (a bigger buffer for a line longer than `out`). */
  fill(out: Uint8Array): Uint8Array {
    let p = 0;
    while (this.section < this.sections.length) {
      const r = this.sections[this.section];
      if (!this.headed) {
        const heading = utf8Bytes(relocSectionHeading(this.elf, r));
        if (p + heading.length > out.length) {
          if (p > 0) return out.subarray(0, p);
          out = new Uint8Array(heading.length);
        }
        out.set(heading, p);
        p += heading.length;
        this.headed = true;
      }
      this.at[0] = p;
      const h = this.elf.header;
      const i = writeLines(
        out,
        this.dv,
        h.endian === 'little',
        h.class === 32,
        r,
        this.entry,
        this.pieces,
        this.elf.symbolTables.get(r.symtabIndex),
        this.at,
      );
      p = this.at[0];
      if (i === this.entry && i < r.count) {
        // Not even one line fitted: it is longer than `out` (a name of megabytes); give it its own buffer.
        if (p > 0) return out.subarray(0, p);
        out = new Uint8Array(out.length * 2);
        continue;
      }
      this.entry = i;
      if (i < r.count) return out.subarray(0, p);
      this.section++;
      this.entry = 0;
      this.headed = false;
    }
    return out.subarray(0, p);
  }
}

/**
 * The hot loop: the lines of section r from entry `from` into out[at[0]…] while a line surely
 * fits; returns the next entry and leaves the output position in at[0]. One loop in its own
 * function, so V8 optimises it whole (not by on-stack replacement that deoptimises per section).
 */
export function writeLines(
  out: Uint8Array,
  dv: DataView,
  little: boolean,
  elf32: boolean,
  r: RelocSectionRef,
  from: number,
  pc: Pieces,
  table: SymbolTableReader | undefined,
  at: Int32Array,
): number {
  const { rela, count } = r;
  // Elf64_Rela { u64 r_offset; u64 r_info (sym << 32 | type); s64 r_addend }
  // Elf32_Rela { u32 r_offset; u32 r_info (sym << 8 | type); s32 r_addend }; REL without r_addend
  const stride = elf32 ? (rela ? 12 : 8) : rela ? 24 : 16;
  const lo = little ? 0 : 4;
  const hi = little ? 4 : 0;
  const ss = pc.symbolSlotsOf(r.symtabIndex);
  const symStart = ss.start;
  const symLen = ss.len;
  const nsyms = symStart.length - 1;
  const typeStart = pc.typeStart;
  const typeLen = pc.typeLen;
  const limit = out.length - FIXED;
  let pool = pc.pool;
  let p = at[0];
  let i = from;
  for (let o = r.offset + from * stride; i < count; i++, o += stride) {
    let si: number;
    let t: number;
    let offLo: number;
    let offHi = 0;
    if (elf32) {
      offLo = dv.getUint32(o, little);
      const info = dv.getUint32(o + 4, little);
      si = info >>> 8;
      t = info & 0xff;
    } else {
      offLo = dv.getUint32(o + lo, little);
      offHi = dv.getUint32(o + hi, little);
      t = dv.getUint32(o + 8 + lo, little);
      si = dv.getUint32(o + 8 + hi, little);
    }
    let pl = 0;
    const sk = si < nsyms ? si : nsyms;
    if (si !== 0) {
      if (symStart[sk] < 0) {
        pc.makeSymbol(table, ss, sk);
        pool = pc.pool;
      }
      pl = symLen[sk];
    }
    if (p + pl > limit) break;
    // r_offset
    if (elf32) p = hex32(out, p, offLo, 8);
    else {
      p = hex32(out, p, offHi, 8);
      p = hex32(out, p, offLo, 8);
    }
    out[p++] = SPACE;
    out[p++] = SPACE;
    // r_info
    if (elf32) p = hex32(out, p, ((si << 8) | t) >>> 0, 8);
    else {
      p = hex32(out, p, si, 8);
      p = hex32(out, p, t, 8);
    }
    out[p++] = SPACE;
    let tk = t;
    if (t >= TYPE_SLOTS) {
      pc.makeType(t);
      pool = pc.pool;
      tk = TYPE_SLOTS;
    } else if (typeStart[t] < 0) {
      pc.makeType(t);
      pool = pc.pool;
    }
    const ts = typeStart[tk];
    const tl = typeLen[tk];
    for (let k = 0; k < tl; k++) out[p + k] = pool[ts + k];
    p += tl;
    let neg = false;
    let ahi = 0;
    let alo = 0;
    if (rela) {
      if (elf32) {
        const a = dv.getInt32(o + 8, little);
        alo = a >>> 0;
        ahi = a < 0 ? -1 : 0;
      } else {
        alo = dv.getUint32(o + 16 + lo, little);
        ahi = dv.getInt32(o + 16 + hi, little);
      }
      if (ahi < 0) {
        // the magnitude of a negative 64-bit addend: two's complement of hi:lo
        neg = true;
        alo = (~alo + 1) >>> 0;
        ahi = (~ahi + (alo === 0 ? 1 : 0)) >>> 0;
      }
    }
    if (si !== 0) {
      const ps = symStart[sk];
      for (let k = 0; k < pl; k++) out[p + k] = pool[ps + k];
      p += pl;
      if (rela) {
        // " + 1e" / " - 4" after a symbol
        out[p++] = SPACE;
        out[p++] = neg ? MINUS : PLUS;
        out[p++] = SPACE;
        p = hexTrim(out, p, ahi, alo);
      }
    } else if (rela) {
      // no symbol: the addend alone, under the name column ("1e" / "-4")
      for (let k = elf32 ? 12 : 20; k > 0; k--) out[p++] = SPACE;
      if (neg) out[p++] = MINUS;
      p = hexTrim(out, p, ahi, alo);
    }
    out[p++] = NL;
  }
  at[0] = p;
  return i;
}

/** The JavaScript writer over non-empty `sections`: chunks of about chunkSize bytes (see readelfRelocText). */
export function* jsRelocText(
  elf: RelocListing,
  sections: readonly RelocSectionRef[],
  chunkSize: number,
  reuse: boolean,
): Generator<Uint8Array, void, undefined> {
  const lines = new RelocLines(elf, sections);
  let out = new Uint8Array(chunkSize + FIXED);
  while (!lines.done) {
    const chunk = lines.fill(out);
    if (chunk.length > 0) yield chunk;
    if (!reuse) out = new Uint8Array(chunkSize + FIXED);
  }
}
