/**
 * Property tests: hostile input must never crash (only ElfError), never hang, and never
 * produce structures that point outside the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildModule, type Cls, type End } from '../test-support/elf-builder';
import { elfLengthOfModule } from '../test-support/readelf-text';
import { ElfError, readElf, SHT_NOBITS, type ElfFile } from './index';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

/** Read, allowing only ElfError; check the result stays inside the input. Returns the time taken. */
function readSafely(bytes: Uint8Array): number {
  const t0 = performance.now();
  let f: ElfFile | null = null;
  try {
    f = readElf(bytes);
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    expect(typeof e.code).toBe('string');
    expect(Number.isInteger(e.offset) && e.offset >= 0).toBe(true);
  }
  const dt = performance.now() - t0;
  if (f) checkInvariants(f, bytes.length);
  return dt;
}

function checkInvariants(f: ElfFile, len: number): void {
  for (const r of f.relocSections) {
    expect(r.offsetLo.length).toBe(r.count);
    const s = f.sections[r.sectionIndex];
    expect(s.offset + s.size).toBeLessThanOrEqual(len);
    expect(r.targetIndex).toBeLessThan(f.sections.length);
  }
  for (const n of f.notes) expect(n.descOffset + n.descSize).toBeLessThanOrEqual(len);
  const symtab = f.symtab;
  if (symtab) {
    const s = f.sections[symtab.sectionIndex];
    expect(s.type === SHT_NOBITS || s.offset + s.size <= len).toBe(true);
    expect(symtab.symbols.length * (f.header.class === 64 ? 24 : 16)).toBeLessThanOrEqual(len);
  }
  for (const w of f.warnings) expect(w.offset).toBeGreaterThanOrEqual(0);
}

/** Apply byte edits and an optional truncation to a copy of `base`. */
const mutation = (len: number) =>
  fc.record({
    edits: fc.array(fc.record({ pos: fc.nat({ max: len - 1 }), val: fc.integer({ min: 0, max: 255 }) }), { maxLength: 12 }),
    words: fc.array(
      fc.record({ pos: fc.nat({ max: len - 8 }), val: fc.constantFrom(0, 1, 0xff, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000, 0x10000) }),
      { maxLength: 4 },
    ),
    cut: fc.option(fc.nat({ max: len }), { nil: undefined }),
  });

function mutate(base: Uint8Array, m: { edits: { pos: number; val: number }[]; words: { pos: number; val: number }[]; cut?: number }): Uint8Array {
  const b = base.slice(0, m.cut ?? base.length);
  const dv = new DataView(b.buffer);
  for (const w of m.words) if (w.pos + 4 <= b.length) dv.setUint32(w.pos, w.val >>> 0, true);
  for (const e of m.edits) if (e.pos < b.length) b[e.pos] = e.val;
  return b;
}

describe('fuzzing readElf', () => {
  it('random bytes: returns or throws ElfError, quickly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => {
        expect(readSafely(b)).toBeLessThan(500);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes behind a valid ELF identification', () => {
    const ident = fc.tuple(fc.constantFrom(1, 2), fc.constantFrom(1, 2));
    fc.assert(
      fc.property(ident, fc.uint8Array({ minLength: 48, maxLength: 4096 }), ([cls, data], tail) => {
        const b = new Uint8Array(16 + tail.length);
        b.set([0x7f, 0x45, 0x4c, 0x46, cls, data, 1]);
        b.set(tail, 16);
        expect(readSafely(b)).toBeLessThan(500);
      }),
      { numRuns: 1000 },
    );
  });

  const combos: [Cls, End, boolean][] = [
    [64, 'little', true],
    [64, 'big', true],
    [32, 'little', false],
    [32, 'big', true],
  ];
  it.each(combos)('mutations of a built ELF%i %s module (rela=%s)', (cls, endian, rela) => {
    const base = buildModule(cls, endian, rela).bytes;
    fc.assert(
      fc.property(mutation(base.length), (m) => {
        expect(readSafely(mutate(base, m))).toBeLessThan(500);
      }),
      { numRuns: 1500 },
    );
  });

  const vfat = [
    '/root/.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel/fs/fat/vfat.ko',
    '/tmp/elfx/lib/modules/6.1.0-50-amd64/kernel/fs/fat/vfat.ko',
  ].find((p) => existsSync(p));
  it.skipIf(missing(CORPUS_WHAT, vfat !== undefined))(
    `mutations of a real module (vfat.ko)${vfat === undefined ? ' — SKIPPED: vfat.ko not found' : ''}`,
    () => {
      const raw = new Uint8Array(readFileSync(vfat ?? ''));
      const base = raw.slice(0, elfLengthOfModule(raw));
      const f = readElf(base);
      const shoff = f.header.shoff;
      // Half the edits land in the section header table, where one byte changes the most.
      const arb = fc.oneof(
        mutation(base.length),
        fc.record({
          edits: fc.array(fc.record({ pos: fc.integer({ min: shoff, max: base.length - 1 }), val: fc.integer({ min: 0, max: 255 }) }), {
            maxLength: 8,
          }),
          words: fc.array(
            fc.record({ pos: fc.integer({ min: shoff, max: base.length - 8 }), val: fc.constantFrom(0, 1, 0xffff, 0xffffffff, 0x10000) }),
            { maxLength: 3 },
          ),
          cut: fc.constant(undefined),
        }),
      );
      fc.assert(
        fc.property(arb, (m) => {
          expect(readSafely(mutate(base, m))).toBeLessThan(500);
        }),
        { numRuns: 1000 },
      );
    },
  );
});
