import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FinalSymbol, KallsymEntry } from '../kernel/module-record';
import { kallsymsHolding, symtabAround } from './module-symbol-index';

// The scans disasm-window.ts made before the index (its moduleSymbol()), for a section [from, to).
function kallsymsScan(table: readonly KallsymEntry[], a: bigint, from: bigint): KallsymEntry | null {
  for (const s of table)
    if (s.name && s.address <= a && (a < s.address + s.size || (s.size === 0n && s.address === a)) && s.address >= from) return s;
  return null;
}
function symtabScan(table: readonly FinalSymbol[], a: bigint, from: bigint, to: bigint): { best: FinalSymbol | null; next: bigint } {
  let best: FinalSymbol | null = null;
  let next = to;
  for (const s of table) {
    if (!s.name || s.name.startsWith('.') || s.value < from || s.value >= to) continue;
    if (s.value <= a && (!best || s.value > best.value)) best = s;
    else if (s.value > a && s.value < next) next = s.value;
  }
  return { best, next };
}

const TEXT = 0xffffffffc0a00000n;
// Symbols crowd a few dozen bytes so aliases (equal addresses), nested and size-0 entries, unnamed and ".text"-style
// names all occur; addresses fall in and around two sections.
const name = fc.constantFrom('', 'f', 'g', 'h', '.text', '.L0', '__func', 'init_module');
const kallsym = fc.record({ name, address: fc.integer({ min: 0, max: 60 }), size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })) });
const symbol = fc.record({ name, value: fc.integer({ min: 0, max: 60 }) });

describe('module symbol indexes answer as the scans did', () => {
  it('kallsyms: the first entry in table order holding the address, from the section start on', () => {
    fc.assert(
      fc.property(fc.array(kallsym, { maxLength: 60 }), fc.integer({ min: 0, max: 40 }), (ks, from) => {
        const table: KallsymEntry[] = ks.map((k) => ({ name: k.name, address: TEXT + BigInt(k.address), size: BigInt(k.size), type: 't' }));
        for (let a = 0; a <= 110; a++)
          expect(kallsymsHolding(table, TEXT + BigInt(a), TEXT + BigInt(from))).toBe(kallsymsScan(table, TEXT + BigInt(a), TEXT + BigInt(from)));
      }),
      { numRuns: 300 },
    );
  });
  it('.symtab: the symbol at or below the address and the next one above it, within the section', () => {
    fc.assert(
      fc.property(fc.array(symbol, { maxLength: 60 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 }), (ss, from, len) => {
        const table: FinalSymbol[] = ss.map((s, index) => ({ index, name: s.name, value: TEXT + BigInt(s.value) }));
        const [f, t] = [TEXT + BigInt(from), TEXT + BigInt(from + len)];
        for (let a = from; a < from + len; a++) {
          const got = symtabAround(table, TEXT + BigInt(a), f, t);
          const want = symtabScan(table, TEXT + BigInt(a), f, t);
          expect(got.best).toBe(want.best);
          expect(got.next).toBe(want.next);
        }
      }),
      { numRuns: 300 },
    );
  });
});
