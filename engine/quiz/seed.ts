/**
 * Seeds for exercises: the lecturer's seed mixed with a student's name or number (FNV-1a), then
 * the engine's splitmix PRNG (machine/prng.ts) for every choice, so a set is reproducible anywhere.
 */
import { seededPrng, type Prng } from '../machine/prng';

/** FNV-1a over the UTF-16 code units of `s`, folded into the lecturer's seed. */
export function mixSeed(seed: number, student: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  h = Math.imul(h, 0x01000193) >>> 0;
  for (let i = 0; i < student.length; i++) {
    h ^= student.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return student === '' ? seed >>> 0 : h >>> 0;
}

export function quizPrng(seed: number, student: string): Prng {
  return seededPrng(mixSeed(seed, student));
}

/** Fisher–Yates with the seeded PRNG (a copy; the input is kept). */
export function shuffled<T>(rng: Prng, xs: readonly T[]): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Pick `count` from candidates grouped by kind: kinds in a shuffled round robin, one random
 * candidate of a kind at a time, so a 10-question set spreads over the kinds the trace offers.
 */
export function pickSpread<K extends string, T>(rng: Prng, byKind: Map<K, T[]>, count: number): T[] {
  const pools = new Map<K, T[]>();
  for (const [k, xs] of byKind) if (xs.length) pools.set(k, shuffled(rng, xs));
  const order = shuffled(rng, [...pools.keys()]);
  const out: T[] = [];
  while (out.length < count && order.some((k) => (pools.get(k)?.length ?? 0) > 0)) {
    for (const k of order) {
      const pool = pools.get(k);
      if (out.length < count && pool && pool.length) out.push(pool.shift() as T);
    }
  }
  return out;
}
