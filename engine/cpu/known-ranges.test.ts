import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KnownRanges } from './known-ranges';

// The list KernelCpuMemory kept before: contiguous additions grow the last range, others are pushed unless known.
class Reference {
  readonly ranges: [bigint, bigint][] = [];
  add(a: bigint, e: bigint): void {
    const last = this.ranges[this.ranges.length - 1];
    if (last && last[1] === a) last[1] = e;
    else if (!this.contains(a, e)) this.ranges.push([a, e]);
  }
  contains(a: bigint, e: bigint): boolean {
    return this.ranges.some(([x, y]) => a >= x && e <= y);
  }
}

const BASE = 0xffffffff82000000n;

describe('KnownRanges', () => {
  it('answers as the linear list did: runs of contiguous fields, scattered writes, ranges growing past many pages', () => {
    const step = fc.record({
      at: fc.integer({ min: 0, max: 200_000 }),
      len: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 4000, max: 70_000 })),
      next: fc.boolean(), // continue where the last addition ended (the seeding pattern)
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 80 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 280_000 }), fc.nat(5000)), { maxLength: 60 }),
        (steps, probes) => {
          const k = new KnownRanges();
          const ref = new Reference();
          let end = BASE;
          for (const s of steps) {
            const a = s.next ? end : BASE + BigInt(s.at);
            end = a + BigInt(s.len);
            k.add(a, end);
            ref.add(a, end);
          }
          for (const [at, len] of probes) {
            const a = BASE + BigInt(at);
            expect(k.contains(a, a + BigInt(len))).toBe(ref.contains(a, a + BigInt(len)));
          }
          for (const [x, y] of ref.ranges) expect(k.contains(x, y)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
