/**
 * Two loads side by side — the unmodified module and the what-if — aligned step by step up to the
 * first step where they part: a different kernel function, a different error, or one side ending.
 */
export interface StepLike {
  fn: string;
  file?: string;
  title: string;
  text: string;
  errno?: number;
  /** What the kernel logged during this step. */
  log?: string[];
}

export interface Divergence {
  /** Index (0-based) into both step lists of the first step that differs; null when none does. */
  index: number | null;
  /** The step on each side there (null: that side had ended). */
  base: StepLike | null;
  changed: StepLike | null;
  /** Steps the two share before it. */
  shared: number;
}

/** The same step for the lesson: the same kernel function, the same errno and the same kernel log lines. */
function same(a: StepLike, b: StepLike): boolean {
  return a.fn === b.fn && (a.errno ?? 0) === (b.errno ?? 0) && (a.log ?? []).join('\n') === (b.log ?? []).join('\n');
}

/** The first step where the what-if's load parts from the unmodified one. */
export function firstDivergence(base: readonly StepLike[], changed: readonly StepLike[]): Divergence {
  const n = Math.min(base.length, changed.length);
  for (let i = 0; i < n; i++) {
    // A changed byte count in a title (the file grew) is the same step; the function, errno and log decide.
    if (!same(base[i], changed[i])) {
      return { index: i, base: base[i], changed: changed[i], shared: i };
    }
  }
  if (base.length === changed.length) return { index: null, base: null, changed: null, shared: n };
  return { index: n, base: base[n] ?? null, changed: changed[n] ?? null, shared: n };
}
