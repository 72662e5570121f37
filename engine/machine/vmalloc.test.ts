/**
 * VmallocRange's lowest fit starts its search after the areas packed from the range's start (vmalloc.ts): the
 * addresses it gives must be those of a search from the first area, whatever the order of allocations, frees and
 * areas placed from elsewhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from './address-space';
import { VmallocRange } from './vmalloc';

/** The search from the first area every time (the allocator before the packed prefix). */
class Naive {
  areas: { off: number; size: number }[] = [];
  constructor(private readonly length: number) {}
  alloc(size: number): number | null {
    const need = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE;
    let cursor = 0;
    let at = this.areas.length;
    for (let i = 0; i < this.areas.length; i++) {
      if (this.areas[i].off - cursor >= need) {
        at = i;
        break;
      }
      cursor = Math.max(cursor, this.areas[i].off + this.areas[i].size);
    }
    if (cursor + need > this.length) return null;
    this.areas.splice(at, 0, { off: cursor, size: need });
    return cursor;
  }
  free(off: number): void {
    const i = this.areas.findIndex((a) => a.off === off);
    if (i >= 0) this.areas.splice(i, 1);
  }
  place(off: number, size: number): void {
    let at = 0;
    while (at < this.areas.length && this.areas[at].off < off) at++;
    this.areas.splice(at, 0, { off, size });
  }
}

const BASE = 0xffffffffc0000000n;
const LENGTH = 256 * PAGE_SIZE;
type Op = { kind: 'alloc'; size: number } | { kind: 'free'; pick: number } | { kind: 'place'; page: number; pages: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('alloc' as const), size: fc.integer({ min: 1, max: 12 * PAGE_SIZE }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('place' as const), page: fc.integer({ min: 0, max: 255 }), pages: fc.integer({ min: 1, max: 8 }) }),
  },
);

describe('VmallocRange', () => {
  it('allocates where a lowest-fit search from the first area would, after any allocations, frees and placements', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const r = new VmallocRange(BASE, BASE + BigInt(LENGTH));
        const n = new Naive(LENGTH);
        for (const o of ops) {
          if (o.kind === 'alloc') {
            const got = r.alloc(o.size, 'm');
            const want = n.alloc(o.size);
            expect(got).toBe(want === null ? null : BASE + BigInt(want));
          } else if (o.kind === 'free' && n.areas.length > 0) {
            const off = n.areas[o.pick % n.areas.length].off;
            r.free(BASE + BigInt(off));
            n.free(off);
          } else if (o.kind === 'place') {
            r.place(BASE + BigInt(o.page * PAGE_SIZE), BigInt(o.pages * PAGE_SIZE), 'copied');
            n.place(o.page * PAGE_SIZE, o.pages * PAGE_SIZE);
          }
          expect(r.list().map((a) => [Number(a.start - BASE), Number(a.size)])).toEqual(n.areas.map((a) => [a.off, a.size]));
        }
        const c = r.clone();
        expect(c.alloc(PAGE_SIZE, 'x')).toBe(r.alloc(PAGE_SIZE, 'x'));
      }),
      { numRuns: 400 },
    );
  });

  it('packs modules upward with one guard page each, and reuses a freed init area', () => {
    const r = new VmallocRange(BASE, BASE + BigInt(LENGTH));
    const a = r.alloc(3 * PAGE_SIZE, 'a core');
    const ai = r.alloc(PAGE_SIZE, 'a init');
    const b = r.alloc(100, 'b core');
    expect([a, ai, b]).toEqual([BASE, BASE + 4n * 4096n, BASE + 6n * 4096n]);
    r.free(ai ?? 0n);
    expect(r.alloc(PAGE_SIZE, 'b init')).toBe(ai);
    expect(r.alloc(LENGTH, 'too big')).toBeNull();
  });
});
