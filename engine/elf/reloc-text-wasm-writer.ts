/**
 * Drives the WebAssembly line writer (reloc-text-wasm.ts) over a file's relocation sections:
 * lays out its memory, hands it each section, makes in JavaScript what it leaves (symbol
 * pieces, whole lines) and cuts the output into chunks.
 *
 * The file can live in the writer's own memory (relocListingBuffer: the CLI reads the file
 * straight into it), so the relocation entries, the symbol table and its strings are read
 * where they are; otherwise they are copied in.
 */
import { utf8Bytes } from '../base/utf8';
import { Pieces, relocSectionHeading, symbolPieceText, typeColumn, writeLines } from './readelf-relocs';
import type { RelocListing, RelocSectionRef } from './reader';
import { DONE, FIRST_FREE, FIXED, FULL, header as H, instantiate, JS_ONLY, NEED_SYMBOL, PAGE, wasmApi, type LineWriter } from './reloc-text-wasm';
import { SHN_UNDEF, SHN_XINDEX, STT_SECTION } from './constants';
import type { SymbolTableReader } from './symbols';

/** The longest type column the WebAssembly tables hold (FIXED leaves room for it). */
const TYPE_MAX = 32;
/** Where a file read into a writer's memory starts. */
const FILE_BASE = 64 * 1024;
/** Bytes of entries staged at a time (a whole number of Elf64_Rela and Elf64_Rel). */
const STAGE = 768 * 1024;
/** Bytes kept free at the end of the memory: the WebAssembly copies pieces 8 bytes at a time. */
const SLACK = 16;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Writers whose memory holds a file (relocListingBuffer), by that memory's buffer; `end`: where the file ends. */
const placed = new WeakMap<ArrayBuffer, { w: LineWriter; end: number }>();

/**
 * A buffer of `size` bytes for a file that will be listed: inside a WebAssembly memory with
 * room after it for everything the writer needs (at most about twice the file, touched only as
 * used), or a plain one without WebAssembly.
 */
export function relocListingBuffer(size: number): Uint8Array {
  const api = wasmApi();
  const total = FILE_BASE + size + size / 4 + (4 << 20);
  if (api !== null && size > 0 && total <= 2 ** 31) {
    try {
      const w = instantiate(api, total);
      placed.set(w.memory.buffer, { w, end: FILE_BASE + size });
      return new Uint8Array(w.memory.buffer, FILE_BASE, size);
    } catch {
      // no memory of that size: a plain buffer
    }
  }
  return new Uint8Array(size);
}

/**
 * The WebAssembly writer for this file, or null when it does not apply: not ELF64
 * little-endian, sections naming different or missing symbol tables, no WebAssembly, or a
 * memory the host will not give.
 */
export function wasmWriter(
  elf: RelocListing,
  sections: readonly RelocSectionRef[],
  chunkSize: number,
  load?: (offset: number, dest: Uint8Array) => void,
): WasmWriter | null {
  const api = wasmApi();
  const h = elf.header;
  if (api === null || h.class !== 64 || h.endian !== 'little') return null;
  const table = elf.symbolTables.get(sections[0].symtabIndex);
  if (table === undefined || !table.is64 || sections.some((r) => r.symtabIndex !== sections[0].symtabIndex)) return null;
  const types: Uint8Array[] = [];
  for (let t = 0; t < 256; t++) {
    const b = utf8Bytes(typeColumn(h.machine, t));
    if (b.length > TYPE_MAX) return null;
    types.push(b);
  }
  try {
    const home = placed.get(elf.bytes.buffer as ArrayBuffer);
    if (home) {
      const inPlace = new WasmWriter(home.w, home.end, elf.bytes.byteOffset, elf, sections, table, types, chunkSize, load);
      if (inPlace.fits) return inPlace;
    }
    const size = new WasmWriter(null, FIRST_FREE, -1, elf, sections, table, types, chunkSize, load).size;
    if (size > 2 ** 31) return null;
    return new WasmWriter(instantiate(api, size), FIRST_FREE, -1, elf, sections, table, types, chunkSize, load);
  } catch {
    return null; // no memory of that size: the JavaScript writer needs less
  }
}

export class WasmWriter {
  /** Memory needed (without `w`: only computed). */
  readonly size: number;
  /** In place: the regions fit in the memory as it is (it must not grow: that would detach the file's bytes). */
  readonly fits: boolean;
  private u8 = new Uint8Array(0);
  private i32 = new Int32Array(0);
  private readonly outBase: number;
  private readonly outEnd: number;
  /** Address of the file's byte 0, or -1 when relocations are copied in (at relocBase). */
  private readonly fileAt: number;
  /** Where entries are staged (copied or loaded) part by part. */
  private readonly stage: number;
  /** Reads file bytes the listing does not hold (RelocTextOptions.load). */
  private readonly load: ((offset: number, dest: Uint8Array) => void) | undefined;
  /** Address of entry 0 of the current section (entries outside the stage are not there). */
  private entry0 = 0;
  /** Name bytes the WebAssembly copied that the string table has already been told about. */
  private counted = 0;
  /** The JavaScript writer, for the lines the WebAssembly leaves to it. */
  private js: { pieces: Pieces; dv: DataView; at: Int32Array } | null = null;

  constructor(
    private readonly w: LineWriter | null,
    free: number,
    fileAt: number,
    private readonly elf: RelocListing,
    private readonly sections: readonly RelocSectionRef[],
    private readonly table: SymbolTableReader,
    types: Uint8Array[],
    chunkSize: number,
    load: ((offset: number, dest: Uint8Array) => void) | undefined,
  ) {
    const nsyms = table.count;
    const strings = table.strings;
    const strSize = strings ? strings.end - strings.start : 0;
    let a = align8(free);
    const typeBase = a;
    for (const t of types) a += t.length;
    const symStart = align8(a);
    const symLen = symStart + (nsyms + 1) * 4;
    a = align8(symLen + (nsyms + 1) * 4);
    let symtab = fileAt + table.base;
    let strtab = fileAt + (strings ? strings.start : 0);
    this.fileAt = fileAt;
    if (fileAt < 0) {
      symtab = a;
      strtab = symtab + nsyms * 24;
      a = align8(strtab + strSize);
    }
    // Entries are staged (read or copied) part by part unless the file is in place and has them.
    this.stage = a;
    if (fileAt < 0 || load !== undefined) a += STAGE;
    this.load = load;
    this.outBase = align8(a);
    this.outEnd = this.outBase + chunkSize + FIXED;
    const pool = align8(this.outEnd);
    this.size = pool + (nsyms + 1) * 18 + strSize + PAGE;
    this.fits = w !== null && this.size <= w.memory.buffer.byteLength;
    if (w === null || !this.fits) return;
    this.refresh();
    const u8 = this.u8;
    const i32 = this.i32;
    for (let t = 0, p = typeBase; t < 256; t++) {
      u8.set(types[t], p);
      i32[(H.TYPESTART >> 2) + t] = p;
      i32[(H.TYPELEN >> 2) + t] = types[t].length;
      p += types[t].length;
    }
    i32.fill(-1, symStart >> 2, (symStart >> 2) + nsyms + 1);
    if (fileAt < 0) {
      u8.set(table.view.bytes.subarray(table.base, table.base + nsyms * 24), symtab);
      if (strings) u8.set(table.view.bytes.subarray(strings.start, strings.end), strtab);
    }
    i32[H.H_NSYMS >> 2] = nsyms;
    i32[H.H_SYMSTART >> 2] = symStart;
    i32[H.H_SYMLEN >> 2] = symLen;
    i32[H.H_SYMTAB >> 2] = symtab;
    i32[H.H_STRTAB >> 2] = strtab;
    i32[H.H_STRSIZE >> 2] = strSize;
    i32[H.H_HASSTR >> 2] = strings ? 1 : 0;
    i32[H.H_POOL >> 2] = pool;
    i32[H.H_POOLEND >> 2] = w.memory.buffer.byteLength - SLACK;
    i32[H.H_FAST >> 2] = 0;
    i32[H.H_OUTEND >> 2] = this.outEnd;
    i32[H.H_P >> 2] = this.outBase;
  }

  /** Whether it reads the file where it is (relocListingBuffer) instead of copies. */
  get inPlace(): boolean {
    return this.fileAt >= 0;
  }

  private refresh(): void {
    const buf = (this.w as LineWriter).memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
  }

  *chunks(reuse: boolean): Generator<Uint8Array, void, undefined> {
    const lines = (this.w as LineWriter).lines;
    for (const r of this.sections) {
      yield* this.emit(utf8Bytes(relocSectionHeading(this.elf, r)), reuse);
      const stride = r.rela ? 24 : 16;
      this.i32[H.H_RELA >> 2] = r.rela ? 1 : 0;
      const staged = this.fileAt < 0 || this.load !== undefined;
      const part = staged ? STAGE / stride : r.count;
      for (let i0 = 0; i0 < r.count; i0 += part) {
        const end = Math.min(r.count, i0 + part);
        if (staged) {
          const from = r.offset + i0 * stride;
          const dest = this.u8.subarray(this.stage, this.stage + (end - i0) * stride);
          if (this.load) this.load(from, dest);
          else dest.set(this.elf.bytes.subarray(from, from + dest.length));
          this.entry0 = this.stage - i0 * stride;
        } else {
          this.entry0 = this.fileAt + r.offset;
        }
        this.i32[H.H_RELOC >> 2] = this.entry0;
        for (let i = i0; ;) {
          const status = lines(i, end);
          i = this.i32[H.H_I >> 2];
          if (status === DONE) break;
          if (status === NEED_SYMBOL) {
            this.makeSymbol(this.i32[H.H_K >> 2]);
          } else if (status === FULL && this.i32[H.H_P >> 2] > this.outBase) {
            yield this.take(reuse);
          } else {
            // JS_LINE, or FULL with nothing written: a line longer than a chunk
            yield* this.emit(this.jsLine(r, i), reuse);
            i++;
          }
        }
      }
    }
    if (this.i32[H.H_P >> 2] > this.outBase) yield this.take(reuse);
  }

  /** The chunk written so far; the output starts over. */
  private take(reuse: boolean): Uint8Array {
    const p = this.i32[H.H_P >> 2];
    this.i32[H.H_P >> 2] = this.outBase;
    return reuse ? this.u8.subarray(this.outBase, p) : this.u8.slice(this.outBase, p);
  }

  /** Append bytes made in JavaScript (a heading, a line); yields a chunk first when they do not fit. */
  private *emit(b: Uint8Array, reuse: boolean): Generator<Uint8Array, void, undefined> {
    let p = this.i32[H.H_P >> 2];
    if (p + b.length > this.outEnd) {
      if (p > this.outBase) yield this.take(reuse);
      p = this.outBase;
      if (b.length > this.outEnd - this.outBase) {
        yield b;
        return;
      }
    }
    this.u8.set(b, p);
    this.i32[H.H_P >> 2] = p + b.length;
  }

  /**
   * Make symbol slot k in JavaScript and put it in the pool; when the pool is full and the
   * memory holds the file (it must not grow), the slot's lines are left to JavaScript.
   */
  private makeSymbol(k: number): void {
    const fast = this.i32[H.H_FAST >> 2];
    this.table.strings?.countDecoded(fast - this.counted);
    this.counted = fast;
    const b = utf8Bytes(this.sectionSymbolPiece(k) ?? symbolPieceText(this.elf, this.table, k));
    let pool = this.i32[H.H_POOL >> 2];
    const memory = (this.w as LineWriter).memory;
    if (pool + b.length > memory.buffer.byteLength - SLACK) {
      if (this.fileAt >= 0) {
        this.i32[(this.i32[H.H_SYMSTART >> 2] >> 2) + k] = JS_ONLY;
        return;
      }
      memory.grow(Math.ceil((pool + b.length + SLACK - memory.buffer.byteLength) / PAGE));
      this.refresh();
      this.i32[H.H_POOLEND >> 2] = memory.buffer.byteLength - SLACK;
    }
    this.u8.set(b, pool);
    this.i32[(this.i32[H.H_SYMSTART >> 2] >> 2) + k] = pool;
    this.i32[(this.i32[H.H_SYMLEN >> 2] >> 2) + k] = b.length;
    pool += b.length;
    this.i32[H.H_POOL >> 2] = pool;
  }

  /**
   * The piece of a section symbol shown by its section's name (relocSymbolDisplayName), read
   * without decoding its own st_name (which would decode the whole string table for ~20
   * symbols); null for anything else.
   */
  private sectionSymbolPiece(k: number): string | null {
    const t = this.table;
    if (k >= t.count) return null;
    const o = t.base + k * 24;
    const dv = t.view.dv;
    const shndx = dv.getUint16(o + 6, true);
    if ((dv.getUint8(o + 4) & 15) !== STT_SECTION || shndx === SHN_UNDEF || shndx === SHN_XINDEX) return null;
    const hex = (v: number): string => v.toString(16).padStart(8, '0');
    return ` ${hex(dv.getUint32(o + 12, true))}${hex(dv.getUint32(o + 8, true))} ${this.elf.sections[shndx]?.name ?? ''}`;
  }

  /** Line i of section r, written by the JavaScript writer from the entry where the WebAssembly reads it. */
  private jsLine(r: RelocSectionRef, i: number): Uint8Array {
    const buffer = (this.w as LineWriter).memory.buffer;
    if (this.js === null || this.js.dv.buffer !== buffer)
      this.js = { pieces: this.js?.pieces ?? new Pieces(this.elf), dv: new DataView(buffer), at: new Int32Array(1) };
    const js = this.js;
    const one = { ...r, offset: this.entry0, count: i + 1 };
    for (let out = new Uint8Array(4096); ; out = new Uint8Array(out.length * 4)) {
      js.at[0] = 0;
      if (writeLines(out, js.dv, true, false, one, i, js.pieces, this.table, js.at) > i) return out.subarray(0, js.at[0]);
    }
  }
}
