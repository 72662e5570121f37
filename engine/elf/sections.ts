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
  const { dv, little } = view;
  // readSections() bounded the table by the file size: the whole entry is inside it. The field names for
  // messages are built only when one is needed (a few strings per section added up on amdgpu's ~2,000 sections).
  if (h.class === 64) {
    view.need(o, 64, `section header ${index}`);
    const flagsLo = dv.getUint32(o + (little ? 8 : 12), little);
    const flagsHi = dv.getUint32(o + (little ? 12 : 8), little);
    return {
      index,
      name: '',
      nameOffset: dv.getUint32(o, little),
      type: dv.getUint32(o + 4, little),
      flags: flagsLo,
      flagsHigh: flagsHi,
      addr: dv.getBigUint64(o + 16, little),
      offset: size64(view, o + 24, index, 'sh_offset'),
      size: size64(view, o + 32, index, 'sh_size'),
      link: dv.getUint32(o + 40, little),
      info: dv.getUint32(o + 44, little),
      addralign: size64(view, o + 48, index, 'sh_addralign'),
      entsize: size64(view, o + 56, index, 'sh_entsize'),
    };
  }
  view.need(o, 40, `section header ${index}`);
  return {
    index,
    name: '',
    nameOffset: dv.getUint32(o, little),
    type: dv.getUint32(o + 4, little),
    flags: dv.getUint32(o + 8, little),
    flagsHigh: 0,
    addr: BigInt(dv.getUint32(o + 12, little)),
    offset: dv.getUint32(o + 16, little),
    size: dv.getUint32(o + 20, little),
    link: dv.getUint32(o + 24, little),
    info: dv.getUint32(o + 28, little),
    addralign: dv.getUint32(o + 32, little),
    entsize: dv.getUint32(o + 36, little),
  };
}

/** An ELF64 size field of a section header (in the file): ByteView.size() without building its message unless it fails. */
function size64(view: ByteView, offset: number, index: number, field: string): number {
  const { dv, little } = view;
  const hi = dv.getUint32(offset + (little ? 4 : 0), little);
  if (hi >= 0x200000) return view.size(offset, true, `${field} of section ${index}`); // throws ABSURD_SIZE
  return hi * 0x1_0000_0000 + dv.getUint32(offset + (little ? 0 : 4), little);
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
