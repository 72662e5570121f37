/**
 * A view exports whole, not the part its scroll boxes show: the printk ring in a 190 px pane at
 * 720p, dmesg's last three lines, the file map's first screen. For the synchronous capture (no
 * paint happens in between) the view is lifted out of its pane (position: fixed at its own place
 * and width, height: auto) and every scroll box inside it grows to its content, up to MAX_PX.
 * Virtualised tables (.virtual-scroll: the Relocations window) only hold the rows on screen, so
 * they export as the window they are. Everything is put back before the function returns.
 */

/** Tallest a grown scroll box gets (a dmesg of thousands of lines keeps its end, scrolled as before). */
export const MAX_PX = 3000;

function scrolls(el: HTMLElement): boolean {
  const cs = getComputedStyle(el);
  return /(auto|scroll)/.test(cs.overflowY) && el.scrollHeight > el.clientHeight + 1;
}

/** Run capture with el and its scroll boxes grown to their content; returns capture's result. */
export function withExpanded<T>(el: HTMLElement, capture: () => T): T {
  const boxes = [el, ...el.querySelectorAll<HTMLElement>('*')].filter((e) => !e.closest('.virtual-scroll') && scrolls(e));
  if (boxes.length === 0) return capture();
  const saved = new Map<HTMLElement, { style: string | null; top: number; atEnd: boolean }>();
  const keep = (e: HTMLElement) => {
    if (!saved.has(e)) saved.set(e, { style: e.getAttribute('style'), top: e.scrollTop, atEnd: e.scrollTop + e.clientHeight >= e.scrollHeight - 2 });
  };
  const r = el.getBoundingClientRect();
  keep(el);
  for (const b of boxes) keep(b);
  try {
    el.style.position = 'fixed';
    el.style.left = `${r.left}px`;
    el.style.top = `${r.top}px`;
    el.style.width = `${r.width}px`;
    el.style.height = 'auto';
    el.style.maxHeight = 'none';
    el.style.zIndex = '-1';
    for (const b of boxes) {
      b.style.height = 'auto';
      b.style.flex = 'none';
      b.style.maxHeight = `${MAX_PX}px`;
      b.style.overflowY = 'hidden';
    }
    // A box still cut at MAX_PX shows the same end it showed (dmesg follows its last line).
    for (const b of boxes) {
      const s = saved.get(b)!;
      b.scrollTop = s.atEnd ? b.scrollHeight : s.top;
    }
    return capture();
  } finally {
    for (const [e, s] of saved) {
      if (s.style === null) e.removeAttribute('style');
      else e.setAttribute('style', s.style);
      e.scrollTop = s.top;
    }
  }
}
