/**
 * The [start, end) ranges of vmlinux data whose bytes a CPU run knows (seeded values, its own writes), indexed by
 * 4 KiB page: seeding writes thousands of fields, and each write and read asked "is this inside a known range?" of
 * every range so far (quadratic, 2–4% of amdgpu's load). A range is listed under every page it touches; one that
 * spans many pages sits in a short list of its own. Contiguous additions grow the last range, as before.
 */
const PAGE = 12n;
const MAX_PAGES = 16;

export class KnownRanges {
  private readonly pages = new Map<number, [bigint, bigint][]>();
  private readonly wide: [bigint, bigint][] = [];
  private last: [bigint, bigint] | null = null;

  /** Record [start, end) as known: it extends the last range when contiguous with it, else is added if not known. */
  add(start: bigint, end: bigint): void {
    const last = this.last;
    if (last && last[1] === start) {
      const from = pageOf(last[1] - 1n);
      last[1] = end;
      this.list(last, from + 1);
      return;
    }
    if (this.contains(start, end)) return;
    const r: [bigint, bigint] = [start, end];
    this.last = r;
    this.list(r, pageOf(start));
  }

  /** Whether one known range holds all of [start, end). */
  contains(start: bigint, end: bigint): boolean {
    for (const [a, b] of this.pages.get(pageOf(start)) ?? []) if (start >= a && end <= b) return true;
    for (const [a, b] of this.wide) if (start >= a && end <= b) return true;
    return false;
  }

  /** List r under its pages from `from` on (moving it to the wide list once it spans too many). */
  private list(r: [bigint, bigint], from: number): void {
    const first = pageOf(r[0]);
    const last = Math.max(first, pageOf(r[1] - 1n)); // an empty range is listed under its start's page
    if (this.wide.includes(r)) return;
    if (last - first >= MAX_PAGES) {
      for (let p = first; p < from; p++) {
        const l = this.pages.get(p);
        const i = l ? l.indexOf(r) : -1;
        if (l && i >= 0) l.splice(i, 1);
      }
      this.wide.push(r);
      return;
    }
    for (let p = Math.max(from, first); p <= last; p++) {
      const l = this.pages.get(p);
      if (l) l.push(r);
      else this.pages.set(p, [r]);
    }
  }
}

function pageOf(a: bigint): number {
  return Number(a >> PAGE);
}
