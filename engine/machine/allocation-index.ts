/**
 * Allocations indexed by address: each small allocation is listed in the 64 KiB buckets it spans, large ones (the
 * kernel image, the direct map) in one short list. A lookup reads one bucket and the large list instead of every
 * allocation: `load-all` holds ~20,000 of them, and jump_label_add_module() alone asks for thousands of addresses.
 * Lists keep insertion order, which is id order, so "the newest that matches" is the last match found.
 */

interface Indexed {
  readonly id: number;
  readonly base: bigint;
  readonly size: number;
}

const SHIFT = 16n;
/** Allocations spanning more buckets than this go to the large list. */
const MAX_SPAN = 64;

export class AllocationIndex<T extends Indexed> {
  private readonly buckets = new Map<number, T[]>();
  private readonly large: T[] = [];

  add(a: T): void {
    const [first, last] = span(a);
    if (last - first >= MAX_SPAN) {
      this.large.push(a);
      return;
    }
    for (let b = first; b <= last; b++) {
      const list = this.buckets.get(b);
      if (list) list.push(a);
      else this.buckets.set(b, [a]);
    }
  }

  remove(a: T): void {
    const [first, last] = span(a);
    if (last - first >= MAX_SPAN) {
      drop(this.large, a);
      return;
    }
    for (let b = first; b <= last; b++) {
      const list = this.buckets.get(b);
      if (!list) continue;
      drop(list, a);
      if (!list.length) this.buckets.delete(b);
    }
  }

  /** The allocation with the highest id among those listed where `address` lies that satisfy `match`, or null. */
  newest(address: bigint, match: (a: T) => boolean): T | null {
    const small = lastMatch(this.buckets.get(Number(address >> SHIFT)), match);
    const big = lastMatch(this.large, match);
    if (!small) return big;
    if (!big) return small;
    return small.id > big.id ? small : big;
  }

  /** Every listed allocation that overlaps [address, end) (each once, in no particular order). */
  overlapping(address: bigint, end: bigint): T[] {
    const found = new Set<T>();
    const first = Number(address >> SHIFT);
    const last = end > address ? Number((end - 1n) >> SHIFT) : first;
    const hits = (a: T) => a.base < end && a.base + BigInt(a.size) > address;
    // A window of a few hundred bytes spans one or two buckets; a huge range is answered by scanning the lists instead.
    if (last - first <= 4 * MAX_SPAN) {
      for (let b = first; b <= last; b++) for (const a of this.buckets.get(b) ?? []) if (hits(a)) found.add(a);
    } else {
      for (const list of this.buckets.values()) for (const a of list) if (hits(a)) found.add(a);
    }
    for (const a of this.large) if (hits(a)) found.add(a);
    return [...found];
  }
}

function span(a: Indexed): [number, number] {
  const first = Number(a.base >> SHIFT);
  const last = a.size > 0 ? Number((a.base + BigInt(a.size - 1)) >> SHIFT) : first;
  return [first, last];
}

function lastMatch<T>(list: readonly T[] | undefined, match: (a: T) => boolean): T | null {
  if (!list) return null;
  for (let i = list.length - 1; i >= 0; i--) if (match(list[i])) return list[i];
  return null;
}

function drop<T>(list: T[], a: T): void {
  const i = list.lastIndexOf(a);
  if (i >= 0) list.splice(i, 1);
}
