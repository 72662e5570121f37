/** Reading a tour file: every field checked, a typed error naming the one at fault. */
import { TourError } from './errors';
import { TOUR_VIEWS, type StepRef, type Tour, type TourStop, type TourView } from './types';

type Obj = Record<string, unknown>;

const CONCEPT = /^C(0[1-9]|[12]\d|3[0-4])$/;

export function parseTour(json: unknown, source: string): Tour {
  const id = typeof (json as Obj | null)?.id === 'string' ? ((json as Obj).id as string) : source;
  const bad = (field: string, what: string, stop?: number): never => {
    throw new TourError('BAD_TOUR', `${source}: ${field} ${what}`, id, stop, field);
  };
  const obj = (v: unknown, field: string, stop?: number): Obj =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : bad(field, 'must be an object', stop);
  const str = (v: unknown, field: string, stop?: number): string =>
    typeof v === 'string' && v.length > 0 ? v : bad(field, 'must be a non-empty string', stop);
  const uint = (v: unknown, field: string, stop?: number): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : bad(field, 'must be an integer ≥ 0', stop);
  const strings = (v: unknown, field: string): string[] =>
    Array.isArray(v) ? v.map((x, i) => str(x, `${field}[${i}]`)) : bad(field, 'must be an array of strings');

  const t = obj(json, 'tour');
  const kernel = t.kernel;
  if (kernel !== '6.1' && kernel !== '2.4') bad('kernel', 'must be "6.1" or "2.4"');
  if (!Array.isArray(t.stops) || t.stops.length === 0) bad('stops', 'must be a non-empty array');
  const stops = (t.stops as unknown[]).map((raw, i): TourStop => {
    const f = `stops[${i}]`;
    const s = obj(raw, f, i);
    const a = obj(s.at, `${f}.at`, i);
    const at: StepRef = { op: uint(a.op, `${f}.at.op`, i), fn: str(a.fn, `${f}.at.fn`, i) };
    if (a.nth !== undefined) at.nth = uint(a.nth, `${f}.at.nth`, i);
    if (a.item !== undefined) at.item = uint(a.item, `${f}.at.item`, i);
    if (a.call !== undefined) at.call = str(a.call, `${f}.at.call`, i);
    if (a.symbol !== undefined) at.symbol = str(a.symbol, `${f}.at.symbol`, i);
    if (a.hit !== undefined) at.hit = uint(a.hit, `${f}.at.hit`, i);
    if ([at.item, at.call, at.symbol].filter((x) => x !== undefined).length > 1)
      bad(`${f}.at`, 'names an item in more than one way (item, call, symbol)', i);
    if (!TOUR_VIEWS.includes(s.view as TourView)) bad(`${f}.view`, `must be one of ${TOUR_VIEWS.join(', ')}`, i);
    const concepts = strings(s.concepts, `${f}.concepts`);
    concepts.forEach((c, j) => CONCEPT.test(c) || bad(`${f}.concepts[${j}]`, `"${c}" is not a concept id C01–C34`, i));
    return { at, view: s.view as TourView, caption: str(s.caption, `${f}.caption`, i), concepts };
  });
  const tour: Tour = {
    id: str(t.id, 'id'),
    title: str(t.title, 'title'),
    sample: str(t.sample, 'sample'),
    kernel: kernel as Tour['kernel'],
    setup: strings(t.setup, 'setup'),
    stops,
  };
  if (t.files !== undefined) tour.files = strings(t.files, 'files');
  if (t.made !== undefined) {
    if (!Array.isArray(t.made)) bad('made', 'must be an array of {file, from, mutation}');
    tour.made = (t.made as unknown[]).map((raw, i) => {
      const m = obj(raw, `made[${i}]`);
      const file = str(m.file, `made[${i}].file`);
      if (!/^[\w-]+\.ko$/.test(file)) bad(`made[${i}].file`, 'must be a plain NAME.ko');
      // The mutation is checked where it is made (runTour), against the file it changes.
      return { file, from: str(m.from, `made[${i}].from`), mutation: str(m.mutation, `made[${i}].mutation`) };
    });
  }
  return tour;
}

/** The sample files a tour reads before its setup runs, relative to samples/ (those its made files come from too). */
export function tourFiles(t: Tour): string[] {
  const files = t.files ?? [`${t.sample}/${t.sample}.ko`];
  return [...files, ...(t.made ?? []).map((m) => m.from).filter((f, i, all) => !files.includes(f) && all.indexOf(f) === i)];
}
