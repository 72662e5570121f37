import type { FileRange } from '../api-types';
import { SHT_NOBITS } from '../elf/constants';
import type { ElfFile } from '../elf/types';

/**
 * The file's byte ranges in order: ELF header, program headers, every section with file bytes,
 * the section header table, an appended signature, and the gaps between them (alignment padding).
 */
export function buildFileMap(elf: ElfFile, fileSize: number, signatureOffset: number | null): FileRange[] {
  const h = elf.header;
  const ranges: FileRange[] = [{ start: 0, end: h.ehsize, label: 'ELF header', kind: 'header' }];
  if (h.phnum > 0) {
    ranges.push({ start: h.phoff, end: h.phoff + h.phnum * h.phentsize, label: 'program headers', kind: 'program-headers' });
  }
  for (const s of elf.sections) {
    if (s.index === 0 || s.type === SHT_NOBITS || s.size === 0) continue;
    ranges.push({ start: s.offset, end: s.offset + s.size, label: s.name || `[${s.index}]`, kind: 'section', sectionIndex: s.index });
  }
  if (h.shnum > 0) {
    ranges.push({ start: h.shoff, end: h.shoff + h.shnum * h.shentsize, label: 'section header table', kind: 'section-table' });
  }
  if (signatureOffset !== null) {
    ranges.push({ start: signatureOffset, end: fileSize, label: 'module signature', kind: 'signature' });
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: FileRange[] = [];
  let pos = 0;
  for (const r of ranges) {
    if (r.start > pos) out.push({ start: pos, end: r.start, label: 'padding', kind: 'gap' });
    out.push(r);
    pos = Math.max(pos, r.end);
  }
  if (pos < fileSize) out.push({ start: pos, end: fileSize, label: 'unaccounted bytes', kind: 'gap' });
  return out;
}
