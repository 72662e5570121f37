/**
 * sort() and sort_r() (lib/sort.c of 6.1) on a FakeContext whose "module functions" are TypeScript stand-ins: which
 * function do_cmp() and do_swap() call with which arguments, and the built-in swap chosen by the element size.
 * The order of cmp calls on the modelled CPU, against lib/sort.c compiled with gcc, is in nested-call.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fakeContext, HEAP_BASE } from './fake-context';
import { readU64, writeU64 } from './mem';
import { sortFunctions } from './sort';

const CMP = 0xffffffffc0001000n;
const SWAP = 0xffffffffc0002000n;
const { sort, sort_r } = sortFunctions();

function setup(keys: number[], size: number) {
  const ctx = fakeContext();
  const base = ctx.kmalloc(keys.length * size, true, 'test');
  keys.forEach((k, i) => writeU64(ctx.mem, base + BigInt(i * size), BigInt(k)));
  const key = (a: bigint): bigint => readU64(ctx.mem, a);
  ctx.moduleFunctions.set(CMP, (a, b) => BigInt.asUintN(64, BigInt(Math.sign(Number(key(a) - key(b))))));
  const read = (): number[] => keys.map((_, i) => Number(key(base + BigInt(i * size))));
  return { ctx, base, read };
}

describe('sort()', () => {
  it('calls cmp(a, b) with two arguments and swaps 16-byte elements itself (swap_words_64)', () => {
    const { ctx, base, read } = setup([4, 1, 3, 2, 0], 16);
    expect(ctx.call(sort, base, 5n, 16n, CMP, 0n)).toBe(0n);
    expect(read()).toEqual([0, 1, 2, 3, 4]);
    expect(ctx.moduleCalls.every((c) => c.address === CMP && c.args.length === 2)).toBe(true);
    expect(ctx.notes.at(-1)).toMatch(/^sort: 5 elements of 16 bytes sorted with \d+ calls of 0xffffffffc0001000 and \d+ swaps \(swap_words_64\)$/);
  });

  it('a module swap function gets (a, b, (int)size) and does the swapping; 8 byte elements', () => {
    const { ctx, base, read } = setup([3, 1, 2], 8);
    ctx.moduleFunctions.set(SWAP, (a, b, n) => {
      const t = readU64(ctx.mem, a);
      writeU64(ctx.mem, a, readU64(ctx.mem, b));
      writeU64(ctx.mem, b, t);
      return n;
    });
    ctx.call(sort, base, 3n, 8n, CMP, SWAP);
    expect(read()).toEqual([1, 2, 3]);
    const swaps = ctx.moduleCalls.filter((c) => c.address === SWAP);
    expect(swaps.length).toBeGreaterThan(0);
    for (const s of swaps) expect(s.args.slice(2)).toEqual([8n]);
  });

  it('fewer than two elements or size 0: no call at all', () => {
    const { ctx, base } = setup([2, 1], 8);
    ctx.call(sort, base, 1n, 8n, CMP, 0n);
    ctx.call(sort, base, 2n, 0n, CMP, 0n);
    expect(ctx.moduleCalls).toEqual([]);
  });
});

describe('sort_r()', () => {
  it('passes priv as cmp’s third argument; 12-byte elements use swap_words_32', () => {
    const { ctx, base } = setup([5, 9, 1, 7], 12);
    const priv = 0xffff888000abc000n;
    ctx.call(sort_r, base, 4n, 12n, CMP, 0n, priv);
    expect(ctx.moduleCalls.length).toBeGreaterThan(0);
    for (const c of ctx.moduleCalls) expect(c.args[2]).toBe(priv);
    expect(ctx.notes.at(-1)).toContain('(swap_words_32)');
  });

  it("a NULL cmp is sort()'s _CMP_WRAPPER: priv is a struct wrapper { cmp; swap; } and cmp gets two arguments", () => {
    const { ctx, base, read } = setup([2, 3, 1], 8);
    const w = HEAP_BASE + 0x8000n;
    writeU64(ctx.mem, w, CMP);
    writeU64(ctx.mem, w + 8n, 0n);
    ctx.call(sort_r, base, 3n, 8n, 0n, 3n, w); // SWAP_WRAPPER with a NULL swap: the built-in one
    expect(read()).toEqual([1, 2, 3]);
    expect(ctx.moduleCalls.every((c) => c.address === CMP && c.args.length === 2)).toBe(true);
  });

  it('an odd size swaps byte by byte (swap_bytes)', () => {
    const { ctx, base } = setup([3, 2, 1], 9);
    ctx.call(sort_r, base, 3n, 9n, CMP, 0n, 0n);
    expect(ctx.notes.at(-1)).toContain('(swap_bytes)');
    expect([0, 1, 2].map((i) => Number(readU64(ctx.mem, base + BigInt(9 * i))))).toEqual([1, 2, 3]);
  });
});
