/**
 * Phases of a trace for Shift+←/→: a phase is a run of consecutive steps of one operation in the
 * same kernel function (layout_sections, apply_relocations, do_init_module, …).
 */
import type { StepInfo } from '../../../engine/api-types';
import { stepIndexAt } from '../views/load/loadFormat';

function key(s: StepInfo): string {
  return `${s.op}:${s.fn}`;
}

/** Index of the first step of the phase holding step i. */
export function phaseStartIndex(steps: StepInfo[], i: number): number {
  let s = i;
  while (s > 0 && key(steps[s - 1]) === key(steps[i])) s--;
  return s;
}

/** The phases as [first step index, last step index] pairs, in order. */
export function phases(steps: StepInfo[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < steps.length; i++) {
    if (i > 0 && key(steps[i]) === key(steps[i - 1])) out[out.length - 1][1] = i;
    else out.push([i, i]);
  }
  return out;
}

/**
 * Where Shift+→ (dir 1) or Shift+← (dir -1) goes from pos: the next phase's first step; backwards,
 * the start of the current phase, or of the previous one when already there. Null when there is none.
 */
export function phaseTarget(steps: StepInfo[], pos: number, dir: 1 | -1): number | null {
  const i = stepIndexAt(steps, pos);
  if (i < 0) return null;
  if (dir > 0) {
    let j = i;
    while (j < steps.length && key(steps[j]) === key(steps[i])) j++;
    return j < steps.length ? steps[j].pos : null;
  }
  const s = phaseStartIndex(steps, i);
  if (pos > steps[s].pos) return steps[s].pos;
  if (s === 0) return null;
  return steps[phaseStartIndex(steps, s - 1)].pos;
}

/** The step after pos's step (for play), or null at the end. */
export function nextStepPos(steps: StepInfo[], pos: number): number | null {
  const i = stepIndexAt(steps, pos);
  return i + 1 < steps.length ? steps[i + 1].pos : null;
}
