/**
 * Builds small ELF files for tests: ELF32/ELF64, little/big endian, any sections, plus
 * encoders for symbol tables, string tables, REL/RELA entries and notes. Deliberately
 * independent of engine/elf (it writes, the reader reads) so the tests check one against
 * the other and the ELF spec, not the reader against itself.
 */

export type Cls = 32 | 64;
export type End = 'little' | 'big';

export interface SectionSpec {
  name: string;
  type: number;
  flags?: bigint;
  addr?: bigint;
  /** File bytes (ignored for NOBITS). */
  data?: Uint8Array;
  /** sh_size for NOBITS sections (or to override the size of `data`). */
  size?: number;
  link?: number;
  info?: number;
  addralign?: number;
  entsize?: number;
  /** Override sh_offset (to build broken files). */
  offset?: number;
  /** Override sh_name (to build broken files). */
  nameOffset?: number;
}

export interface ProgramHeaderSpec {
  type: number;
  flags?: number;
  /** Index into the built sections whose file range the segment covers. */
  sectionIndex?: number;
  offset?: number;
  filesz?: number;
  vaddr?: bigint;
  memsz?: bigint;
  align?: bigint;
}

export interface ElfSpec {
  cls: Cls;
  endian: End;
  machine?: number;
  type?: number;
  osabi?: number;
  /** Sections 1..n (section 0 and a trailing .shstrtab are added). */
  sections: SectionSpec[];
  programHeaders?: ProgramHeaderSpec[];
  /** Store the section count in section 0's sh_size and write e_shnum = 0. */
  shnumEscape?: boolean;
  /** Store e_shstrndx in section 0's sh_link and write SHN_XINDEX. */
  shstrndxEscape?: boolean;
}

export interface BuiltElf {
  bytes: Uint8Array;
  /** File offset of each section's data, by index (0 for section 0). */
  offsets: number[];
  shoff: number;
  shstrndx: number;
}

/** A little writer over a DataView with the file's byte order. */
class Out {
  readonly dv: DataView;
  constructor(
    readonly buf: Uint8Array,
    readonly little: boolean,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  u8(o: number, v: number): void {
    this.dv.setUint8(o, v);
  }
  u16(o: number, v: number): void {
    this.dv.setUint16(o, v, this.little);
  }
  u32(o: number, v: number): void {
    this.dv.setUint32(o, v >>> 0, this.little);
  }
  u64(o: number, v: bigint): void {
    this.dv.setBigUint64(o, BigInt.asUintN(64, v), this.little);
  }
  word(o: number, cls: Cls, v: bigint | number): void {
    if (cls === 64) this.u64(o, BigInt(v));
    else this.u32(o, Number(BigInt.asUintN(32, BigInt(v))));
  }
}

/** A string table ("\0a\0b\0") and each string's offset. */
export function strtab(names: string[]): { data: Uint8Array; offsets: number[] } {
  const bytes: number[] = [0];
  const offsets: number[] = [];
  for (const n of names) {
    if (n === '') {
      offsets.push(0);
      continue;
    }
    offsets.push(bytes.length);
    for (const b of utf8(n)) bytes.push(b);
    bytes.push(0);
  }
  return { data: new Uint8Array(bytes), offsets };
}

/** UTF-8 encode (tests may use TextEncoder, but keep the builder self-contained). */
export function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

export interface SymSpec {
  nameOffset: number;
  value?: bigint;
  size?: bigint;
  bind?: number;
  type?: number;
  other?: number;
  shndx?: number;
}

/** Encode Elf32_Sym / Elf64_Sym entries. */
export function symbols(cls: Cls, endian: End, syms: SymSpec[]): Uint8Array {
  const es = cls === 64 ? 24 : 16;
  const buf = new Uint8Array(es * syms.length);
  const w = new Out(buf, endian === 'little');
  syms.forEach((s, i) => {
    const o = i * es;
    const info = ((s.bind ?? 0) << 4) | (s.type ?? 0);
    w.u32(o, s.nameOffset);
    if (cls === 64) {
      w.u8(o + 4, info);
      w.u8(o + 5, s.other ?? 0);
      w.u16(o + 6, s.shndx ?? 0);
      w.u64(o + 8, s.value ?? 0n);
      w.u64(o + 16, s.size ?? 0n);
    } else {
      w.u32(o + 4, Number(s.value ?? 0n));
      w.u32(o + 8, Number(s.size ?? 0n));
      w.u8(o + 12, info);
      w.u8(o + 13, s.other ?? 0);
      w.u16(o + 14, s.shndx ?? 0);
    }
  });
  return buf;
}

export interface RelocSpec {
  offset: bigint;
  sym: number;
  type: number;
  addend?: bigint;
}

/** Encode Elf{32,64}_Rel or _Rela entries (r_info = sym<<8|type for ELF32, sym<<32|type for ELF64). */
export function relocs(cls: Cls, endian: End, rela: boolean, entries: RelocSpec[]): Uint8Array {
  const es = cls === 64 ? (rela ? 24 : 16) : rela ? 12 : 8;
  const buf = new Uint8Array(es * entries.length);
  const w = new Out(buf, endian === 'little');
  entries.forEach((r, i) => {
    const o = i * es;
    if (cls === 64) {
      w.u64(o, r.offset);
      w.u64(o + 8, (BigInt(r.sym) << 32n) | BigInt(r.type));
      if (rela) w.u64(o + 16, r.addend ?? 0n);
    } else {
      w.u32(o, Number(r.offset));
      w.u32(o + 4, ((r.sym << 8) | (r.type & 0xff)) >>> 0);
      if (rela) w.u32(o + 8, Number(BigInt.asUintN(32, r.addend ?? 0n)));
    }
  });
  return buf;
}

/** Encode one note: namesz, descsz, type, name (NUL-terminated), desc; padded to `align`. */
export function note(endian: End, owner: string, type: number, desc: Uint8Array, align = 4): Uint8Array {
  const name = [...utf8(owner), 0];
  const pad = (n: number): number => Math.ceil(n / align) * align;
  const descAt = pad(12 + name.length); // padding counts from the note's start (binutils' ELF_NOTE_DESC_OFFSET)
  const buf = new Uint8Array(pad(descAt + desc.length));
  const w = new Out(buf, endian === 'little');
  w.u32(0, name.length);
  w.u32(4, desc.length);
  w.u32(8, type);
  buf.set(name, 12);
  buf.set(desc, descAt);
  return buf;
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lay out and encode a whole ELF file. */
export function buildElf(spec: ElfSpec): BuiltElf {
  const { cls, endian } = spec;
  const ehsize = cls === 64 ? 64 : 52;
  const shentsize = cls === 64 ? 64 : 40;
  const phentsize = cls === 64 ? 56 : 32;
  const names = strtab([...spec.sections.map((s) => s.name), '.shstrtab']);
  const all: SectionSpec[] = [{ name: '', type: 0 }, ...spec.sections, { name: '.shstrtab', type: 3, data: names.data, addralign: 1 }];
  const nameOffsets = [0, ...names.offsets];
  const phnum = spec.programHeaders?.length ?? 0;
  let pos = ehsize + phnum * phentsize;
  const offsets: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const s = all[i];
    const align = Math.max(1, s.addralign ?? 1);
    if (i === 0) {
      offsets.push(0);
      continue;
    }
    pos = Math.ceil(pos / align) * align;
    offsets.push(pos);
    if (s.type !== 8) pos += s.data?.length ?? 0;
  }
  const shoff = Math.ceil(pos / 8) * 8;
  const total = shoff + all.length * shentsize;
  const buf = new Uint8Array(total);
  const w = new Out(buf, endian === 'little');
  buf.set([0x7f, 0x45, 0x4c, 0x46, cls === 64 ? 2 : 1, endian === 'little' ? 1 : 2, 1, spec.osabi ?? 0], 0);
  w.u16(16, spec.type ?? 1);
  w.u16(18, spec.machine ?? (cls === 64 ? 62 : 3));
  w.u32(20, 1);
  const wsz = cls === 64 ? 8 : 4;
  w.word(24, cls, 0n); // e_entry
  w.word(24 + wsz, cls, phnum > 0 ? ehsize : 0); // e_phoff
  w.word(24 + 2 * wsz, cls, shoff);
  const of = 24 + 3 * wsz;
  w.u32(of, 0);
  w.u16(of + 4, ehsize);
  w.u16(of + 6, phentsize);
  w.u16(of + 8, phnum);
  w.u16(of + 10, shentsize);
  const shstrndx = all.length - 1;
  w.u16(of + 12, spec.shnumEscape ? 0 : all.length);
  w.u16(of + 14, spec.shstrndxEscape ? 0xffff : shstrndx);

  for (let i = 0; i < all.length; i++) {
    const s = all[i];
    if (s.data && s.type !== 8) buf.set(s.data, offsets[i]);
    const o = shoff + i * shentsize;
    const size = s.size ?? s.data?.length ?? 0;
    const link = i === 0 && spec.shstrndxEscape ? shstrndx : (s.link ?? 0);
    const sz = i === 0 && spec.shnumEscape ? all.length : size;
    const off = s.offset ?? (i === 0 ? 0 : offsets[i]);
    w.u32(o, s.nameOffset ?? nameOffsets[i]);
    w.u32(o + 4, s.type);
    if (cls === 64) {
      w.u64(o + 8, s.flags ?? 0n);
      w.u64(o + 16, s.addr ?? 0n);
      w.u64(o + 24, BigInt(off));
      w.u64(o + 32, BigInt(sz));
      w.u32(o + 40, link);
      w.u32(o + 44, s.info ?? 0);
      w.u64(o + 48, BigInt(s.addralign ?? (i === 0 ? 0 : 1)));
      w.u64(o + 56, BigInt(s.entsize ?? 0));
    } else {
      w.u32(o + 8, Number(s.flags ?? 0n));
      w.u32(o + 12, Number(s.addr ?? 0n));
      w.u32(o + 16, off);
      w.u32(o + 20, sz);
      w.u32(o + 24, link);
      w.u32(o + 28, s.info ?? 0);
      w.u32(o + 32, s.addralign ?? (i === 0 ? 0 : 1));
      w.u32(o + 36, s.entsize ?? 0);
    }
  }

  spec.programHeaders?.forEach((p, i) => {
    const o = ehsize + i * phentsize;
    const off = p.offset ?? (p.sectionIndex !== undefined ? offsets[p.sectionIndex] : 0);
    const fsz = p.filesz ?? (p.sectionIndex !== undefined ? (all[p.sectionIndex].data?.length ?? 0) : 0);
    w.u32(o, p.type);
    if (cls === 64) {
      w.u32(o + 4, p.flags ?? 0);
      w.u64(o + 8, BigInt(off));
      w.u64(o + 16, p.vaddr ?? 0n);
      w.u64(o + 24, p.vaddr ?? 0n);
      w.u64(o + 32, BigInt(fsz));
      w.u64(o + 40, p.memsz ?? BigInt(fsz));
      w.u64(o + 48, p.align ?? 4n);
    } else {
      w.u32(o + 4, off);
      w.u32(o + 8, Number(p.vaddr ?? 0n));
      w.u32(o + 12, Number(p.vaddr ?? 0n));
      w.u32(o + 16, fsz);
      w.u32(o + 20, Number(p.memsz ?? BigInt(fsz)));
      w.u32(o + 24, p.flags ?? 0);
      w.u32(o + 28, Number(p.align ?? 4n));
    }
  });
  return { bytes: buf, offsets, shoff, shstrndx };
}

/**
 * A typical tiny module-shaped relocatable: .text, .data, .bss, .rela.text (or .rel.text),
 * .symtab, .strtab, .note.gnu.build-id. Section indices: 1 .text, 2 .data, 3 .bss,
 * 4 .rela.text, 5 .symtab, 6 .strtab, 7 .note.gnu.build-id, 8 .shstrtab.
 */
export function buildModule(cls: Cls, endian: End, rela = true): BuiltElf {
  const text = new Uint8Array(32).map((_, i) => 0x90 + (i % 3));
  const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const str = strtab(['vfat.c', 'init_module', 'printk', 'counter']);
  const symList: SymSpec[] = [
    { nameOffset: 0 },
    { nameOffset: str.offsets[0], type: 4, shndx: 0xfff1 }, // FILE, ABS
    { nameOffset: 0, type: 3, shndx: 1 }, // SECTION .text
    { nameOffset: str.offsets[3], type: 1, bind: 0, shndx: 2, value: 4n, size: 4n }, // counter
    { nameOffset: str.offsets[1], type: 2, bind: 1, shndx: 1, value: 0x10n, size: 0x10n, other: 0 }, // init_module
    { nameOffset: str.offsets[2], type: 0, bind: 1, shndx: 0 }, // printk, UND
  ];
  const relEntries: RelocSpec[] = [
    { offset: 1n, sym: 5, type: cls === 64 ? 4 : 2, addend: -4n },
    { offset: 8n, sym: 3, type: cls === 64 ? 2 : 2, addend: cls === 64 ? -4n : 0n },
    { offset: 0x18n, sym: 2, type: cls === 64 ? 1 : 1, addend: 0x10n },
  ];
  const buildId = note(endian, 'GNU', 3, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
  return buildElf({
    cls,
    endian,
    sections: [
      { name: '.text', type: 1, flags: 6n, data: text, addralign: 16 },
      { name: '.data', type: 1, flags: 3n, data, addralign: 8 },
      { name: '.bss', type: 8, flags: 3n, size: 64, addralign: 32 },
      {
        name: rela ? '.rela.text' : '.rel.text',
        type: rela ? 4 : 9,
        flags: 0x40n,
        data: relocs(cls, endian, rela, relEntries),
        link: 5,
        info: 1,
        addralign: 8,
        entsize: cls === 64 ? (rela ? 24 : 16) : rela ? 12 : 8,
      },
      { name: '.symtab', type: 2, data: symbols(cls, endian, symList), link: 6, info: 3, addralign: 8, entsize: cls === 64 ? 24 : 16 },
      { name: '.strtab', type: 3, data: str.data, addralign: 1 },
      { name: '.note.gnu.build-id', type: 7, flags: 2n, data: buildId, addralign: 4 },
    ],
  });
}
