/**
 * The operation's path as a flow: one node per phase of load_module() (kernel/module/main.c) in the
 * order this operation reached them, listing the kernel functions that ran in it; the phase and the
 * function of the cursor's step lit, the ones already passed dimmed less than those to come.
 * elkjs lays the chain out (layered, wrapped into rows); D3 draws it and moves the highlight.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import { elkLayout } from '../../lib/elk';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { Phase, StepInfo } from '../../../../engine/api-types';
import { PHASE_LABEL } from './loadFormat';
import './cards.css';
import { countEffect } from '../effectRuns';

const LINE = 15;
const HEAD = 22;
const MAX_FNS = 7;
const CHAR_W = 6.9;

interface PhaseNode {
  phase: Phase;
  fns: string[];
  /** Index of the first step of this phase in the operation. */
  first: number;
  failed: boolean;
  width: number;
  height: number;
}

interface FlowLayout {
  key: string;
  nodes: (PhaseNode & { x: number; y: number })[];
  edges: { id: string; points: [number, number][]; to: Phase }[];
  width: number;
  height: number;
}

function phasesOf(steps: StepInfo[]): PhaseNode[] {
  const out: PhaseNode[] = [];
  const at = new Map<Phase, PhaseNode>();
  steps.forEach((s, i) => {
    let n = at.get(s.phase);
    if (!n) {
      n = { phase: s.phase, fns: [], first: i, failed: false, width: 0, height: 0 };
      at.set(s.phase, n);
      out.push(n);
    }
    if (!n.fns.includes(s.fn)) n.fns.push(s.fn);
    if (s.errno !== undefined) n.failed = true;
  });
  for (const n of out) {
    const shown = n.fns.slice(0, MAX_FNS);
    const longest = Math.max(PHASE_LABEL[n.phase].length, ...shown.map((f) => f.length + 2));
    n.width = Math.min(290, Math.max(110, Math.ceil(longest * CHAR_W) + 22));
    n.height = HEAD + LINE * (shown.length + (n.fns.length > MAX_FNS ? 1 : 0)) + 6;
  }
  return out;
}

async function layoutFlow(nodes: PhaseNode[], key: string, width: number): Promise<FlowLayout> {
  const graph: ElkNode = {
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.wrapping.strategy': 'MULTI_EDGE',
      // Rows about as wide as the pane.
      'elk.aspectRatio': String(Math.max(0.9, width / 620)),
      'elk.spacing.nodeNode': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': '26',
      'elk.layered.wrapping.additionalEdgeSpacing': '8',
      'elk.padding': '[top=6,left=6,bottom=6,right=6]',
    },
    children: nodes.map((n) => ({ id: n.phase, width: n.width, height: n.height })),
    edges: nodes.slice(1).map((n, i) => ({ id: `${nodes[i].phase}->${n.phase}`, sources: [nodes[i].phase], targets: [n.phase] })),
  };
  const out = await elkLayout(graph);
  const pos = new Map((out.children ?? []).map((c) => [c.id, c]));
  return {
    key,
    nodes: nodes.map((n) => ({ ...n, x: pos.get(n.phase)?.x ?? 0, y: pos.get(n.phase)?.y ?? 0 })),
    edges: (out.edges ?? []).map((e) => {
      const s = e.sections?.[0];
      const points: [number, number][] = s
        ? [[s.startPoint.x, s.startPoint.y], ...(s.bendPoints ?? []).map((b) => [b.x, b.y] as [number, number]), [s.endPoint.x, s.endPoint.y]]
        : [];
      return { id: e.id, points, to: e.targets[0] as Phase };
    }),
    width: out.width ?? 0,
    height: out.height ?? 0,
  };
}

export const LoadFlow = memo(function LoadFlow({
  steps,
  stepIndex,
  onPick,
}: {
  steps: StepInfo[];
  stepIndex: number;
  onPick: (s: StepInfo) => void;
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [layout, setLayout] = useState<FlowLayout | null>(null);
  const step = steps[stepIndex];
  const op = step?.op ?? -1;
  const opSteps = useMemo(() => steps.filter((s) => s.op === op), [steps, op]);
  const key = `${op}:${opSteps.length}:${opSteps[0]?.pos ?? -1}`;

  useEffect(() => {
    let live = true;
    const nodes = phasesOf(opSteps);
    if (!nodes.length) return;
    void layoutFlow(nodes, key, wrapRef.current?.clientWidth ?? 800).then((l) => {
      if (live) setLayout(l);
    });
    return () => {
      live = false;
    };
  }, [key]);

  const current = step?.phase ?? null;
  const currentFn = step?.fn ?? null;
  const firstOfCurrent = layout?.nodes.find((n) => n.phase === current)?.first ?? -1;

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || !layout || layout.key !== key) return;
    countEffect('load-flow');
    const root = d3.select(svg);
    const line = d3.line();
    const stateOf = (n: PhaseNode): string => (n.phase === current ? 'current' : n.first < firstOfCurrent ? 'done' : 'todo');
    root
      .select<SVGGElement>('g.edges')
      .selectAll<SVGGElement, FlowLayout['edges'][number]>('g.edge')
      .data(layout.edges, (d) => d.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'edge');
        g.append('path').attr('marker-end', 'url(#flow-arrow)');
        return g;
      })
      .attr('class', (d) => {
        const n = layout.nodes.find((x) => x.phase === d.to);
        return `edge${n && n.first <= firstOfCurrent ? ' done' : ''}`;
      })
      .select('path')
      .attr('d', (d) => line(d.points) ?? '');

    const nodes = root
      .select<SVGGElement>('g.nodes')
      .selectAll<SVGGElement, FlowLayout['nodes'][number]>('g.node')
      .data(layout.nodes, (d) => d.phase)
      .join((enter) => {
        const g = enter.append('g');
        g.append('rect').attr('rx', 6);
        g.append('text').attr('class', 'stage').attr('x', 8).attr('y', 14);
        return g;
      })
      .attr('transform', (d) => `translate(${d.x},${d.y})`)
      .attr('data-phase', (d) => d.phase)
      .on('click', (_e, d) => {
        const s = opSteps[d.first];
        if (s) onPick(s);
      });
    nodes.attr('class', (d) => `node ${stateOf(d)}${d.failed ? ' failed' : ''}`);
    nodes
      .select('rect')
      .attr('width', (d) => d.width)
      .attr('height', (d) => d.height);
    nodes.select('text.stage').text((d) => PHASE_LABEL[d.phase]);
    nodes
      .selectAll<SVGTextElement, { f: string; lit: boolean }>('text.fn')
      .data((d) => {
        const shown = d.fns.slice(0, MAX_FNS).map((f) => ({ f, lit: d.phase === current && f === currentFn }));
        return d.fns.length > MAX_FNS ? [...shown, { f: `+${d.fns.length - MAX_FNS} more`, lit: false }] : shown;
      })
      .join('text')
      .attr('x', 10)
      .attr('y', (_d, i) => HEAD + LINE * i + 9)
      .attr('class', (d) => `fn${d.lit ? ' lit' : ''}`)
      .attr('data-fn', (d) => d.f)
      .text((d) => (d.f.startsWith('+') ? d.f : `${d.f}()`));
  }, [layout, key, current, currentFn, firstOfCurrent, opSteps, onPick]);

  return (
    <div
      ref={wrapRef}
      className="graph-wrap flow-wrap"
      data-testid="load-flow"
      // Laid out for this operation yet (elkjs is asynchronous, and fetched on first use): exports wait for it.
      data-layout={layout?.key === key || opSteps.length === 0 ? 'done' : 'pending'}
      data-phase={current ?? ''}
      data-fn={currentFn ?? ''}
    >
      <svg
        ref={svgRef}
        className="graph-svg flow-svg"
        data-testid="load-flow-svg"
        width={layout?.width ?? 0}
        height={layout?.height ?? 0}
        style={{ maxWidth: '100%', height: 'auto' }}
        viewBox={`0 0 ${layout?.width ?? 0} ${layout?.height ?? 0}`}
        role="img"
        aria-label={`The load path; now in ${current ?? 'nothing'}`}
      >
        <defs>
          <marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="arrow" />
          </marker>
        </defs>
        <g className="edges" />
        <g className="nodes" />
      </svg>
    </div>
  );
});

const OPEN_KEY = 'modscope.loadFlow.open';

/** The flow in a collapsible card (its open state survives a restart). */
export function LoadFlowPanel({ steps, stepIndex, onPick }: { steps: StepInfo[]; stepIndex: number; onPick: (s: StepInfo) => void }) {
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) === '1');
  if (stepIndex < 0 || !steps[stepIndex]) return null;
  return (
    <details
      className="card load-flow"
      data-testid="load-flow-panel"
      open={open}
      onToggle={(e) => {
        const o = (e.currentTarget as HTMLDetailsElement).open;
        setOpen(o);
        localStorage.setItem(OPEN_KEY, o ? '1' : '0');
      }}
    >
      <summary data-testid="load-flow-toggle">
        The path <span className="muted small">· every phase of this operation, the current step lit</span>
      </summary>
      {open && <LoadFlow steps={steps} stepIndex={stepIndex} onPick={onPick} />}
    </details>
  );
}
