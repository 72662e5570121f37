/**
 * ELF constants and name tables. Names are spelled exactly as GNU readelf 2.40 prints them
 * with -W, so tests (and users) can compare our text with readelf's.
 */

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;

export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_NONE = 0;
export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
/** Intel L1OM and K1OM (Xeon Phi): x86-64 machines to readelf, which shows their X86_64 section types and flags. */
export const EM_L1OM = 180;
export const EM_K1OM = 181;

export const ELFOSABI_NONE = 0;
export const ELFOSABI_GNU = 3;
export const ELFOSABI_FREEBSD = 9;

// Section header types.
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_HASH = 5;
export const SHT_DYNAMIC = 6;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_SHLIB = 10;
export const SHT_DYNSYM = 11;
export const SHT_INIT_ARRAY = 14;
export const SHT_FINI_ARRAY = 15;
export const SHT_PREINIT_ARRAY = 16;
export const SHT_GROUP = 17;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_RELR = 19;
export const SHT_LOOS = 0x60000000;
export const SHT_HIOS = 0x6fffffff;
export const SHT_LOPROC = 0x70000000;
export const SHT_HIPROC = 0x7fffffff;
export const SHT_LOUSER = 0x80000000;
export const SHT_HIUSER = 0xffffffff;
export const SHT_X86_64_UNWIND = 0x70000001;

// Section flags (low 32 bits; the high half of ELF64 sh_flags is unused by any ABI here).
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
export const SHF_LINK_ORDER = 0x80;
export const SHF_OS_NONCONFORMING = 0x100;
export const SHF_GROUP = 0x200;
export const SHF_TLS = 0x400;
export const SHF_COMPRESSED = 0x800;
export const SHF_GNU_RETAIN = 0x200000;
export const SHF_MASKOS = 0x0ff00000;
export const SHF_GNU_MBIND = 0x01000000;
export const SHF_X86_64_LARGE = 0x10000000;
/** ARM: execute-only code. */
export const SHF_ARM_PURECODE = 0x20000000;
export const SHF_MASKPROC = 0xf0000000;
export const SHF_EXCLUDE = 0x80000000;
/** Linux's own flags (include/uapi/linux/elf.h): livepatch relocation sections, and set by
 * layout_and_allocate() on .data..ro_after_init and __jump_table. */
export const SHF_RELA_LIVEPATCH = 0x00100000;
export const SHF_RO_AFTER_INIT = 0x00200000;

// Special section indices.
// Note types (ELF note n_type) readelf -n names.
export const NT_GNU_BUILD_ID = 3;
export const NT_GNU_PROPERTY_TYPE_0 = 5;
/** .note.Linux's kernel version note (LINUX_ELFNOTE(Linux, 0x100, …), include/linux/elfnote.h). */
export const NT_LINUX_VERSION = 0x100;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_LOPROC = 0xff00;
export const SHN_HIPROC = 0xff1f;
export const SHN_LOOS = 0xff20;
export const SHN_HIOS = 0xff3f;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;
export const SHN_X86_64_LCOMMON = 0xff02;
/** Linux (include/uapi/linux/elf.h): symbols a livepatch module resolves itself. */
export const SHN_LIVEPATCH = 0xff20;
/** e_phnum value meaning "the real count is in section 0's sh_info". */
export const PN_XNUM = 0xffff;

// Symbols.
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STB_GNU_UNIQUE = 10;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_COMMON = 5;
export const STT_TLS = 6;
export const STT_GNU_IFUNC = 10;
export const STV_DEFAULT = 0;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;
export const STV_PROTECTED = 3;

// Program headers.
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_SHLIB = 5;
export const PT_PHDR = 6;
export const PT_TLS = 7;

// x86-64 relocation types that occur in modules.
export const R_X86_64_NONE = 0;
export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
export const R_X86_64_PLT32 = 4;
export const R_X86_64_32 = 10;
export const R_X86_64_32S = 11;
export const R_X86_64_PC64 = 24;
export const R_X86_64_GNU_VTINHERIT = 250;
export const R_X86_64_GNU_VTENTRY = 251;

// Entry sizes of the fixed structures.
export const EHDR_SIZE = { 32: 52, 64: 64 } as const;
export const SHDR_SIZE = { 32: 40, 64: 64 } as const;
export const PHDR_SIZE = { 32: 32, 64: 56 } as const;
export const SYM_SIZE = { 32: 16, 64: 24 } as const;
export const RELA_SIZE = { 32: 12, 64: 24 } as const;
export const REL_SIZE = { 32: 8, 64: 16 } as const;

/** e_type names as readelf -h prints them ("REL (Relocatable file)"). */
export const ELF_TYPE_NAMES: Readonly<Record<number, string>> = {
  [ET_NONE]: 'NONE (None)',
  [ET_REL]: 'REL (Relocatable file)',
  [ET_EXEC]: 'EXEC (Executable file)',
  [ET_DYN]: 'DYN (Shared object file)',
  [ET_CORE]: 'CORE (Core file)',
};

/** Short ET_ names ("ET_REL"). */
export const ET_NAMES: Readonly<Record<number, string>> = {
  [ET_NONE]: 'ET_NONE',
  [ET_REL]: 'ET_REL',
  [ET_EXEC]: 'ET_EXEC',
  [ET_DYN]: 'ET_DYN',
  [ET_CORE]: 'ET_CORE',
};

/** e_machine names as readelf -h prints them (the common ones). */
export const MACHINE_NAMES: Readonly<Record<number, string>> = {
  0: 'None',
  2: 'Sparc',
  3: 'Intel 80386',
  4: 'MC68000',
  8: 'MIPS R3000',
  15: 'HPPA',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'IBM S/390',
  40: 'ARM',
  42: 'Renesas / SuperH SH',
  43: 'Sparc v9',
  50: 'Intel IA-64',
  62: 'Advanced Micro Devices X86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
  0x9026: 'Alpha',
};

const SECTION_TYPE_NAMES: Readonly<Record<number, string>> = {
  [SHT_NULL]: 'NULL',
  [SHT_PROGBITS]: 'PROGBITS',
  [SHT_SYMTAB]: 'SYMTAB',
  [SHT_STRTAB]: 'STRTAB',
  [SHT_RELA]: 'RELA',
  [SHT_HASH]: 'HASH',
  [SHT_DYNAMIC]: 'DYNAMIC',
  [SHT_NOTE]: 'NOTE',
  [SHT_NOBITS]: 'NOBITS',
  [SHT_REL]: 'REL',
  [SHT_SHLIB]: 'SHLIB',
  [SHT_DYNSYM]: 'DYNSYM',
  [SHT_INIT_ARRAY]: 'INIT_ARRAY',
  [SHT_FINI_ARRAY]: 'FINI_ARRAY',
  [SHT_PREINIT_ARRAY]: 'PREINIT_ARRAY',
  [SHT_GROUP]: 'GROUP',
  [SHT_SYMTAB_SHNDX]: 'SYMTAB SECTION INDICES',
  [SHT_RELR]: 'RELR',
  0x6fff4c00: 'LLVM_ODRTAB',
  0x6fff4c01: 'LLVM_LINKER_OPTIONS',
  0x6fff4c02: 'LLVM_CALL_GRAPH_PROFILE',
  0x6fff4c03: 'LLVM_ADDRSIG',
  0x6fff4c04: 'LLVM_DEPENDENT_LIBRARIES',
  0x6fff4c05: 'LLVM_SYMPART',
  0x6fff4c06: 'LLVM_PART_EHDR',
  0x6fff4c07: 'LLVM_PART_PHDR',
  0x6fff4c08: 'LLVM_BB_ADDR_MAP_V0',
  0x6fff4c09: 'LLVM_CALL_GRAPH_PROFILE',
  0x6fff4c0a: 'LLVM_BB_ADDR_MAP',
  0x6fff4c0b: 'LLVM_OFFLOADING',
  0x6fff4c0c: 'LLVM_LTO',
  0x6ffffff5: 'GNU_ATTRIBUTES',
  0x6ffffff6: 'GNU_HASH',
  0x6ffffff7: 'GNU_LIBLIST',
  0x6ffffff8: 'CHECKSUM',
  0x6ffffffd: 'VERDEF',
  0x6ffffffe: 'VERNEED',
  0x6fffffff: 'VERSYM',
  0x6fff4700: 'GNU_INCREMENTAL_INPUTS',
  0x6ffffffa: 'SUNW_MOVE',
  0x6ffffffb: 'SUNW_COMDAT',
  0x6ffffffc: 'SUNW_SYMINFO',
};

/** Section type name as readelf -S -W prints it (before its 15-column cut), e.g. "PROGBITS", "LOOS+0x1". */
export function sectionTypeName(type: number, machine: number): string {
  const t = type >>> 0;
  const known = SECTION_TYPE_NAMES[t];
  if (known !== undefined) return known;
  if (t >= SHT_LOPROC && t <= SHT_HIPROC) {
    if ((machine === EM_X86_64 || machine === EM_L1OM || machine === EM_K1OM) && t === SHT_X86_64_UNWIND) return 'X86_64_UNWIND';
    return `LOPROC+${hexNoPad(t - SHT_LOPROC)}`;
  }
  if (t >= SHT_LOOS && t <= SHT_HIOS) return `LOOS+${hexNoPad(t - SHT_LOOS)}`;
  if (t >= SHT_LOUSER) return `LOUSER+${hexNoPad(t - SHT_LOUSER)}`;
  return `${t.toString(16).padStart(8, '0')}: <unknown>`;
}

/** C's "%#x": 0 prints as "0", others as "0x…". */
function hexNoPad(n: number): string {
  return n === 0 ? '0' : '0x' + n.toString(16);
}

/**
 * The flag letters of readelf's "Flg" column: one letter per set bit, lowest bit first,
 * with readelf's special cases (one 'o' for all OS bits, one 'p' for all processor bits,
 * 'l' for SHF_X86_64_LARGE on x86-64, 'E' for SHF_EXCLUDE, 'x' for unknown bits).
 * `flagsHigh` is the high 32 bits of an ELF64 sh_flags: every set bit there prints 'x'.
 */
export function sectionFlagLetters(flags: number, flagsHigh: number, machine: number, osabi = ELFOSABI_NONE): string {
  let out = '';
  let f = flags >>> 0;
  while (f !== 0) {
    const bit = (f & -f) >>> 0;
    f = (f & ~bit) >>> 0;
    switch (bit) {
      case SHF_WRITE:
        out += 'W';
        break;
      case SHF_ALLOC:
        out += 'A';
        break;
      case SHF_EXECINSTR:
        out += 'X';
        break;
      case SHF_MERGE:
        out += 'M';
        break;
      case SHF_STRINGS:
        out += 'S';
        break;
      case SHF_INFO_LINK:
        out += 'I';
        break;
      case SHF_LINK_ORDER:
        out += 'L';
        break;
      case SHF_OS_NONCONFORMING:
        out += 'O';
        break;
      case SHF_GROUP:
        out += 'G';
        break;
      case SHF_TLS:
        out += 'T';
        break;
      case SHF_EXCLUDE:
        out += 'E';
        break;
      case SHF_COMPRESSED:
        out += 'C';
        break;
      default:
        if ((machine === EM_X86_64 || machine === EM_L1OM || machine === EM_K1OM) && bit === SHF_X86_64_LARGE) {
          out += 'l';
        } else if (machine === EM_ARM && bit === SHF_ARM_PURECODE) {
          out += 'y';
        } else if ((bit & SHF_MASKOS) !== 0) {
          if ((osabi === ELFOSABI_NONE || osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD) && bit === SHF_GNU_RETAIN) {
            out += 'R';
          } else if ((osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD) && bit === SHF_GNU_MBIND) {
            out += 'D';
          } else {
            out += 'o';
            f = (f & ~SHF_MASKOS) >>> 0;
          }
        } else if ((bit & SHF_MASKPROC) !== 0) {
          out += 'p';
          f = (f & ~SHF_MASKPROC) >>> 0;
        } else {
          out += 'x';
        }
    }
  }
  let h = flagsHigh >>> 0;
  while (h !== 0) {
    const bit = (h & -h) >>> 0;
    h = (h & ~bit) >>> 0;
    out += 'x';
  }
  return out;
}

const SYMBOL_TYPE_NAMES = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];

/** st_info type name as readelf -s prints it. */
export function symbolTypeName(type: number, osabi = ELFOSABI_NONE): string {
  if (type < SYMBOL_TYPE_NAMES.length) return SYMBOL_TYPE_NAMES[type];
  if (type === STT_GNU_IFUNC && (osabi === ELFOSABI_GNU || osabi === ELFOSABI_FREEBSD)) return 'IFUNC';
  if (type >= 10 && type <= 12) return `<OS specific>: ${type}`;
  if (type >= 13 && type <= 15) return `<processor specific>: ${type}`;
  return `<unknown>: ${type}`;
}

/** st_info binding name as readelf -s prints it. */
export function symbolBindName(bind: number, osabi = ELFOSABI_NONE): string {
  if (bind === STB_LOCAL) return 'LOCAL';
  if (bind === STB_GLOBAL) return 'GLOBAL';
  if (bind === STB_WEAK) return 'WEAK';
  if (bind === STB_GNU_UNIQUE && (osabi === ELFOSABI_NONE || osabi === ELFOSABI_GNU)) return 'UNIQUE';
  if (bind >= 10 && bind <= 12) return `<OS specific>: ${bind}`;
  if (bind >= 13 && bind <= 15) return `<processor specific>: ${bind}`;
  return `<unknown>: ${bind}`;
}

const VISIBILITY_NAMES = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];

/** st_other visibility name as readelf -s prints it. */
export function symbolVisibilityName(visibility: number): string {
  return VISIBILITY_NAMES[visibility & 3];
}

/**
 * A symbol's "Ndx" column as readelf -s -W prints it: "UND", "ABS", "COM", a right-aligned
 * 3-wide number, or the reserved-range forms. Pass the resolved index (after SHN_XINDEX).
 */
export function symbolShndxName(shndx: number, machine = EM_X86_64): string {
  if (shndx === SHN_UNDEF) return 'UND';
  if (shndx === SHN_ABS) return 'ABS';
  if (shndx === SHN_COMMON) return 'COM';
  if (shndx === SHN_X86_64_LCOMMON && machine === EM_X86_64) return 'LARGE_COM';
  if (shndx >= SHN_LOPROC && shndx <= SHN_HIPROC) return `PRC[0x${shndx.toString(16).padStart(4, '0')}]`;
  if (shndx >= SHN_LOOS && shndx <= SHN_HIOS) return `OS [0x${shndx.toString(16).padStart(4, '0')}]`;
  if (shndx >= SHN_LORESERVE && shndx <= 0xffff) return `RSV[0x${shndx.toString(16).padStart(4, '0')}]`;
  return String(shndx).padStart(3, ' ');
}

const X86_64_RELOC_NAMES: readonly string[] = [
  'R_X86_64_NONE',
  'R_X86_64_64',
  'R_X86_64_PC32',
  'R_X86_64_GOT32',
  'R_X86_64_PLT32',
  'R_X86_64_COPY',
  'R_X86_64_GLOB_DAT',
  'R_X86_64_JUMP_SLOT',
  'R_X86_64_RELATIVE',
  'R_X86_64_GOTPCREL',
  'R_X86_64_32',
  'R_X86_64_32S',
  'R_X86_64_16',
  'R_X86_64_PC16',
  'R_X86_64_8',
  'R_X86_64_PC8',
  'R_X86_64_DTPMOD64',
  'R_X86_64_DTPOFF64',
  'R_X86_64_TPOFF64',
  'R_X86_64_TLSGD',
  'R_X86_64_TLSLD',
  'R_X86_64_DTPOFF32',
  'R_X86_64_GOTTPOFF',
  'R_X86_64_TPOFF32',
  'R_X86_64_PC64',
  'R_X86_64_GOTOFF64',
  'R_X86_64_GOTPC32',
  'R_X86_64_GOT64',
  'R_X86_64_GOTPCREL64',
  'R_X86_64_GOTPC64',
  'R_X86_64_GOTPLT64',
  'R_X86_64_PLTOFF64',
  'R_X86_64_SIZE32',
  'R_X86_64_SIZE64',
  'R_X86_64_GOTPC32_TLSDESC',
  'R_X86_64_TLSDESC_CALL',
  'R_X86_64_TLSDESC',
  'R_X86_64_IRELATIVE',
  'R_X86_64_RELATIVE64',
  'R_X86_64_PC32_BND',
  'R_X86_64_PLT32_BND',
  'R_X86_64_GOTPCRELX',
  'R_X86_64_REX_GOTPCRELX',
];

const I386_RELOC_NAMES: Readonly<Record<number, string>> = {
  0: 'R_386_NONE',
  1: 'R_386_32',
  2: 'R_386_PC32',
  3: 'R_386_GOT32',
  4: 'R_386_PLT32',
  5: 'R_386_COPY',
  6: 'R_386_GLOB_DAT',
  7: 'R_386_JUMP_SLOT',
  8: 'R_386_RELATIVE',
  9: 'R_386_GOTOFF',
  10: 'R_386_GOTPC',
  11: 'R_386_32PLT',
  14: 'R_386_TLS_TPOFF',
  15: 'R_386_TLS_IE',
  16: 'R_386_TLS_GOTIE',
  17: 'R_386_TLS_LE',
  18: 'R_386_TLS_GD',
  19: 'R_386_TLS_LDM',
  20: 'R_386_16',
  21: 'R_386_PC16',
  22: 'R_386_8',
  23: 'R_386_PC8',
  24: 'R_386_TLS_GD_32',
  25: 'R_386_TLS_GD_PUSH',
  26: 'R_386_TLS_GD_CALL',
  27: 'R_386_TLS_GD_POP',
  28: 'R_386_TLS_LDM_32',
  29: 'R_386_TLS_LDM_PUSH',
  30: 'R_386_TLS_LDM_CALL',
  31: 'R_386_TLS_LDM_POP',
  32: 'R_386_TLS_LDO_32',
  33: 'R_386_TLS_IE_32',
  34: 'R_386_TLS_LE_32',
  35: 'R_386_TLS_DTPMOD32',
  36: 'R_386_TLS_DTPOFF32',
  37: 'R_386_TLS_TPOFF32',
  38: 'R_386_SIZE32',
  39: 'R_386_TLS_GOTDESC',
  40: 'R_386_TLS_DESC_CALL',
  41: 'R_386_TLS_DESC',
  42: 'R_386_IRELATIVE',
  43: 'R_386_GOT32X',
  250: 'R_386_USED_BY_INTEL_200',
  251: 'R_386_GNU_VTINHERIT',
  252: 'R_386_GNU_VTENTRY',
};

/** The number of an x86-64 relocation type by its name ("R_X86_64_PLT32" → 4), or -1 when there is none. */
export function x86_64RelocType(name: string): number {
  return X86_64_RELOC_NAMES.indexOf(name);
}

/** Relocation type name ("R_X86_64_PLT32"), or null when unknown for this machine. */
export function relocTypeName(machine: number, type: number): string | null {
  if (machine === EM_X86_64) {
    if (type < X86_64_RELOC_NAMES.length) return X86_64_RELOC_NAMES[type];
    if (type === R_X86_64_GNU_VTINHERIT) return 'R_X86_64_GNU_VTINHERIT';
    if (type === R_X86_64_GNU_VTENTRY) return 'R_X86_64_GNU_VTENTRY';
    return null;
  }
  if (machine === EM_386) return I386_RELOC_NAMES[type] ?? null;
  return null;
}

/** Machine name as readelf -h prints it, or "<unknown>: 0x…" like readelf. */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `<unknown>: 0x${machine.toString(16)}`;
}

/** e_type as readelf -h prints it. */
export function elfTypeName(type: number): string {
  const known = ELF_TYPE_NAMES[type];
  if (known !== undefined) return known;
  if (type >= 0xfe00 && type <= 0xfeff) return `OS Specific: (${type.toString(16)})`;
  if (type >= 0xff00) return `Processor Specific: (${type.toString(16)})`;
  return `<unknown>: ${type.toString(16)}`;
}

/** Program header type name as readelf -l prints it (common ones). */
export function segmentTypeName(type: number): string {
  const names: Readonly<Record<number, string>> = {
    0: 'NULL',
    1: 'LOAD',
    2: 'DYNAMIC',
    3: 'INTERP',
    4: 'NOTE',
    5: 'SHLIB',
    6: 'PHDR',
    7: 'TLS',
    0x6474e550: 'GNU_EH_FRAME',
    0x6474e551: 'GNU_STACK',
    0x6474e552: 'GNU_RELRO',
    0x6474e553: 'GNU_PROPERTY',
  };
  const t = type >>> 0;
  return (
    names[t] ??
    (t >= 0x60000000 && t <= 0x6fffffff
      ? `LOOS+0x${(t - 0x60000000).toString(16)}`
      : t >= 0x70000000 && t <= 0x7fffffff
        ? `LOPROC+0x${(t - 0x70000000).toString(16)}`
        : `<unknown>: ${t.toString(16)}`)
  );
}
