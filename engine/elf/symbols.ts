import { ByteView } from './bytes';
import { SHN_LORESERVE, SHN_XINDEX, SHT_STRTAB, SHT_SYMTAB_SHNDX, SYM_SIZE } from './constants';
import { elfErrorInfo } from './errors';
import { hex } from '../base/hex';
import type { RawHeader } from './header';
import { CORRUPT_NAME, describeSection, sectionHeaderOffset, sectionInFile } from './sections';
import { StringTable } from './strings';
import type { ElfErrorInfo, ElfSection, ElfSymbol, ElfSymbolTable } from './types';

/** Problems counted while reading a table (first index and count of each kind; -1 / 0 when none). */
interface SymbolProblems {
  badName: number;
  badNames: number;
  badIndex: number;
  badIndexes: number;
  badX: number;
  badXs: number;
}

/**
 * A checked symbol table whose entries are decoded one at a time: readSymbolTable() decodes
 * them all; `modscope relocs` only those its relocations name (no table of 26,000 objects).
 */
export class SymbolTableReader {
  constructor(
    readonly view: ByteView,
    readonly is64: boolean,
    /** File offset of entry 0, and the entry size. */
    readonly base: number,
    readonly entSize: number,
    readonly count: number,
    /** Sections in the file (a valid st_shndx is below this or reserved). */
    readonly nsections: number,
    /** The linked string table, or null when sh_link names none usable (names are then empty). */
    readonly strings: StringTable | null,
    /** The SHT_SYMTAB_SHNDX section resolving SHN_XINDEX escapes, if any. */
    readonly shndxSec: ElfSection | undefined,
  ) {}

  /** Symbol i (0 ≤ i < count); problems are counted into `bad` when given (a whole-table read: names are not cached). */
  symbol(i: number, bad?: SymbolProblems): ElfSymbol {
    const { dv, little } = this.view;
    const o = this.base + i * this.entSize;
    const nameOffset = dv.getUint32(o, little);
    let info: number, other: number, rawShndx: number, value: bigint, size: bigint;
    if (this.is64) {
      info = dv.getUint8(o + 4);
      other = dv.getUint8(o + 5);
      rawShndx = dv.getUint16(o + 6, little);
      // Zero (undefined and section symbols' values, labels' sizes) is the one 0n: a BigInt fewer to allocate and
      // for the collector to copy, per zero field (amdgpu.ko: 26,000 symbols kept for the whole load).
      value = dv.getUint32(o + 8, true) === 0 && dv.getUint32(o + 12, true) === 0 ? 0n : dv.getBigUint64(o + 8, little);
      size = dv.getUint32(o + 16, true) === 0 && dv.getUint32(o + 20, true) === 0 ? 0n : dv.getBigUint64(o + 16, little);
    } else {
      value = BigInt(dv.getUint32(o + 4, little));
      size = BigInt(dv.getUint32(o + 8, little));
      info = dv.getUint8(o + 12);
      other = dv.getUint8(o + 13);
      rawShndx = dv.getUint16(o + 14, little);
    }
    let shndx = rawShndx;
    const x = this.shndxSec;
    if (rawShndx === SHN_XINDEX) {
      if (x && i * 4 + 4 <= x.size) {
        shndx = dv.getUint32(x.offset + i * 4, little);
      } else if (bad) {
        // Left as SHN_XINDEX: consumers see the index could not be resolved.
        if (bad.badX < 0) bad.badX = i;
        bad.badXs++;
      }
    }
    if (bad && shndx >= this.nsections && (shndx < SHN_LORESERVE || shndx > 0xffff)) {
      if (bad.badIndex < 0) bad.badIndex = i;
      bad.badIndexes++;
    }
    let name = '';
    if (this.strings) {
      const n = this.strings.get(nameOffset, bad === undefined);
      if (n === null) {
        name = CORRUPT_NAME;
        if (bad) {
          if (bad.badName < 0) bad.badName = i;
          bad.badNames++;
        }
      } else {
        name = n;
      }
    }
    return { index: i, name, nameOffset, value, size, bind: info >> 4, type: info & 0xf, visibility: other & 3, other, rawShndx, shndx };
  }
}

/**
 * Check one SHT_SYMTAB / SHT_DYNSYM section and open it for reading. Returns null (with a
 * warning) when the table itself is unusable: data outside the file or a wrong sh_entsize.
 * A bad string table link only warns: the names are left empty.
 */
export function openSymbolTable(
  view: ByteView,
  h: RawHeader,
  sections: ElfSection[],
  sec: ElfSection,
  warnings: ElfErrorInfo[],
): SymbolTableReader | null {
  const entSize = SYM_SIZE[h.class];
  const hdr = sectionHeaderOffset(h, sec.index);
  if (!sectionInFile(view, sec)) return null; // already warned by readSections
  if (sec.entsize !== entSize) {
    warnings.push(
      elfErrorInfo(
        'BAD_ENTSIZE',
        `${describeSection(sec)}: sh_entsize is ${sec.entsize}, expected ${entSize} for an ELF${h.class} symbol table`,
        hdr + (h.class === 64 ? 56 : 36),
        `sh_entsize of ${describeSection(sec)}`,
      ),
    );
    return null;
  }
  if (sec.size % entSize !== 0) {
    warnings.push(
      elfErrorInfo(
        'BAD_ENTSIZE',
        `${describeSection(sec)}: sh_size ${hex(sec.size)} is not a multiple of the symbol size ${entSize}; the partial entry is ignored`,
        hdr + (h.class === 64 ? 32 : 20),
        `sh_size of ${describeSection(sec)}`,
      ),
    );
  }
  const count = Math.floor(sec.size / entSize);

  // The string table: sh_link. A bad link leaves every name empty rather than losing the symbols.
  let strings: StringTable | null = null;
  const strSec = sec.link < sections.length ? sections[sec.link] : undefined;
  if (strSec === undefined || sec.link === 0 || strSec.type !== SHT_STRTAB || !sectionInFile(view, strSec)) {
    warnings.push(
      elfErrorInfo(
        'BAD_LINK',
        `${describeSection(sec)}: sh_link ${sec.link} is not a usable string table; symbol names are left empty`,
        hdr + (h.class === 64 ? 40 : 24),
        `sh_link of ${describeSection(sec)}`,
      ),
    );
  } else {
    strings = new StringTable(view.bytes, strSec.offset, strSec.offset + strSec.size);
  }

  // SHN_XINDEX escapes are resolved through the SHT_SYMTAB_SHNDX section linked to this table.
  const shndxSec = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === sec.index && sectionInFile(view, s));
  return new SymbolTableReader(view, h.class === 64, sec.offset, entSize, count, sections.length, strings, shndxSec);
}

/**
 * Read one SHT_SYMTAB / SHT_DYNSYM section into symbol objects. Returns null (with a warning)
 * when the table itself is unusable: data outside the file or a wrong sh_entsize. Bad names,
 * section indices and SHN_XINDEX escapes are marked on the symbol and summarised in one
 * warning per table, so a hostile file cannot produce millions of warnings.
 */
export function readSymbolTable(
  view: ByteView,
  h: RawHeader,
  sections: ElfSection[],
  sec: ElfSection,
  warnings: ElfErrorInfo[],
): ElfSymbolTable | null {
  const t = openSymbolTable(view, h, sections, sec, warnings);
  if (!t) return null;
  const entSize = t.entSize;
  const symbols = new Array<ElfSymbol>(t.count);
  const { badName, badNames, badIndex, badIndexes, badX, badXs } = readSymbols(t, symbols);
  if (badNames > 0) {
    warnings.push(
      elfErrorInfo(
        'STRING_OUT_OF_BOUNDS',
        `${describeSection(sec)}: ${badNames} symbol name(s) point past the end of the string table, first symbol ${badName} (named "${CORRUPT_NAME}")`,
        sec.offset + badName * entSize,
        `st_name of symbol ${badName}`,
      ),
    );
  }
  if (badIndexes > 0) {
    warnings.push(
      elfErrorInfo(
        'SECTION_INDEX_OUT_OF_RANGE',
        `${describeSection(sec)}: ${badIndexes} symbol(s) name a section index past the last section (${sections.length - 1}), first symbol ${badIndex}`,
        sec.offset + badIndex * entSize,
        `st_shndx of symbol ${badIndex}`,
      ),
    );
  }
  if (badXs > 0) {
    warnings.push(
      elfErrorInfo(
        'BAD_LINK',
        `${describeSection(sec)}: ${badXs} symbol(s) use SHN_XINDEX but no SYMTAB_SHNDX entry holds their index, first symbol ${badX}`,
        sec.offset + badX * entSize,
        `st_shndx of symbol ${badX}`,
      ),
    );
  }
  return { sectionIndex: sec.index, stringTableIndex: sec.link, symbols, namesAscii: t.strings?.isAscii() ?? true };
}

/**
 * The loop of readSymbolTable, on its own: V8 then optimises it as a whole function instead of
 * entering it by on-stack replacement and deoptimising at the code after it (amdgpu: 26,000 symbols).
 */
function readSymbols(t: SymbolTableReader, symbols: ElfSymbol[]): SymbolProblems {
  const bad: SymbolProblems = { badName: -1, badNames: 0, badIndex: -1, badIndexes: 0, badX: -1, badXs: 0 };
  t.strings?.dense();
  for (let i = 0; i < t.count; i++) symbols[i] = t.symbol(i, bad);
  return bad;
}
