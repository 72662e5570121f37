/**
 * The shape of a parsed ELF file. Pure data: no methods, no host objects.
 * Offsets and sizes are numbers (the reader rejects values >= 2^53 with ElfError ABSURD_SIZE);
 * addresses, symbol values/sizes and addends are bigint because they are real 64-bit quantities.
 */

export type Endian = 'little' | 'big';
export type ElfClass = 32 | 64;

export interface ElfHeader {
  class: ElfClass;
  endian: Endian;
  identVersion: number;
  osabi: number;
  abiVersion: number;
  type: number; // e_type (ET_REL = 1 for modules)
  machine: number; // e_machine (EM_X86_64 = 62, EM_386 = 3)
  version: number;
  entry: bigint;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number; // resolved (SHN_XINDEX/0 handled via section 0's sh_size)
  shstrndx: number; // resolved (SHN_XINDEX handled via section 0's sh_link)
}

export interface ElfSection {
  index: number;
  name: string;
  nameOffset: number; // sh_name
  type: number;
  flags: number; // low 32 bits of sh_flags (unsigned)
  flagsHigh: number; // high 32 bits of sh_flags (ELF64 only; 0 otherwise)
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSymbol {
  index: number;
  name: string;
  nameOffset: number;
  value: bigint;
  size: bigint;
  bind: number; // STB_*
  type: number; // STT_*
  visibility: number; // STV_* (st_other & 3)
  other: number;
  /** st_shndx as stored (may be SHN_XINDEX = 0xffff). */
  rawShndx: number;
  /** The real section index: from .symtab_shndx when rawShndx is SHN_XINDEX, else rawShndx. */
  shndx: number;
}

export interface ElfSymbolTable {
  sectionIndex: number; // the SHT_SYMTAB / SHT_DYNSYM section
  stringTableIndex: number; // sh_link
  symbols: ElfSymbol[];
  /** True when the string table holds no byte ≥ 0x80 (every name is ASCII: one byte per character). */
  namesAscii?: boolean;
}

/**
 * One SHT_RELA or SHT_REL section, stored by column so that 320,000 relocations
 * cost a few typed arrays, not 320,000 objects.
 * 64-bit fields are split into unsigned low / signed-or-unsigned high 32-bit halves.
 */
export interface ElfRelocSection {
  sectionIndex: number;
  name: string;
  rela: boolean;
  symtabIndex: number; // sh_link
  targetIndex: number; // sh_info: the section the relocations patch
  count: number;
  offsetLo: Uint32Array;
  offsetHi: Uint32Array;
  type: Uint32Array;
  sym: Uint32Array;
  /** r_addend (RELA only; zero-filled for REL). */
  addendLo: Uint32Array;
  addendHi: Int32Array;
}

export interface ElfNote {
  sectionIndex: number; // -1 when from a PT_NOTE segment only
  owner: string;
  type: number;
  /** Byte range of the descriptor within the file. */
  descOffset: number;
  descSize: number;
}

export interface ElfProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: bigint;
  align: bigint;
}

export interface ElfFile {
  /** The ELF bytes (an appended module signature is NOT part of this; see kmod/signature). */
  bytes: Uint8Array;
  header: ElfHeader;
  sections: ElfSection[];
  programHeaders: ElfProgramHeader[];
  /** .symtab if present (modules always have one), else null. */
  symtab: ElfSymbolTable | null;
  /** .dynsym if present. */
  dynsym: ElfSymbolTable | null;
  relocSections: ElfRelocSection[];
  notes: ElfNote[];
  /** Problems that did not stop reading (e.g. one malformed relocation section skipped). */
  warnings: ElfErrorInfo[];
}

/** Serialisable description of a reading problem. */
export interface ElfErrorInfo {
  code: ElfErrorCode;
  message: string;
  /** Byte offset in the file where the bad field or structure is. */
  offset: number;
  /** The field at fault, e.g. "e_shoff", "sh_link of section 12 (.rela.text)". */
  field?: string;
}

export type ElfErrorCode =
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'BAD_CLASS'
  | 'BAD_DATA'
  | 'BAD_VERSION'
  | 'BAD_HEADER_SIZE'
  | 'BAD_SHENTSIZE'
  | 'BAD_PHENTSIZE'
  | 'SECTION_TABLE_OUT_OF_BOUNDS'
  | 'SECTION_OUT_OF_BOUNDS'
  | 'STRING_OUT_OF_BOUNDS'
  | 'BAD_SHSTRNDX'
  | 'BAD_LINK'
  | 'BAD_INFO'
  | 'BAD_ENTSIZE'
  | 'SYMBOL_INDEX_OUT_OF_RANGE'
  | 'SECTION_INDEX_OUT_OF_RANGE'
  | 'ABSURD_SIZE'
  | 'TOO_MANY'
  | 'NOT_ELF'
  | 'WRONG_MACHINE'
  | 'NOT_RELOCATABLE'
  | 'DECOMPRESS_FAILED'
  | 'DECOMPRESS_TOO_LARGE'
  | 'BAD_SIGNATURE_TRAILER'
  | 'BAD_MODULE_DATA';
