/**
 * Presentation mode, one for the whole app: every tab enters it with F5 or the ▣ button, and the
 * presenter's keys step the content of the tab on screen (present/usePresenter.ts routes them to
 * the tab's registered Stepper).
 *
 * The mode is two attributes on <html>: data-present="on" (layout, present.css) and
 * data-palette="projector" (light, high-contrast, Okabe–Ito colours as CSS variables), and the
 * --present-scale variable (screens larger than 720p zoom the slide); the React
 * side reads it through useSyncExternalStore.
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let on = false;
/** True while the mode asked the browser for full screen (leaving full screen leaves the mode). */
let fullscreen = false;

/**
 * The slides are laid out for 1280×720; a larger screen (1920×1080) shows the same slide scaled up
 * (CSS zoom by --present-scale in present.css), so a 20 px label stays 1/36 of the screen's height.
 */
export function presentScale(width: number, height: number): number {
  return Math.max(1, Math.round(Math.min(width / 1280, height / 720) * 100) / 100);
}

function setScale(): void {
  document.documentElement.style.setProperty('--present-scale', String(presentScale(window.innerWidth, window.innerHeight)));
}

function apply(v: boolean): void {
  const root = document.documentElement;
  if (v) {
    root.dataset.present = 'on';
    root.dataset.palette = 'projector';
    setScale();
    window.addEventListener('resize', setScale);
  } else {
    delete root.dataset.present;
    delete root.dataset.palette;
    root.style.removeProperty('--present-scale');
    window.removeEventListener('resize', setScale);
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
