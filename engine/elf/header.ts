import { ByteView } from './bytes';
import { EHDR_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, EV_CURRENT } from './constants';
import { ElfError, elfErrorInfo } from './errors';
import type { ElfClass, ElfErrorInfo, ElfHeader, Endian } from './types';

/** The raw e_ident/e_* fields before section 0 resolves SHN_XINDEX / PN_XNUM escapes. */
export interface RawHeader extends ElfHeader {
  /** e_shnum, e_shstrndx and e_phnum exactly as stored in the header. */
  rawShnum: number;
  rawShstrndx: number;
  rawPhnum: number;
}

/**
 * Read e_ident and decide class and byte order. Fatal problems (not ELF, unknown class or
 * data encoding) throw: without them nothing else can be read.
 */
export function readIdent(bytes: Uint8Array): { class: ElfClass; endian: Endian } {
  if (bytes.byteLength < 16) {
    if (bytes.byteLength < 4 || !hasMagic(bytes)) {
      throw new ElfError('NOT_ELF', `not an ELF file: ${bytes.byteLength} bytes, too short for the ELF magic`, 0, 'e_ident');
    }
    throw new ElfError('TRUNCATED', `ELF identification is truncated: ${bytes.byteLength} of 16 bytes`, 0, 'e_ident');
  }
  if (!hasMagic(bytes)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ElfError('BAD_MAGIC', `not an ELF file: magic is ${got}, expected 7f 45 4c 46`, 0, 'e_ident[EI_MAG]');
  }
  const cls = bytes[4];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) {
    throw new ElfError('BAD_CLASS', `unknown ELF class ${cls} (expected 1 for ELF32 or 2 for ELF64)`, 4, 'e_ident[EI_CLASS]');
  }
  const data = bytes[5];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) {
    throw new ElfError('BAD_DATA', `unknown data encoding ${data} (expected 1 for little endian or 2 for big endian)`, 5, 'e_ident[EI_DATA]');
  }
  return { class: cls === ELFCLASS64 ? 64 : 32, endian: data === ELFDATA2LSB ? 'little' : 'big' };
}

function hasMagic(b: Uint8Array): boolean {
  return b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

/**
 * Read the ELF header (Elf32_Ehdr / Elf64_Ehdr). Throws TRUNCATED when the file is shorter
 * than the header; non-fatal oddities (EI_VERSION, e_ehsize) go to `warnings`.
 */
export function readHeader(view: ByteView, cls: ElfClass, endian: Endian, warnings: ElfErrorInfo[]): RawHeader {
  const is64 = cls === 64;
  const size = EHDR_SIZE[cls];
  if (view.length < size) {
    throw new ElfError('TRUNCATED', `ELF header is truncated: the file has ${view.length} bytes, an ELF${cls} header needs ${size}`, 0, 'Elf_Ehdr');
  }
  const b = view.bytes;
  const identVersion = b[6];
  if (identVersion !== EV_CURRENT) {
    warnings.push(elfErrorInfo('BAD_VERSION', `EI_VERSION is ${identVersion}, expected ${EV_CURRENT}`, 6, 'e_ident[EI_VERSION]'));
  }
  // Field offsets differ by class only from e_entry on (three class-sized words).
  const w = is64 ? 8 : 4;
  const oEntry = 24;
  const oPhoff = oEntry + w;
  const oShoff = oPhoff + w;
  const oFlags = oShoff + w;
  const h: RawHeader = {
    class: cls,
    endian,
    identVersion,
    osabi: b[7],
    abiVersion: b[8],
    type: view.u16(16, 'e_type'),
    machine: view.u16(18, 'e_machine'),
    version: view.u32(20, 'e_version'),
    entry: view.word(oEntry, is64, 'e_entry'),
    phoff: view.size(oPhoff, is64, 'e_phoff'),
    shoff: view.size(oShoff, is64, 'e_shoff'),
    flags: view.u32(oFlags, 'e_flags'),
    ehsize: view.u16(oFlags + 4, 'e_ehsize'),
    phentsize: view.u16(oFlags + 6, 'e_phentsize'),
    phnum: view.u16(oFlags + 8, 'e_phnum'),
    shentsize: view.u16(oFlags + 10, 'e_shentsize'),
    shnum: view.u16(oFlags + 12, 'e_shnum'),
    shstrndx: view.u16(oFlags + 14, 'e_shstrndx'),
    rawShnum: 0,
    rawShstrndx: 0,
    rawPhnum: 0,
  };
  h.rawShnum = h.shnum;
  h.rawShstrndx = h.shstrndx;
  h.rawPhnum = h.phnum;
  if (h.ehsize !== size) {
    warnings.push(elfErrorInfo('BAD_HEADER_SIZE', `e_ehsize is ${h.ehsize}, expected ${size} for ELF${cls}`, oFlags + 4, 'e_ehsize'));
  }
  return h;
}

/** Byte offset of e_shentsize, e_shnum, … in the header (for error offsets). */
export function headerFieldOffset(
  cls: ElfClass,
  field: 'e_phoff' | 'e_shoff' | 'e_phentsize' | 'e_phnum' | 'e_shentsize' | 'e_shnum' | 'e_shstrndx',
): number {
  const w = cls === 64 ? 8 : 4;
  const oFlags = 24 + 3 * w;
  switch (field) {
    case 'e_phoff':
      return 24 + w;
    case 'e_shoff':
      return 24 + 2 * w;
    case 'e_phentsize':
      return oFlags + 6;
    case 'e_phnum':
      return oFlags + 8;
    case 'e_shentsize':
      return oFlags + 10;
    case 'e_shnum':
      return oFlags + 12;
    case 'e_shstrndx':
      return oFlags + 14;
  }
}
