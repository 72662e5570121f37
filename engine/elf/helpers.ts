import { sectionFlagLetters, SHT_NOBITS, SHT_NULL, symbolShndxName } from './constants';
import type { ElfFile, ElfNote, ElfSection, ElfSymbol } from './types';

/** readelf's "Flg" column for a section ("AX", "WA", "AMS", "AI" …). */
export function sectionFlagsString(section: ElfSection, machine: number, osabi?: number): string {
  return sectionFlagLetters(section.flags, section.flagsHigh, machine, osabi);
}

/** The section's bytes (a view, not a copy); empty for NOBITS/NULL or when outside the file. */
export function sectionBytes(file: ElfFile, section: ElfSection): Uint8Array {
  if (section.type === SHT_NOBITS || section.type === SHT_NULL) return new Uint8Array(0);
  if (section.offset + section.size > file.bytes.byteLength) return new Uint8Array(0);
  return file.bytes.subarray(section.offset, section.offset + section.size);
}

/** The first section with this name, or undefined. */
export function findSection(file: ElfFile, name: string): ElfSection | undefined {
  return file.sections.find((s) => s.name === name);
}

/** A note's descriptor bytes (a view). */
export function noteDesc(file: ElfFile, note: ElfNote): Uint8Array {
  return file.bytes.subarray(note.descOffset, note.descOffset + note.descSize);
}

/** readelf's "Ndx" column for a symbol, from its resolved section index. */
export function symbolNdx(file: ElfFile, sym: ElfSymbol): string {
  return symbolShndxName(sym.shndx, file.header.machine);
}
