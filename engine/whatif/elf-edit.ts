/**
 * Byte-level edits of a module image for the what-if mutations: little-endian fields, the ELF part and the
 * appended signature kept apart, section headers and RELA entries rewritten in place.
 */
import { ElfError } from '../elf/errors';
import { readElf } from '../elf/index';
import type { ElfFile, ElfRelocSection, ElfSection } from '../elf/types';
import { splitSignature } from '../kmod/signature';

export function bad(message: string): never {
  throw new ElfError('BAD_MODULE_DATA', message, 0, 'mutation');
}

export function writeUint(b: Uint8Array, offset: number, width: 1 | 2 | 4 | 8, value: number): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (width === 1) dv.setUint8(offset, value);
  else if (width === 2) dv.setUint16(offset, value, true);
  else if (width === 4) dv.setUint32(offset, value >>> 0, true);
  else dv.setBigUint64(offset, BigInt(value), true);
}

/** The ELF part of the image (signature trailer off) and the trailer, so mutations keep it in place. */
export function parts(image: Uint8Array): { elf: ElfFile; elfBytes: Uint8Array; trailer: Uint8Array } {
  const { elf: elfBytes } = splitSignature(image);
  return { elf: readElf(elfBytes), elfBytes, trailer: image.subarray(elfBytes.length) };
}

export function sectionHeaderAt(elf: ElfFile, sec: ElfSection): number {
  return elf.header.shoff + sec.index * elf.header.shentsize;
}

/** Set a section's sh_size (ELF64: 8 bytes at +0x20 of its header). */
export function setSectionSize(out: Uint8Array, elf: ElfFile, sec: ElfSection, size: number): void {
  writeUint(out, sectionHeaderAt(elf, sec) + 0x20, 8, size);
}

/** One Elf64_Rela entry: r_offset, r_info (symbol << 32 | type), r_addend. */
export const RELA_SIZE = 24;

export function relaOffset(rs: ElfRelocSection, i: number): number {
  return rs.offsetHi[i] * 2 ** 32 + rs.offsetLo[i];
}

/** The RELA section that patches section `target` (sh_info), if any. */
export function relaFor(elf: ElfFile, target: number): ElfRelocSection | undefined {
  return elf.relocSections.find((r) => r.rela && r.targetIndex === target);
}

/**
 * The signature trailer would no longer match changed bytes: module_sig_check() (kernel/module/signing.c) refuses
 * such a module with -EKEYREJECTED before any other check, so a mutation that means to reach a later check removes
 * it (the module then loads unsigned: "module verification failed … tainting kernel", taint E).
 */
export function withoutSignature(trailer: Uint8Array): string {
  return trailer.length ? `; the appended signature (${trailer.length} bytes) is removed, as changed bytes would be refused with -EKEYREJECTED` : '';
}
