/**
 * The two loads of a what-if as aligned rows: the steps both took (the same kernel function, errno and
 * log), the row where they part, and the rest of each path. Pure, tested in whatif.test.ts.
 */
import type { StepLike, WhatIfAnswer } from '../../../../engine/api-types';

export type RowKind = 'shared' | 'diverge' | 'after';

export interface AlignedRow {
  /** 0-based step index on both sides. */
  index: number;
  kind: RowKind;
  base: StepLike | null;
  whatif: StepLike | null;
}

export function alignRows(a: WhatIfAnswer): AlignedRow[] {
  const n = Math.max(a.base.steps.length, a.whatif.steps.length);
  const at = a.divergence.index ?? n;
  const rows: AlignedRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      index: i,
      kind: i < at ? 'shared' : i === at ? 'diverge' : 'after',
      base: a.base.steps[i] ?? null,
      whatif: a.whatif.steps[i] ?? null,
    });
  }
  return rows;
}

/** The shared rows folded away except the last `keep` before the divergence: [first shown row, folded count]. */
export function fold(rows: AlignedRow[], keep = 3): { folded: number; shown: AlignedRow[] } {
  const shared = rows.filter((r) => r.kind === 'shared').length;
  const folded = Math.max(0, shared - keep);
  return { folded, shown: rows.slice(folded) };
}

/** "simplify_symbols()" for a C function, the text as it is for anything else ("insmod", "[user space]"). */
export function fnText(fn: string): string {
  return /^[A-Za-z_]\w*$/.test(fn) ? `${fn}()` : fn;
}

/** Kernel log lines of the what-if that the unmodified load did not print. */
export function newLines(a: WhatIfAnswer): Set<number> {
  const seen = new Map<string, number>();
  for (const l of a.base.log) seen.set(`${l.level}:${l.text}`, (seen.get(`${l.level}:${l.text}`) ?? 0) + 1);
  const out = new Set<number>();
  a.whatif.log.forEach((l, i) => {
    const k = `${l.level}:${l.text}`;
    const c = seen.get(k) ?? 0;
    if (c > 0) seen.set(k, c - 1);
    else out.add(i);
  });
  return out;
}
