/**
 * Whether a view is still moving: a D3 transition scheduled or running on an element (d3-transition keeps an element's
 * transitions in node.__transition and deletes it when the last one has ended, d3-transition/src/transition/schedule.js)
 * or a CSS transition or animation running (the memory map's marker glides by one). The automation hook waits for a
 * view at rest before it captures one that was already at the position asked for (automation.ts seek()).
 */
type Animated = Pick<Document, 'querySelectorAll'> & { getAnimations?: () => { playState: string }[] };

export function moving(doc: Animated = document): boolean {
  if (doc.getAnimations?.().some((a) => a.playState === 'running' || a.playState === 'paused')) return true;
  for (const el of doc.querySelectorAll('*')) if ((el as Element & { __transition?: unknown }).__transition) return true;
  return false;
}

/**
 * The same, inside one view: a deck of the relocation card need not wait for the memory map's transitions beside it
 * (each step moves the map's marker for 300 ms). The element itself and everything under it.
 */
export function movingWithin(el: Element): boolean {
  if ((el as Element & { __transition?: unknown }).__transition) return true;
  return moving({ querySelectorAll: (q: string) => el.querySelectorAll(q), getAnimations: () => el.getAnimations?.({ subtree: true }) ?? [] });
}
