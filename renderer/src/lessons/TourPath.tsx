/**
 * A stop's load path: the Compare view's lanes (user space, syscall boundary, kernel space) for the
 * operation the stop is in, its step lit. The figure for stops whose step has no item of its own
 * (insmod comparing versions, matching symbols) and for shell stops: it shows who does the work
 * (C03) and insmod's path through the syscalls (C06) where the caption says it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { StepInfo } from '../../../engine/api-types';
import type { TourRun } from '../../../engine/tours/index';
import { layoutPath } from '../views/compare/laneLayout';
import { PathLanes } from '../views/compare/PathLanes';
import type { Version } from '../views/compare/stages';
import '../views/compare/compare.css';

export function TourPath({ run, stepIndex, version, onSeek }: { run: TourRun; stepIndex: number; version: Version; onSeek: (pos: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(900);
  const cur = run.steps[stepIndex];
  const steps: StepInfo[] = useMemo(() => (cur ? run.steps.filter((s) => s.op === cur.op) : []), [run.steps, cur]);
  const layout = useMemo(() => layoutPath(version, steps, w), [version, steps, w]);
  const lit = cur ? steps.indexOf(cur) : -1;
  const shown = lit >= 0;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const cw = Math.floor(el.clientWidth);
      if (cw > 200) setW((o) => (Math.abs(o - cw) > 2 ? cw : o));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [shown]);
  if (!shown) return null;
  // Another command than the insmod (rmmod): its own heading, not the load path's.
  const command = run.ops.find((o) => o.index === cur.op)?.command ?? '';
  const title = /^insmod\b/.test(command) || !command ? undefined : `Linux ${version} · ${command}`;
  return (
    <div className="card tour-path" data-testid="tour-path" data-export="tour-path">
      {/* The lanes are laid out for the width inside the card's padding (units = CSS px of the figure). */}
      <div ref={ref}>
        <PathLanes layout={layout} lit={lit} title={title} onPick={(_v, i) => onSeek(steps[i].pos)} />
      </div>
    </div>
  );
}
