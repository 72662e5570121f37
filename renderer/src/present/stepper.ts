/**
 * What the presenter's keys do on each tab. A tab registers a Stepper (useStepper) while it is
 * mounted; the app-wide key handler (usePresenter) calls the shown tab's for PageDown/PageUp, →/←,
 * Space, Home and End, with Shift or Alt for the finer move (Compare: one kernel step by step).
 * `where` is what the presentation strip shows ("stage 3 / 10 · reserve memory").
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { SlideContext } from '../export/slide';

export type StepMove = 'next' | 'prev' | 'first' | 'last';
export type StepMod = 'none' | 'shift' | 'alt';

export interface Stepper {
  move(m: StepMove, mod: StepMod): void;
  /** "stage 3 / 10 · reserve memory", "stop 2 / 12". */
  where: string;
  /** What a slide of this tab's figure says (the Export menu and decks). */
  slide?: () => SlideContext;
}

const steppers = new Map<string, { current: Stepper }>();
const listeners = new Set<() => void>();
let version = 0;
const notify = () => {
  version++;
  for (const l of listeners) l();
};

export function stepperFor(tab: string): Stepper | null {
  return steppers.get(tab)?.current ?? null;
}

/** Register the tab's stepper (its latest closure: a ref, so keys always act on the current state). */
export function useStepper(tab: string, s: Stepper): void {
  const ref = useRef(s);
  ref.current = s;
  useEffect(() => {
    steppers.set(tab, ref);
    notify();
    return () => {
      if (steppers.get(tab) === ref) steppers.delete(tab);
      notify();
    };
  }, [tab]);
  useEffect(notify, [s.where]);
}

/** The shown tab's "where", re-read when a stepper changes. */
export function useStepperWhere(tab: string): string | null {
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => version,
  );
  return stepperFor(tab)?.where ?? null;
}
