/**
 * The timeline control: a position slider (every relocation and symbol is one position, so
 * amdgpu's 320k relocations are 320k slider stops), the phases as a strip above it, step/item
 * buttons and a typed position.
 */
import { useMemo, useState } from 'react';
import type { Phase, StepInfo } from '../../../../engine/api-types';
import { PHASE_LABEL } from './loadFormat';

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
  const max = Math.max(0, length - 1);
  const disabled = length === 0;
  const step = steps[stepIndex];

  return (
    <div className="scrubber" data-testid="scrubber">
      <div className="scrub-buttons">
        <button className="btn" onClick={() => onSeek(0)} disabled={disabled} title="First position (Home)" aria-label="First position">
          |◀
        </button>
        <button className="btn" onClick={() => onStep(-1)} disabled={disabled} title="Previous step (↑ / PageUp)" aria-label="Previous step" data-testid="prev-step">
          ◀◀
        </button>
        <button className="btn" onClick={() => onSeek(pos - 1)} disabled={disabled} title="Previous item (←)" aria-label="Previous item" data-testid="prev-item">
          ◀
        </button>
        <button className="btn" onClick={() => onSeek(pos + 1)} disabled={disabled} title="Next item (→)" aria-label="Next item" data-testid="next-item">
          ▶
        </button>
        <button className="btn" onClick={() => onStep(1)} disabled={disabled} title="Next step (↓ / PageDown)" aria-label="Next step" data-testid="next-step">
          ▶▶
        </button>
        <button className="btn" onClick={() => onSeek(max)} disabled={disabled} title="Last position (End)" aria-label="Last position">
          ▶|
        </button>
      </div>
      <div className="scrub-track">
        <div className="phase-strip" aria-hidden>
          {segs.map((g) => (
            <div
              key={`${g.op}-${g.start}`}
              className={`phase-seg ph-${g.phase}${step && step.op === g.op && step.phase === g.phase ? ' current' : ''}`}
              style={{ left: `${(g.start / Math.max(1, length)) * 100}%`, width: `${((g.end - g.start) / Math.max(1, length)) * 100}%` }}
              title={`${PHASE_LABEL[g.phase]}: positions ${g.start}–${g.end - 1}`}
              onClick={() => onSeek(g.start)}
            >
              <span>{PHASE_LABEL[g.phase]}</span>
            </div>
          ))}
        </div>
        <input
          type="range"
          className="scrub-range"
          min={0}
          max={max}
          step={1}
          value={Math.min(pos, max)}
          disabled={disabled}
          onChange={(e) => onSeek(Number(e.target.value))}
          aria-label="Timeline position"
          aria-valuetext={step ? `position ${pos} of ${length}: ${step.fn}` : undefined}
          data-testid="timeline-slider"
          // The view's own keys (items/steps) win over the slider's default arrow behaviour.
          onKeyDown={(e) => {
            if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'].includes(e.key)) e.preventDefault();
          }}
        />
      </div>
      <form
        className="scrub-pos"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed !== null && /^\d+$/.test(typed.trim())) onSeek(Number(typed.trim()));
          setTyped(null);
        }}
      >
        <input
          className="mono"
          aria-label="Go to position"
          data-testid="position-input"
          value={typed ?? String(pos)}
          onFocus={(e) => {
            setTyped(String(pos));
            e.target.select();
          }}
          onBlur={() => setTyped(null)}
          onChange={(e) => setTyped(e.target.value)}
          disabled={disabled}
        />
        <span className="muted" data-testid="position-total">
          / {length.toLocaleString('en-US')}
        </span>
      </form>
    </div>
  );
}
