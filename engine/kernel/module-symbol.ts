/**
 * find_kallsyms_symbol() (kernel/module/kallsyms.c, 6.1): the module symbol an address falls in, as
 * %pS, oopses and sprint_symbol() print it — "hello_init+0x2c/0x1000 [hello]". The size is NOT the
 * symbol's st_size: it is the distance to the next named symbol above the address or, at worst, to
 * the end of the region's text (init_layout/core_layout .text_size, page-aligned under
 * CONFIG_STRICT_MODULE_RWX). So an init function alone in .init.text shows /0x1000.
 */
import type { LoadedModule } from './module-record';

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

/** v in some section [address, address + size] (ends included): the union of those spans, bisected. */
function sectionSpans(m: LoadedModule): (v: bigint) => boolean {
  const spans = m.allSections.map((s) => [s.address, s.address + BigInt(s.size)] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const [lo, hi] of spans) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1]) {
      if (hi > last[1]) last[1] = hi;
    } else merged.push([lo, hi]);
  }
  return (v) => {
    let lo = 0;
    let hi = merged.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (merged[mid][0] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && v <= merged[lo - 1][1];
  };
}

export function findKallsymsSymbol(m: LoadedModule, a: bigint): ModuleSymbolHit | null {
  const region = regionOf(m, a);
  if (!region) return null;
  // "At worse, next value is at end of module"
  let nextval = region.textEnd;
  let best: { name: string; value: bigint } | null = null;
  const inModule = sectionSpans(m);
  for (const s of m.symbolTable) {
    // Only a symbol that would become best or nextval needs the (costlier) checks below.
    const below = s.value <= a && (!best || s.value > best.value);
    if (!below && !(s.value > a && s.value < nextval)) continue;
    // Undefined symbols (their values are now vmlinux addresses) and unnamed ones are skipped.
    if (!s.name || s.name.startsWith('.') || s.value === 0n || !inModule(s.value)) continue;
    if (below) best = s;
    else nextval = s.value;
  }
  if (!best) return null;
  return { name: best.name, offset: a - best.value, size: nextval - best.value };
}

/** "%s+%#lx/%#lx [%s]" of sprint_symbol() for a module address. */
export function sprintModuleSymbol(m: LoadedModule, a: bigint): string | null {
  const h = findKallsymsSymbol(m, a);
  return h ? `${h.name}+0x${h.offset.toString(16)}/0x${h.size.toString(16)} [${m.name}]` : null;
}
