/** Every step of every operation, grouped by operation and phase; virtualised (a session may hold many). */
import { memo, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { OperationInfo, StepInfo } from '../../../../engine/api-types';
import { PHASE_LABEL, errnoText, opResultText, positionText } from './loadFormat';

type Row = { kind: 'op'; op: OperationInfo } | { kind: 'phase'; step: StepInfo } | { kind: 'step'; step: StepInfo; index: number };

const ROW_H = 24;

export const StepsList = memo(function StepsList({
  steps,
  ops,
  current,
  onPick,
}: {
  steps: StepInfo[];
  ops: OperationInfo[];
  current: number;
  onPick: (step: StepInfo) => void;
}) {
  const rows = useMemo(() => {
    const out: Row[] = [];
    let prev: StepInfo | null = null;
    steps.forEach((s, index) => {
      if (!prev || prev.op !== s.op) {
        const op = ops[s.op];
        if (op) out.push({ kind: 'op', op });
      }
      if (!prev || prev.op !== s.op || prev.phase !== s.phase) out.push({ kind: 'phase', step: s });
      out.push({ kind: 'step', step: s, index });
      prev = s;
    });
    return out;
  }, [steps, ops]);
  const rowOfStep = useMemo(() => {
    const m = new Map<number, number>();
    rows.forEach((r, i) => r.kind === 'step' && m.set(r.index, i));
    return m;
  }, [rows]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 });
  useEffect(() => {
    const r = rowOfStep.get(current);
    if (r !== undefined) virt.scrollToIndex(r, { align: 'auto' });
    // (the virtualiser instance is stable: not a dependency)
  }, [current, rowOfStep]);

  return (
    <div className="steps-list" data-testid="steps-list" role="list" aria-label="Load steps">
      <div ref={scrollRef} className="virtual-scroll">
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((it) => {
            const row = rows[it.index];
            const style = { transform: `translateY(${it.start}px)`, height: ROW_H };
            if (row.kind === 'op')
              return (
                <div
                  key={`op${row.op.index}`}
                  className={`step-row op-head${opResultText(row.op).failed ? ' failed' : ''}`}
                  style={style}
                  title={`${row.op.command}\n${opResultText(row.op).title}`}
                >
                  <span className="mono"># {row.op.command}</span>
                  <span className={opResultText(row.op).failed ? 'err-text' : 'muted'}>{opResultText(row.op).text}</span>
                </div>
              );
            if (row.kind === 'phase')
              return (
                <div key={`ph${row.step.pos}-${row.step.op}`} className={`step-row phase-head`} style={style}>
                  <span className={`phase-dot ph-${row.step.phase}`} /> {PHASE_LABEL[row.step.phase]}
                </div>
              );
            const s = row.step;
            return (
              <div
                key={`s${row.index}`}
                role="listitem"
                className={`step-row step${row.index === current ? ' current' : ''}${s.errno ? ' failed' : ''}`}
                style={style}
                onClick={() => onPick(s)}
                title={`${s.fn} — ${s.title} (${positionText(s.pos)}${s.span !== 1 ? `, ${s.span} items` : ''})`}
                data-testid="step-row"
                data-fn={s.fn}
                aria-current={row.index === current ? 'step' : undefined}
              >
                <span className="mono fn">{s.fn}</span>
                <span className="title">{s.title}</span>
                {s.span !== 1 && <span className="badge">{s.span.toLocaleString('en-US')}</span>}
                {s.errno !== undefined && <span className="err-text small">{errnoText(s.errno)}</span>}
              </div>
            );
          })}
        </div>
        {steps.length === 0 && <div className="empty small">No steps yet: boot, then insmod.</div>}
      </div>
    </div>
  );
});
