import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Memory, type Allocation } from './memory';

// The reference: the linear scans Memory.live()/at() were before the index (newest allocation first).
function liveRef(all: readonly Allocation[], address: bigint, length: number): Allocation | null {
  for (let i = all.length - 1; i >= 0; i--) {
    const a = all[i];
    if (a.freedAt === null && address >= a.base && address + BigInt(length) <= a.base + BigInt(a.size)) return a;
  }
  return null;
}
function atRef(all: readonly Allocation[], address: bigint, pos: number): Allocation | null {
  for (let i = all.length - 1; i >= 0; i--) {
    const a = all[i];
    if (a.allocatedAt > pos || (a.freedAt !== null && a.freedAt <= pos)) continue;
    if (address >= a.base && address < a.base + BigInt(a.size)) return a;
  }
  return null;
}

const MODULES = 0xffffffffc0000000n;
// Sizes from a byte to 8 MiB (over the index's large-list threshold), bases on and off 64 KiB boundaries, overlaps.
const op = fc.record({
  base: fc.bigInt({ min: 0n, max: 1n << 24n }),
  size: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 60_000, max: 300_000 }), fc.constant(8 << 20)),
  freeAfter: fc.option(fc.integer({ min: 0, max: 40 })),
});

describe('Memory.live()/at() through the address index', () => {
  for (const recordWrites of [true, false]) {
    it(`answer as the linear scan did (recordWrites ${recordWrites})`, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), fc.array(fc.bigInt({ min: 0n, max: 1n << 24n }), { maxLength: 80 }), (ops, probes) => {
          const m = new Memory();
          m.recordWrites = recordWrites;
          const made: Allocation[] = [];
          ops.forEach((o, pos) => {
            // Sizes of 8 MiB are made with adopt() (the kernel image's path); the rest with allocate().
            const a =
              o.size === 8 << 20
                ? m.adopt(MODULES + o.base, new Uint8Array(o.size), 'reserved', 'big', null, pos)
                : m.allocate(MODULES + o.base, o.size, 'kmalloc', 'x', null, pos);
            made.push(a);
            for (const b of made) if (b.freedAt === null && ops[b.id - 1]?.freeAfter === pos - b.allocatedAt) m.free(b, pos);
          });
          const all = [...m.allocations];
          for (const p of [...probes, ...ops.map((o) => o.base), ...ops.map((o) => o.base + BigInt(o.size))]) {
            const at = MODULES + p;
            for (const len of [1, 8, 70_000]) expect(m.live(at, len)).toBe(liveRef(all, at, len));
            for (const pos of [0, ops.length >> 1, ops.length]) expect(m.at(at, pos)).toBe(atRef(all, at, pos));
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
