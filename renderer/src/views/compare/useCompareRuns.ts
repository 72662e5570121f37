/**
 * Both kernels' runs of the open module for the comparison: boots what is not booted yet (2.4
 * first, so the last booted — what calls without a version address — stays 6.1), loads the
 * module into each (once per module and arguments; an earlier load of the same name is removed
 * first), keeps the steps of that one operation, and a cursor per kernel with its SeekView.
 *
 * The engine session is shared with the Load view: the comparison appends its own operations to
 * each kernel's timeline and re-runs them if a reboot there has dropped them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineError, OperationInfo, SeekView, StepInfo } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { stepAt, type Version } from './stages';
import { fetchProfile } from '../../lib/samples';

const STEP_PAGE = 5000;
const EEXIST = -17;

export interface Run {
  version: Version;
  op: OperationInfo;
  /** The steps of this operation only. */
  steps: StepInfo[];
}

export type Runs = Record<Version, Run | null>;
export type Cursors = Record<Version, number>;
export type Views = Record<Version, SeekView | null>;

type Call = Host['call'];

async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: EngineError }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw r.error;
  return r.value;
}

async function stepsOf(call: Call, version: Version, op: OperationInfo): Promise<StepInfo[]> {
  const t = await must(call('kernel.timeline', { version }));
  const out: StepInfo[] = [];
  for (let offset = 0; offset < t.steps; offset += STEP_PAGE) {
    const page = await must(call('kernel.steps', { offset, limit: STEP_PAGE, version }));
    for (const s of page.rows) if (s.op === op.index) out.push(s);
    if (page.rows.length === 0) break;
  }
  return out;
}

/** Still on the kernel's timeline as we left it (a reboot in the Load view would drop it)? */
async function stillThere(call: Call, run: Run): Promise<boolean> {
  const t = await call('kernel.timeline', { version: run.version });
  if (!t.ok) return false;
  const op = t.value.ops[run.op.index];
  return !!op && op.command === run.op.command && op.startPos === run.op.startPos && op.endPos === run.op.endPos;
}

export function useCompareRuns(
  host: Host,
  active: boolean,
  moduleId: string | null,
  moduleName: string,
  args: string,
  onError: (e: EngineError | null) => void,
) {
  const [runs, setRuns] = useState<Runs>({ '2.4': null, '6.1': null });
  const [cursor, setCursor] = useState<Cursors>({ '2.4': 0, '6.1': 0 });
  const [views, setViews] = useState<Views>({ '2.4': null, '6.1': null });
  const [busy, setBusy] = useState(false);
  const runsRef = useRef(runs);
  runsRef.current = runs;
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;
  const errRef = useRef(onError);
  errRef.current = onError;
  const key = `${moduleId ?? ''}\u0000${args}`;
  const doneKey = useRef<string | null>(null);

  const prepare = useCallback(async () => {
    if (!moduleId) return;
    const call = host.call.bind(host) as Call;
    setBusy(true);
    try {
      const fresh = doneKey.current === key;
      const have = runsRef.current;
      // Runs still on their kernel's timeline are kept; the others are loaded (again).
      const keep: Record<Version, boolean> = { '2.4': false, '6.1': false };
      for (const v of ['2.4', '6.1'] as const) {
        const run = have[v];
        keep[v] = fresh && !!run && (await stillThere(call, run));
      }
      if (keep['2.4'] && keep['6.1']) return;
      const booted24 = (await call('kernel.timeline', { version: '2.4' })).ok;
      const booted61 = (await call('kernel.timeline', { version: '6.1' })).ok;
      let profile: Uint8Array | undefined;
      if (!booted24 || !booted61) {
        profile = await fetchProfile();
      }
      // 2.4 first: the last booted (what calls without a version address) then stays 6.1.
      if (!booted24) await must(call('kernel.boot', { profile, version: '2.4' }));
      if (!booted61) await must(call('kernel.boot', { profile, version: '6.1' }));
      const next: Runs = { ...have };
      for (const version of ['2.4', '6.1'] as const) {
        if (keep[version]) continue;
        let op = await must(call('kernel.load', { id: moduleId, args, version }));
        // 6.1 says EEXIST; 2.4's insmod says '"hello" is already loaded' and exits 1 (modutils' insmod.c).
        if (op.result === EEXIST || (version === '2.4' && op.result !== 0 && (await call('kernel.unload', { name: moduleName, version })).ok)) {
          // Loaded before (by the Load view or an earlier comparison): remove it and load again.
          if (op.result === EEXIST) await must(call('kernel.unload', { name: moduleName, version }));
          op = await must(call('kernel.load', { id: moduleId, args, version }));
        }
        const steps = await stepsOf(call, version, op);
        next[version] = { version, op, steps };
      }
      doneKey.current = key;
      setRuns(next);
      // A run loaded again for the same module and arguments (another tab rebooted its kernel) comes
      // back on the step it was on: the comparison keeps its place when you leave and return.
      const again = (v: Version): number => {
        const old = have[v];
        const run = next[v];
        if (!run || run.steps.length === 0) return 0;
        if (!fresh || !old) return run.steps[0].pos;
        const i = Math.max(0, Math.min(run.steps.length - 1, stepAt(old.steps, cursorRef.current[v])));
        return run.steps[i].pos;
      };
      setCursor((c) => ({ '2.4': keep['2.4'] ? c['2.4'] : again('2.4'), '6.1': keep['6.1'] ? c['6.1'] : again('6.1') }));
      errRef.current(null);
    } catch (e) {
      const err: EngineError =
        e && typeof e === 'object' && 'code' in e ? (e as EngineError) : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
      errRef.current(err);
    } finally {
      setBusy(false);
    }
  }, [host, key, moduleId, moduleName, args]);

  // One preparation at a time: two at once (StrictMode's double effect when the page opens on a
  // comparison link) would load the module twice into each kernel and race their unloads.
  const running = useRef<Promise<void>>(Promise.resolve());
  useEffect(() => {
    if (active) running.current = running.current.then(() => prepare());
  }, [active, prepare]);

  // One kernel.seek in flight per kernel; the newest wanted position queued behind it.
  const want = useRef<Record<Version, number | null>>({ '2.4': null, '6.1': null });
  const inflight = useRef<Record<Version, boolean>>({ '2.4': false, '6.1': false });
  const pump = useCallback(
    (v: Version) => {
      if (inflight.current[v] || want.current[v] === null) return;
      const pos = want.current[v]!;
      want.current[v] = null;
      inflight.current[v] = true;
      void host.call('kernel.seek', { pos, version: v }).then((r) => {
        inflight.current[v] = false;
        if (r.ok) {
          if (want.current[v] === null) setViews((o) => ({ ...o, [v]: r.value }));
        } else errRef.current(r.error);
        pump(v);
      });
    },
    [host],
  );

  /** Put a kernel's cursor on a position inside its operation (clamped). */
  const seek = useCallback(
    (v: Version, pos: number) => {
      const run = runsRef.current[v];
      if (!run) return;
      const c = Math.max(run.op.startPos, Math.min(run.op.endPos - 1, pos));
      setCursor((o) => (o[v] === c ? o : { ...o, [v]: c }));
      want.current[v] = c;
      pump(v);
    },
    [pump],
  );

  // New runs: show the steps their cursors are on (the first, for a run just loaded).
  useEffect(() => {
    for (const v of ['2.4', '6.1'] as const) {
      const run = runs[v];
      if (run) {
        const c = cursorRef.current[v];
        want.current[v] = c >= run.op.startPos && c < run.op.endPos ? c : run.op.startPos;
        pump(v);
      }
    }
  }, [runs, pump]);

  return { runs, cursor, views, busy, seek };
}
