/**
 * A compare caption on the projector, whole: its text takes the room left between its top and the
 * presentation strip (layout), in the largest type from 24 px down to 20 px that holds all of it
 * (size). A desk caption too long even at 20 px (2.4's obj_relocate lists every .rela section) is
 * shown a whole number of lines at a time: the clicker's next key shows its next lines before the
 * next stage (compareStepper: pageCaptions), and "more ▾ n/m" says so. Nothing is cut or shrunk
 * below 20 px.
 */
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { usePresenting } from '../../present/mode';

/** The presentation strip's height (present.css: .present-strip) and the gap kept above it. */
const STRIP = 52 + 8;
const SIZES = [24, 23, 22, 21, 20];
const LINE = 1.35;

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

/** Fit the text element to its room while presenting; returns its pages (1 when it fits). */
export function useFitCaption(ref: RefObject<HTMLElement | null>, text: string): CaptionPages & { setPage: (p: number) => void } {
  const on = usePresenting();
  const [pages, setPages] = useState(1);
  const [page, setPage] = useState(0);
  const pageRef = useRef(0);
  pageRef.current = page;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const reset = () => {
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
      const z = zoomOf(el);
      const room = (window.innerHeight - STRIP - el.getBoundingClientRect().top) / z;
      for (const size of SIZES) {
        el.style.fontSize = `${size}px`;
        el.style.lineHeight = String(LINE);
        const lh = size * LINE;
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
  }, [ref, text, on]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = page * el.clientHeight;
  }, [ref, page]);
  return { page, pages, setPage };
}
