import { ByteView } from './bytes';
import { PN_XNUM, SHDR_SIZE, SHN_XINDEX, SHT_NOBITS, SHT_NULL } from './constants';
import { ElfError, elfErrorInfo } from './errors';
import { hex } from '../base/hex';
import { headerFieldOffset, type RawHeader } from './header';
import { StringTable } from './strings';
import type { ElfErrorInfo, ElfSection } from './types';

/** The name readelf shows when sh_name points outside .shstrtab. */
export const CORRUPT_NAME = '<corrupt>';

/** Byte offset of section `index`'s header, and of one of its fields. */
export function sectionHeaderOffset(h: RawHeader, index: number): number {
  return h.shoff + index * h.shentsize;
}

/** "section 5 (.rela.text)": how messages name a section. */
export function describeSection(s: ElfSection): string {
  return s.name === '' ? `section ${s.index}` : `section ${s.index} (${s.name})`;
}

/**
 * Read the section header table. Resolves the extended-numbering escapes from section 0
 * (e_shnum == 0 → sh_size, e_shstrndx == SHN_XINDEX → sh_link, e_phnum == PN_XNUM → sh_info)
 * and updates `h` in place. Fatal: a bad e_shentsize, a table past the end of the file,
 * a bad e_shstrndx. Per-section problems (data out of bounds, bad sh_name) become warnings.
 */
export function readSections(view: ByteView, h: RawHeader, warnings: ElfErrorInfo[]): ElfSection[] {
  const is64 = h.class === 64;
  const entSize = SHDR_SIZE[h.class];
  if (h.shoff === 0) {
    // No section header table (allowed for executables; modules always have one).
    h.shnum = 0;
    if (h.rawShstrndx !== 0) h.shstrndx = 0;
    return [];
  }
  if (h.shentsize !== entSize) {
    // The kernel's elf_validity_check() insists on the exact size too.
    throw new ElfError(
      'BAD_SHENTSIZE',
      `e_shentsize is ${h.shentsize}, expected ${entSize} for ELF${h.class}`,
      headerFieldOffset(h.class, 'e_shentsize'),
      'e_shentsize',
    );
  }
  if (!view.fits(h.shoff, entSize)) {
    throw new ElfError(
      'SECTION_TABLE_OUT_OF_BOUNDS',
      `section header table at e_shoff ${hex(h.shoff)} starts past the end of the file (${hex(view.length)} bytes)`,
      headerFieldOffset(h.class, 'e_shoff'),
      'e_shoff',
    );
  }
  // Section 0 carries the real counts when the header fields overflowed.
  const s0 = h.shoff;
  if (h.rawShnum === 0) h.shnum = view.size(s0 + (is64 ? 32 : 20), is64, 'sh_size of section 0 (e_shnum escape)');
  if (h.rawShstrndx === SHN_XINDEX) h.shstrndx = view.u32(s0 + (is64 ? 40 : 24), 'sh_link of section 0 (e_shstrndx escape)');
  if (h.rawPhnum === PN_XNUM) h.phnum = view.u32(s0 + (is64 ? 44 : 28), 'sh_info of section 0 (e_phnum escape)');

  // Bound the count by the file size before allocating anything.
  if (h.shnum > (view.length - h.shoff) / entSize) {
    throw new ElfError(
      'SECTION_TABLE_OUT_OF_BOUNDS',
      `section header table (${h.shnum} entries of ${entSize} bytes at ${hex(h.shoff)}) runs past the end of the file (${hex(view.length)} bytes)`,
      headerFieldOffset(h.class, h.rawShnum === 0 ? 'e_shoff' : 'e_shnum'),
      h.rawShnum === 0 ? 'sh_size of section 0' : 'e_shnum',
    );
  }

  const sections: ElfSection[] = new Array<ElfSection>(h.shnum);
  for (let i = 0; i < h.shnum; i++) sections[i] = readSectionHeader(view, h, i);

  if (h.shstrndx !== 0 && h.shstrndx >= h.shnum) {
    throw new ElfError(
      'BAD_SHSTRNDX',
      `e_shstrndx ${h.shstrndx} is not a section index (the file has ${h.shnum} sections)`,
      headerFieldOffset(h.class, 'e_shstrndx'),
      'e_shstrndx',
    );
  }
  if (h.shstrndx !== 0) {
    const strSec = sections[h.shstrndx];
    if (strSec.type === SHT_NOBITS || !view.fits(strSec.offset, strSec.size)) {
      throw new ElfError(
        'BAD_SHSTRNDX',
        `section name table (section ${h.shstrndx}) is not in the file: sh_offset ${hex(strSec.offset)} + sh_size ${hex(strSec.size)}, file is ` +
          `${hex(view.length)} bytes`,
        headerFieldOffset(h.class, 'e_shstrndx'),
        'e_shstrndx',
      );
    }
    const names = new StringTable(view.bytes, strSec.offset, strSec.offset + strSec.size);
    for (const s of sections) {
      const name = names.get(s.nameOffset);
      if (name === null) {
        s.name = CORRUPT_NAME;
        warnings.push(
          elfErrorInfo(
            'STRING_OUT_OF_BOUNDS',
            `section ${s.index}: sh_name ${hex(s.nameOffset)} is past the end of the section name table (${hex(strSec.size)} bytes)`,
            sectionHeaderOffset(h, s.index),
            `sh_name of section ${s.index}`,
          ),
        );
      } else {
        s.name = name;
      }
    }
  }
  // After naming, so the warnings can say which section ("section 5 (.rela.text)").
  for (const s of sections) {
    const err = sectionDataProblem(view, h, s);
    if (err) warnings.push(err);
  }
  return sections;
}

function readSectionHeader(view: ByteView, h: RawHeader, index: number): ElfSection {
  const o = sectionHeaderOffset(h, index);
  const what = (f: string): string => `${f} of section ${index}`;
  if (h.class === 64) {
    const flagsLo = view.dv.getUint32(o + (view.little ? 8 : 12), view.little);
    const flagsHi = view.dv.getUint32(o + (view.little ? 12 : 8), view.little);
    return {
      index,
      name: '',
      nameOffset: view.u32(o, what('sh_name')),
      type: view.u32(o + 4, what('sh_type')),
      flags: flagsLo,
      flagsHigh: flagsHi,
      addr: view.u64(o + 16, what('sh_addr')),
      offset: view.size(o + 24, true, what('sh_offset')),
      size: view.size(o + 32, true, what('sh_size')),
      link: view.u32(o + 40, what('sh_link')),
      info: view.u32(o + 44, what('sh_info')),
      addralign: view.size(o + 48, true, what('sh_addralign')),
      entsize: view.size(o + 56, true, what('sh_entsize')),
    };
  }
  return {
    index,
    name: '',
    nameOffset: view.u32(o, what('sh_name')),
    type: view.u32(o + 4, what('sh_type')),
    flags: view.u32(o + 8, what('sh_flags')),
    flagsHigh: 0,
    addr: BigInt(view.u32(o + 12, what('sh_addr'))),
    offset: view.u32(o + 16, what('sh_offset')),
    size: view.u32(o + 20, what('sh_size')),
    link: view.u32(o + 24, what('sh_link')),
    info: view.u32(o + 28, what('sh_info')),
    addralign: view.u32(o + 32, what('sh_addralign')),
    entsize: view.u32(o + 36, what('sh_entsize')),
  };
}

/** True when the section occupies file bytes (not NOBITS/NULL) and they are all inside the file. */
export function sectionInFile(view: ByteView, s: ElfSection): boolean {
  return s.type !== SHT_NOBITS && s.type !== SHT_NULL && view.fits(s.offset, s.size);
}

/** A warning when a section's file bytes run past the end of the file, else null. */
export function sectionDataProblem(view: ByteView, h: RawHeader, s: ElfSection): ElfErrorInfo | null {
  if (s.type === SHT_NOBITS || s.type === SHT_NULL) return null;
  if (view.fits(s.offset, s.size)) return null;
  const fieldOff = sectionHeaderOffset(h, s.index) + (h.class === 64 ? 24 : 16);
  return elfErrorInfo(
    'SECTION_OUT_OF_BOUNDS',
    `${describeSection(s)}: sh_offset ${hex(s.offset)} + sh_size ${hex(s.size)} runs past the end of the file (${hex(view.length)} bytes)`,
    fieldOff,
    `sh_offset of section ${s.index}`,
  );
}
