/**
 * A story: several concepts presented as one run of stops (#view=lessons&story=C03,C05,C06&stop=4).
 * Its stops are the concepts' tour stops from the lesson index, each once, grouped by tour in the
 * order the tours first appear and in tour order inside each, so the clicker walks one kernel's
 * path forward before the next (the 2.4 insmod path, then 6.1's) instead of jumping back and forth.
 */
import type { LessonEntry } from '../../../engine/tours/index';

export interface StoryStop {
  tour: string;
  stop: number;
}

export function storyStops(concepts: readonly string[], index: Readonly<Record<string, readonly LessonEntry[]>>): StoryStop[] {
  const byTour = new Map<string, Set<number>>();
  for (const c of concepts)
    for (const e of index[c] ?? []) {
      if (!('tour' in e)) continue;
      let s = byTour.get(e.tour);
      if (!s) byTour.set(e.tour, (s = new Set()));
      s.add(e.stop);
    }
  return [...byTour].flatMap(([tour, stops]) => [...stops].sort((a, b) => a - b).map((stop) => ({ tour, stop })));
}

/** The concept ids of a story=… value that the index lacks (a link naming them is refused, saying which). */
export function unknownConcepts(concepts: readonly string[], index: Readonly<Record<string, readonly LessonEntry[]>>): string[] {
  return concepts.filter((c) => !index[c]);
}
