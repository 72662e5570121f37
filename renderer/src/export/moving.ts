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
