import { ByteView } from './bytes';
import { PT_NOTE, SHT_DYNSYM, SHT_NOTE, SHT_REL, SHT_RELA, SHT_SYMTAB } from './constants';
import { readHeader, readIdent, type RawHeader } from './header';
import { readNotes } from './notes';
import { readProgramHeaders } from './program-headers';
import { checkRelocSection, readRelocSection } from './relocations';
import { describeSection, readSections, sectionHeaderOffset, sectionInFile } from './sections';
import { elfErrorInfo } from './errors';
import { openSymbolTable, readSymbolTable, type SymbolTableReader } from './symbols';
import type { ElfErrorInfo, ElfFile, ElfHeader, ElfNote, ElfRelocSection, ElfSection, ElfSymbolTable } from './types';

/** What readElf() may leave out. */
export interface ReadElfOptions {
  /**
   * Read only the relocation sections whose target (sh_info) this accepts; the others' headers are still checked
   * (the same warnings) but their entries are neither copied nor checked against the symbol table, and relocSections
   * lists only those read. A reader that needs a few sections' relocations (load-all's scan: __ksymtab*, __kcrctab*)
   * skips the copy of all the others.
   */
  relocsFor?: (target: ElfSection) => boolean;
}

/**
 * Parse ELF bytes (ELF32/ELF64, either byte order) into an ElfFile.
 *
 * Throws ElfError for problems that make the file unreadable (not ELF, unknown class or
 * byte order, truncated header, section header table out of bounds, bad e_shentsize or
 * e_shstrndx, sizes >= 2^53). Problems confined to one section (a relocation section with a
 * bad link, a symbol name outside its string table, …) are reported in `warnings` and the
 * item is skipped or marked, the way readelf warns and carries on.
 *
 * Every count is bounded by the file size before anything is allocated, so hostile input
 * costs at most a few times its own size in memory and time linear in its size.
 * `bytes` must hold only the ELF (strip an appended module signature first if you want the
 * file length checks to be meaningful; sections never reach into it anyway).
 */
export function readElf(bytes: Uint8Array, opts: ReadElfOptions = {}): ElfFile {
  const warnings: ElfErrorInfo[] = [];
  const ident = readIdent(bytes);
  const view = new ByteView(bytes, ident.endian);
  const h = readHeader(view, ident.class, ident.endian, warnings);
  const sections = readSections(view, h, warnings);
  const programHeaders = readProgramHeaders(view, h, warnings);

  let symtab: ElfSymbolTable | null = null;
  let dynsym: ElfSymbolTable | null = null;
  const symbolCounts = new Map<number, number>();
  for (const [s, t] of symbolTables(sections, (s) => readSymbolTable(view, h, sections, s, warnings))) {
    symbolCounts.set(s.index, t.symbols.length);
    if (s.type === SHT_SYMTAB) symtab = t;
    else dynsym = t;
  }

  const relocSections: ElfRelocSection[] = [];
  const only = opts.relocsFor;
  for (const s of relocSectionsWithin(view, h, sections, warnings)) {
    if (only && !(s.info < sections.length && only(sections[s.info]))) {
      checkRelocSection(view, h, sections, s, warnings);
      continue;
    }
    const r = readRelocSection(view, h, sections, s, symbolCounts, warnings);
    if (r) relocSections.push(r);
  }

  const notes: ElfNote[] = [];
  let noteBytes = 0;
  for (const s of sections) {
    if (s.type !== SHT_NOTE || !sectionInFile(view, s)) continue;
    noteBytes += s.size;
    if (noteBytes > view.length) {
      warnings.push(tooMuch(h, s, 'note'));
      break;
    }
    readNotes(view, s.offset, s.size, s.addralign, s.index, describeSection(s), warnings, notes);
  }
  // Segment notes usually repeat section notes (executables); keep only ones not seen already.
  const seen = new Set(notes.map((n) => n.descOffset));
  for (const p of programHeaders) {
    if (p.type !== PT_NOTE || !view.fits(p.offset, p.filesz)) continue;
    noteBytes += p.filesz;
    if (noteBytes > 2 * view.length) break; // segments repeat sections once, at most
    const fromSegment: ElfNote[] = [];
    readNotes(view, p.offset, p.filesz, Number(p.align), -1, `program header ${p.index} (NOTE)`, warnings, fromSegment);
    for (const n of fromSegment) if (!seen.has(n.descOffset)) notes.push(n);
  }

  return { bytes, header: publicHeader(h), sections, programHeaders, symtab, dynsym, relocSections, notes, warnings };
}

/**
 * "The" .symtab and .dynsym, each read by `open`: like readelf, the first usable section of each
 * kind (a second would be unusual).
 */
function symbolTables<T>(sections: ElfSection[], open: (s: ElfSection) => T | null): Array<[ElfSection, T]> {
  const out: Array<[ElfSection, T]> = [];
  let symtab = false;
  let dynsym = false;
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    if ((s.type === SHT_SYMTAB && symtab) || (s.type === SHT_DYNSYM && dynsym)) continue;
    const t = open(s);
    if (t === null) continue;
    if (s.type === SHT_SYMTAB) symtab = true;
    else dynsym = true;
    out.push([s, t]);
  }
  return out;
}

/**
 * The SHT_RELA / SHT_REL sections inside the file, in section order. Real relocation sections
 * never overlap, so together they fit in the file; hostile files can point thousands of headers
 * at the same bytes: past the file size we stop (TOO_MANY), so memory stays proportional to the input.
 */
function relocSectionsWithin(view: ByteView, h: RawHeader, sections: ElfSection[], warnings: ElfErrorInfo[]): ElfSection[] {
  const out: ElfSection[] = [];
  let relocBytes = 0;
  for (const s of sections) {
    if (s.type !== SHT_RELA && s.type !== SHT_REL) continue;
    if (!sectionInFile(view, s)) continue; // already warned by readSections
    relocBytes += s.size;
    if (relocBytes > view.length) {
      warnings.push(tooMuch(h, s, 'relocation'));
      break;
    }
    out.push(s);
  }
  return out;
}

/** One relocation section as `readelf -r` lists it: checked, its entries left in the file bytes. */
export interface RelocSectionRef {
  sectionIndex: number;
  name: string;
  rela: boolean;
  /** sh_link: the symbol table its entries index. */
  symtabIndex: number;
  count: number;
  /** File offset of entry 0 (entries are RELA_SIZE / REL_SIZE bytes of the file's class). */
  offset: number;
}

/**
 * What `readelf -r` needs from a file, read lazily: the header and sections, the relocation
 * sections checked exactly as readElf() checks them (the same skips and warnings) but not
 * copied, and the symbol tables opened but not decoded — a symbol is decoded when asked for.
 * For amdgpu.ko this avoids 26,000 symbol objects and 7.7 MB of columns that one pass over
 * the relocations does not need. readElf() and this read the same bytes the same way.
 */
export interface RelocListing {
  bytes: Uint8Array;
  header: ElfHeader;
  sections: ElfSection[];
  relocSections: RelocSectionRef[];
  /** The symbol tables relocations may index (the first SHT_SYMTAB and SHT_DYNSYM), by section index. */
  symbolTables: Map<number, SymbolTableReader>;
  warnings: ElfErrorInfo[];
}

/** Read a file for `readelf -r`: see RelocListing. Throws ElfError as readElf() does. */
export function readRelocListing(bytes: Uint8Array): RelocListing {
  const warnings: ElfErrorInfo[] = [];
  const ident = readIdent(bytes);
  const view = new ByteView(bytes, ident.endian);
  const h = readHeader(view, ident.class, ident.endian, warnings);
  const sections = readSections(view, h, warnings);
  const tables = new Map<number, SymbolTableReader>();
  for (const [s, t] of symbolTables(sections, (s) => openSymbolTable(view, h, sections, s, warnings))) tables.set(s.index, t);
  const relocSections: RelocSectionRef[] = [];
  for (const s of relocSectionsWithin(view, h, sections, warnings)) {
    const count = checkRelocSection(view, h, sections, s, warnings);
    if (count !== null)
      relocSections.push({ sectionIndex: s.index, name: s.name, rela: s.type === SHT_RELA, symtabIndex: s.link, count, offset: s.offset });
  }
  return { bytes, header: publicHeader(h), sections, relocSections, symbolTables: tables, warnings };
}

function tooMuch(h: RawHeader, s: ElfSection, kind: string): ElfErrorInfo {
  return elfErrorInfo(
    'TOO_MANY',
    `${describeSection(s)}: the ${kind} sections together are larger than the file (they overlap); this and later ${kind} sections are skipped`,
    sectionHeaderOffset(h, s.index),
    `section ${s.index}`,
  );
}

/** Drop the raw (pre-escape) counts: the contract's ElfHeader holds resolved values only. */
function publicHeader(h: RawHeader): ElfHeader {
  return {
    class: h.class,
    endian: h.endian,
    identVersion: h.identVersion,
    osabi: h.osabi,
    abiVersion: h.abiVersion,
    type: h.type,
    machine: h.machine,
    version: h.version,
    entry: h.entry,
    phoff: h.phoff,
    shoff: h.shoff,
    flags: h.flags,
    ehsize: h.ehsize,
    phentsize: h.phentsize,
    phnum: h.phnum,
    shentsize: h.shentsize,
    shnum: h.shnum,
    shstrndx: h.shstrndx,
  };
}
