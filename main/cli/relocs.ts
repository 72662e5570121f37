/**
 * `modscope relocs <file>`: the relocations in exactly the text `readelf -r -W` prints
 * (GNU binutils 2.40): per section a header line, a column line, then one line per entry.
 * The text is made as bytes by engine/elf/readelf-relocs.ts, one chunk at a time, so memory
 * stays bounded by one chunk. main/cli/relocs-main.ts runs this same path from a lean bundle.
 */
import type { RelocRow } from '../../engine/api-types';
import { readelfRelocText } from '../../engine/elf/index';
import { readModuleListing } from './read-module';
import type { Sink } from './out';

/** "0x0000000000000010" → "0000000000000010" (the API's Hex64 already has readelf's width). */
function digits(h: string, width: number): string {
  if (h.length === width + 2) return h.slice(2); // the common case
  const d = h.startsWith('0x') ? h.slice(2) : h;
  return d.length >= width ? d.slice(d.length - width) : d.padStart(width, '0');
}

/** readelf's type column: "%-22s", or "unrecognized: %-7lx" for a type it has no name for. */
function typeColumn(type: string): string {
  const un = /^unrecognized: ([0-9a-f]+)$/.exec(type);
  return un ? `unrecognized: ${un[1].padEnd(7)}` : type.padEnd(22);
}

/**
 * One relocation line, as readelf -r -W prints it (without the newline), from an API row (the
 * Relocations view's row): the reference the byte path in engine/elf/readelf-relocs.ts matches.
 */
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
  const { elf, load, close } = await readModuleListing(file);
  try {
    // A string sink gets whole characters: a chunk may end inside a multi-byte UTF-8 name.
    const decoder = write.acceptsBytes ? null : new TextDecoder('utf-8');
    for (const chunk of readelfRelocText(elf, { load })) {
      if (decoder) await write(decoder.decode(chunk, { stream: true }));
      else await (write as unknown as (b: Uint8Array) => void | Promise<void>)(chunk);
    }
    if (decoder) {
      const rest = decoder.decode();
      if (rest) await write(rest);
    }
  } finally {
    close();
  }
}
