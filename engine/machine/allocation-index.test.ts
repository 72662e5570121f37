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

// windowAt()/writersAt() as they were before the index: every byte through the linear at(), every write scanned.
function windowRef(m: Memory, address: bigint, length: number, pos: number): (number | null)[] {
  const all = [...m.allocations];
  const out: (number | null)[] = new Array<number | null>(length).fill(null);
  const end = address + BigInt(length);
  const touched = new Set<Allocation>();
  for (let i = 0; i < length; i++) {
    const a = atRef(all, address + BigInt(i), pos - 1);
    if (!a) continue;
    touched.add(a);
    out[i] = a.bytes[Number(address + BigInt(i) - a.base)];
  }
  const undo = m.writes
    .filter((w) => w.pos >= pos && touched.has(w.alloc))
    .map((w) => ({ pos: w.pos, start: w.alloc.base + BigInt(w.offset), before: w.before, length: w.length }))
    .filter((u) => u.start < end && u.start + BigInt(u.length) > address)
    .sort((x, y) => y.pos - x.pos);
  for (const u of undo)
    for (let k = 0; k < u.length; k++) {
      const at = u.start + BigInt(k);
      if (at < address || at >= end || out[Number(at - address)] === null) continue;
      out[Number(at - address)] = u.before ? u.before[k] : 0;
    }
  return out;
}
function writersRef(m: Memory, address: bigint, length: number, pos: number): { from: number; to: number; pos: number; what: string }[] {
  const end = address + BigInt(length);
  const last: ({ pos: number; what: string } | null)[] = new Array<{ pos: number; what: string } | null>(length).fill(null);
  const all = m.writes
    .filter((w) => w.pos < pos)
    .map((w) => ({ pos: w.pos, start: w.alloc.base + BigInt(w.offset), length: w.length, what: w.what }))
    .filter((w) => w.start < end && w.start + BigInt(w.length) > address)
    .sort((a, b) => a.pos - b.pos);
  for (const w of all)
    for (let i = Math.max(0, Number(w.start - address)); i < Math.min(length, Number(w.start + BigInt(w.length) - address)); i++)
      last[i] = { pos: w.pos, what: w.what };
  const out: { from: number; to: number; pos: number; what: string }[] = [];
  last.forEach((l, i) => {
    if (!l) return;
    const prev = out[out.length - 1];
    if (prev && prev.to === i && prev.pos === l.pos && prev.what === l.what) prev.to = i + 1;
    else out.push({ from: i, to: i + 1, pos: l.pos, what: l.what });
  });
  return out;
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
        fc.property(
          fc.array(op, { minLength: 1, maxLength: 60 }),
          fc.array(fc.bigInt({ min: 0n, max: 1n << 24n }), { maxLength: 80 }),
          (ops, probes) => {
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
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

describe('Memory.windowAt()/writersAt() through the per-allocation write lists', () => {
  it('answer as the scans of every write did, overlapping allocations and frees included', () => {
    const alloc = fc.record({ base: fc.integer({ min: 0, max: 200_000 }), size: fc.integer({ min: 1, max: 70_000 }) });
    const write = fc.record({ which: fc.nat(), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), zero: fc.boolean(), byte: fc.nat(255) });
    fc.assert(
      fc.property(
        fc.array(alloc, { minLength: 1, maxLength: 12 }),
        fc.array(write, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (as, ws, fr) => {
          const m = new Memory();
          let pos = 0;
          const made = as.map((a) => m.allocate(MODULES + BigInt(a.base), a.size, 'kmalloc', 'x', null, pos++));
          ws.forEach((w, k) => {
            const a = made[w.which % made.length];
            const off = w.at % a.size;
            const len = Math.min(w.len, a.size - off);
            // Every third write shares its position with the next (one step writing twice: the later write wins).
            const p = k % 3 === 0 ? pos : pos++;
            if (k % 5 === 4) m.noteWrite(a, off, len, p, `note ${k}`);
            else m.writeAt(a, off, new Uint8Array(len).fill(w.byte), p, `w ${k}`, w.zero);
            if (fr.includes(k)) m.free(a, pos++);
          });
          for (let p = 0; p <= pos; p += 3)
            for (const a of made) {
              const start = a.base - 40n;
              expect(m.windowAt(start, 300, p)).toEqual(windowRef(m, start, 300, p));
              expect(m.writersAt(start, 300, p)).toEqual(writersRef(m, start, 300, p));
            }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('Memory.windowAt()/writersAt() through the write buckets of an allocation with many writes', () => {
  it('answer as the scans of every write did, for windows anywhere in it and across its ends', () => {
    // Over 64 writes into one allocation (writesNear() reads it by 256-byte bucket): small stores and copies spanning
    // many buckets, zero-length notes, a second allocation overlapping it, some written after the first window is read.
    const write = fc.record({
      // One write in five into the second allocation: the first has over 64 by the middle check.
      second: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      at: fc.nat(),
      len: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 200, max: 3000 })),
      zero: fc.boolean(),
      byte: fc.nat(255),
    });
    fc.assert(
      fc.property(
        fc.array(write, { minLength: 120, maxLength: 200 }),
        fc.array(fc.integer({ min: -300, max: 9000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 600 }),
        (ws, starts, length) => {
          const m = new Memory();
          const big = m.allocate(MODULES, 8192, 'module-core', 'big', null, 0);
          const other = m.allocate(MODULES + 6000n, 4096, 'kmalloc', 'other', null, 1);
          let pos = 2;
          const check = () => {
            for (const s of starts)
              for (const p of [0, 3, pos >> 1, pos - 1, pos, pos + 1]) {
                const start = MODULES + BigInt(s);
                expect(m.windowAt(start, length, p)).toEqual(windowRef(m, start, length, p));
                expect(m.writersAt(start, length, p)).toEqual(writersRef(m, start, length, p));
              }
          };
          ws.forEach((w, k) => {
            const a = w.second ? other : big;
            const off = w.at % a.size;
            const len = Math.min(w.len, a.size - off);
            const p = k % 4 === 0 ? pos : pos++;
            if (len === 0 || k % 7 === 6) m.noteWrite(a, off, len, p, `note ${k}`);
            else m.writeAt(a, off, new Uint8Array(len).fill(w.byte), p, `w ${k}`, w.zero);
            // Read once the first allocation is bucketed, then write more: its buckets must take the later writes too.
            if (k === 100) check();
          });
          check();
        },
      ),
      { numRuns: 150 },
    );
  });
});
