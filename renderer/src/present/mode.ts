/**
 * Presentation mode, one for the whole app: every tab enters it with F5 or the ▣ button, and the
 * presenter's keys step the content of the tab on screen (present/usePresenter.ts routes them to
 * the tab's registered Stepper).
 *
 * The mode is two attributes on <html>: data-present="on" (layout, present.css) and
 * data-palette="projector" (light, high-contrast, Okabe–Ito colours as CSS variables); the React
 * side reads it through useSyncExternalStore.
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let on = false;
/** True while the mode asked the browser for full screen (leaving full screen leaves the mode). */
let fullscreen = false;

function apply(v: boolean): void {
  const root = document.documentElement;
  if (v) {
    root.dataset.present = 'on';
    root.dataset.palette = 'projector';
  } else {
    delete root.dataset.present;
    delete root.dataset.palette;
  }
}

export function presenting(): boolean {
  return on;
}

export function setPresenting(v: boolean): void {
  if (v === on) return;
  on = v;
  apply(v);
  if (v && !document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement
      .requestFullscreen()
      .then(() => (fullscreen = true))
      .catch(() => (fullscreen = false));
  } else if (!v && fullscreen) {
    fullscreen = false;
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  }
  for (const l of listeners) l();
}

if (typeof document !== 'undefined')
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement && fullscreen) {
      fullscreen = false;
      setPresenting(false);
    }
  });

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function usePresenting(): boolean {
  return useSyncExternalStore(subscribe, presenting, () => false);
}
