/**
 * Playing a tour on an engine (the app's host or, in tests, createEngine directly): boot the tour's
 * kernel, open its module files, run its setup lines through kernel.shell, read the trace, and
 * resolve every stop. Pure: files come from the caller (fetch in the app, the disk in tests).
 */
import type { EngineArg, EngineError, EngineMethod, EngineValue, KernelSummary, OperationInfo, Result, StepInfo } from '../api-types';
import { mutate, parseMutation } from '../whatif/index';
import { resolveTour, type TourTrace } from './resolve';
import { tourFiles } from './parse';
import type { ResolvedStop, Tour } from './types';

export interface TourHost {
  call<M extends EngineMethod>(method: M, arg: EngineArg<M>): Promise<Result<EngineValue<M>>>;
}

export interface TourLine {
  line: string;
  output: string;
  exit: number;
}

export interface TourRun {
  /** The booted kernel the tour runs on. */
  kernel: KernelSummary;
  /** Index of the first operation the setup appended. */
  opBase: number;
  ops: OperationInfo[];
  steps: StepInfo[];
  length: number;
  stops: ResolvedStop[];
  transcript: TourLine[];
  /** Engine ids of the module files opened for the setup (close them when done). */
  opened: string[];
}

export class TourRunError extends Error {
  constructor(
    readonly tour: string,
    readonly error: EngineError,
  ) {
    super(`${tour}: ${error.code}: ${error.message}`);
    this.name = 'TourRunError';
  }
}

const STEP_PAGE = 5000;

export async function runTour(
  host: TourHost,
  tour: Tour,
  io: { profile: Uint8Array | null; file(rel: string): Promise<Uint8Array> },
): Promise<TourRun> {
  const ok = async <T>(p: Promise<Result<T>>): Promise<T> => {
    const r = await p;
    if (!r.ok) throw new TourRunError(tour.id, r.error);
    return r.value;
  };
  const version = tour.kernel;
  // A fresh kernel of the tour's version (the 2.4 model takes its symbols from the same profile):
  // the tour's operations are then the only ones on its timeline. The other version's kernel stays.
  const kernel = await ok(host.call('kernel.boot', { profile: io.profile ?? undefined, version }));
  const opened: string[] = [];
  const read = new Map<string, Uint8Array>();
  for (const rel of tourFiles(tour)) {
    const bytes = await io.file(rel);
    // A copy: a worker host takes the bytes it is given (the buffer is transferred, and empty here afterwards).
    if (tour.made?.some((m) => m.from === rel)) read.set(rel, bytes.slice());
    opened.push((await ok(host.call('open', { name: rel.split('/').pop() ?? rel, bytes }))).id);
  }
  for (const [i, m] of (tour.made ?? []).entries()) {
    let bytes: Uint8Array;
    try {
      bytes = mutate(read.get(m.from) ?? (await io.file(m.from)), parseMutation(m.mutation)).image;
    } catch (e) {
      const message = `made[${i}] ${m.file}: ${e instanceof Error ? e.message : String(e)}`;
      throw new TourRunError(tour.id, { code: 'BAD_REQUEST', message, field: `made[${i}].mutation` });
    }
    opened.push((await ok(host.call('open', { name: m.file, bytes }))).id);
  }
  const before = (await ok(host.call('kernel.timeline', { version }))).ops.length;
  const transcript: TourLine[] = [];
  for (const line of tour.setup) {
    const r = await ok(host.call('kernel.shell', { line, version }));
    transcript.push({ line, output: r.output, exit: r.exit });
  }
  const t = await ok(host.call('kernel.timeline', { version }));
  const steps: StepInfo[] = [];
  for (let offset = 0; offset < t.steps; offset += STEP_PAGE) {
    const page = await ok(host.call('kernel.steps', { offset, limit: STEP_PAGE, version }));
    steps.push(...page.rows);
    if (page.rows.length === 0) break;
  }
  const trace: TourTrace = {
    ops: t.ops,
    steps,
    item: async (pos) => (await ok(host.call('kernel.seek', { pos, version }))).item,
  };
  const stops = await resolveTour(tour, trace, before);
  return { kernel, opBase: before, ops: t.ops, steps, length: t.length, stops, transcript, opened };
}
