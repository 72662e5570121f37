/**
 * The module's own exports: `__ksymtab` / `__ksymtab_gpl` hold struct kernel_symbol
 * { int value_offset; int name_offset; int namespace_offset; } (CONFIG_HAVE_ARCH_PREL32_RELOCATIONS).
 * In a .ko the three PREL32 fields are zero and filled by R_X86_64_PC32 relocations; we read the
 * relocations to find the symbol, its name in __ksymtab_strings and its namespace.
 * `__kcrctab(_gpl)` holds one s32 CRC per entry, in the same order: scripts/module.lds.S sorts both
 * `___ksymtab+*` and `___kcrctab+*` input sections by symbol name, and find_exported_symbol_in_section()
 * (kernel/module/main.c) indexes crcs with the ksymtab index.
 */
import { ElfError } from '../elf/errors';
import { hex } from '../base/hex';
import type { ElfFile } from '../elf/types';
import { dataView, findSection, relocsFor, relocString, relocSymbolName, relocTarget, sectionBytes } from './elf-access';
import type { ExportEntry } from './types';

const KERNEL_SYMBOL_SIZE = 12;

function readTable(elf: ElfFile, tabName: string, crcName: string, gplOnly: boolean): ExportEntry[] {
  const sec = findSection(elf, tabName);
  if (!sec) return [];
  const b = sectionBytes(elf, sec);
  if (b.length % KERNEL_SYMBOL_SIZE !== 0) {
    throw new ElfError('BAD_MODULE_DATA', `${tabName} is ${hex(b.length)} bytes, not a multiple of ${KERNEL_SYMBOL_SIZE}`, sec.offset, tabName);
  }
  const relocs = relocsFor(elf, sec.index);
  const crcs = readCrcs(elf, crcName);
  const out: ExportEntry[] = [];
  const count = b.length / KERNEL_SYMBOL_SIZE;
  for (let i = 0; i < count; i++) {
    const o = i * KERNEL_SYMBOL_SIZE;
    const value = relocs.get(o);
    const nameR = relocs.get(o + 4);
    const nsR = relocs.get(o + 8);
    const where = `${tabName}[${i}]`;
    if (!value || !nameR) {
      throw new ElfError('BAD_MODULE_DATA', `${where} at ${hex(sec.offset + o)} has no relocation for its value or name`, sec.offset + o, where);
    }
    const symbol = relocSymbolName(elf, value) ?? '';
    const name = relocString(elf, nameR, `${where}.name_offset`) ?? symbol;
    const namespace = relocString(elf, nsR, `${where}.namespace_offset`) ?? '';
    const entry: ExportEntry = { name, symbol, gplOnly, namespace, offset: sec.offset + o };
    const crc = crcs?.[i];
    if (crc !== undefined) entry.crc = crc;
    out.push(entry);
  }
  return out;
}

/** One CRC per entry: a relocation against an absolute __crc_* symbol, or the value stored in place. */
function readCrcs(elf: ElfFile, crcName: string): bigint[] | null {
  const sec = findSection(elf, crcName);
  if (!sec) return null;
  const b = sectionBytes(elf, sec);
  const dv = dataView(b);
  const little = elf.header.endian === 'little';
  const relocs = relocsFor(elf, sec.index);
  const out: bigint[] = [];
  for (let o = 0; o + 4 <= b.length; o += 4) {
    const r = relocs.get(o);
    const t = r ? relocTarget(r) : null;
    if (t?.kind === 'absolute') {
      out.push(BigInt.asUintN(32, t.value));
    } else if (t?.kind === 'section') {
      const target = elf.sections[t.sectionIndex];
      if (!target || t.offset + 4 > target.size) {
        throw new ElfError('BAD_MODULE_DATA', `${crcName} entry at ${hex(sec.offset + o)} points outside its target`, sec.offset + o, crcName);
      }
      out.push(BigInt(dataView(sectionBytes(elf, target)).getUint32(t.offset, little)));
    } else {
      out.push(BigInt(dv.getUint32(o, little)));
    }
  }
  return out;
}

export function readExports(elf: ElfFile): ExportEntry[] {
  return [...readTable(elf, '__ksymtab', '__kcrctab', false), ...readTable(elf, '__ksymtab_gpl', '__kcrctab_gpl', true)];
}
