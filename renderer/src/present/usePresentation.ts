/**
 * The presenter's keys on the Load view (presentation mode itself is app-wide: present/mode.ts,
 * F5 and Esc in present/usePresenter.ts).
 *
 *   Shift+←/→    previous/next phase (a run of steps in one kernel function)
 *   Space        play/pause, at `speed` steps per second
 * ←/→ (position), PageUp/PageDown (step, what clickers send) and Home/End are the Load view's own.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StepInfo } from '../../../engine/api-types';
import { nextStepPos, phaseTarget } from './phases';
import { setPresenting, usePresenting } from './mode';

export const SPEEDS = [0.5, 1, 2, 4, 10] as const;
const SPEED_KEY = 'modscope.playSpeed';

/** Keys typed into these go to the element, not to the timeline. */
function typingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName === 'INPUT') return (t as HTMLInputElement).type !== 'range' && (t as HTMLInputElement).type !== 'checkbox';
  return false;
}

function initialSpeed(): number {
  const v = Number(localStorage.getItem(SPEED_KEY));
  return (SPEEDS as readonly number[]).includes(v) ? v : 2;
}

export interface Presentation {
  on: boolean;
  setOn: (on: boolean) => void;
  playing: boolean;
  setPlaying: (p: boolean) => void;
  speed: number;
  setSpeed: (s: number) => void;
}

export function usePresentation({
  active,
  steps,
  pos,
  seek,
}: {
  active: boolean;
  steps: StepInfo[];
  pos: number;
  seek: (pos: number) => void;
}): Presentation {
  const on = usePresenting();
  const setOn = useCallback((v: boolean) => {
    setPresenting(v);
    if (!v) setPlaying(false);
  }, []);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeedState] = useState(initialSpeed);
  const latest = useRef({ steps, pos, seek });
  latest.current = { steps, pos, seek };
  useEffect(() => {
    if (!on) setPlaying(false);
  }, [on]);
  const setSpeed = useCallback((s: number) => {
    setSpeedState(s);
    localStorage.setItem(SPEED_KEY, String(s));
  }, []);

  // Play: one step every 1/speed seconds, stopping at the end.
  useEffect(() => {
    if (!playing) return;
    const id = window.setInterval(() => {
      const { steps: s, pos: p, seek: go } = latest.current;
      const next = nextStepPos(s, p);
      if (next === null) setPlaying(false);
      else go(next);
    }, 1000 / speed);
    return () => window.clearInterval(id);
  }, [playing, speed]);

  useEffect(() => {
    if (!active) return;
    // Capture phase: these keys must not also reach the Load view's own handler (Shift+→ is not →).
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typingTarget(e.target)) return;
      const { steps: s, pos: p, seek: go } = latest.current;
      if (e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
        const t = phaseTarget(s, p, e.key === 'ArrowRight' ? 1 : -1);
        if (t !== null) go(t);
      } else if (e.key === ' ' && s.length > 0) setPlaying((x) => !x);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [active]);

  return { on, setOn, playing, setPlaying, speed, setSpeed };
}
