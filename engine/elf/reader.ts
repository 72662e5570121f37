import { ByteView } from './bytes';
import { PT_NOTE, SHT_DYNSYM, SHT_NOTE, SHT_REL, SHT_RELA, SHT_SYMTAB } from './constants';
import { readHeader, readIdent, type RawHeader } from './header';
import { readNotes } from './notes';
import { readProgramHeaders } from './program-headers';
import { readRelocSection } from './relocations';
import { describeSection, readSections, sectionHeaderOffset, sectionInFile } from './sections';
import { elfErrorInfo } from './errors';
import { readSymbolTable } from './symbols';
import type { ElfErrorInfo, ElfFile, ElfHeader, ElfNote, ElfRelocSection, ElfSection, ElfSymbolTable } from './types';

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
export function readElf(bytes: Uint8Array): ElfFile {
  const warnings: ElfErrorInfo[] = [];
  const ident = readIdent(bytes);
  const view = new ByteView(bytes, ident.endian);
  const h = readHeader(view, ident.class, ident.endian, warnings);
  const sections = readSections(view, h, warnings);
  const programHeaders = readProgramHeaders(view, h, warnings);

  let symtab: ElfSymbolTable | null = null;
  let dynsym: ElfSymbolTable | null = null;
  const symbolCounts = new Map<number, number>();
  for (const s of sections) {
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) continue;
    // Like readelf, only the first of each kind is "the" table; a second would be unusual.
    if ((s.type === SHT_SYMTAB && symtab) || (s.type === SHT_DYNSYM && dynsym)) continue;
    const t = readSymbolTable(view, h, sections, s, warnings);
    if (!t) continue;
    symbolCounts.set(s.index, t.symbols.length);
    if (s.type === SHT_SYMTAB) symtab = t;
    else dynsym = t;
  }

  const relocSections: ElfRelocSection[] = [];
  // Real relocation (and note) sections never overlap, so together they fit in the file.
  // Hostile files can point thousands of headers at the same bytes; past the file size
  // we stop, so memory stays proportional to the input.
  let relocBytes = 0;
  for (const s of sections) {
    if (s.type !== SHT_RELA && s.type !== SHT_REL) continue;
    if (!sectionInFile(view, s)) continue; // already warned by readSections
    relocBytes += s.size;
    if (relocBytes > view.length) {
      warnings.push(tooMuch(h, s, 'relocation'));
      break;
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
