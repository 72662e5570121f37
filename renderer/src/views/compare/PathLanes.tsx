/**
 * One kernel's load path drawn from its PathLayout (laneLayout.ts): the stage strip (each run of a
 * stage a labelled segment, the current one filled), three lanes, the path as numbered stops in
 * step order, syscalls as thick named arrows over the user/kernel boundary, returns dashed.
 * Plain SVG with text as text, so every export keeps it vector.
 */
import { memo } from 'react';
import {
  FONT,
  LABEL_W,
  MAX_RADIUS,
  PILL_H,
  numberEvery,
  numbered,
  STRIP_BAR,
  STRIP_ROW,
  TITLE_H,
  stageLabelWidth,
  syscallLabelWidth,
  textWidth,
  type PathLayout,
  type PathNode,
} from './laneLayout';
import { SIDE_LABEL, STAGE_LABEL, type Version } from './stages';

export const KERNEL_TITLE: Record<Version, string> = {
  '2.4': 'Linux 2.4 — insmod links in user space',
  '6.1': 'Linux 6.1 — the kernel links (load_module)',
};

const LANE_NAME = { user: 'user space', syscall: 'syscall', kernel: 'kernel space' } as const;

function fnText(fn: string): string {
  return /^[A-Za-z_]\w*$/.test(fn) ? `${fn}()` : fn;
}

function edge(a: PathNode, b: PathNode, r: number): string {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.hypot(dx, dy) || 1;
  const ux = dx / d;
  const uy = dy / d;
  return `M${(a.x + ux * r).toFixed(1)},${(a.y + uy * r).toFixed(1)}L${(b.x - ux * (r + 2)).toFixed(1)},${(b.y - uy * (r + 2)).toFixed(1)}`;
}

/** An arrowhead at b's rim, pointing from a to b. */
function head(a: PathNode, b: PathNode, r: number, size: number): string {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.hypot(dx, dy) || 1;
  const ux = dx / d;
  const uy = dy / d;
  const tx = b.x - ux * (r + 1);
  const ty = b.y - uy * (r + 1);
  const bx = tx - ux * size;
  const by = ty - uy * size;
  const f = (n: number) => n.toFixed(1);
  return `M${f(tx)},${f(ty)}L${f(bx - uy * size * 0.5)},${f(by + ux * size * 0.5)}L${f(bx + uy * size * 0.5)},${f(by - ux * size * 0.5)}Z`;
}

export const PathLanes = memo(function PathLanes({
  layout,
  lit,
  onPick,
  title,
}: {
  layout: PathLayout;
  /** The heading (default: the kernel's, e.g. "Linux 2.4 — insmod links in user space"). */
  title?: string;
  /** Index of the current step. */
  lit: number;
  onPick: (v: Version, index: number) => void;
}) {
  const { version: v, width, height, nodes, segments, bands, arrows, radius: r } = layout;
  const heading = title ?? KERNEL_TITLE[v];
  const cur = nodes[lit];
  const every = numberEvery(layout.slot, nodes.length);
  const litSeg = segments.find((g) => lit >= g.first && lit <= g.last);
  const callIdx = new Set(arrows.map((a) => a.index));
  const where = cur ? `step ${lit + 1} / ${nodes.length} · ${fnText(cur.step.fn)}` : '';
  const whereW = textWidth(where, FONT.lane);
  const barY = TITLE_H + 2 * STRIP_ROW + 2;
  // The lit stage's pill: its row and span; names it would cover in that row are left out, not half-hidden.
  const litLabel = litSeg ? STAGE_LABEL[litSeg.stage] : '';
  const litW = litSeg ? stageLabelWidth(litLabel, FONT.stage + 1) + 18 : 0;
  const litX = litSeg ? Math.max(LABEL_W + litW / 2, Math.min(width - litW / 2 - 2, (litSeg.x0 + litSeg.x1) / 2)) : 0;
  const litRow = litSeg?.label ? litSeg.row : 0;
  const litMid = litSeg ? (litSeg.x0 + litSeg.x1) / 2 : 0;
  const covered = (g: { row: number; label: string; labelX: number }) =>
    !!litSeg &&
    ((g.row === litRow && Math.abs(g.labelX - litX) < (stageLabelWidth(g.label) + litW) / 2 + 4) ||
      // the pill's leader runs down through the bottom row
      (litRow === 0 && g.row === 1 && Math.abs(g.labelX - litMid) < stageLabelWidth(g.label) / 2 + 3));
  return (
    <svg
      className="cmp-svg"
      data-testid={`compare-svg-${v}`}
      data-export={`compare-lanes-${v}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Load path of Linux ${v}: ${nodes.length} steps through user space, the syscall boundary and kernel space`}
    >
      <defs>
        <marker
          id={`cmp-call-${v}`}
          viewBox="0 0 10 10"
          refX="8"
          refY="5"
          markerUnits="userSpaceOnUse"
          markerWidth="16"
          markerHeight="16"
          orient="auto"
        >
          <path className="cmp-marker call" d="M0,0L10,5L0,10z" />
        </marker>
        <marker
          id={`cmp-ret-${v}`}
          viewBox="0 0 10 10"
          refX="8"
          refY="5"
          markerUnits="userSpaceOnUse"
          markerWidth="12"
          markerHeight="12"
          orient="auto"
        >
          <path className="cmp-marker return" d="M0,0L10,5L0,10z" />
        </marker>
      </defs>
      <text className="cmp-kernel-title" x={4} y={20} fontSize={FONT.title}>
        {heading}
      </text>
      {/* Bold faces run ~12% wider than the estimate: shown only when it clears the title. */}
      {cur && whereW * 1.05 < width - textWidth(heading, FONT.title) * 1.12 - 24 && (
        <text className="cmp-where" x={width - 8} y={20} fontSize={FONT.lane} textAnchor="end" data-testid={`compare-where-${v}`}>
          {where}
        </text>
      )}
      <g className="cmp-strip">
        <text className="cmp-lane-label" x={8} y={TITLE_H + STRIP_ROW + 6} fontSize={FONT.lane}>
          stage
        </text>
        {segments.map((g, k) => {
          const on = g === litSeg;
          const ty = TITLE_H + g.row * STRIP_ROW + STRIP_ROW - 6;
          const mid = (g.x0 + g.x1) / 2;
          return (
            <g
              key={k}
              className={`cmp-seg${on ? ' lit' : ''}${k % 2 ? ' alt' : ''}`}
              data-testid="compare-stage"
              data-stage={g.stage}
              data-first={g.first}
              data-last={g.last}
            >
              <title>{`${STAGE_LABEL[g.stage]}: step${g.first === g.last ? ` ${g.first + 1}` : `s ${g.first + 1}–${g.last + 1}`}`}</title>
              <rect x={g.x0 + 1} y={barY} width={Math.max(1, g.x1 - g.x0 - 2)} height={STRIP_BAR} rx={3} />
              {g.label && !on && !covered(g) && (
                <>
                  {/* A leader from the name to its segment when the name is wider than the segment. */}
                  <line className="cmp-seg-leader" x1={mid} x2={mid} y1={ty + 5} y2={barY} />
                  <text x={g.labelX} y={ty} fontSize={FONT.stage} textAnchor="middle">
                    {g.label}
                  </text>
                </>
              )}
            </g>
          );
        })}
        {litSeg && (
          // The current stage's name in full on an accent pill, over its neighbours' names if it must.
          <g className="cmp-seg-lit-label">
            {(() => {
              const [label, w, cx] = [litLabel, litW, litX];
              const y = TITLE_H + litRow * STRIP_ROW;
              const mid = (litSeg.x0 + litSeg.x1) / 2;
              return (
                <>
                  <line x1={mid} x2={mid} y1={y + STRIP_ROW - 2} y2={barY} />
                  <rect x={cx - w / 2} y={y} width={w} height={STRIP_ROW} rx={5} />
                  <text x={cx} y={y + STRIP_ROW - 5} fontSize={FONT.stage + 1} textAnchor="middle" data-testid={`compare-lit-stage-${v}`}>
                    {label}
                  </text>
                </>
              );
            })()}
          </g>
        )}
      </g>
      {litSeg && (
        <rect
          className="cmp-lit-col"
          x={litSeg.x0 + 1}
          y={bands[0].y}
          width={Math.max(1, litSeg.x1 - litSeg.x0 - 2)}
          height={bands.length * bands[0].h}
        />
      )}
      <g className="cmp-lanes">
        {bands.map((b) => (
          <g key={b.side} className={`cmp-band side-${b.side}`} data-testid={`lane-${v}-${b.side}`}>
            <title>{SIDE_LABEL[b.side]}</title>
            <rect x={0} y={b.y} width={width} height={b.h} />
            <text className="cmp-lane-label" x={8} y={b.y + b.h / 2 + 6} fontSize={FONT.lane}>
              {LANE_NAME[b.side]}
            </text>
          </g>
        ))}
        <line className="cmp-boundary" x1={LABEL_W - 6} x2={width} y1={layout.boundaryY} y2={layout.boundaryY} />
      </g>
      <g className="cmp-path">
        {nodes.slice(1).map((n) => {
          const a = nodes[n.index - 1];
          if (callIdx.has(n.index)) return null;
          return <path key={n.key} className={`cmp-link${n.index === lit || a.index === lit ? ' near' : ''}`} d={edge(a, n, r)} />;
        })}
      </g>
      <g className="cmp-syscalls">
        {arrows.map((a) => {
          const from = { x: a.x0, y: a.y0 } as PathNode;
          const to = { x: a.x1, y: a.y1 } as PathNode;
          const label = `${a.syscall}()`;
          return (
            <g
              key={`${a.dir}${a.index}`}
              className={`cmp-syscall ${a.dir}${a.index === lit ? ' lit' : ''}`}
              data-testid={a.dir === 'call' ? 'syscall-arrow' : 'syscall-return'}
              data-version={v}
              data-syscall={a.syscall}
            >
              <title>{a.dir === 'call' ? `${label}: user space enters the kernel` : `${label} returns to user space`}</title>
              <path d={edge(from, to, r)} />
              {/* The head as a path of its own (PDF converters scale SVG markers unreliably). */}
              <path className="cmp-head" d={head(from, to, r, a.dir === 'call' ? 13 : 10)} />
            </g>
          );
        })}
        {/* The names over every arrow (a return drawn later must not cross a call's name). */}
        {arrows
          .filter((a) => a.dir === 'call')
          .map((a) => {
            const w = syscallLabelWidth(a.syscall);
            const cx = a.labelX;
            return (
              <g
                key={`label${a.index}`}
                className={`cmp-syscall call${a.index === lit ? ' lit' : ''}`}
                data-version={v}
                data-syscall-label={a.syscall}
              >
                <g className="cmp-syscall-label">
                  <rect x={cx - w / 2} y={a.labelY - PILL_H / 2} width={w} height={PILL_H} rx={PILL_H / 2} />
                  <text x={cx} y={a.labelY + FONT.syscall * 0.35} fontSize={FONT.syscall} textAnchor="middle">
                    {`${a.syscall}()`}
                  </text>
                </g>
              </g>
            );
          })}
      </g>
      <g className="cmp-nodes">
        {nodes.map((n) => {
          const on = n.index === lit;
          // A numbered step is a circle its number fits in; the steps between numbered ones are dots.
          const shown = numbered(n.index, every, lit, layout.slot, nodes.length);
          const rr = every === 1 ? r : shown ? MAX_RADIUS : Math.min(r, 6);
          return (
            <g
              key={n.key}
              className={`cmp-node side-${n.side}${n.step.errno ? ' failed' : ''}${on ? ' lit' : ''}`}
              data-testid="compare-node"
              data-version={v}
              data-index={n.index}
              data-fn={n.step.fn}
              data-stage={n.stage}
              data-lit={on ? 'yes' : undefined}
              transform={`translate(${n.x.toFixed(1)},${n.y})`}
              onClick={() => onPick(v, n.index)}
            >
              <title>{`${n.index + 1}. ${n.step.fn}\n${n.step.title}\n(${STAGE_LABEL[n.stage]}, ${SIDE_LABEL[n.side]})`}</title>
              <circle r={on ? rr + 4 : rr} />
              {shown && (
                <text y={FONT.number * 0.36} fontSize={on ? FONT.number + 2 : FONT.number} textAnchor="middle">
                  {n.index + 1}
                </text>
              )}
            </g>
          );
        })}
      </g>
    </svg>
  );
});
