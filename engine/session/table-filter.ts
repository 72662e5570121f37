/**
 * Filtering the Symbols and Relocations tables in the engine, over the parsed typed arrays, so a view
 * typing into a search box on amdgpu.ko (133,348 entries in one .rela section) gets its first page
 * back while the user types. Matches are kept as an index list per module and query (one cached
 * query per table), and pages are cut from it.
 */
import type { RelocFilter, SymbolFilter } from '../api-types';
import { relocTypeName, symbolTypeName } from '../elf/index';
import type { ElfRelocSection, ElfSymbol } from '../elf/types';
import type { OpenedModule } from './open';

export class FilterError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** "0x1f0", "1f0" or "" → a bound; anything else is a typed error naming the field. */
export function parseBound(v: string | undefined, field: string): bigint | null {
  const s = (v ?? '').trim();
  if (s === '') return null;
  if (!/^(0x)?[0-9a-f]{1,16}$/i.test(s)) throw new FilterError(`${field} must be a hex address or offset like 0x1f0, not "${s}"`, field);
  return BigInt(s.startsWith('0x') || s.startsWith('0X') ? s : `0x${s}`);
}

interface Cache {
  key: string;
  rows: Uint32Array;
}
const lowerNames = new WeakMap<OpenedModule, string[]>();
const relocCache = new WeakMap<OpenedModule, Cache>();
const symbolCache = new WeakMap<OpenedModule, Cache>();

/** Lower-cased names readelf shows for each .symtab entry (a section symbol by its section's name). */
function names(m: OpenedModule, syms: ElfSymbol[], displayName: (s: ElfSymbol) => string): string[] {
  let n = lowerNames.get(m);
  if (!n) {
    n = syms.map((s) => displayName(s).toLowerCase());
    lowerNames.set(m, n);
  }
  return n;
}

export function isEmptyFilter(f: RelocFilter | SymbolFilter | undefined): boolean {
  if (!f) return true;
  return Object.values(f).every((v) => v === undefined || String(v).trim() === '');
}

/** Entry indexes of r matching f: text in the symbol's or the type's name, exact type, r_offset in [from, to]. */
export function filterRelocations(
  m: OpenedModule,
  r: ElfRelocSection,
  syms: ElfSymbol[],
  f: RelocFilter,
  displayName: (s: ElfSymbol) => string,
): Uint32Array {
  const key = `${r.sectionIndex}\u0000${f.text ?? ''}\u0000${f.type ?? ''}\u0000${f.from ?? ''}\u0000${f.to ?? ''}`;
  const hit = relocCache.get(m);
  if (hit && hit.key === key) return hit.rows;
  const text = (f.text ?? '').trim().toLowerCase();
  const wantType = (f.type ?? '').trim().toUpperCase();
  const from = parseBound(f.from, 'from');
  const to = parseBound(f.to, 'to');
  const lower = names(m, syms, displayName);
  // Per symbol and per type number, decided once: the loop below only indexes typed arrays.
  const symOk = new Uint8Array(syms.length);
  if (text) for (let i = 0; i < lower.length; i++) symOk[i] = lower[i].includes(text) ? 1 : 0;
  const typeOk = new Map<number, { text: boolean; exact: boolean }>();
  const machine = m.elf.header.machine;
  const typeInfo = (t: number) => {
    let v = typeOk.get(t);
    if (!v) {
      const name = relocTypeName(machine, t) ?? `type ${t}`;
      v = { text: !!text && name.toLowerCase().includes(text), exact: !wantType || name === wantType || name === `R_X86_64_${wantType}` };
      typeOk.set(t, v);
    }
    return v;
  };
  const fromHi = from === null ? 0 : Number(from >> 32n);
  const fromLo = from === null ? 0 : Number(from & 0xffffffffn);
  const toHi = to === null ? 0xffffffff : Number(to >> 32n);
  const toLo = to === null ? 0xffffffff : Number(to & 0xffffffffn);
  const out = new Uint32Array(r.count);
  let n = 0;
  for (let i = 0; i < r.count; i++) {
    const t = typeInfo(r.type[i]);
    if (!t.exact) continue;
    if (text && !symOk[r.sym[i]] && !t.text) continue;
    const hi = r.offsetHi[i];
    const lo = r.offsetLo[i];
    if (from !== null && (hi < fromHi || (hi === fromHi && lo < fromLo))) continue;
    if (to !== null && (hi > toHi || (hi === toHi && lo > toLo))) continue;
    out[n++] = i;
  }
  const rows = out.slice(0, n);
  relocCache.set(m, { key, rows });
  return rows;
}

/** .symtab indexes matching f: text in the name (or the index), exact type (FUNC…), section name, st_value in [from, to]. */
export function filterSymbols(m: OpenedModule, syms: ElfSymbol[], f: SymbolFilter, sectionOf: (s: ElfSymbol) => string): Uint32Array {
  const key = `${f.text ?? ''}\u0000${f.type ?? ''}\u0000${f.section ?? ''}\u0000${f.from ?? ''}\u0000${f.to ?? ''}`;
  const hit = symbolCache.get(m);
  if (hit && hit.key === key) return hit.rows;
  const text = (f.text ?? '').trim().toLowerCase();
  const type = (f.type ?? '').trim().toUpperCase();
  const section = (f.section ?? '').trim().toLowerCase();
  const from = parseBound(f.from, 'from');
  const to = parseBound(f.to, 'to');
  const out = new Uint32Array(syms.length);
  let n = 0;
  for (let i = 0; i < syms.length; i++) {
    const s = syms[i];
    if (text && !s.name.toLowerCase().includes(text) && String(s.index) !== text) continue;
    if (type && symbolTypeName(s.type) !== type) continue;
    if (section && sectionOf(s).toLowerCase() !== section) continue;
    if (from !== null && s.value < from) continue;
    if (to !== null && s.value > to) continue;
    out[n++] = i;
  }
  const rows = out.slice(0, n);
  symbolCache.set(m, { key, rows });
  return rows;
}
