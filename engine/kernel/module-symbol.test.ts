/**
 * find_kallsyms_symbol() on a big real module (mac80211.ko, loaded with its modprobe dependencies):
 * the answer for addresses all over its sections equals the kernel's plain scan (every named symbol
 * of the module's own memory, nearest below and nearest above), which the engine answers faster.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootKernel, CORPUS, debianProfile } from '../../scripts/test-support/kernel';
import { loadModule } from '../load/load-module';
import { modprobePlan } from '../load/modprobe';
import type { LoadedModule } from './module-record';
import { findKallsymsSymbol, sprintModuleSymbol, type ModuleSymbolHit } from './module-symbol';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const TARGET = 'net/mac80211/mac80211.ko';

/** kernel/module/kallsyms.c find_kallsyms_symbol() as written: one pass over every symbol, sections scanned linearly. */
function reference(m: LoadedModule, a: bigint): ModuleSymbolHit | null {
  const sec = m.allSections.find((s) => s.size > 0 && a >= s.address && a < s.address + BigInt(s.size));
  if (!sec) return null;
  const text = m.allSections.filter((s) => s.init === sec.init && s.size > 0 && s.group !== 'kallsyms' && s.group === 'text');
  const base =
    m.allSections
      .filter((s) => s.init === sec.init && s.size > 0 && s.group !== 'kallsyms')
      .reduce((lo, s) => (s.address < lo ? s.address : lo), sec.address) & ~4095n;
  let nextval = text.length
    ? (text.reduce((hi, s) => (s.address + BigInt(s.size) > hi ? s.address + BigInt(s.size) : hi), 0n) + 4095n) & ~4095n
    : base;
  let best: { name: string; value: bigint } | null = null;
  for (const s of m.symbolTable) {
    if (
      !s.name ||
      s.name.startsWith('.') ||
      s.value === 0n ||
      !m.allSections.some((x) => s.value >= x.address && s.value <= x.address + BigInt(x.size))
    )
      continue;
    if (s.value <= a && (!best || s.value > best.value)) best = s;
    if (s.value > a && s.value < nextval) nextval = s.value;
  }
  return best ? { name: best.name, offset: a - best.value, size: nextval - best.value } : null;
}

describe.skipIf(missing(CORPUS_WHAT, existsSync(join(CORPUS, TARGET))))('find_kallsyms_symbol over mac80211.ko (corpus)', () => {
  it("names every sampled address as the kernel's linear scan does", () => {
    const k = bootKernel({ quiet: true });
    const read = (p: string) => (existsSync(join(CORPUS, p)) ? new Uint8Array(readFileSync(join(CORPUS, p))) : null);
    const plan = modprobePlan(debianProfile(), TARGET, read);
    for (const p of plan.order) {
      const bytes = read(p);
      if (!bytes) throw new Error(`missing ${p}`);
      expect(loadModule(k, { fileName: p, image: bytes, args: '', syscall: 'finit_module' }).op.result).toBe(0);
    }
    const m = k.modules.find((x) => x.name === 'mac80211');
    if (!m) throw new Error('mac80211 not loaded');
    expect(m.symbolTable.length).toBeGreaterThan(2000);
    // Symbols' addresses and their neighbours (every 8th symbol: the reference is slow), section edges, an address in no section.
    const probes = new Set<bigint>();
    m.symbolTable.forEach((s, i) => {
      if (s.value !== 0n && i % 8 === 0) for (const d of [-1n, 0n, 1n, 7n]) probes.add(s.value + d);
    });
    for (const s of m.allSections) for (const d of [-1n, 0n, BigInt(s.size) - 1n, BigInt(s.size)]) probes.add(s.address + d);
    probes.add(m.allSections[0].address - 0x100000n);
    let named = 0;
    for (const a of probes) {
      const want = reference(m, a);
      expect(findKallsymsSymbol(m, a), `address 0x${a.toString(16)}`).toEqual(want);
      if (want) named++;
    }
    expect(named).toBeGreaterThan(probes.size / 2);
    const init = m.symbolTable.find((s) => s.name === 'ieee80211_tx_status');
    expect(init && sprintModuleSymbol(m, init.value + 4n)).toMatch(/^ieee80211_tx_status\+0x4\/0x[0-9a-f]+ \[mac80211\]$/);
  });
});
