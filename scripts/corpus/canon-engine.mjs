// Render the engine's ElfFile into the same canonical strings as readelf.mjs produces.
// Names tables are written here independently of the engine (so a wrong table there shows up).

const SECTION_TYPES = {
  0: 'NULL',
  1: 'PROGBITS',
  2: 'SYMTAB',
  3: 'STRTAB',
  4: 'RELA',
  5: 'HASH',
  6: 'DYNAMIC',
  7: 'NOTE',
  8: 'NOBITS',
  9: 'REL',
  10: 'SHLIB',
  11: 'DYNSYM',
  14: 'INIT_ARRAY',
  15: 'FINI_ARRAY',
  16: 'PREINIT_ARRAY',
  17: 'GROUP',
  18: 'SYMTAB SECTION INDICES',
  19: 'RELR',
  0x6ffffff6: 'GNU_HASH',
  0x6ffffffd: 'VERDEF',
  0x6ffffffe: 'VERNEED',
  0x6fffffff: 'VERSYM',
  0x70000001: 'X86_64_UNWIND',
  0x6fff4c03: 'LLVM_ADDRSIG',
  0x6ffffff5: 'GNU_ATTRIBUTES',
};
const SYM_TYPES = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];
const SYM_BINDS = ['LOCAL', 'GLOBAL', 'WEAK'];
const SYM_VIS = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];
const R_X86_64 = [
  'NONE',
  '64',
  'PC32',
  'GOT32',
  'PLT32',
  'COPY',
  'GLOB_DAT',
  'JUMP_SLOT',
  'RELATIVE',
  'GOTPCREL',
  '32',
  '32S',
  '16',
  'PC16',
  '8',
  'PC8',
  'DTPMOD64',
  'DTPOFF64',
  'TPOFF64',
  'TLSGD',
  'TLSLD',
  'DTPOFF32',
  'GOTTPOFF',
  'TPOFF32',
  'PC64',
  'GOTOFF64',
  'GOTPC32',
  'GOT64',
  'GOTPCREL64',
  'GOTPC64',
  'GOTPLT64',
  'PLTOFF64',
  'SIZE32',
  'SIZE64',
  'GOTPC32_TLSDESC',
  'TLSDESC_CALL',
  'TLSDESC',
  'IRELATIVE',
  'RELATIVE64',
  null,
  null,
  'GOTPCRELX',
  'REX_GOTPCRELX',
];
const R_386 = ['NONE', '32', 'PC32', 'GOT32', 'PLT32', 'COPY', 'GLOB_DAT', 'JUMP_SLOT', 'RELATIVE', 'GOTOFF', 'GOTPC', '32PLT'];

// readelf's flag letters, in the order it prints them (lowest bit first).
const FLAG_LETTERS = [
  [0x1, 'W'],
  [0x2, 'A'],
  [0x4, 'X'],
  [0x10, 'M'],
  [0x20, 'S'],
  [0x40, 'I'],
  [0x80, 'L'],
  [0x100, 'O'],
  [0x200, 'G'],
  [0x400, 'T'],
  [0x800, 'C'],
  [0x200000, 'R'],
  [0x1000000, 'D'],
  [0x10000000, 'l'],
  [0x80000000, 'E'],
];

function flagsString(flags, high) {
  let s = '';
  let rest = flags >>> 0;
  for (const [bit, ch] of FLAG_LETTERS) {
    if (rest & bit) {
      s += ch;
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest & 0x0ff00000) {
    s += 'o';
    rest &= ~0x0ff00000;
  }
  if (rest & 0xf0000000) {
    s += 'p';
    rest &= ~0xf0000000;
  }
  if (rest || high) s += 'x';
  return s;
}

function hex64(lo, hi) {
  return hi ? (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0') : (lo >>> 0).toString(16);
}

function signedHex64(lo, hi) {
  if (hi === 0) return (lo >>> 0).toString(16);
  if (hi === -1 && lo >= 0x80000000) return '-' + (0x100000000 - lo).toString(16);
  const v = BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  return v < 0n ? '-' + (-v).toString(16) : v.toString(16);
}

function ndxString(raw, real) {
  if (raw === 0) return 'UND';
  if (raw === 0xfff1) return 'ABS';
  if (raw === 0xfff2) return 'COM';
  if (raw === 0xffff) return String(real);
  return String(raw);
}

export function canonSections(elf) {
  return elf.sections.map((s) =>
    [
      s.name,
      SECTION_TYPES[s.type] ?? `0x${s.type.toString(16)}`,
      s.addr.toString(16),
      s.offset.toString(16),
      s.size.toString(16),
      s.entsize.toString(16),
      flagsString(s.flags, s.flagsHigh),
      s.link,
      s.info,
      s.addralign,
    ].join('|'),
  );
}

function displayName(elf, sym) {
  if (sym.type === 3 && sym.name === '' && sym.shndx < elf.sections.length) return elf.sections[sym.shndx].name;
  return sym.name;
}

export function canonSymbols(elf) {
  if (!elf.symtab) return [];
  return elf.symtab.symbols.map((y) =>
    [
      y.index,
      y.value.toString(16),
      y.size.toString(),
      SYM_TYPES[y.type] ?? `<${y.type}>`,
      SYM_BINDS[y.bind] ?? `<${y.bind}>`,
      `${SYM_VIS[y.visibility]}`,
      ndxString(y.rawShndx, y.shndx),
      displayName(elf, y),
    ].join('|'),
  );
}

/** Map `${name}@${offsetHex}` -> canonical relocation lines. */
export function canonRelocs(elf) {
  const names = elf.header.machine === 3 ? R_386 : R_X86_64;
  const prefix = elf.header.machine === 3 ? 'R_386_' : 'R_X86_64_';
  const out = new Map();
  for (const rs of elf.relocSections) {
    const sec = elf.sections[rs.sectionIndex];
    const syms =
      elf.sections[rs.symtabIndex] && elf.symtab && elf.symtab.sectionIndex === rs.symtabIndex
        ? elf.symtab.symbols
        : elf.dynsym && elf.dynsym.sectionIndex === rs.symtabIndex
          ? elf.dynsym.symbols
          : (elf.symtab?.symbols ?? []);
    const lines = new Array(rs.count);
    for (let i = 0; i < rs.count; i++) {
      const t = rs.type[i];
      const si = rs.sym[i];
      const tn = names[t] ? prefix + names[t] : `unrecognized: ${t.toString(16)}`;
      const info = si ? si.toString(16) + t.toString(16).padStart(8, '0') : t.toString(16);
      const add = rs.rela ? signedHex64(rs.addendLo[i], rs.addendHi[i]) : '0';
      let symPart;
      if (si === 0) symPart = '|';
      else {
        const y = syms[si];
        symPart = y ? `${y.value.toString(16)}|${displayName(elf, y)}` : `?|<bad symbol index ${si}>`;
      }
      lines[i] = `${hex64(rs.offsetLo[i], rs.offsetHi[i])}|${info}|${tn}|${symPart}|${add}`;
    }
    out.set(`${rs.name}@${sec.offset.toString(16)}`, lines);
  }
  return out;
}
