/** The current step explained, as a lecturer would read it out: what, where in the kernel, with which values. */
import { useState } from 'react';
import type { Effect, LogRow, SeekView, StepInfo } from '../../../../engine/api-types';
import { PHASE_LABEL, countText, effectText, errnoText } from './loadFormat';

const EFFECTS_SHOWN = 12;

export function StepCaption({ step, pos, view }: { step: StepInfo | undefined; pos: number; view: SeekView | null }) {
  // Inside a block the item panel is what matters: the block's summary shrinks to two lines.
  const [expanded, setExpanded] = useState(false);
  if (!step) return <div className="caption card empty small">Boot the kernel, then insmod the open module to see how Linux 6.1 loads it.</div>;
  const fresh = view && view.step.pos === step.pos && view.step.op === step.op ? view : null;
  const logs: LogRow[] = fresh ? fresh.log.filter((l) => step.log.includes(l.seq)) : [];
  const item = step.span > 1 || step.block ? pos - step.pos + 1 : null;
  const places = step.effects.filter((e) => e.kind === 'place' || e.kind === 'address');
  const others = step.effects.filter((e) => e.kind !== 'place' && e.kind !== 'address');
  return (
    <div className={`caption card${step.errno ? ' failed' : ''}`} data-testid="step-caption">
      <div className="caption-head">
        <span className={`phase-chip ph-${step.phase}`}>{PHASE_LABEL[step.phase]}</span>
        <h2 data-testid="step-title">{step.title}</h2>
        {item !== null && (
          <span className="muted" data-testid="step-item">
            item {countText(item)} of {countText(step.span)}
          </span>
        )}
      </div>
      <div className="caption-where">
        <code className="fn" data-testid="step-fn">
          {/^[A-Za-z_]\w*$/.test(step.fn) ? `${step.fn}()` : step.fn}
        </code>
        <span className="muted"> in </span>
        <code className="muted">{step.file}</code>
        {step.errno !== undefined && (
          <span className="errno" data-testid="step-errno">
            returns {errnoText(step.errno)}
          </span>
        )}
      </div>
      <p
        className={`caption-text${item !== null && !expanded ? ' clamped' : ''}`}
        data-testid="step-text"
        title={item !== null && !expanded ? 'Click to read all' : undefined}
        onClick={() => item !== null && setExpanded(!expanded)}
      >
        {step.text}
      </p>
      {others.length > 0 && (
        <ul className="effects" data-testid="step-effects">
          {others.slice(0, EFFECTS_SHOWN).map((e, i) => (
            <li key={i} className={`effect fx-${e.kind}`}>
              <span className="fx-kind">{e.kind}</span> {effectText(e)}
            </li>
          ))}
          {others.length > EFFECTS_SHOWN && <li className="muted">… and {others.length - EFFECTS_SHOWN} more</li>}
        </ul>
      )}
      {places.length > 0 && <PlaceTable effects={places} />}
      {logs.length > 0 && (
        <div className="step-log" data-testid="step-log">
          {logs.map((l) => (
            <div key={l.seq} className={`log-line lvl-${l.level}`}>
              <span className="muted">{l.time}</span> {l.text}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** layout_sections and move_module place dozens of sections: a compact table reads better than sentences. */
function PlaceTable({ effects }: { effects: Effect[] }) {
  const placed = effects.filter((e): e is Extract<Effect, { kind: 'place' }> => e.kind === 'place');
  const addressed = effects.filter((e): e is Extract<Effect, { kind: 'address' }> => e.kind === 'address');
  return (
    <details className="place-table" open={placed.length + addressed.length <= 8}>
      <summary className="muted">
        {placed.length ? `${placed.length} sections placed` : `${addressed.length} sections given their final address`}
      </summary>
      <table className="grid-table compact">
        <tbody>
          {placed.map((e) => (
            <tr key={`p${e.section}`}>
              <td>
                <code>{e.name}</code>
              </td>
              <td>
                <span className={`grp g-${e.group}`}>
                  {e.region} · {e.group}
                </span>
              </td>
              <td className="num mono">+0x{e.offset.toString(16)}</td>
              <td className="num">{e.size.toLocaleString('en-US')} B</td>
            </tr>
          ))}
          {addressed.map((e) => (
            <tr key={`a${e.section}`}>
              <td>
                <code>{e.name}</code>
              </td>
              <td className="mono" colSpan={3}>
                {e.address}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
