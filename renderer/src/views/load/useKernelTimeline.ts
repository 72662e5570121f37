/**
 * The kernel timeline as the Load view sees it: the step list (fetched in kernel.steps pages), the
 * position the user asked for, and the SeekView of the latest position the engine answered.
 *
 * Seeking is coalesced: a kernel.seek is sent at once when none is in flight; while one is, only the
 * newest position asked for is kept and sent as soon as the answer arrives (latest wins; a
 * superseded answer is not rendered). A new SeekView keeps the previous one's module list, taints,
 * log, allocations and layout (the same arrays) when they did not change, so the memoised panes
 * that show only those skip the render: moving within a block changes the item and little else.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineError, OperationInfo, SeekView, StepInfo } from '../../../../engine/api-types';
import type { Host } from '../../host/host';

export interface TimelineState {
  length: number;
  ops: OperationInfo[];
  steps: StepInfo[];
}

const EMPTY: TimelineState = { length: 0, ops: [], steps: [] };
const STEP_PAGE = 5000;

/** Same content (the rows are plain data, as structured-cloned from the engine). */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** next, with prev's arrays wherever next's hold the same rows (stable props for memoised panes). */
export function keepUnchanged(prev: SeekView | null, next: SeekView): SeekView {
  if (!prev) return next;
  const log = sameJson(prev.log, next.log) ? prev.log : next.log;
  const modules = sameJson(prev.modules, next.modules) ? prev.modules : next.modules;
  const allocations = sameJson(prev.allocations, next.allocations) ? prev.allocations : next.allocations;
  const layout = sameJson(prev.layout, next.layout) ? prev.layout : next.layout;
  if (log === next.log && modules === next.modules && allocations === next.allocations && layout === next.layout) return next;
  return { ...next, log, modules, allocations, layout };
}

export function useKernelTimeline(host: Host, onError: (e: EngineError) => void) {
  const [timeline, setTimeline] = useState<TimelineState>(EMPTY);
  const [pos, setPos] = useState(0);
  const [view, setView] = useState<SeekView | null>(null);
  const want = useRef<number | null>(null);
  const inflight = useRef(false);
  const lengthRef = useRef(0);
  lengthRef.current = timeline.length;
  const errRef = useRef(onError);
  errRef.current = onError;

  const pump = useCallback(() => {
    if (inflight.current || want.current === null) return;
    const p = want.current;
    want.current = null;
    inflight.current = true;
    void host.call('kernel.seek', { pos: p }).then((r) => {
      inflight.current = false;
      if (r.ok) {
        // A newer request supersedes this answer: skip the render, seek again at once.
        if (want.current === null) setView((prev) => keepUnchanged(prev, r.value));
      } else errRef.current(r.error);
      pump();
    });
  }, [host]);

  /** Move the cursor to pos (clamped); the SeekView follows as soon as the engine answers. */
  const seek = useCallback(
    (p: number) => {
      const len = lengthRef.current;
      if (len <= 0) return;
      const c = Math.max(0, Math.min(len - 1, Math.round(p)));
      setPos(c);
      want.current = c;
      pump();
    },
    [pump],
  );

  useEffect(
    () => () => {
      want.current = null;
    },
    [],
  );

  /** Re-read the timeline and every step (after boot, load, unload, shell). */
  const refresh = useCallback(async (): Promise<TimelineState | null> => {
    const t = await host.call('kernel.timeline', {});
    if (!t.ok) {
      errRef.current(t.error);
      return null;
    }
    const steps: StepInfo[] = [];
    for (let offset = 0; offset < t.value.steps; offset += STEP_PAGE) {
      const page = await host.call('kernel.steps', { offset, limit: STEP_PAGE });
      if (!page.ok) {
        errRef.current(page.error);
        return null;
      }
      steps.push(...page.value.rows);
      if (page.value.rows.length === 0) break;
    }
    const next = { length: t.value.length, ops: t.value.ops, steps };
    lengthRef.current = next.length;
    setTimeline(next);
    if (next.length === 0) setView(null);
    return next;
  }, [host]);

  /** After a boot: nothing on the timeline yet. */
  const reset = useCallback(() => {
    lengthRef.current = 0;
    want.current = null;
    setTimeline(EMPTY);
    setView(null);
    setPos(0);
  }, []);

  return { timeline, pos, view, seek, refresh, reset };
}
