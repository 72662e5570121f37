/**
 * Small lookups over an ElfFile shared by the module-fact readers: sections by name,
 * relocations by patched offset, symbols covering a place, NUL-terminated strings.
 */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';
import { decodeUtf8 } from '../elf/strings';
import type { ElfFile, ElfSection, ElfSymbol } from '../elf/types';

import { SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_NOBITS, STT_FILE, STT_SECTION } from '../elf/constants';
export { SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_NOBITS, STT_FILE, STT_SECTION };

export { R_X86_64_64, R_X86_64_PC32, R_X86_64_32, R_X86_64_32S } from '../elf/constants';

export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** One relocation that patches a section, with its symbol looked up. */
export interface PatchReloc {
  type: number;
  symbol: ElfSymbol | null;
  addend: bigint;
}

/** relocsFor()'s maps, per file and target section: readParams() asks again for every array or string parameter. */
const relocsCache = new WeakMap<ElfFile, Map<number, ReadonlyMap<number, PatchReloc>>>();

/** Relocations patching section `targetIndex`, keyed by offset within that section (built once per file and section). */
export function relocsFor(elf: ElfFile, targetIndex: number): ReadonlyMap<number, PatchReloc> {
  let perFile = relocsCache.get(elf);
  if (!perFile) relocsCache.set(elf, (perFile = new Map()));
  let out = perFile.get(targetIndex);
  if (!out) perFile.set(targetIndex, (out = buildRelocsFor(elf, targetIndex)));
  return out;
}

function buildRelocsFor(elf: ElfFile, targetIndex: number): Map<number, PatchReloc> {
  const out = new Map<number, PatchReloc>();
  const symbols = elf.symtab?.symbols ?? [];
  for (const rs of elf.relocSections) {
    if (rs.targetIndex !== targetIndex) continue;
    for (let i = 0; i < rs.count; i++) {
      const offset = rs.offsetHi[i] * 2 ** 32 + rs.offsetLo[i];
      const addend = (BigInt(rs.addendHi[i]) << 32n) | BigInt(rs.addendLo[i]);
      out.set(offset, { type: rs.type[i], symbol: symbols[rs.sym[i]] ?? null, addend });
    }
  }
  return out;
}

/** Where a relocation points: a section and an offset inside it, or an absolute/undefined symbol. */
export type RelocTarget =
  | { kind: 'section'; sectionIndex: number; offset: number }
  | { kind: 'absolute'; value: bigint; symbol: ElfSymbol }
  | { kind: 'undefined'; symbol: ElfSymbol };

export function relocTarget(r: PatchReloc): RelocTarget | null {
  const s = r.symbol;
  if (!s) return null;
  if (s.shndx === SHN_UNDEF) return { kind: 'undefined', symbol: s };
  if (s.shndx === SHN_ABS) return { kind: 'absolute', value: s.value + r.addend, symbol: s };
  if (s.shndx === SHN_COMMON || s.shndx >= 0xff00) return null;
  return { kind: 'section', sectionIndex: s.shndx, offset: Number(s.value + r.addend) };
}

/**
 * The symbol a relocation names: the symbol itself when it has a name (not a section symbol)
 * and no addend, else the named symbol covering section+offset.
 */
export function relocSymbolName(elf: ElfFile, r: PatchReloc): string | null {
  const s = r.symbol;
  if (!s) return null;
  if (s.type !== STT_SECTION && s.name !== '' && (r.addend === 0n || s.shndx === SHN_UNDEF)) return s.name;
  const t = relocTarget(r);
  if (t?.kind === 'section') {
    const covering = symbolAt(elf, t.sectionIndex, t.offset);
    if (covering) return covering.name;
  }
  if (s.type !== STT_SECTION && s.name !== '') return `${s.name}+${hex(r.addend)}`;
  const sec = elf.sections[s.shndx];
  return sec ? `${sec.name}+${hex(r.addend)}` : null;
}

/** Per file, each section's named, non-section, non-file symbols in table order (symbolAt() used to scan all of .symtab per call). */
const namedBySection = new WeakMap<ElfFile, Map<number, ElfSymbol[]>>();

function namedSymbolsIn(elf: ElfFile, sectionIndex: number): readonly ElfSymbol[] {
  let m = namedBySection.get(elf);
  if (!m) {
    m = new Map();
    for (const s of elf.symtab?.symbols ?? []) {
      if (s.name === '' || s.type === STT_SECTION || s.type === STT_FILE) continue;
      let list = m.get(s.shndx);
      if (!list) m.set(s.shndx, (list = []));
      list.push(s);
    }
    namedBySection.set(elf, m);
  }
  return m.get(sectionIndex) ?? [];
}

/** The named, non-section symbol in `sectionIndex` that starts at or covers `offset` (exact start preferred). */
export function symbolAt(elf: ElfFile, sectionIndex: number, offset: number): ElfSymbol | null {
  let best: ElfSymbol | null = null;
  const off = BigInt(offset);
  for (const s of namedSymbolsIn(elf, sectionIndex)) {
    if (s.value === off) {
      // Prefer a sized (object/function) symbol at the exact place over a bare label.
      if (!best || best.value !== off || (best.size === 0n && s.size > 0n)) best = s;
    } else if (s.value < off && off < s.value + s.size) {
      if (!best) best = s;
    }
  }
  return best;
}

/** A NUL-terminated string at `offset`, not reading past `end`; throws BAD_MODULE_DATA if unterminated. */
export function cStringAt(bytes: Uint8Array, offset: number, end: number, what: string): string {
  const limit = Math.min(end, bytes.length);
  if (offset < 0 || offset >= limit) {
    throw new ElfError('BAD_MODULE_DATA', `${what}: string offset ${hex(offset)} is outside its section`, offset, what);
  }
  let i = offset;
  while (i < limit && bytes[i] !== 0) i++;
  if (i >= limit) {
    throw new ElfError('BAD_MODULE_DATA', `${what}: string at ${hex(offset)} has no terminating NUL`, offset, what);
  }
  return utf8String(bytes.subarray(offset, i));
}

/** Decode module strings as UTF-8 (they are ASCII in practice); the engine lib has no TextDecoder. */
export function utf8String(b: Uint8Array): string {
  return decodeUtf8(b, 0, b.length);
}

/** A string a relocation points at (into a string section), or null. */
export function relocString(elf: ElfFile, r: PatchReloc | undefined, what: string): string | null {
  if (!r) return null;
  const t = relocTarget(r);
  if (t?.kind !== 'section') return null;
  const sec = elf.sections[t.sectionIndex];
  if (!sec || sec.type === SHT_NOBITS) return null;
  if (t.offset < 0 || t.offset >= sec.size) {
    throw new ElfError('BAD_MODULE_DATA', `${what}: points ${hex(t.offset)} into ${sec.name}, past its end`, sec.offset, what);
  }
  return cStringAt(elf.bytes, sec.offset + t.offset, sec.offset + sec.size, what);
}

/** Throw BAD_MODULE_DATA unless a section's bytes lie inside the file. */
export function sectionBytes(elf: ElfFile, sec: ElfSection): Uint8Array {
  if (sec.type === SHT_NOBITS) return new Uint8Array(0);
  if (sec.offset < 0 || sec.offset + sec.size > elf.bytes.length) {
    throw new ElfError('BAD_MODULE_DATA', `${sec.name}: ${sec.size} bytes at ${hex(sec.offset)} run past the end of the file`, sec.offset, sec.name);
  }
  return elf.bytes.subarray(sec.offset, sec.offset + sec.size);
}

export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
