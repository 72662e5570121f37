/**
 * sort() and sort_r() (lib/sort.c of 6.1): the kernel's bottom-up heapsort, step for step, so the module's cmp (and
 * swap) functions are called with the same arguments in the same order as on the real kernel (ctx.callModule runs
 * them on the modelled CPU) and the array ends up as the kernel leaves it.
 *
 * sort(base, num, size, cmp, swap) is sort_r(base, num, size, _CMP_WRAPPER (0), SWAP_WRAPPER (3), &w) with
 * struct wrapper w = { cmp, swap } on its stack: do_cmp() then calls w.cmp(a, b), do_swap() w.swap(a, b, (int)size);
 * a NULL w.swap picks the built-in swap. The built-in swaps are chosen by is_aligned(), which on x86-64
 * (CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) looks at the size only: swap_words_64 for a multiple of 8,
 * swap_words_32 for a multiple of 4, else swap_bytes; each walks the element from its end.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU64 } from './mem';

const M64 = 0xffffffffffffffffn;
const SWAP_WORDS_64 = 0n;
const SWAP_WORDS_32 = 1n;
const SWAP_BYTES = 2n;
const SWAP_WRAPPER = 3n;
/** do_cmp(): a NULL cmp_r_func_t means priv is a struct wrapper { cmp_func_t cmp; swap_func_t swap; }. */
const CMP_WRAPPER = 0n;

const add = (a: bigint, b: bigint): bigint => (a + b) & M64;
const sub = (a: bigint, b: bigint): bigint => (a - b) & M64;

/** How each call is made, as do_cmp() and do_swap() decide it. */
interface Callbacks {
  /** The module's cmp and whether it takes priv (cmp_r_func_t) or not (cmp_func_t through the wrapper). */
  cmp: bigint;
  cmpTakesPriv: boolean;
  /** SWAP_WORDS_64/32, SWAP_BYTES, or a function; swapTakesPriv: swap_r_func_t (else swap_func_t via the wrapper). */
  swap: bigint;
  swapTakesPriv: boolean;
  priv: bigint;
}

/** swap_words_64(), swap_words_32(), swap_bytes() (lib/sort.c): n -= w; t = a[n]; a[n] = b[n]; b[n] = t; while (n). */
function builtinSwap(ctx: KernelCallContext, a: bigint, b: bigint, size: bigint, word: number): void {
  let n = size;
  const w = BigInt(word);
  do {
    n = sub(n, w);
    const t = ctx.mem.read(add(a, n), word, 'read').slice();
    ctx.mem.write(add(a, n), ctx.mem.read(add(b, n), word, 'read').slice());
    ctx.mem.write(add(b, n), t);
  } while (n !== 0n);
}

/** sort_r()'s loop with do_cmp() and do_swap(); returns the number of cmp and swap calls made. */
function heapsort(ctx: KernelCallContext, base: bigint, num: bigint, size: bigint, cb: Callbacks): { cmps: number; swaps: number } {
  let cmps = 0;
  let swaps = 0;
  const doCmp = (x: bigint, y: bigint): number => {
    cmps++;
    const r = cb.cmpTakesPriv ? ctx.callModule(cb.cmp, x, y, cb.priv) : ctx.callModule(cb.cmp, x, y);
    return Number(BigInt.asIntN(32, r)); // int
  };
  const doSwap = (x: bigint, y: bigint): void => {
    swaps++;
    if (cb.swap === SWAP_WORDS_64) builtinSwap(ctx, x, y, size, 8);
    else if (cb.swap === SWAP_WORDS_32) builtinSwap(ctx, x, y, size, 4);
    else if (cb.swap === SWAP_BYTES) builtinSwap(ctx, x, y, size, 1);
    else {
      const isize = BigInt.asUintN(32, size); // (int)size
      if (cb.swapTakesPriv) ctx.callModule(cb.swap, x, y, isize, cb.priv);
      else ctx.callModule(cb.swap, x, y, isize);
    }
  };
  // parent(): i -= size; i -= size & -(i & lsbit); return i / 2;
  const lsbit = size & -size & 0xffffffffn; // unsigned int
  const parent = (i: bigint): bigint => {
    i = sub(i, size);
    i = sub(i, size & (-(i & lsbit) & M64));
    return i / 2n;
  };
  let n = (num * size) & M64;
  let a = ((num / 2n) * size) & M64;
  if (a === 0n) return { cmps, swaps }; // num < 2 || size == 0
  for (;;) {
    let b: bigint;
    let c: bigint;
    let d: bigint;
    if (a !== 0n) a = sub(a, size); // building heap: sift down --a
    else if ((n = sub(n, size)) !== 0n) doSwap(base, add(base, n)); // sorting: extract root to --n
    else break;
    // Bottom-up sift-down: the path to the leaves, one compare per level.
    for (b = a; ; ) {
      c = add(2n * b, size);
      d = add(c, size);
      if (d >= n) break;
      b = doCmp(add(base, c), add(base, d)) >= 0 ? c : d;
    }
    if (d === n) b = c; // the last leaf has no sibling
    // Backtrack from b to where a belongs, then shift it into place.
    while (b !== a && doCmp(add(base, a), add(base, b)) >= 0) b = parent(b);
    c = b;
    while (b !== a) {
      b = parent(b);
      doSwap(add(base, b), add(base, c));
    }
  }
  return { cmps, swaps };
}

/** The built-in swap sort_r() picks for a NULL swap_func (is_aligned() on x86-64: the size's low bits). */
function defaultSwap(size: bigint): bigint {
  const lsbits = size & 0xffn; // (unsigned char)size
  return (lsbits & 7n) === 0n ? SWAP_WORDS_64 : (lsbits & 3n) === 0n ? SWAP_WORDS_32 : SWAP_BYTES;
}

function describeFn(ctx: KernelCallContext, f: bigint): string {
  return ctx.symbolize(f) ?? `0x${f.toString(16)}`;
}

export function sortFunctions(): Record<string, KernelFunction> {
  const run = (ctx: KernelCallContext, what: string, base: bigint, num: bigint, size: bigint, cb: Callbacks): bigint => {
    const { cmps, swaps } = heapsort(ctx, base, num, size, cb);
    const swapWhat = cb.swap <= SWAP_BYTES ? ['swap_words_64', 'swap_words_32', 'swap_bytes'][Number(cb.swap)] : describeFn(ctx, cb.swap);
    ctx.note(`${what}: ${num} elements of ${size} bytes sorted with ${cmps} calls of ${describeFn(ctx, cb.cmp)} and ${swaps} swaps (${swapWhat})`);
    return 0n;
  };
  return {
    // void sort(void *base, size_t num, size_t size, cmp_func_t cmp_func, swap_func_t swap_func)
    sort: (ctx) => {
      const swap = ctx.arg(4);
      const cb: Callbacks = {
        cmp: ctx.arg(3),
        cmpTakesPriv: false,
        // sort_r(): "called from 'sort' without swap function, let's pick the default"
        swap: swap === 0n ? defaultSwap(ctx.arg(2)) : swap,
        swapTakesPriv: false,
        priv: 0n,
      };
      return run(ctx, 'sort', ctx.arg(0), ctx.arg(1), ctx.arg(2), cb);
    },
    // void sort_r(void *base, size_t num, size_t size, cmp_r_func_t cmp_func, swap_r_func_t swap_func, const void *priv)
    sort_r: (ctx) => {
      const size = ctx.arg(2);
      const priv = ctx.arg(5);
      let swap = ctx.arg(4);
      let cmp = ctx.arg(3);
      // The wrapper reads of priv happen only once sorting starts (num >= 2, size != 0) and at each do_cmp()/do_swap().
      const sorts = ((ctx.arg(1) / 2n) * size) & M64;
      let swapTakesPriv = true;
      let cmpTakesPriv = true;
      if (sorts !== 0n) {
        if (swap === SWAP_WRAPPER) {
          swap = readU64(ctx.mem, priv + 8n);
          swapTakesPriv = false;
        }
        if (swap === 0n) swap = defaultSwap(size);
        if (cmp === CMP_WRAPPER) {
          cmp = readU64(ctx.mem, priv);
          cmpTakesPriv = false;
        }
      }
      return run(ctx, 'sort_r', ctx.arg(0), ctx.arg(1), size, { cmp, cmpTakesPriv, swap, swapTakesPriv, priv });
    },
  };
}
