/**
 * elf_validity_check() (kernel/module/main.c, 6.1) on the raw bytes, in the kernel's order and with its messages.
 * The kernel reads the image as an Elf64_Ehdr whatever e_ident says past the magic: it never looks at EI_CLASS,
 * EI_DATA, EI_VERSION or e_version (a module with EI_CLASS=1 loads, as recorded in whatif-module.qemu.json), and
 * elf_check_arch() on x86-64 compares e_machine with EM_X86_64 only.
 */
import { EM_X86_64, ET_REL, SHF_ALLOC, SHT_NOBITS, SHT_NULL, SHT_SYMTAB } from '../elf/constants';
import { hex } from '../base/hex';

const EHDR = 64;
const SHDR = 64;

export interface ElfRefusal {
  /** The pr_err() line. */
  line: string;
  /** What was wrong, for the step's text, with the byte offset of the field. */
  why: string;
}

export function elfValidity(b: Uint8Array): ElfRefusal | null {
  const len = b.length;
  if (len < EHDR) return { line: `Invalid ELF header len ${len}`, why: `the image is ${len} bytes, shorter than the 64-byte Elf64_Ehdr` };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const u64 = (o: number) => dv.getBigUint64(o, true);
  if (b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46)
    // ELFMAG is "\177ELF": the line holds the DEL byte itself.
    return { line: 'Invalid ELF header magic: != \x7fELF', why: 'e_ident[0..3] (byte 0x0) is not \\x7f E L F' };
  const type = u16(0x10);
  if (type !== ET_REL) return { line: `Invalid ELF header type: ${type} != ${ET_REL}`, why: `e_type (byte 0x10) is ${type}, not ET_REL` };
  const machine = u16(0x12);
  if (machine !== EM_X86_64)
    return { line: `Invalid architecture in ELF header: ${machine}`, why: `e_machine (byte 0x12) is ${machine}; x86-64 loads only EM_X86_64 (62)` };
  if (u16(0x3a) !== SHDR) return { line: 'Invalid ELF section header size', why: `e_shentsize (byte 0x3a) is ${u16(0x3a)}, not 64` };
  const shoff = u64(0x28);
  const shnum = u16(0x3c);
  if (shoff >= BigInt(len) || BigInt(shnum * SHDR) > BigInt(len) - shoff)
    return {
      line: 'Invalid ELF section header overflow',
      why: `e_shoff ${'0x' + shoff.toString(16)} (byte 0x28) with e_shnum ${shnum} (byte 0x3c) section headers runs past the ${len}-byte image`,
    };
  const shstrndx = u16(0x3e);
  if (shstrndx === 0 || shstrndx >= shnum)
    return {
      line: `Invalid ELF section name index: ${shstrndx} || e_shstrndx (${shstrndx}) >= e_shnum (${shnum})`,
      why: `e_shstrndx (byte 0x3e) is ${shstrndx}, with ${shnum} sections`,
    };
  const sh = (i: number) => {
    const o = Number(shoff) + i * SHDR;
    return {
      o,
      name: u32(o),
      type: u32(o + 4),
      flags: u64(o + 8),
      addr: u64(o + 0x10),
      offset: u64(o + 0x18),
      size: u64(o + 0x20),
      link: u32(o + 0x28),
    };
  };
  // validate_section_offset(): sh_offset + sh_size neither wraps nor passes the end of the image.
  const outside = (s: ReturnType<typeof sh>) => {
    const end = (s.offset + s.size) & 0xffffffffffffffffn;
    return end < s.offset || end > BigInt(len);
  };
  const str = sh(shstrndx);
  if (outside(str))
    return { line: `Invalid ELF section hdr(type ${str.type})`, why: `the section name table (header at byte ${hex(str.o)}) lies outside the image` };
  if (str.size === 0n) return { line: 'empty section name table', why: `the section name table (header at byte ${hex(str.o)}) is empty` };
  if (b[Number(str.offset + str.size - 1n)] !== 0)
    return { line: "ELF Spec violation: section name table isn't null terminated", why: 'the last byte of the section name table is not NUL' };
  const s0 = sh(0);
  if (s0.type !== SHT_NULL || s0.size !== 0n || s0.addr !== 0n)
    return {
      line: `ELF Spec violation: section 0 type(${s0.type})!=SH_NULL or non-zero len or addr`,
      why: `section 0 (header at byte ${hex(s0.o)}) is not the null section`,
    };
  for (let i = 1; i < shnum; i++) {
    const s = sh(i);
    if (s.type === SHT_NULL || s.type === SHT_NOBITS) continue;
    if (s.type === SHT_SYMTAB && (s.link === 0 || s.link >= shnum))
      return {
        line: `Invalid ELF sh_link!=SHN_UNDEF(${s.link}) or (sh_link(${s.link}) >= hdr->e_shnum(${shnum})`,
        why: `the symbol table's sh_link (byte ${hex(s.o + 0x28)}) is ${s.link}`,
      };
    if (outside(s))
      return {
        line: `Invalid ELF section in module (section ${i} type ${s.type})`,
        why: `section ${i} (header at byte ${hex(s.o)}) lies outside the image`,
      };
    if (s.flags & BigInt(SHF_ALLOC) && s.name >= Number(str.size))
      return {
        line: `Invalid ELF section name in module (section ${i} type ${s.type})`,
        why: `section ${i}'s sh_name (byte ${hex(s.o)}) is past the name table`,
      };
  }
  return null;
}

/**
 * The bytes as the kernel reads them: e_ident's class, data and version set to ELF64, little-endian, current, so the
 * ELF reader sees what struct Elf64_Ehdr gives the kernel (these are the header bytes only; no section holds them).
 */
export function asKernelReadsIt(b: Uint8Array): Uint8Array {
  if (b[4] === 2 && b[5] === 1 && b[6] === 1) return b;
  const c = b.slice();
  c[4] = 2;
  c[5] = 1;
  c[6] = 1;
  return c;
}
