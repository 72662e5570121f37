/**
 * The timeline control: a position slider (every relocation and symbol is one position, so
 * amdgpu's 320k relocations are 320k slider stops), the phases as a strip above it, step/item
 * buttons and a typed position.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Phase, StepInfo } from '../../../../engine/api-types';
import { PHASE_LABEL, countText, positionText } from './loadFormat';

interface Segment {
  phase: Phase;
  op: number;
  start: number;
  end: number; // exclusive
}

function segments(steps: StepInfo[], length: number): Segment[] {
  const out: Segment[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    const end = s.pos + Math.max(1, s.span);
    if (last && last.phase === s.phase && last.op === s.op) last.end = end;
    else out.push({ phase: s.phase, op: s.op, start: s.pos, end });
  }
  for (const g of out) g.end = Math.min(g.end, length);
  return out;
}

/**
 * The phase bands above the slider. Memoised: a seek inside one band changes none of its props, and
 * amdgpu's load has hundreds of bands (each with a title), which cost a render on every seek otherwise.
 */
const PhaseStrip = memo(function PhaseStrip({
  shown,
  lo,
  hi,
  current,
  onSeek,
  onZoom,
}: {
  shown: Segment[];
  lo: number;
  hi: number;
  current: Segment | undefined;
  onSeek: (pos: number) => void;
  onZoom: (g: Segment) => void;
}) {
  const pct = (x: number) => ((Math.min(hi, Math.max(lo, x)) - lo) / Math.max(1, hi - lo)) * 100;
  return (
    <div className="phase-strip" aria-hidden>
      {shown.map((g) => {
        const w = pct(g.end) - pct(g.start);
        return (
          <div
            key={`${g.op}-${g.start}`}
            className={`phase-seg ph-${g.phase}${g === current ? ' current' : ''}`}
            style={{ left: `${pct(g.start)}%`, width: `${w}%` }}
            title={`${PHASE_LABEL[g.phase]}: positions ${countText(g.start + 1)}–${countText(g.end)} (click: go there · double-click: zoom in)`}
            onClick={() => onSeek(g.start)}
            onDoubleClick={() => onZoom(g)}
          >
            {/* A label only where it fits whole (about 7 px a character): the legend below names every band. */}
            {w * 8 > PHASE_LABEL[g.phase].length * 7 + 8 && <span>{PHASE_LABEL[g.phase]}</span>}
          </div>
        );
      })}
    </div>
  );
});

export function Scrubber({
  steps,
  length,
  pos,
  stepIndex,
  onSeek,
  onStep,
}: {
  steps: StepInfo[];
  length: number;
  pos: number;
  stepIndex: number;
  onSeek: (pos: number) => void;
  onStep: (delta: number) => void;
}) {
  const segs = useMemo(() => segments(steps, length), [steps, length]);
  const [typed, setTyped] = useState<string | null>(null);
  // The cursor is drawn with the engine's answer (useKernelTimeline): until it comes, the slider shows where it is
  // dragged (or it would snap back to pos between input events) and the position input what was typed.
  const [dragged, setDragged] = useState<number | null>(null);
  const dragging = useRef(false);
  const submitted = useRef(false);
  useLayoutEffect(() => {
    if (!dragging.current) setDragged(null);
    if (submitted.current) {
      submitted.current = false;
      setTyped(null);
    }
  }, [pos]);
  // Zoomed into one phase band: the strip and the slider span only its positions.
  const [zoom, setZoom] = useState<Segment | null>(null);
  const max = Math.max(0, length - 1);
  const disabled = length === 0;
  const step = steps[stepIndex];
  const z = zoom && zoom.end <= length ? zoom : null;
  const lo = z ? z.start : 0;
  const hi = z ? z.end : Math.max(1, length);
  const shown = useMemo(() => segs.filter((g) => g.end > lo && g.start < hi), [segs, lo, hi]);
  const current = segs.find((g) => step && g.op === step.op && g.phase === step.phase && pos >= g.start && pos < Math.max(g.end, g.start + 1));
  // The legend: the phases of the operation at the cursor, in order, each with its full name.
  // One entry per phase (a phase met again later, like formation, is one entry that goes to its first band).
  // Memoised on the operation: a seek re-renders the scrubber, and amdgpu's load has hundreds of bands.
  const op = step?.op;
  const legend = useMemo(() => {
    const out: Segment[] = [];
    if (op !== undefined) for (const g of segs) if (g.op === op && !out.some((x) => x.phase === g.phase)) out.push(g);
    return out;
  }, [segs, op]);
  const inPhase = (g: Segment) => !!current && current.phase === g.phase;

  return (
    <div className="scrubber" data-testid="scrubber">
      <div className="scrub-buttons">
        <button className="btn" onClick={() => onSeek(0)} disabled={disabled} title="First position (Home)" aria-label="First position">
          |◀
        </button>
        <button
          className="btn"
          onClick={() => onStep(-1)}
          disabled={disabled}
          title="Previous step (↑ / PageUp)"
          aria-label="Previous step"
          data-testid="prev-step"
        >
          ◀◀
        </button>
        <button
          className="btn"
          onClick={() => onSeek(pos - 1)}
          disabled={disabled}
          title="Previous item (←)"
          aria-label="Previous item"
          data-testid="prev-item"
        >
          ◀
        </button>
        <button
          className="btn"
          onClick={() => onSeek(pos + 1)}
          disabled={disabled}
          title="Next item (→)"
          aria-label="Next item"
          data-testid="next-item"
        >
          ▶
        </button>
        <button
          className="btn"
          onClick={() => onStep(1)}
          disabled={disabled}
          title="Next step (↓ / PageDown)"
          aria-label="Next step"
          data-testid="next-step"
        >
          ▶▶
        </button>
        <button className="btn" onClick={() => onSeek(max)} disabled={disabled} title="Last position (End)" aria-label="Last position">
          ▶|
        </button>
      </div>
      <div className="scrub-track">
        <PhaseStrip shown={shown} lo={lo} hi={hi} current={current} onSeek={onSeek} onZoom={setZoom} />
        <input
          type="range"
          className="scrub-range"
          min={lo}
          max={z ? z.end - 1 : max}
          step={1}
          value={Math.min(Math.max(dragged ?? pos, lo), z ? z.end - 1 : max)}
          disabled={disabled}
          onChange={(e) => {
            const v = Number(e.target.value);
            setDragged(v);
            onSeek(v);
          }}
          onPointerDown={() => (dragging.current = true)}
          onPointerUp={(e) => {
            dragging.current = false;
            if (Number(e.currentTarget.value) === pos) setDragged(null);
          }}
          aria-label="Timeline position"
          aria-valuetext={step ? `${positionText(pos, length)}: ${step.fn}` : undefined}
          data-testid="timeline-slider"
          // The view's own keys (items/steps) win over the slider's default arrow behaviour.
          onKeyDown={(e) => {
            if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'].includes(e.key)) e.preventDefault();
          }}
        />
        {legend.length > 0 && (
          <div className="phase-legend small" data-testid="phase-legend">
            {z ? (
              <button className="btn small" onClick={() => setZoom(null)} data-testid="phase-zoom-out" title="Show the whole timeline again">
                ⤡ whole timeline
              </button>
            ) : (
              current && (
                <button
                  className="btn small"
                  onClick={() => setZoom(current)}
                  data-testid="phase-zoom"
                  title="Zoom the slider into the phase at the cursor"
                >
                  ⤢ zoom into {PHASE_LABEL[current.phase]}
                </button>
              )
            )}
            {legend.map((g) => (
              <button
                key={g.start}
                className={`legend-phase${inPhase(g) ? ' current' : ''}`}
                onClick={() => onSeek(g.start)}
                onDoubleClick={() => setZoom(g)}
                title={`go to ${PHASE_LABEL[g.phase]} (double-click: zoom in)`}
              >
                <span className={`swatch ph-${g.phase}`} />
                {PHASE_LABEL[g.phase]}
              </button>
            ))}
          </div>
        )}
      </div>
      <form
        className="scrub-pos"
        onSubmit={(e) => {
          e.preventDefault();
          const p = typed !== null && /^\d+$/.test(typed.trim()) ? Math.max(0, Number(typed.trim()) - 1) : null;
          // The typed number stays until the cursor moves there (one frame, with the answer), not the old position meanwhile.
          if (p !== null && p !== pos && p < length) {
            submitted.current = true;
            onSeek(p);
          } else {
            if (p !== null) onSeek(p);
            setTyped(null);
          }
        }}
      >
        <span className="muted">position</span>
        <input
          className="mono"
          aria-label="Go to position"
          data-testid="position-input"
          value={typed ?? String(disabled ? 0 : pos + 1)}
          onFocus={(e) => {
            setTyped(String(pos + 1));
            e.target.select();
          }}
          onBlur={() => setTyped(null)}
          onChange={(e) => setTyped(e.target.value)}
          disabled={disabled}
        />
        <span className="muted" data-testid="position-total">
          / {countText(length)}
        </span>
      </form>
    </div>
  );
}
