import { ByteView } from './bytes';
import { REL_SIZE, RELA_SIZE, SHT_DYNSYM, SHT_RELA, SHT_SYMTAB } from './constants';
import { elfErrorInfo } from './errors';
import { hex } from '../base/hex';
import type { RawHeader } from './header';
import { describeSection, sectionHeaderOffset, sectionInFile } from './sections';
import type { ElfErrorInfo, ElfRelocSection, ElfSection } from './types';

/**
 * Check one SHT_RELA / SHT_REL section: its entry count, or null (with a warning) when the
 * section is unusable: data outside the file, wrong sh_entsize, sh_link not a symbol table,
 * sh_info not a section. readRelocSection() reads the checked entries into columns;
 * `modscope relocs` formats them straight from the file bytes (engine/elf/readelf-relocs.ts).
 */
export function checkRelocSection(view: ByteView, h: RawHeader, sections: ElfSection[], sec: ElfSection, warnings: ElfErrorInfo[]): number | null {
  const rela = sec.type === SHT_RELA;
  const is64 = h.class === 64;
  const entSize = rela ? RELA_SIZE[h.class] : REL_SIZE[h.class];
  const hdr = sectionHeaderOffset(h, sec.index);
  const where = describeSection(sec);
  if (!sectionInFile(view, sec)) return null; // already warned by readSections
  if (sec.entsize !== entSize) {
    warnings.push(
      elfErrorInfo(
        'BAD_ENTSIZE',
        `${where}: sh_entsize is ${sec.entsize}, expected ${entSize} for ELF${h.class} ${rela ? 'RELA' : 'REL'}; section skipped`,
        hdr + (is64 ? 56 : 36),
        `sh_entsize of ${where}`,
      ),
    );
    return null;
  }
  const linked = sec.link < sections.length ? sections[sec.link] : undefined;
  if (linked === undefined || (linked.type !== SHT_SYMTAB && linked.type !== SHT_DYNSYM)) {
    warnings.push(
      elfErrorInfo('BAD_LINK', `${where}: sh_link ${sec.link} is not a symbol table; section skipped`, hdr + (is64 ? 40 : 24), `sh_link of ${where}`),
    );
    return null;
  }
  if (sec.info >= sections.length) {
    warnings.push(
      elfErrorInfo(
        'BAD_INFO',
        `${where}: sh_info ${sec.info} is not a section index (the file has ${sections.length} sections); section skipped`,
        hdr + (is64 ? 44 : 28),
        `sh_info of ${where}`,
      ),
    );
    return null;
  }
  if (sec.size % entSize !== 0) {
    warnings.push(
      elfErrorInfo(
        'BAD_ENTSIZE',
        `${where}: sh_size ${hex(sec.size)} is not a multiple of the entry size ${entSize}; the partial entry is ignored`,
        hdr + (is64 ? 32 : 20),
        `sh_size of ${where}`,
      ),
    );
  }
  return Math.floor(sec.size / entSize);
}

/**
 * Read one SHT_RELA / SHT_REL section into column arrays. The loops read straight from the
 * DataView after checking the whole section once (checkRelocSection), so amdgpu.ko's ~320,000
 * entries cost a few milliseconds and six typed arrays. Returns null (with a warning) when the
 * section is unusable. Symbol indices past the symbol table are kept as stored and summarised
 * in one warning (consumers must check `sym[i] < symbols.length`).
 *
 * `symbolCounts` maps a symbol table's section index to its number of symbols.
 */
export function readRelocSection(
  view: ByteView,
  h: RawHeader,
  sections: ElfSection[],
  sec: ElfSection,
  symbolCounts: ReadonlyMap<number, number>,
  warnings: ElfErrorInfo[],
): ElfRelocSection | null {
  const count = checkRelocSection(view, h, sections, sec, warnings);
  if (count === null) return null;
  const rela = sec.type === SHT_RELA;
  const is64 = h.class === 64;
  const entSize = rela ? RELA_SIZE[h.class] : REL_SIZE[h.class];
  const where = describeSection(sec);
  // One backing store for all six columns: fewer allocations for the GC to track.
  const store = new ArrayBuffer(count * 24);
  const offsetLo = new Uint32Array(store, 0, count);
  const offsetHi = new Uint32Array(store, count * 4, count);
  const type = new Uint32Array(store, count * 8, count);
  const sym = new Uint32Array(store, count * 12, count);
  const addendLo = new Uint32Array(store, count * 16, count);
  const addendHi = new Int32Array(store, count * 20, count);
  const { dv, little } = view;
  const base = sec.offset;

  // One loop per function: V8 optimises each loop whole instead of entering it by on-stack
  // replacement, which on a function with several loops deoptimised at the next loop, per section.
  const at = view.bytes.byteOffset + base;
  // The largest symbol index, when the copy loop knows it: below the table's size, no entry needs the second pass.
  let maxSym = -1;
  if (is64) {
    if (rela && little && at % 4 === 0)
      maxSym = readRela64Words(new Uint32Array(view.bytes.buffer, at, count * 6), count, offsetLo, offsetHi, type, sym, addendLo, addendHi);
    else if (rela) readRela64(dv, little, base, count, offsetLo, offsetHi, type, sym, addendLo, addendHi);
    else read64(dv, little, base, entSize, count, offsetLo, offsetHi, type, sym);
  } else {
    read32(dv, little, base, entSize, count, offsetLo, type, sym);
    if (rela) readAddends32(dv, little, base + 8, entSize, count, addendLo, addendHi);
  }

  const nsyms = symbolCounts.get(sec.link);
  if (nsyms !== undefined && !(maxSym >= 0 && maxSym < nsyms)) {
    const first = firstAtLeast(sym, count, nsyms);
    const bad = first < 0 ? 0 : countAtLeast(sym, first, count, nsyms);
    if (bad > 0) {
      warnings.push(
        elfErrorInfo(
          'SYMBOL_INDEX_OUT_OF_RANGE',
          `${where}: ${bad} relocation(s) name a symbol past the end of the symbol table (${nsyms} symbols), first relocation ${first} (symbol ${sym[first]})`,
          base + first * entSize + (is64 ? 8 : 4),
          `r_info of relocation ${first} in ${where}`,
        ),
      );
    }
  }

  return {
    sectionIndex: sec.index,
    name: sec.name,
    rela,
    symtabIndex: sec.link,
    targetIndex: sec.info,
    count,
    offsetLo,
    offsetHi,
    type,
    sym,
    addendLo,
    addendHi,
  };
}

/** Elf64_Rel(a) { u64 r_offset; u64 r_info (sym << 32 | type); … } into the columns. */
function read64(
  dv: DataView,
  little: boolean,
  base: number,
  entSize: number,
  count: number,
  offsetLo: Uint32Array,
  offsetHi: Uint32Array,
  type: Uint32Array,
  sym: Uint32Array,
): void {
  const lo = little ? 0 : 4;
  const hi = little ? 4 : 0;
  for (let i = 0, o = base; i < count; i++, o += entSize) {
    offsetLo[i] = dv.getUint32(o + lo, little);
    offsetHi[i] = dv.getUint32(o + hi, little);
    type[i] = dv.getUint32(o + 8 + lo, little);
    sym[i] = dv.getUint32(o + 8 + hi, little);
  }
}

/** Elf64_Rela { u64 r_offset; u64 r_info; s64 r_addend } into the columns, one pass. */
function readRela64(
  dv: DataView,
  little: boolean,
  base: number,
  count: number,
  offsetLo: Uint32Array,
  offsetHi: Uint32Array,
  type: Uint32Array,
  sym: Uint32Array,
  addendLo: Uint32Array,
  addendHi: Int32Array,
): void {
  const lo = little ? 0 : 4;
  const hi = little ? 4 : 0;
  for (let i = 0, o = base; i < count; i++, o += 24) {
    offsetLo[i] = dv.getUint32(o + lo, little);
    offsetHi[i] = dv.getUint32(o + hi, little);
    type[i] = dv.getUint32(o + 8 + lo, little);
    sym[i] = dv.getUint32(o + 8 + hi, little);
    addendLo[i] = dv.getUint32(o + 16 + lo, little);
    addendHi[i] = dv.getInt32(o + 16 + hi, little);
  }
}

/**
 * readRela64() for a little-endian file whose section is 4-byte aligned in memory (every real module read whole):
 * the entries as 32-bit words, six per entry, so the loop is plain typed-array loads (the DataView calls were most
 * of the time while the loop still ran unoptimised, which on a once-per-section loop is most of it). Returns the
 * largest symbol index seen, so readRelocSection() checks them against the symbol table without a second pass.
 */
function readRela64Words(
  w: Uint32Array,
  count: number,
  offsetLo: Uint32Array,
  offsetHi: Uint32Array,
  type: Uint32Array,
  sym: Uint32Array,
  addendLo: Uint32Array,
  addendHi: Int32Array,
): number {
  let max = 0;
  for (let i = 0, j = 0; i < count; i++, j += 6) {
    offsetLo[i] = w[j];
    offsetHi[i] = w[j + 1];
    type[i] = w[j + 2];
    const s = w[j + 3];
    sym[i] = s;
    if (s > max) max = s;
    addendLo[i] = w[j + 4];
    addendHi[i] = w[j + 5];
  }
  return max;
}

/** Elf32_Rel(a) { u32 r_offset; u32 r_info (sym << 8 | type); … } into the columns. */
function read32(
  dv: DataView,
  little: boolean,
  base: number,
  entSize: number,
  count: number,
  offsetLo: Uint32Array,
  type: Uint32Array,
  sym: Uint32Array,
): void {
  for (let i = 0, o = base; i < count; i++, o += entSize) {
    offsetLo[i] = dv.getUint32(o, little);
    const info = dv.getUint32(o + 4, little);
    type[i] = info & 0xff;
    sym[i] = info >>> 8;
  }
}

/** Elf32_Rela's s32 r_addend, sign-extended into the two halves. */
function readAddends32(
  dv: DataView,
  little: boolean,
  base: number,
  entSize: number,
  count: number,
  addendLo: Uint32Array,
  addendHi: Int32Array,
): void {
  for (let i = 0, o = base; i < count; i++, o += entSize) {
    const a = dv.getInt32(o, little);
    addendLo[i] = a >>> 0;
    addendHi[i] = a < 0 ? -1 : 0;
  }
}

/** Index of the first value >= limit in xs[0, count), or -1. */
function firstAtLeast(xs: Uint32Array, count: number, limit: number): number {
  for (let i = 0; i < count; i++) if (xs[i] >= limit) return i;
  return -1;
}

/** How many of xs[from, count) are >= limit. */
function countAtLeast(xs: Uint32Array, from: number, count: number, limit: number): number {
  let n = 0;
  for (let i = from; i < count; i++) if (xs[i] >= limit) n++;
  return n;
}

/** r_offset of relocation i, as a 64-bit unsigned bigint. */
export function relocOffset(r: ElfRelocSection, i: number): bigint {
  return (BigInt(r.offsetHi[i]) << 32n) | BigInt(r.offsetLo[i]);
}

/** r_offset of relocation i as a number (exact: real offsets within a section are < 2^53). */
export function relocOffsetNumber(r: ElfRelocSection, i: number): number {
  return r.offsetHi[i] * 0x1_0000_0000 + r.offsetLo[i];
}

/** r_addend of relocation i, as a signed 64-bit bigint (0 for REL). */
export function relocAddend(r: ElfRelocSection, i: number): bigint {
  return (BigInt(r.addendHi[i]) << 32n) | BigInt(r.addendLo[i]);
}

/** r_addend of relocation i as a number: exact when |addend| < 2^53 (all real module addends). */
export function relocAddendNumber(r: ElfRelocSection, i: number): number {
  return r.addendHi[i] * 0x1_0000_0000 + r.addendLo[i];
}
