/**
 * A compare caption on the projector, whole: its text takes the room left between its top and the
 * presentation strip (layout), in the largest type from 24 px down to 20 px that holds all of it
 * (size). A desk caption too long even at 20 px (2.4's obj_relocate lists every .rela section) is
 * shown a whole number of lines at a time: the clicker's next key shows its next lines before the
 * next stage (compareStepper: pageCaptions), and "more ▾ n/m" says so. Nothing is cut or shrunk
 * below 20 px. Its title stays whole too: one line in the largest of 22–20 px that holds it, else two lines
 * at 20 px; the text's lines are then 1.25 high rather than 1.35 when that keeps two of them on screen.
 */
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { usePresenting } from '../../present/mode';

/** The presentation strip's height (present.css: .present-strip) and the gap kept above it. */
const STRIP = 52 + 8;
const SIZES = [24, 23, 22, 21, 20];
const LINE = 1.35;
/** The text's line height when 1.35 would leave it one line (a title on two lines above it). */
const TIGHT = 1.25;
const TITLE_SIZES = [22, 21, 20];

export interface CaptionPages {
  page: number;
  pages: number;
}

/** Zoom above el (the presentation's --present-scale), so CSS px can be turned into screen px. */
function zoomOf(el: HTMLElement): number {
  let z = 1;
  for (let a: HTMLElement | null = el; a; a = a.parentElement) z *= parseFloat(getComputedStyle(a).zoom) || 1;
  return z;
}

/** The title on one line in the largest size that holds it, else wrapped at 20 px. */
function fitTitle(h: HTMLElement): void {
  for (const size of TITLE_SIZES) {
    h.style.fontSize = `${size}px`;
    if (h.scrollWidth <= h.clientWidth) return;
  }
  h.style.whiteSpace = 'normal';
}

/** Fit the text element (and its title) to its room while presenting; returns its pages (1 when it fits). */
export function useFitCaption(
  ref: RefObject<HTMLElement | null>,
  text: string,
  titleRef?: RefObject<HTMLElement | null>,
): CaptionPages & { setPage: (p: number) => void } {
  const on = usePresenting();
  const [pages, setPages] = useState(1);
  const [page, setPage] = useState(0);
  const pageRef = useRef(0);
  pageRef.current = page;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const reset = () => {
      const h = titleRef?.current;
      if (h) {
        h.style.fontSize = '';
        h.style.whiteSpace = '';
      }
      el.style.fontSize = '';
      el.style.height = '';
      el.style.lineHeight = '';
      el.scrollTop = 0;
    };
    reset();
    setPage(0);
    pageRef.current = 0;
    if (!on) return setPages(1);
    const fit = () => {
      reset();
      if (titleRef?.current) fitTitle(titleRef.current);
      const z = zoomOf(el);
      const room = (window.innerHeight - STRIP - el.getBoundingClientRect().top) / z;
      for (const size of SIZES) {
        el.style.fontSize = `${size}px`;
        const line = Math.floor(room / (size * LINE)) < 2 && Math.floor(room / (size * TIGHT)) >= 2 ? TIGHT : LINE;
        el.style.lineHeight = String(line);
        const lh = size * line;
        const lines = Math.max(1, Math.floor(room / lh));
        el.style.height = `${lines * lh}px`;
        if (el.scrollHeight <= lines * lh + 1) return setPages(1);
        if (size === SIZES[SIZES.length - 1]) setPages(Math.ceil(el.scrollHeight / (lines * lh) - 0.01));
      }
      el.scrollTop = pageRef.current * el.clientHeight;
    };
    fit();
    // The lanes above are laid out after the caption (elkjs, fonts): fit again when the view's size changes.
    let last = -1;
    const ro = new ResizeObserver(() => {
      const top = Math.round(el.getBoundingClientRect().top);
      if (top !== last) {
        last = top;
        fit();
      }
    });
    const view = el.closest('.compare-view');
    if (view) ro.observe(view);
    window.addEventListener('resize', fit);
    return () => {
      ro.disconnect();
      window.removeEventListener('resize', fit);
      reset();
    };
  }, [ref, titleRef, text, on]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = page * el.clientHeight;
  }, [ref, page]);
  return { page, pages, setPage };
}
