/**
 * The tours and the sample sources, bundled at build time from samples/ (so the packaged app has
 * them without fetching): every samples/<name>/tour*.json, parsed and checked, and the Kbuild files
 * and C sources the lesson index points at.
 */
import { parseTour } from '../../../engine/tours/index';
import type { Tour } from '../../../engine/tours/index';

const tourJson = import.meta.glob<unknown>('../../../samples/*/tour*.json', { eager: true, import: 'default' });
const sources = import.meta.glob<string>(['../../../samples/*/Kbuild', '../../../samples/*/*.c', '../../../samples/*/*.h'], {
  eager: true,
  query: '?raw',
  import: 'default',
});

function relative(path: string): string {
  return path.replace(/^.*\/samples\//, '');
}

export interface TourLoad {
  tours: Map<string, Tour>;
  /** Tour files that did not parse: the file and the typed error's message. */
  problems: string[];
}

let cached: TourLoad | null = null;

export function loadTours(): TourLoad {
  if (cached) return cached;
  const tours = new Map<string, Tour>();
  const problems: string[] = [];
  for (const [path, json] of Object.entries(tourJson)) {
    try {
      const t = parseTour(json, relative(path));
      tours.set(t.id, t);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  cached = { tours, problems };
  return cached;
}

/** A sample's source file by its path under samples/ ("hello/Kbuild"), or null. */
export function sampleSource(rel: string): string | null {
  for (const [path, text] of Object.entries(sources)) if (relative(path) === rel) return text;
  return null;
}
