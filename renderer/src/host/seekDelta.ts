/**
 * kernel.seek answers from the engine worker as deltas (issue #15: seek p99). Within one step a seek changes the
 * item under the cursor and little else, but a SeekView of amdgpu's load carries ~60 KiB of rows that stay the same
 * (the step and its effects, the operation, the module list, 200 log records, the allocations, the layout of 13
 * modules' sections): structured-cloned by the worker, deserialised on the page's main thread and compared there
 * again (useKernelTimeline's keepUnchanged) on every seek.
 *
 * The worker (DeltaSender) sends, of those parts, only the ones that differ from the previous seek answer it sent,
 * and names the others in `same`; the page (DeltaReceiver) takes those from the previous seek answer it received:
 * the same objects, so memoised panes see unchanged props without comparing anything. Worker → page messages
 * arrive in the order they were posted, so "the previous answer sent" and "the previous answer received" are the
 * same answer; each delta also names the id of the answer it is relative to, and the receiver checks it.
 */
import type { SeekView } from '../../../engine/api-types';

/** The parts of a SeekView that often stay the same from one seek to the next. */
export const DELTA_KEYS = ['step', 'operation', 'modules', 'taints', 'log', 'allocations', 'layout'] as const;
export type DeltaKey = (typeof DELTA_KEYS)[number];

/** A seek answer on the wire: the SeekView without the parts named in `same`. */
export interface SeekDelta {
  /** The request id of the seek answer the missing parts come from. */
  base: number;
  same: DeltaKey[];
  view: Partial<SeekView>;
}

/** Deep equality of plain data as the engine answers it (objects, arrays, strings, numbers, booleans, null, bigint). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  if (aa) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameData(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // Keys counted by for…in, not listed by Object.keys: amdgpu's seek compares ~1,500 rows, and the key arrays were a
  // tenth of the worker's garbage a seek (issue #15). Engine data are plain objects: no inherited enumerable keys.
  let n = 0;
  for (const k in x) {
    if (!Object.prototype.hasOwnProperty.call(y, k) || !sameData(x[k], y[k])) return false;
    n++;
  }
  for (const k in y) if (Object.prototype.hasOwnProperty.call(y, k)) n--;
  return n === 0;
}

/**
 * Parts the engine hands out again, the same array, only while their rows are the same (kernel-session.ts layoutAt: the
 * layout of ~1,100 rows in amdgpu's load): the same object as in the last answer means the same data, with no compare.
 */
const SHARED_WHEN_SAME: ReadonlySet<DeltaKey> = new Set<DeltaKey>(['layout']);

/** The worker's side: what the page already has of the last seek answer, as private copies. */
export class DeltaSender {
  private last: { id: number; parts: Partial<Record<DeltaKey, unknown>>; refs: Partial<Record<DeltaKey, unknown>> } | null = null;

  /**
   * The message for answer `id`. Parts that changed are kept as copies (the engine's objects may change later, e.g.
   * an operation's output while it runs): comparing with a later answer compares with what was sent.
   */
  encode(id: number, view: SeekView): SeekDelta {
    const prev = this.last;
    const same: DeltaKey[] = [];
    const out: Partial<SeekView> = { ...view };
    const parts: Partial<Record<DeltaKey, unknown>> = {};
    const refs: Partial<Record<DeltaKey, unknown>> = {};
    for (const k of DELTA_KEYS) {
      if (SHARED_WHEN_SAME.has(k)) refs[k] = view[k];
      const shared = prev !== null && SHARED_WHEN_SAME.has(k) && prev.refs[k] === view[k];
      if (prev && k in prev.parts && (shared || sameData(prev.parts[k], view[k]))) {
        same.push(k);
        parts[k] = prev.parts[k];
        delete out[k];
      } else parts[k] = structuredClone(view[k]);
    }
    const base = prev?.id ?? -1;
    this.last = { id, parts, refs };
    return { base, same, view: out };
  }

  /** A seek that failed, or a new kernel: the next answer is sent whole. */
  reset(): void {
    this.last = null;
  }
}

/** The page's side: the last seek answer received, whose parts the next delta may name as the same. */
export class DeltaReceiver {
  private last: { id: number; view: SeekView } | null = null;

  /** The whole SeekView of answer `id`, or an error message when the delta is relative to an answer this side does not hold. */
  decode(id: number, d: SeekDelta): SeekView | string {
    const prev = this.last;
    if (d.same.length > 0 && prev?.id !== d.base) {
      this.last = null;
      return `seek answer ${id} is relative to answer ${d.base}, not ${prev?.id ?? 'none'}`;
    }
    const view = { ...d.view } as Record<string, unknown>;
    for (const k of d.same) view[k] = (prev!.view as unknown as Record<string, unknown>)[k];
    const whole = view as unknown as SeekView;
    this.last = { id, view: whole };
    return whole;
  }

  reset(): void {
    this.last = null;
  }
}
