/**
 * The Load view's presenting strip: ▣ (presentation mode, F5), play/pause (Space) at a chosen speed,
 * where the show is (step n / N, the phase), and the export menu beside it. In presentation mode it
 * sits at the foot of the screen, large and quiet.
 */
import type { ReactNode } from 'react';
import type { StepInfo } from '../../../engine/api-types';
import { positionText, stepIndexAt } from '../views/load/loadFormat';
import { SPEEDS, type Presentation } from './usePresentation';
import './present.css';

export function PresentBar({
  p,
  steps,
  pos,
  length,
  children,
}: {
  p: Presentation;
  steps: StepInfo[];
  pos: number;
  length: number;
  children?: ReactNode;
}) {
  const i = stepIndexAt(steps, pos);
  const s = steps[i];
  const none = steps.length === 0;
  return (
    <div
      className={`present-bar${p.on ? ' on' : ''}`}
      data-testid="present-bar"
      data-pos={pos}
      data-step={i + 1}
      data-playing={p.playing ? 'yes' : 'no'}
    >
      {p.on && (
        <span className="present-where" data-testid="present-where">
          step {(i + 1).toLocaleString('en-US')} / {steps.length.toLocaleString('en-US')}
          <span className="muted"> · {positionText(pos, length)}</span>
          {s && <code className="present-fn"> {s.fn}</code>}
        </span>
      )}
      <span className="spacer" />
      <button
        type="button"
        className="btn ghost"
        onClick={() => p.setPlaying(!p.playing)}
        disabled={none}
        data-testid="play-button"
        title="Play / pause (Space)"
        aria-pressed={p.playing}
      >
        {p.playing ? '❚❚' : '▶'}
      </button>
      <label className="present-speed" title="Steps per second while playing">
        <select
          value={p.speed}
          onChange={(e) => p.setSpeed(Number(e.target.value))}
          data-testid="play-speed"
          aria-label="Play speed, steps per second"
        >
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {v} step/s
            </option>
          ))}
        </select>
      </label>
      {!p.on && children}
      <button
        type="button"
        className="btn ghost present-toggle"
        onClick={() => p.setOn(!p.on)}
        data-testid="present-toggle"
        aria-pressed={p.on}
        title={p.on ? 'Leave presentation mode (Esc)' : 'Presentation mode (F5)'}
      >
        {p.on ? '✕' : '▣'}
      </button>
    </div>
  );
}
