/**
 * The comparison's place as link state: the module's arguments and each kernel's step (1-based),
 * and what a link may ask for (a stage both kernels go to, or one kernel's step).
 */
import type { Stage } from '../../../../engine/trace/index';
import type { SlideContext } from '../../export/slide';
import type { Version } from './stages';

export interface CompareState {
  args: string;
  /** 1-based step per kernel. */
  steps: Record<Version, number>;
  ready: boolean;
}

export interface CompareWant {
  /** Changes whenever a link asks again (a hashchange to the same place re-applies it). */
  nonce: number;
  args?: string;
  stage?: Stage;
  steps?: Partial<Record<Version, number>>;
}

/** The live comparison, for the automation hook (modscope export --view compare-…). */
export interface CompareLive {
  state: CompareState;
  slide: () => SlideContext;
  /** Put a kernel on step n (1-based) and the other kernel on the same stage. */
  goStep: (v: Version, n: number) => void;
  stepCount: Record<Version, number>;
  /** The position each kernel's view shows (null until its seek answered). */
  viewPos: Record<Version, number | null>;
  cursor: Record<Version, number>;
  stepPos: (v: Version, n: number) => number;
}

let live: { current: CompareLive } | null = null;
export function attachCompareLive(ref: { current: CompareLive }): () => void {
  live = ref;
  return () => {
    if (live === ref) live = null;
  };
}
export function compareLive(): CompareLive | null {
  return live?.current ?? null;
}
