/**
 * The presenter's keys, app-wide (capture phase, so a tab's own handlers do not see them twice):
 *
 *   F5              presentation mode on/off, on every tab (a browser reload is never what a lecturer wants)
 *   Esc             leaves presentation mode
 *   PageDown/→/Space   next (Compare: next stage; Lessons: next stop; file views: a screen further)
 *   PageUp/←        previous;  Home/End  first/last;  Shift or Alt: the finer move (Compare: 2.4 / 6.1 alone)
 *
 * The Load view keeps its own keys (position, step, phase, play): it registers no Stepper.
 * A tab without a Stepper (the file views) scrolls its panel by a screen.
 */
import { useEffect } from 'react';
import { presenting, setPresenting } from './mode';
import { stepperFor, type StepMod, type StepMove } from './stepper';

/** Keys typed into these go to the element. */
export function typingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName === 'INPUT') return (t as HTMLInputElement).type !== 'range' && (t as HTMLInputElement).type !== 'checkbox';
  return false;
}

const MOVES: Record<string, StepMove> = {
  PageDown: 'next',
  ArrowRight: 'next',
  ' ': 'next',
  PageUp: 'prev',
  ArrowLeft: 'prev',
  Home: 'first',
  End: 'last',
};

/** The panel's scrolling element: the first descendant that scrolls, else the panel. */
function scroller(panel: HTMLElement): HTMLElement {
  const all = [panel, ...panel.querySelectorAll<HTMLElement>('*')];
  return (
    all.find((e) => e.offsetParent !== null && e.scrollHeight > e.clientHeight + 4 && /(auto|scroll)/.test(getComputedStyle(e).overflowY)) ?? panel
  );
}

export function usePresenter(tab: string, panel: () => HTMLElement | null): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey) return;
      if (e.key === 'F5') {
        e.preventDefault();
        e.stopPropagation();
        setPresenting(!presenting());
        return;
      }
      if (typingTarget(e.target)) return;
      if (e.key === 'Escape' && presenting()) {
        setPresenting(false);
        e.preventDefault();
        return;
      }
      if (tab === 'load') return;
      const move = MOVES[e.key];
      if (!move) return;
      // On the tab strip, ←/→ are the strip's (keyboard users moving between tabs); the clicker's PageUp/Down are not.
      if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && (e.target as HTMLElement | null)?.getAttribute?.('role') === 'tab') return;
      const mod: StepMod = e.shiftKey ? 'shift' : e.altKey ? 'alt' : 'none';
      const s = stepperFor(tab);
      if (s) s.move(move, mod);
      else {
        // The file views keep their keys for their own rows except while presenting.
        const p = panel();
        if (!presenting() || !p || e.key === 'ArrowLeft' || e.key === 'ArrowRight') return;
        const el = scroller(p);
        const page = el.clientHeight * 0.85;
        if (move === 'next') el.scrollBy({ top: page });
        else if (move === 'prev') el.scrollBy({ top: -page });
        else el.scrollTo({ top: move === 'first' ? 0 : el.scrollHeight });
      }
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [tab, panel]);
}
