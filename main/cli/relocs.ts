/**
 * `modscope relocs <file>`: the relocations in exactly the text `readelf -r -W` prints
 * (GNU binutils 2.40): per section a header line, a column line, then one line per entry.
 * Written page by page through a BufferedWriter, so memory stays bounded by one page.
 */
import type { ModuleOverview, RelocRow, RelocSectionRow } from '../../engine/api-types';
import { relocationPages } from './collect';
import { withModule } from './info';
import { BufferedWriter, type Sink } from './out';

const COLUMNS_64_RELA = "    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend\n";
const COLUMNS_64_REL = "    Offset             Info             Type               Symbol's Value  Symbol's Name\n";
const COLUMNS_32_RELA = " Offset     Info    Type                Sym. Value  Symbol's Name + Addend\n";
const COLUMNS_32_REL = " Offset     Info    Type                Sym. Value  Symbol's Name\n";

/** True for ELFCLASS32 files (as the overview's header rows say). */
export function is32Bit(o: ModuleOverview): boolean {
  const cls = o.header.find((h) => h.field === 'e_ident[EI_CLASS]');
  return cls ? /32/.test(cls.value) && !/64/.test(cls.value) : false;
}

/** "Relocation section '.rela.text' at offset 0x… contains N entries:" plus the column line. */
export function relocSectionHeader(o: ModuleOverview, rs: RelocSectionRow): string {
  const offset = o.sections[rs.sectionIndex]?.offset ?? 0;
  const at = offset === 0 ? '0' : `0x${offset.toString(16)}`; // printf %#x prints 0 as "0"
  const cols = is32Bit(o) ? (rs.rela ? COLUMNS_32_RELA : COLUMNS_32_REL) : rs.rela ? COLUMNS_64_RELA : COLUMNS_64_REL;
  return `\nRelocation section '${rs.name}' at offset ${at} contains ${rs.count} ${rs.count === 1 ? 'entry' : 'entries'}:\n${cols}`;
}

/** "0x0000000000000010" → "0000000000000010" (the API's Hex64 already has readelf's width). */
function digits(h: string, width: number): string {
  if (h.length === width + 2) return h.slice(2); // the common case
  const d = h.startsWith('0x') ? h.slice(2) : h;
  return d.length >= width ? d.slice(d.length - width) : d.padStart(width, '0');
}

/** readelf's type column: "%-22s", or "unrecognized: %-7lx" for a type it has no name for. */
const typeColumns = new Map<string, string>();
function typeColumn(type: string): string {
  let c = typeColumns.get(type);
  if (c === undefined) {
    const un = /^unrecognized: ([0-9a-f]+)$/.exec(type);
    c = un ? `unrecognized: ${un[1].padEnd(7)}` : type.padEnd(22);
    typeColumns.set(type, c);
  }
  return c;
}

/** One relocation line, as readelf -r -W prints it (without the newline). */
export function relocLine(r: RelocRow, rela: boolean, elf32: boolean): string {
  const w = elf32 ? 8 : 16;
  const info = elf32
    ? ((r.symbolIndex * 256 + (r.typeNumber & 0xff)) >>> 0).toString(16).padStart(8, '0')
    : r.symbolIndex.toString(16).padStart(8, '0') + (r.typeNumber >>> 0).toString(16).padStart(8, '0');
  const head = `${digits(r.offset, w)}  ${info} ${typeColumn(r.type)}`;
  // The API writes the addend "+0x1e" / "-0x4"; readelf prints "+ 1e" / "- 4" after a
  // symbol, a bare "1e" / "-4" when there is none.
  const neg = r.addend.charCodeAt(0) === 45; /* - */
  const hex = r.addend.slice(r.addend.indexOf('x') + 1) || '0';
  if (r.symbolIndex !== 0) {
    const sym = `${head} ${digits(r.symbolValue, w)}${elf32 ? '   ' : ' '}${r.symbolName}`;
    return rela ? `${sym} ${neg ? '-' : '+'} ${hex}` : sym;
  }
  return rela ? `${head}${elf32 ? '            ' : '                    '}${neg ? '-' : ''}${hex}` : head;
}

export async function relocsCommand(file: string, write: Sink): Promise<void> {
  await withModule(file, async (engine, o) => {
    const w = new BufferedWriter(write);
    const elf32 = is32Bit(o);
    const sections = o.relocSections.filter((rs) => rs.count > 0);
    if (sections.length === 0) w.write('\nThere are no relocations in this file.\n');
    for (const rs of sections) {
      w.write(relocSectionHeader(o, rs));
      for await (const page of relocationPages(engine, o.id, rs.sectionIndex)) {
        for (const r of page) if (w.write(relocLine(r, rs.rela, elf32) + '\n')) await w.flush();
      }
    }
    await w.end();
  });
}
