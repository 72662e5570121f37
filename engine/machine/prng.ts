/**
 * A small seeded PRNG (splitmix32-style). The kernel uses get_random_u32(); Modscope uses a seed
 * so a lecture shows the same "random" KASLR choices every time it is replayed.
 */
export interface Prng {
  /** Uniform integer in [0, n). Mirrors prandom_u32_max(n). */
  below(n: number): number;
}

export function seededPrng(seed: number): Prng {
  let s = seed >>> 0;
  function next(): number {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  return {
    // prandom_u32_max(ep_ro) = (u32)(((u64) get_random_u32() * ep_ro) >> 32)
    below: (n) => Math.floor((next() / 0x100000000) * n),
  };
}
