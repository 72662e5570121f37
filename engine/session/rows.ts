import type { Page, RelocFilter, RelocRow, SymbolFilter, SymbolRow } from '../api-types';
import {
  relocAddend,
  relocOffset,
  relocTypeName,
  symbolBindName,
  symbolNdx,
  symbolTypeName,
  symbolVisibilityName,
  SHN_UNDEF,
  STT_SECTION,
} from '../elf/index';
import type { ElfSymbol } from '../elf/types';
import type { OpenedModule } from './open';
import { hex64, signedHex } from '../base/hex';
import { filterRelocations, filterSymbols, isEmptyFilter } from './table-filter';

function symbolRow(m: OpenedModule, s: ElfSymbol): SymbolRow {
  const ndx = symbolNdx(m.elf, s).trim();
  const section = /^\d+$/.test(ndx) ? (m.sectionNames[s.shndx] ?? ndx) : ndx;
  return {
    index: s.index,
    name: s.name,
    value: hex64(s.value),
    size: s.size.toString(),
    type: symbolTypeName(s.type),
    bind: symbolBindName(s.bind),
    visibility: symbolVisibilityName(s.visibility),
    ndx,
    section: section === '' ? ndx : section,
  };
}

/** A page of .symtab rows; `filter` keeps names containing it (case-insensitive); `query` filters by name, type, section, value range. */
export function symbolPage(m: OpenedModule, offset: number, limit: number, filter?: string, query?: SymbolFilter): Page<SymbolRow> {
  const all = m.elf.symtab?.symbols ?? [];
  const q: SymbolFilter = { ...query, text: [filter ?? '', query?.text ?? ''].join(' ').trim() || undefined };
  if (isEmptyFilter(q)) return { total: all.length, offset, rows: all.slice(offset, offset + limit).map((s) => symbolRow(m, s)) };
  const idx = filterSymbols(m, all, q, (s) => symbolRow(m, s).section);
  const rows: SymbolRow[] = [];
  for (let i = offset; i < Math.min(idx.length, offset + limit); i++) rows.push(symbolRow(m, all[idx[i]]));
  return { total: idx.length, offset, rows };
}

/** The name readelf shows for a relocation's symbol: a section symbol shows its section's name. */
export function relocSymbolName(m: OpenedModule, s: ElfSymbol | undefined): string {
  if (!s) return '';
  if (s.type === STT_SECTION && s.shndx !== SHN_UNDEF) return m.sectionNames[s.shndx] ?? '';
  return s.name;
}

/** A page of relocations of one SHT_RELA/SHT_REL section (by that section's index), optionally filtered. */
export function relocationPage(m: OpenedModule, section: number, offset: number, limit: number, filter?: RelocFilter): Page<RelocRow> {
  const r = m.elf.relocSections.find((x) => x.sectionIndex === section);
  if (!r) return { total: 0, offset, rows: [] };
  const symtab = m.elf.symtab && m.elf.symtab.sectionIndex === r.symtabIndex ? m.elf.symtab.symbols : (m.elf.dynsym?.symbols ?? []);
  const idx = isEmptyFilter(filter) || !filter ? null : filterRelocations(m, r, symtab, filter, (s) => relocSymbolName(m, s));
  const total = idx ? idx.length : r.count;
  const rows: RelocRow[] = [];
  const end = Math.min(total, offset + limit);
  for (let n = offset; n < end; n++) {
    const i = idx ? idx[n] : n;
    const symIndex = r.sym[i];
    const sym = symtab[symIndex];
    const typeNumber = r.type[i];
    rows.push({
      index: i,
      offset: hex64(relocOffset(r, i)),
      type: relocTypeName(m.elf.header.machine, typeNumber) ?? `unrecognized: ${typeNumber.toString(16)}`,
      typeNumber,
      symbolIndex: symIndex,
      symbolName: relocSymbolName(m, sym),
      symbolValue: hex64(sym ? sym.value : 0n),
      addend: r.rela ? signedHex(relocAddend(r, i)) : '',
    });
  }
  return { total, offset, rows };
}
