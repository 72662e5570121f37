/**
 * find_kallsyms_symbol() (kernel/module/kallsyms.c, 6.1): the module symbol an address falls in, as
 * %pS, oopses and sprint_symbol() print it — "hello_init+0x2c/0x1000 [hello]". The size is NOT the
 * symbol's st_size: it is the distance to the next named symbol above the address or, at worst, to
 * the end of the region's text (init_layout/core_layout .text_size, page-aligned under
 * CONFIG_STRICT_MODULE_RWX). So an init function alone in .init.text shows /0x1000.
 */
import type { FinalSymbol, LoadedModule } from './module-record';

const PAGE = 4096n;
const pageUp = (v: bigint): bigint => (v + PAGE - 1n) & ~(PAGE - 1n);
const pageDown = (v: bigint): bigint => v & ~(PAGE - 1n);

export interface ModuleSymbolHit {
  name: string;
  offset: bigint;
  size: bigint;
}

/** The module's own memory an address is in: the init or core region (by the sections placed at load). */
function regionOf(m: LoadedModule, a: bigint): { init: boolean; base: bigint; textEnd: bigint } | null {
  const sec = m.allSections.find((s) => s.size > 0 && a >= s.address && a < s.address + BigInt(s.size));
  if (!sec) return null;
  const same = m.allSections.filter((s) => s.init === sec.init && s.size > 0 && s.group !== 'kallsyms');
  const base = pageDown(same.reduce((lo, s) => (s.address < lo ? s.address : lo), sec.address));
  const text = same.filter((s) => s.group === 'text');
  const textEnd = text.length ? pageUp(text.reduce((hi, s) => (s.address + BigInt(s.size) > hi ? s.address + BigInt(s.size) : hi), 0n)) : base;
  return { init: sec.init, base, textEnd };
}

/** The union of the module's section spans [address, address + size] (ends included), sorted. */
function sectionSpans(m: LoadedModule): [bigint, bigint][] {
  const spans = m.allSections.map((s) => [s.address, s.address + BigInt(s.size)] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [lo, hi] of spans) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1]) {
      if (hi > last[1]) last[1] = hi;
    } else merged.push([lo, hi]);
  }
  return merged;
}

/** v in one of the merged spans (bisected). */
function inSpans(merged: [bigint, bigint][], v: bigint): boolean {
  let lo = 0;
  let hi = merged.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (merged[mid][0] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && v <= merged[lo - 1][1];
}

/**
 * The symbols find_kallsyms_symbol() can name (named, not a section symbol, non-zero, in the module's memory) by
 * value, one per value: the first in the table's order, which the kernel's scan keeps (it replaces best only by a
 * greater value).
 */
interface Named {
  table: readonly FinalSymbol[];
  spans: [bigint, bigint][];
  values: bigint[];
  names: string[];
}

/**
 * Per module, for as long as its symbol table and section spans stay the same: a seek names the patched instruction
 * and its target, and a scan of amdgpu's 26,000 symbols each time cost a few hundred KiB of garbage (issue #15).
 */
const namedCache = new WeakMap<LoadedModule, Named>();

const sameSpans = (x: [bigint, bigint][], y: [bigint, bigint][]) => x.length === y.length && x.every((s, i) => s[0] === y[i][0] && s[1] === y[i][1]);

function namedSymbols(m: LoadedModule): Named {
  const spans = sectionSpans(m);
  const table = m.symbolTable;
  const hit = namedCache.get(m);
  if (hit && hit.table === table && sameSpans(hit.spans, spans)) return hit;
  const ok = table.filter((s) => s.name && !s.name.startsWith('.') && s.value !== 0n && inSpans(spans, s.value));
  // Stable: equal values stay in table order, and the first of them is kept.
  ok.sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  const values: bigint[] = [];
  const names: string[] = [];
  for (const s of ok)
    if (values.length === 0 || values[values.length - 1] !== s.value) {
      values.push(s.value);
      names.push(s.name);
    }
  const named = { table, spans, values, names };
  namedCache.set(m, named);
  return named;
}

export function findKallsymsSymbol(m: LoadedModule, a: bigint): ModuleSymbolHit | null {
  const region = regionOf(m, a);
  if (!region) return null;
  const { values, names } = namedSymbols(m);
  // The first value above a.
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= a) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return null;
  const best = values[lo - 1];
  // "At worse, next value is at end of module"
  const nextval = lo < values.length && values[lo] < region.textEnd ? values[lo] : region.textEnd;
  return { name: names[lo - 1], offset: a - best, size: nextval - best };
}

/** "%s+%#lx/%#lx [%s]" of sprint_symbol() for a module address. */
export function sprintModuleSymbol(m: LoadedModule, a: bigint): string | null {
  const h = findKallsymsSymbol(m, a);
  return h ? `${h.name}+0x${h.offset.toString(16)}/0x${h.size.toString(16)} [${m.name}]` : null;
}
