/**
 * The kernel timeline as the Load view sees it: the step list (fetched in kernel.steps pages), the
 * position the user asked for, and the SeekView of the latest position the engine answered.
 *
 * Seeking is coalesced (seekPump.ts): a kernel.seek is sent at once when none is in flight; while one is, only the
 * newest position asked for is kept and sent as soon as the answer arrives (latest wins; a
 * superseded answer is not rendered). `pos` moves with the answer for it, in the same render (one frame a seek),
 * or alone when the answer is late; `target()` is the newest position asked for. A new SeekView keeps the previous one's module list, taints,
 * log, allocations and layout (the same arrays) when they did not change, so the memoised panes
 * that show only those skip the render: moving within a block changes the item and little else.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { SeekPump } from './seekPump';
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
  const lengthRef = useRef(0);
  lengthRef.current = timeline.length;
  const errRef = useRef(onError);
  errRef.current = onError;
  const hostRef = useRef(host);
  hostRef.current = host;

  // The position and its answer are committed together (seekPump.ts): one render, one frame a seek.
  const [pump] = useState(
    () =>
      new SeekPump({
        call: (p) => hostRef.current.call('kernel.seek', { pos: p }),
        // Rendered at once, in the task that brought the answer (flushSync): left to React's scheduler, the render waited
        // for a task of its own, behind whatever else the main thread had queued (a frame, input) — on a busy core one
        // more wait before the frame that shows the answer (issue #15: seek p99). The pump calls this only from a
        // promise or a timer, never while React renders.
        commit: (c) =>
          flushSync(() => {
            setPos(c.pos);
            if (c.view) {
              const v = c.view;
              setView((prev) => keepUnchanged(prev, v));
            }
          }),
        onError: (e) => errRef.current(e),
      }),
  );

  /** Move the cursor to pos (clamped); it is drawn with the engine's answer for it. */
  const seek = useCallback(
    (p: number) => {
      const len = lengthRef.current;
      if (len <= 0) return;
      pump.seek(Math.max(0, Math.min(len - 1, Math.round(p))));
    },
    [pump],
  );

  /** The position most recently asked for (a seek may still be on its way): where relative moves count from. */
  const posRef = useRef(0);
  posRef.current = pos;
  const target = useCallback(() => pump.target ?? posRef.current, [pump]);

  useEffect(() => () => pump.reset(), [pump]);

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
    pump.reset();
    setTimeline(EMPTY);
    setView(null);
    setPos(0);
  }, [pump]);

  return { timeline, pos, view, seek, target, refresh, reset };
}
