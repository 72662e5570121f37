/**
 * Presentation mode and the presenter's keys on the Load view.
 *
 *   F5 or ▣      presentation mode on/off (chrome and side columns hidden, projector palette)
 *   Esc          leaves presentation mode
 *   Shift+←/→    previous/next phase (a run of steps in one kernel function)
 *   Space        play/pause, at `speed` steps per second
 * ←/→ (position), PageUp/PageDown (step, what clickers send) and Home/End are the Load view's own.
 *
 * The mode is two attributes on <html>: data-present="on" (layout, present.css) and
 * data-palette="projector" (light, high-contrast, Okabe–Ito colours as CSS variables).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StepInfo } from '../../../engine/api-types';
import { nextStepPos, phaseTarget } from './phases';

export const SPEEDS = [0.5, 1, 2, 4, 10] as const;
const SPEED_KEY = 'modscope.playSpeed';

/** Keys typed into these go to the element, not to the timeline. */
function typingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName === 'INPUT') return (t as HTMLInputElement).type !== 'range' && (t as HTMLInputElement).type !== 'checkbox';
  return false;
}

function setMode(on: boolean): void {
  const root = document.documentElement;
  if (on) {
    root.dataset.present = 'on';
    root.dataset.palette = 'projector';
  } else {
    delete root.dataset.present;
    delete root.dataset.palette;
  }
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
  const [on, setOnState] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeedState] = useState(initialSpeed);
  const latest = useRef({ steps, pos, seek });
  latest.current = { steps, pos, seek };

  // Full screen when the browser allows it (a key or click asked for it); leaving full screen (the
  // browser's own Esc) leaves the mode too.
  const fullscreen = useRef(false);
  const setOn = useCallback((v: boolean) => {
    setOnState(v);
    setMode(v);
    if (!v) setPlaying(false);
    if (v && !document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement
        .requestFullscreen()
        .then(() => (fullscreen.current = true))
        .catch(() => (fullscreen.current = false));
    } else if (!v && fullscreen.current) {
      fullscreen.current = false;
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    }
  }, []);
  useEffect(() => {
    const onChange = () => {
      if (!document.fullscreenElement && fullscreen.current) {
        fullscreen.current = false;
        setOn(false);
      }
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [setOn]);
  const setSpeed = useCallback((s: number) => {
    setSpeedState(s);
    localStorage.setItem(SPEED_KEY, String(s));
  }, []);

  // Leaving the Load view (or unmounting) ends the show.
  useEffect(() => {
    if (!active && on) setOn(false);
  }, [active, on, setOn]);
  useEffect(() => () => setMode(false), []);

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
      if (e.key === 'F5') {
        e.preventDefault();
        e.stopPropagation();
        setOn(document.documentElement.dataset.present !== 'on');
        return;
      }
      if (typingTarget(e.target)) return;
      const { steps: s, pos: p, seek: go } = latest.current;
      if (e.key === 'Escape' && document.documentElement.dataset.present === 'on') setOn(false);
      else if (e.shiftKey && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
        const t = phaseTarget(s, p, e.key === 'ArrowRight' ? 1 : -1);
        if (t !== null) go(t);
      } else if (e.key === ' ' && s.length > 0) setPlaying((x) => !x);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [active, setOn]);

  return { on, setOn, playing, setPlaying, speed, setSpeed };
}
