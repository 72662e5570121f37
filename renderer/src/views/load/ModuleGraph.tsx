/**
 * The loaded modules at the cursor as a graph: one node per module (state, refcount, size), an edge
 * from each user to the module it uses (ref_module(): the "Used by" column of lsmod, the holders/
 * directory in sysfs). Laid out by elkjs (layered, users above what they use), drawn with D3; nodes
 * move to their new places when the cursor moves.
 */
import { memo, useEffect, useRef, useState } from 'react';
import * as d3 from 'd3';
import { elkLayout } from '../../lib/elk';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { SnapshotModule } from '../../../../engine/api-types';
import { bytesHuman } from '../../lib/format';
import './cards.css';
import { countEffect } from '../effectRuns';

const NODE_W = 176;
/** Below this scale the graph scrolls instead of shrinking further. */
const MIN_SCALE = 0.7;
const NODE_H = 42;
const PAD = 10;

interface Placed {
  name: string;
  m: SnapshotModule;
  x: number;
  y: number;
}

interface Edge {
  id: string;
  from: string;
  to: string;
  points: [number, number][];
}

interface Layout {
  key: string;
  nodes: Placed[];
  edges: Edge[];
  width: number;
  height: number;
}

/** The graph's identity: which modules, which edges (state and refcount changes need no new layout). */
function graphKey(modules: SnapshotModule[]): string {
  return modules
    .map((m) => `${m.name}<${[...m.usedBy].sort().join(',')}`)
    .sort()
    .join(';');
}

async function layoutGraph(modules: SnapshotModule[]): Promise<Layout> {
  const names = new Set(modules.map((m) => m.name));
  const edges: ElkExtendedEdge[] = [];
  for (const m of modules) for (const u of m.usedBy) if (names.has(u)) edges.push({ id: `${u}->${m.name}`, sources: [u], targets: [m.name] });
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '16',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.edgeRouting': 'POLYLINE',
      'elk.padding': `[top=${PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
    },
    children: modules.map((m) => ({ id: m.name, width: NODE_W, height: NODE_H })),
    edges,
  };
  const out = await elkLayout(graph);
  const byName = new Map(modules.map((m) => [m.name, m]));
  const nodes: Placed[] = (out.children ?? []).map((c) => ({ name: c.id, m: byName.get(c.id) as SnapshotModule, x: c.x ?? 0, y: c.y ?? 0 }));
  const placedEdges: Edge[] = (out.edges ?? []).map((e) => {
    const sec = e.sections?.[0];
    const pts: [number, number][] = sec
      ? [[sec.startPoint.x, sec.startPoint.y], ...(sec.bendPoints ?? []).map((b) => [b.x, b.y] as [number, number]), [sec.endPoint.x, sec.endPoint.y]]
      : [];
    return { id: e.id, from: e.sources[0], to: e.targets[0], points: pts };
  });
  return { key: graphKey(modules), nodes, edges: placedEdges, width: out.width ?? 0, height: out.height ?? 0 };
}

export const ModuleGraph = memo(function ModuleGraph({ modules }: { modules: SnapshotModule[] }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [layout, setLayout] = useState<Layout | null>(null);
  const key = graphKey(modules);

  useEffect(() => {
    let live = true;
    if (modules.length === 0) {
      setLayout({ key, nodes: [], edges: [], width: 0, height: 0 });
      return;
    }
    void layoutGraph(modules).then((l) => {
      if (live) setLayout(l);
    });
    return () => {
      live = false;
    };
    // Only a change of modules or edges needs a new layout; states and refcounts are drawn from `modules`.
  }, [key]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || !layout) return;
    countEffect('module-graph');
    const byName = new Map(modules.map((m) => [m.name, m]));
    const root = d3.select(svg);
    const t = d3.transition().duration(350).ease(d3.easeCubicOut);
    const line = d3.line();

    const edgeSel = root
      .select<SVGGElement>('g.edges')
      .selectAll<SVGGElement, Edge>('g.edge')
      .data(layout.edges, (d) => d.id)
      .join(
        (enter) => {
          const g = enter.append('g').attr('class', 'edge').attr('opacity', 0);
          g.append('path').attr('marker-end', 'url(#modgraph-arrow)');
          g.append('text').attr('text-anchor', 'middle');
          return g;
        },
        (update) => update,
        (exit) => exit.transition(t).attr('opacity', 0).remove(),
      )
      .attr('data-from', (d) => d.from)
      .attr('data-to', (d) => d.to);
    edgeSel.transition(t).attr('opacity', 1);
    edgeSel
      .select('path')
      .transition(t)
      .attr('d', (d) => line(d.points) ?? '');
    edgeSel
      .select('text')
      .text('uses')
      .transition(t)
      .attr('x', (d) => (d.points.length ? (d.points[0][0] + d.points[d.points.length - 1][0]) / 2 + 14 : 0))
      .attr('y', (d) => (d.points.length ? (d.points[0][1] + d.points[d.points.length - 1][1]) / 2 + 3 : 0));

    const nodeSel = root
      .select<SVGGElement>('g.nodes')
      .selectAll<SVGGElement, Placed>('g.node')
      .data(layout.nodes, (d) => d.name)
      .join(
        (enter) => {
          const g = enter
            .append('g')
            .attr('opacity', 0)
            .attr('transform', (d) => `translate(${d.x},${d.y - 12})`);
          g.append('rect').attr('width', NODE_W).attr('height', NODE_H).attr('rx', 7);
          g.append('text').attr('class', 'name').attr('x', 9).attr('y', 17);
          g.append('text').attr('class', 'sub').attr('x', 9).attr('y', 33);
          g.append('title');
          return g;
        },
        (update) => update,
        (exit) => exit.transition(t).attr('opacity', 0).remove(),
      );
    nodeSel
      .attr('class', (d) => {
        const st = (byName.get(d.name) ?? d.m).state.toLowerCase();
        return `node st-${st}${st === 'coming' || st === 'unformed' ? ' loading' : ''}`;
      })
      .attr('data-module', (d) => d.name)
      .attr('data-refcount', (d) => (byName.get(d.name) ?? d.m).refcount);
    nodeSel
      .transition(t)
      .attr('opacity', 1)
      .attr('transform', (d) => `translate(${d.x},${d.y})`);
    nodeSel.select('text.name').text((d) => d.name);
    nodeSel.select('text.sub').text((d) => {
      const m = byName.get(d.name) ?? d.m;
      return `${m.state} · refcnt ${m.refcount} · ${bytesHuman(m.size)}${m.taints ? ` · ${m.taints}` : ''}`;
    });
    nodeSel.select('title').text((d) => {
      const m = byName.get(d.name) ?? d.m;
      return `${m.name}: ${m.state}, refcount ${m.refcount}${m.usedBy.length ? `, used by ${m.usedBy.join(', ')}` : ''}`;
    });
  }, [layout, modules]);

  const w = Math.max(layout?.width ?? 0, NODE_W + 2 * PAD);
  const h = Math.max(layout?.height ?? 0, NODE_H + 2 * PAD);
  // Fit the pane's width (down to MIN_SCALE, then scroll).
  const avail = wrapRef.current?.clientWidth ?? w;
  const scale = Math.max(MIN_SCALE, Math.min(1, avail / w));
  return (
    <div
      ref={wrapRef}
      className="graph-wrap"
      data-testid="module-graph"
      // Laid out for these modules yet (elkjs is asynchronous, and fetched on first use): exports wait for it.
      data-layout={layout?.key === key ? 'done' : 'pending'}
      data-modules={layout?.nodes.length ?? 0}
      data-edges={layout?.edges.length ?? 0}
    >
      {modules.length === 0 && <div className="muted small">no modules loaded at this position</div>}
      <svg
        ref={svgRef}
        className="graph-svg"
        data-testid="module-graph-svg"
        width={w * scale}
        height={h * scale}
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label="Loaded modules and what they use"
      >
        <defs>
          <marker id="modgraph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="arrow" />
          </marker>
        </defs>
        <g className="edges" />
        <g className="nodes" />
      </svg>
    </div>
  );
});
