/**
 * A loaded module's symbols sorted by address, for naming addresses in a disassembly window: each row's branch
 * target or operand was looked up by scanning every kallsyms and .symtab entry (amdgpu: ~90,000 each, several rows a
 * seek). The indexes are made once per table (the tables are replaced, never changed, when the module changes) and
 * answer exactly what the scans did — ties and aliases included (module-symbol-index.test.ts).
 */
import type { FinalSymbol, KallsymEntry } from '../kernel/module-record';

interface KallsymsIndex {
  /** Named entries by address; among equal addresses, in table order. */
  entries: { address: bigint; end: bigint; sizeZero: boolean; index: number; name: string }[];
  /** The highest end among entries[0..i]: below it, no earlier entry can hold an address. */
  maxEnd: bigint[];
}

const kallsymsIndexes = new WeakMap<readonly KallsymEntry[], KallsymsIndex>();
const symtabIndexes = new WeakMap<readonly FinalSymbol[], { value: bigint; name: string }[]>();

function kallsymsIndex(table: readonly KallsymEntry[]): KallsymsIndex {
  let ix = kallsymsIndexes.get(table);
  if (ix) return ix;
  const entries = table
    .map((s, index) => ({ address: s.address, end: s.address + s.size, sizeZero: s.size === 0n, index, name: s.name }))
    .filter((e) => e.name !== '')
    .sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : x.index - y.index));
  const maxEnd: bigint[] = [];
  let m = 0n;
  for (const e of entries) maxEnd.push((m = e.end > m ? e.end : m));
  ix = { entries, maxEnd };
  kallsymsIndexes.set(table, ix);
  return ix;
}

/** The last index i with key(i) <= a (-1 when none); keys ascending. */
function lastAtOrBelow(n: number, key: (i: number) => bigint, a: bigint): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The first kallsyms entry, in table order, that is named, starts at or after from, and holds a (a < address +
 * size, or is a at a size-0 entry's address).
 */
export function kallsymsHolding(table: readonly KallsymEntry[], a: bigint, from: bigint): { name: string; address: bigint; size: bigint } | null {
  const { entries, maxEnd } = kallsymsIndex(table);
  let best: KallsymsIndex['entries'][number] | null = null;
  for (let i = lastAtOrBelow(entries.length, (j) => entries[j].address, a); i >= 0; i--) {
    const e = entries[i];
    if (e.address < from || (maxEnd[i] <= a && e.address < a)) break;
    if ((a < e.end || (e.sizeZero && e.address === a)) && (!best || e.index < best.index)) best = e;
  }
  return best ? table[best.index] : null;
}

function symtabIndex(table: readonly FinalSymbol[]): { value: bigint; name: string }[] {
  let ix = symtabIndexes.get(table);
  if (ix) return ix;
  // Stable sort: among equal values the first in table order comes first, as the scan kept it.
  ix = table.filter((s) => s.name && !s.name.startsWith('.')).sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  symtabIndexes.set(table, ix);
  return ix;
}

/**
 * Among .symtab's named symbols (not section names) with values in [from, to): the last at or below a (the first
 * in table order among equal values), and the lowest value above a (to when none).
 */
export function symtabAround(
  table: readonly FinalSymbol[],
  a: bigint,
  from: bigint,
  to: bigint,
): { best: { name: string; value: bigint } | null; next: bigint } {
  const ix = symtabIndex(table);
  const i = lastAtOrBelow(ix.length, (j) => ix[j].value, a);
  let best: { name: string; value: bigint } | null = null;
  if (i >= 0 && ix[i].value >= from && ix[i].value < to) {
    let j = i;
    while (j > 0 && ix[j - 1].value === ix[i].value) j--;
    best = ix[j];
  }
  const n = i + 1 < ix.length && ix[i + 1].value < to && ix[i + 1].value >= from ? ix[i + 1].value : to;
  return { best, next: n };
}
