/**
 * add_kallsyms() (kernel/module/kallsyms.c): after relocation the core symbol table — symbol 0 and
 * every "core symbol" with its final value — its strings and one elf_type() letter per symbol are
 * written after the core data, where layout_symtab() made room.
 */
import type { ElfFile, ElfSymbol } from '../elf/types';
import type { KallsymEntry } from '../kernel/module-record';
import type { Effect } from '../trace/types';
import type { LoadInfo } from './context';
import { utf8Bytes } from '../base/utf8';
import { hx } from './step-text';
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_UNDEF, SHT_NOBITS, STB_GLOBAL, STB_WEAK, STT_OBJECT } from '../elf/constants';

/** elf_type() of kernel/module/kallsyms.c (x86: ARCH_SHF_SMALL is 0). */
export function elfType(sym: ElfSymbol, elf: ElfFile, flagsOf: (i: number) => number, pcpuIndex: number): string {
  if (sym.bind === STB_WEAK) return sym.type === STT_OBJECT ? 'v' : 'w';
  const shndx = sym.rawShndx === 0xffff ? sym.shndx : sym.rawShndx;
  if (shndx === SHN_UNDEF) return 'U';
  if (shndx === 0xfff1 || (pcpuIndex !== 0 && shndx === pcpuIndex)) return 'a';
  if (shndx >= 0xff00) return '?';
  const sec = elf.sections[shndx];
  if (!sec) return '?';
  const f = flagsOf(shndx);
  if (f & SHF_EXECINSTR) return 't';
  if (f & SHF_ALLOC && sec.type !== SHT_NOBITS) return f & SHF_WRITE ? 'd' : 'r';
  if (sec.type === SHT_NOBITS) return 'b';
  if (sec.name.startsWith('.debug')) return 'n';
  return '?';
}

export interface KallsymsImage {
  symtab: Uint8Array;
  strtab: Uint8Array;
  typetab: Uint8Array;
  /** What /proc/kallsyms lists for the module (built on first use). */
  entries: () => KallsymEntry[];
}

/**
 * Build the core symtab (Elf64_Sym with st_name rebased to the new strtab), strtab and typetab.
 * /proc/kallsyms prints the letter upper-case when the module exports the symbol (s_show()).
 */
export function buildCoreKallsyms(
  elf: ElfFile,
  symbols: ElfSymbol[],
  coreSymbols: number[],
  finalValue: (i: number) => bigint,
  flagsOf: (i: number) => number,
  pcpuIndex: number,
  exported: ReadonlySet<string>,
  /** The final values as 32-bit halves (simplify_symbols()' block), written without a BigInt per symbol. */
  halves?: { readonly lo: Uint32Array; readonly hi: Uint32Array },
): KallsymsImage {
  // ASCII names (nearly all) are copied character by character into the one strtab; only others get a UTF-8 array of their own.
  const wide = new Map<number, Uint8Array>();
  let strSize = 0;
  if (elf.symtab?.namesAscii && symbols === elf.symtab.symbols) {
    for (let n = 0; n < coreSymbols.length; n++) strSize += symbols[coreSymbols[n]].name.length + 1;
  } else
    for (let n = 0; n < coreSymbols.length; n++) {
      const name = symbols[coreSymbols[n]].name;
      let ascii = true;
      for (let c = 0; c < name.length && ascii; c++) ascii = name.charCodeAt(c) < 0x80;
      if (ascii) strSize += name.length + 1;
      else {
        const b = utf8Bytes(name);
        wide.set(n, b);
        strSize += b.length + 1;
      }
    }
  const symtab = new Uint8Array(coreSymbols.length * 24);
  const strtab = new Uint8Array(strSize);
  const typetab = new Uint8Array(coreSymbols.length);
  const dv = new DataView(symtab.buffer);
  // .strtab in the file (the names' bytes), when it is one.
  const strSec = elf.symtab ? elf.sections[elf.symtab.stringTableIndex] : undefined;
  const src = elf.bytes;
  const strStart = strSec && strSec.offset + strSec.size <= src.length ? strSec.offset : -1;
  const strSize0 = strStart >= 0 && strSec ? strSec.size : 0;
  const types: string[] = new Array<string>(coreSymbols.length);
  // What entries() needs, copied out (see kallsymEntries()).
  const kept: KeptSymbols = {
    names: new Array<string>(coreSymbols.length),
    sizes: new Array<bigint>(coreSymbols.length),
    global: new Uint8Array(coreSymbols.length),
    lo: new Uint32Array(coreSymbols.length),
    hi: new Uint32Array(coreSymbols.length),
    types,
  };
  let s = 0;
  // The pending run of names copied straight from .strtab: src[runFrom, +runLen) → strtab[runTo, …).
  let runFrom = 0;
  let runTo = 0;
  let runLen = 0;
  const flush = (): void => {
    if (runLen) strtab.set(src.subarray(runFrom, runFrom + runLen), runTo);
    runLen = 0;
  };
  for (let n = 0; n < coreSymbols.length; n++) {
    const i = coreSymbols[n];
    const sym = symbols[i];
    const o = n * 24;
    const shndx = sym.rawShndx;
    dv.setUint32(o, s, true);
    symtab[o + 4] = (sym.bind << 4) | (sym.type & 0xf);
    symtab[o + 5] = sym.other;
    dv.setUint16(o + 6, shndx, true);
    if (halves) {
      kept.lo[n] = halves.lo[i];
      kept.hi[n] = halves.hi[i];
    } else {
      const v = finalValue(i);
      kept.lo[n] = Number(v & 0xffffffffn);
      kept.hi[n] = Number(v >> 32n);
    }
    dv.setUint32(o + 8, kept.lo[n], true);
    dv.setUint32(o + 12, kept.hi[n], true);
    kept.names[n] = sym.name;
    kept.sizes[n] = sym.size;
    kept.global[n] = sym.bind === STB_GLOBAL && exported.has(sym.name) ? 1 : 0;
    if (sym.size !== 0n) dv.setBigUint64(o + 16, sym.size, true);
    const b = wide.size ? wide.get(n) : undefined;
    if (b) {
      flush();
      strtab.set(b, s);
      s += b.length + 1;
    } else {
      // An ASCII name read from .strtab is its bytes there, NUL included: names that follow each other in .strtab
      // (the linker writes most in symbol order) are copied as one run (charCodeAt on each name was slower).
      const len = sym.name.length;
      const from = strStart + sym.nameOffset;
      if (strStart >= 0 && sym.nameOffset + len < strSize0 && src[from + len] === 0 && (len === 0 || src[from] === sym.name.charCodeAt(0))) {
        if (runLen === 0 || from !== runFrom + runLen) {
          flush();
          runFrom = from;
          runTo = s;
        }
        runLen += len + 1;
      } else {
        flush();
        const name = sym.name;
        for (let c = 0; c < len; c++) strtab[s + c] = name.charCodeAt(c);
      }
      s += len + 1;
    }
    const t = i === 0 ? '?' : elfType(sym, elf, flagsOf, pcpuIndex);
    types[n] = t;
    typetab[n] = t.charCodeAt(0);
  }
  flush();
  return { symtab, strtab, typetab, entries: kallsymEntries(kept) };
}

/** The core symbols' names, sizes, exported-global flags, final values (32-bit halves) and elf_type() letters. */
interface KeptSymbols {
  names: string[];
  sizes: bigint[];
  global: Uint8Array;
  lo: Uint32Array;
  hi: Uint32Array;
  types: string[];
}

/**
 * The entries, made on first read from the copied-out columns only: a closure in buildCoreKallsyms() would keep its
 * whole scope — the file's bytes, every parsed symbol, through flagsOf() the load_info — alive as long as the module.
 */
function kallsymEntries(kept: KeptSymbols): () => KallsymEntry[] {
  let cache: KallsymEntry[] | null = null;
  return () => {
    cache ??= kept.names.slice(1).map((name, m) => {
      const n = m + 1;
      const t = kept.types[n];
      const address = (BigInt(kept.hi[n]) << 32n) | BigInt(kept.lo[n]);
      return { name, address, type: kept.global[n] ? t.toUpperCase() : t, size: kept.sizes[n] };
    });
    return cache;
  };
}

/**
 * layout_symtab(): room for the full .symtab and .strtab at the end of init, and for the core
 * symbols after the core data (the sizes come with layout_sections()' result in this model).
 */
export function layoutSymtab(info: LoadInfo): void {
  const { rec, elf } = info;
  const lay = info.layout;
  const symbols = elf.symtab?.symbols ?? [];
  const tables = lay.placements.filter((p) => p.group === 'symtab' || p.group === 'strtab');
  for (const p of tables) info.secs[p.index].flags |= SHF_ALLOC;
  rec.step({
    phase: 'layout',
    fn: 'layout_symtab',
    file: 'kernel/module/kallsyms.c',
    title: 'Room for the symbol tables',
    text:
      `The full .symtab (${symbols.length} symbols) and .strtab go to the end of init, for use during init; ` +
      `${lay.kallsyms.coreCount} core symbols (with ${lay.kallsyms.coreStrSize} bytes of names) will be kept after the core data ` +
      `at offset ${hx(BigInt(lay.kallsyms.coreSymOffset))}. Core is ${hx(BigInt(lay.core.size))} bytes, init ${hx(BigInt(lay.init.size))}.`,
    effects: tables.map((p): Effect => ({
      kind: 'place',
      section: p.index,
      name: p.name,
      region: 'init',
      group: p.group,
      offset: p.offset,
      size: p.size,
      align: p.align,
    })),
  });
}
