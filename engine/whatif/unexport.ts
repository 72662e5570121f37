/**
 * unexport:SYMBOL — the provider's EXPORT_SYMBOL(SYMBOL) undone in the image: its struct kernel_symbol leaves
 * __ksymtab (or __ksymtab_gpl), its CRC leaves the parallel __kcrctab(_gpl), and the three PREL32 relocations
 * that fill the entry leave .rela__ksymtab…; later entries move up. The kernel counts the exports from the section
 * size (find_module_sections(), kernel/module/main.c: mod->num_syms), so a consumer's lookup of SYMBOL now
 * fails in resolve_symbol(): "Unknown symbol SYMBOL (err -2)".
 */
import { hex } from '../base/hex';
import type { ElfFile, ElfSection } from '../elf/types';
import { bad, parts, RELA_SIZE, relaFor, relaOffset, setSectionSize, withoutSignature } from './elf-edit';

/** struct kernel_symbol with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS: value, name and namespace offsets. */
const KSYM_SIZE = 12;

/** SYMBOL's entry: the __ksymtab section holding it and its index there (the value relocation names the symbol). */
function findExport(elf: ElfFile, symbol: string): { sec: ElfSection; index: number } | { exports: string[] } {
  const syms = elf.symtab?.symbols ?? [];
  const exports: string[] = [];
  for (const sec of elf.sections) {
    if (sec.name !== '__ksymtab' && sec.name !== '__ksymtab_gpl') continue;
    const rs = relaFor(elf, sec.index);
    if (!rs) continue;
    for (let i = 0; i < rs.count; i++) {
      const off = relaOffset(rs, i);
      if (off % KSYM_SIZE !== 0) continue;
      const name = syms[rs.sym[i]]?.name ?? '';
      if (name === symbol) return { sec, index: off / KSYM_SIZE };
      exports.push(name);
    }
  }
  return { exports };
}

/** Whether the image exports SYMBOL (for the CLI: which of the loaded modules to change). */
export function exportsSymbol(image: Uint8Array, symbol: string): boolean {
  return 'sec' in findExport(parts(image).elf, symbol);
}

export function unexportSymbol(image: Uint8Array, symbol: string): { image: Uint8Array; change: string; offset: number } {
  const { elf, elfBytes, trailer } = parts(image);
  const found = findExport(elf, symbol);
  if (!('sec' in found))
    bad(`${symbol} is not exported by this module (${found.exports.length ? `it exports ${found.exports.join(', ')}` : 'it exports nothing'})`);
  const { sec, index } = found;
  const out = elfBytes.slice();
  const cut = (s: ElfSection, size: number) => {
    const from = s.offset + index * size;
    out.copyWithin(from, from + size, s.offset + s.size);
    out.fill(0, s.offset + s.size - size, s.offset + s.size);
    setSectionSize(out, elf, s, s.size - size);
  };
  cut(sec, KSYM_SIZE);
  const crcs = elf.sections.find((s) => s.name === sec.name.replace('__ksymtab', '__kcrctab'));
  if (crcs && crcs.size >= (index + 1) * 4) cut(crcs, 4);
  const rs = relaFor(elf, sec.index)!;
  const relaSec = elf.sections[rs.sectionIndex];
  const kept: Uint8Array[] = [];
  for (let i = 0; i < rs.count; i++) {
    const off = relaOffset(rs, i);
    const entry = Math.floor(off / KSYM_SIZE);
    if (entry === index) continue;
    const bytes = out.slice(relaSec.offset + i * RELA_SIZE, relaSec.offset + (i + 1) * RELA_SIZE);
    if (entry > index) new DataView(bytes.buffer).setBigUint64(0, BigInt(off - KSYM_SIZE), true);
    kept.push(bytes);
  }
  out.fill(0, relaSec.offset, relaSec.offset + relaSec.size);
  kept.forEach((k, i) => out.set(k, relaSec.offset + i * RELA_SIZE));
  setSectionSize(out, elf, relaSec, kept.length * RELA_SIZE);
  const at = sec.offset + index * KSYM_SIZE;
  return {
    image: out,
    offset: at,
    change:
      `${symbol} unexported: its ${sec.name} entry (file offset ${hex(at)})${crcs ? `, its ${crcs.name} CRC` : ''} and ` +
      `${rs.count - kept.length} relocations removed${withoutSignature(trailer)}`,
  };
}
