/**
 * How many times each pane's D3 drawing effect has run, for `npm run bench` (scripts/bench/browser.mjs):
 * a seek that leaves a pane's data unchanged must not redraw it. One counter per pane name, so the
 * map stays as small as the list of panes however long the session. Read through window.__modscope.
 */
const runs = new Map<string, number>();

export function countEffect(pane: string): void {
  runs.set(pane, (runs.get(pane) ?? 0) + 1);
}

export function effectRuns(): Record<string, number> {
  return Object.fromEntries(runs);
}
