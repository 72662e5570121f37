/**
 * Re-creates GNU readelf 2.40's `-S -W`, `-s -W` and `-r -W` lines from an ElfFile, so corpus
 * tests can compare our reading with readelf's text line by line (ELF64 layouts only: the
 * corpus is x86-64). Formats follow binutils/readelf.c (process_section_headers,
 * process_symbol_table, dump_relocations) for do_wide.
 */
import {
  relocAddend,
  relocOffset,
  relocTypeName,
  sectionFlagsString,
  sectionTypeName,
  STT_SECTION,
  symbolBindName,
  symbolShndxName,
  symbolTypeName,
  symbolVisibilityName,
  type ElfFile,
  type ElfRelocSection,
  type ElfSymbol,
} from '../elf/index';

const hx = (v: bigint | number, w: number): string => v.toString(16).padStart(w, '0');

/** Lines of `readelf -S -W` from "  [ 0]" on. */
export function sectionLines(f: ElfFile): string[] {
  const m = f.header.machine;
  return f.sections.map(
    (s) =>
      `  [${String(s.index).padStart(2)}] ${s.name.padEnd(17)} ${sectionTypeName(s.type, m).padEnd(15)} ` +
      `${hx(s.addr, 16)} ${hx(s.offset, 6)} ${hx(s.size, 6)} ${hx(s.entsize, 2)} ` +
      `${sectionFlagsString(s, m, f.header.osabi).padStart(3)} ${String(s.link).padStart(2)} ${String(s.info).padStart(3)} ${String(s.addralign).padStart(2)}`,
  );
}

/** readelf's name for a symbol: STT_SECTION symbols without a name show their section's name. */
export function symbolDisplayName(f: ElfFile, s: ElfSymbol): string {
  if (s.type === STT_SECTION && s.nameOffset === 0 && s.shndx < f.sections.length) return f.sections[s.shndx].name;
  return s.name;
}

/** Lines of `readelf -s -W` for the .symtab entries ("     0: 0000…"). */
export function symbolLines(f: ElfFile): string[] {
  const osabi = f.header.osabi;
  return (f.symtab?.symbols ?? []).map((s) => {
    const size = s.size <= 99999n ? String(s.size).padStart(5) : '0x' + s.size.toString(16);
    return (
      `${String(s.index).padStart(6)}: ${hx(s.value, 16)} ${size} ${symbolTypeName(s.type, osabi).padEnd(7)} ` +
      `${symbolBindName(s.bind, osabi).padEnd(6)} ${symbolVisibilityName(s.visibility).padEnd(7)} ` +
      `${symbolShndxName(s.shndx, f.header.machine).padStart(4)} ${symbolDisplayName(f, s)}`
    );
  });
}

/** Lines of `readelf -r -W` for one RELA section's entries. */
export function relocLines(f: ElfFile, r: ElfRelocSection): string[] {
  const syms = f.symtab?.symbols ?? [];
  const out: string[] = [];
  for (let i = 0; i < r.count; i++) {
    const type = relocTypeName(f.header.machine, r.type[i]) ?? `unrecognized: ${r.type[i].toString(16)}`;
    const info = (BigInt(r.sym[i]) << 32n) | BigInt(r.type[i]);
    let line = `${hx(relocOffset(r, i), 16)}  ${hx(info, 16)} ${type.padEnd(22)}`;
    const a = relocAddend(r, i);
    const sym = syms[r.sym[i]];
    if (r.sym[i] === 0 || sym === undefined) {
      line += `${''.padStart(19)} ${a < 0n ? '-' : ''}${(a < 0n ? -a : a).toString(16)}`;
    } else {
      line += ` ${hx(sym.value, 16)} ${symbolDisplayName(f, sym)} ${a < 0n ? '-' : '+'} ${(a < 0n ? -a : a).toString(16)}`;
    }
    out.push(line);
  }
  return out;
}

/**
 * Length of the ELF part of a signed module: Debian's .ko files end with
 * PKCS#7 data, a 12-byte struct module_signature (sig_len big-endian in its last 4 bytes)
 * and the marker "~Module signature appended~\n". Returns the full length when unsigned.
 */
export function elfLengthOfModule(b: Uint8Array): number {
  const marker = '~Module signature appended~\n';
  if (b.length < marker.length + 12) return b.length;
  for (let i = 0; i < marker.length; i++) if (b[b.length - marker.length + i] !== marker.charCodeAt(i)) return b.length;
  const ms = b.length - marker.length - 12;
  const sigLen = new DataView(b.buffer, b.byteOffset + ms + 8, 4).getUint32(0, false);
  return Math.max(0, ms - sigLen);
}
