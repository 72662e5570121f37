/**
 * The Load view's trace as a link (see link.ts): kept in the page's fragment and in localStorage
 * while the view is shown, and replayed on start (boot, the commands through the shell, seek).
 */
import { useEffect, useRef, useState } from 'react';
import type { KernelSummary, OperationInfo, StepInfo } from '../../../engine/api-types';
import { STORAGE_KEY, formatLink, type TraceLink } from './link';

export interface LinkActions {
  boot: (o: { paging: 4 | 5; kaslrSeed: number | null }) => Promise<void>;
  shell: (line: string) => Promise<void>;
  seek: (pos: number) => void;
}

/** "6.1.0-50-amd64" → "6.1". */
export function kernelSeries(release: string): string {
  return /^\d+\.\d+/.exec(release)?.[0] ?? release;
}

export function currentLink(kernel: KernelSummary, ops: OperationInfo[], pos: number): TraceLink {
  return {
    kernel: kernelSeries(kernel.release),
    paging: kernel.paging,
    kaslrSeed: kernel.kaslr ? kernel.seed : null,
    commands: ops.map((o) => o.command),
    pos,
    step: null,
    view: 'load',
  };
}

/** Replay `link` once (when given), then keep the fragment and localStorage in step with the view. */
export function useTraceLink({
  link,
  ready,
  active,
  busy,
  kernel,
  ops,
  steps,
  pos,
  actions,
}: {
  link: TraceLink | null;
  /** The module the link loads is open. */
  ready: boolean;
  active: boolean;
  busy: boolean;
  kernel: KernelSummary | null;
  ops: OperationInfo[];
  steps: StepInfo[];
  pos: number;
  actions: LinkActions;
}): { replaying: boolean } {
  const started = useRef(false);
  const [replaying, setReplaying] = useState(false);
  const [target, setTarget] = useState<{ pos: number | null; step: number | null } | null>(null);
  const act = useRef(actions);
  act.current = actions;

  useEffect(() => {
    if (!link || !ready || started.current) return;
    started.current = true;
    setReplaying(true);
    void (async () => {
      try {
        await act.current.boot({ paging: link.paging, kaslrSeed: link.kaslrSeed });
        for (const c of link.commands) await act.current.shell(c);
        setTarget({ pos: link.pos, step: link.step });
      } finally {
        setReplaying(false);
      }
    })();
  }, [link, ready]);

  // The position, once the replayed timeline's steps are in.
  useEffect(() => {
    if (!target || replaying || steps.length === 0) return;
    setTarget(null);
    if (target.pos !== null) act.current.seek(target.pos);
    else if (target.step !== null) act.current.seek(steps[Math.max(0, Math.min(steps.length, target.step) - 1)].pos);
  }, [target, replaying, steps]);

  useEffect(() => {
    if (replaying || busy || target || (link && !started.current)) return;
    // 250 ms after the last move, and then when the page is idle: history.replaceState and localStorage are
    // synchronous (about 1.5 ms on amdgpu's seeks), so they wait for a pause in a key repeat or a drag instead of
    // landing inside the next seek's render (issue #15: seek p99).
    let idle = 0;
    const t = window.setTimeout(() => (idle = requestIdleCallback(write, { timeout: 1000 })), 250);
    const write = () => {
      if (!active) {
        // Another tab (it writes its own fragment: App.tsx): the next start need not replay anything.
        const saved = localStorage.getItem(STORAGE_KEY);
        if (saved) localStorage.setItem(STORAGE_KEY, saved.replace(/&view=[^&]*/, '&view=other'));
        return;
      }
      if (!kernel || ops.length === 0) {
        if (location.hash !== '#view=load') history.replaceState(null, '', `${location.pathname}${location.search}#view=load`);
        return;
      }
      const frag = formatLink(currentLink(kernel, ops, pos));
      if (location.hash !== frag) history.replaceState(null, '', location.pathname + location.search + frag);
      localStorage.setItem(STORAGE_KEY, frag);
    };
    return () => {
      window.clearTimeout(t);
      cancelIdleCallback(idle);
    };
  }, [replaying, busy, target, active, kernel, ops, pos, link]);

  return { replaying };
}
