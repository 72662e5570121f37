/**
 * The kernel timeline as the Load view sees it: the step list (fetched in kernel.steps pages), the
 * position the user asked for, and the SeekView of the latest position the engine answered.
 *
 * Seeking is coalesced: however fast a slider is dragged or a clicker pressed, at most one
 * kernel.seek is in flight and one is queued (the newest position), issued on the next frame.
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

export function useKernelTimeline(host: Host, onError: (e: EngineError) => void) {
  const [timeline, setTimeline] = useState<TimelineState>(EMPTY);
  const [pos, setPos] = useState(0);
  const [view, setView] = useState<SeekView | null>(null);
  const want = useRef<number | null>(null);
  const inflight = useRef(false);
  const frame = useRef<number | null>(null);
  const lengthRef = useRef(0);
  lengthRef.current = timeline.length;
  const errRef = useRef(onError);
  errRef.current = onError;

  const pump = useCallback(() => {
    frame.current = null;
    if (inflight.current || want.current === null) return;
    const p = want.current;
    want.current = null;
    inflight.current = true;
    void host.call('kernel.seek', { pos: p }).then((r) => {
      inflight.current = false;
      if (r.ok) {
        // A newer request supersedes this answer: skip the render, seek again.
        if (want.current === null) setView(r.value);
      } else errRef.current(r.error);
      if (want.current !== null && frame.current === null) frame.current = requestAnimationFrame(pump);
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
      if (frame.current === null) frame.current = requestAnimationFrame(pump);
    },
    [pump],
  );

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
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
