/**
 * The two load paths as swimlanes, drawn with D3 from the ELK layout: stage columns across the
 * top, per kernel three lanes (user space, syscall boundary, kernel space), each step a node,
 * syscalls as arrows crossing the boundary, the current step of each kernel lit.
 */
import { memo, useEffect, useRef } from 'react';
import * as d3 from 'd3';
import { NODE_H, NODE_W, type LaneLayout, type LaneNode, type SyscallArrow } from './laneLayout';
import { SIDE_LABEL, STAGE_LABEL, type Version } from './stages';

const KERNEL_TITLE: Record<Version, string> = {
  '2.4': 'Linux 2.4 — insmod links in user space',
  '6.1': 'Linux 6.1 — the kernel links (load_module)',
};

function short(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Shorten each text (with …) until it fits max pixels, as rendered. */
function fit<T>(sel: d3.Selection<SVGTextElement, T, SVGGElement, unknown>, max: number) {
  sel.each(function () {
    const full = this.textContent ?? '';
    let n = full.length;
    while (n > 3 && this.getComputedTextLength() > max) this.textContent = `${full.slice(0, --n)}…`;
  });
}

/** The step's function as a node label: "sys_init_module", "obj_relocate ×34". */
function nodeLabel(n: LaneNode): string {
  return n.step.fn;
}

/** "12 · 34 relocations": the step's place in its path (columns group by stage, not time), then what it is. */
function nodeSub(n: LaneNode): string {
  const s = n.step;
  const what = s.block === 'relocations' ? `${s.span} relocations` : s.block === 'symbols' ? `${s.span} symbols` : s.block === 'instructions' ? `${s.span} instructions` : s.title;
  return `${n.index + 1} · ${what}`;
}

function arrowPath(a: SyscallArrow): string {
  return `M${a.x},${a.y0}L${a.x},${a.y1 + (a.y1 > a.y0 ? -2 : 2)}`;
}

export const Swimlanes = memo(function Swimlanes({
  layout,
  lit,
  stage,
  onPick,
}: {
  layout: LaneLayout;
  /** Index of the current step in each run. */
  lit: Record<Version, number>;
  /** The stage column both kernels are in, if they agree. */
  stage: string | null;
  onPick: (v: Version, index: number) => void;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;

  // The drawing: once per layout.
  useEffect(() => {
    const svg = d3.select(ref.current!);
    svg.selectAll('*').remove();
    const defs = svg.append('defs');
    for (const [id, cls] of [
      ['cmp-arrow-call', 'call'],
      ['cmp-arrow-return', 'return'],
      ['cmp-arrow-seq', 'seq'],
    ] as const)
      defs
        .append('marker')
        .attr('id', id)
        .attr('viewBox', '0 0 10 10')
        .attr('refX', 9)
        .attr('refY', 5)
        .attr('markerUnits', 'userSpaceOnUse')
        .attr('markerWidth', cls === 'seq' ? 7 : 11)
        .attr('markerHeight', cls === 'seq' ? 7 : 11)
        .attr('orient', 'auto-start-reverse')
        .append('path')
        .attr('class', `cmp-marker ${cls}`)
        .attr('d', 'M0,0L10,5L0,10z');

    const cols = svg.append('g').attr('class', 'cmp-columns');
    const col = cols
      .selectAll('g')
      .data(layout.columns)
      .join('g')
      .attr('class', (c, i) => `cmp-col${i % 2 ? ' alt' : ''}`)
      .attr('data-stage', (c) => c.stage);
    col
      .append('rect')
      .attr('x', (c) => c.x0)
      .attr('y', 0)
      .attr('width', (c) => c.x1 - c.x0)
      .attr('height', layout.height)
      .attr('rx', 6);
    col
      .append('text')
      .attr('class', 'cmp-col-label')
      .attr('x', (c) => (c.x0 + c.x1) / 2)
      .attr('y', 19)
      .attr('text-anchor', 'middle')
      .text((c) => (c.x1 - c.x0 < 90 ? short(STAGE_LABEL[c.stage], Math.floor((c.x1 - c.x0) / 7)) : STAGE_LABEL[c.stage]))
      .append('title')
      .text((c) => STAGE_LABEL[c.stage]);

    const lanes = svg.append('g').attr('class', 'cmp-lanes');
    const k = lanes.selectAll('g.cmp-kernel').data(layout.kernels).join('g').attr('class', 'cmp-kernel');
    k.append('text')
      .attr('class', 'cmp-kernel-title')
      .attr('x', 6)
      .attr('y', (d) => d.y + 16)
      .text((d) => KERNEL_TITLE[d.version]);
    const band = lanes
      .selectAll('g.cmp-band')
      .data(layout.bands)
      .join('g')
      .attr('class', (b) => `cmp-band side-${b.side}`)
      .attr('data-testid', (b) => `lane-${b.version}-${b.side}`);
    band
      .append('rect')
      .attr('x', 0)
      .attr('y', (b) => b.y)
      .attr('width', layout.width)
      .attr('height', (b) => b.h);
    band
      .append('text')
      .attr('class', 'cmp-lane-label')
      .attr('x', 10)
      .attr('y', (b) => b.y + b.h / 2 + 4)
      .text((b) => SIDE_LABEL[b.side]);

    // Sequence: each step to the next, within a kernel.
    const byKey = new Map(layout.nodes.map((n) => [`${n.version}:${n.index}`, n]));
    const links = layout.nodes.filter((n) => n.index > 0).map((n) => ({ from: byKey.get(`${n.version}:${n.index - 1}`)!, to: n }));
    svg
      .append('g')
      .attr('class', 'cmp-seq')
      .selectAll('path')
      .data(links)
      .join('path')
      .attr('class', 'cmp-link')
      .attr('marker-end', 'url(#cmp-arrow-seq)')
      .attr('d', ({ from, to }) => {
        const x0 = from.x + NODE_W;
        const y0 = from.y + NODE_H / 2;
        const x1 = to.x;
        const y1 = to.y + NODE_H / 2;
        if (x1 >= x0) {
          const m = (x0 + x1) / 2;
          return `M${x0},${y0}C${m},${y0} ${m},${y1} ${x1 - 1},${y1}`;
        }
        // A step back to an earlier column: loop under the nodes.
        const low = Math.max(from.y, to.y) + NODE_H + 5;
        return `M${from.x + NODE_W / 2},${from.y + NODE_H}C${from.x + NODE_W / 2},${low} ${to.x + NODE_W / 2},${low} ${to.x + NODE_W / 2},${to.y + NODE_H + 1}`;
      });

    const node = svg
      .append('g')
      .attr('class', 'cmp-nodes')
      .selectAll('g')
      .data(layout.nodes, (d) => (d as LaneNode).key)
      .join('g')
      .attr('class', (n) => `cmp-node side-${n.side}${n.step.errno ? ' failed' : ''}`)
      .attr('data-testid', 'compare-node')
      .attr('data-version', (n) => n.version)
      .attr('data-index', (n) => n.index)
      .attr('data-fn', (n) => n.step.fn)
      .attr('data-stage', (n) => n.stage)
      .attr('transform', (n) => `translate(${n.x},${n.y})`)
      .on('click', (_e, n) => pickRef.current(n.version, n.index));
    node.append('rect').attr('width', NODE_W).attr('height', NODE_H).attr('rx', 5);
    fit(node.append('text').attr('class', 'cmp-node-fn').attr('x', 5).attr('y', 12.5).text(nodeLabel), NODE_W - 9);
    fit(node.append('text').attr('class', 'cmp-node-sub').attr('x', 5).attr('y', 24.5).text(nodeSub), NODE_W - 9);
    node.append('title').text((n) => `${n.step.fn}\n${n.step.title}\n(${STAGE_LABEL[n.stage]}, ${SIDE_LABEL[n.side]})`);

    const arrows = svg
      .append('g')
      .attr('class', 'cmp-syscalls')
      .selectAll('g')
      .data(layout.arrows)
      .join('g')
      .attr('class', (a) => `cmp-syscall ${a.dir}`)
      .attr('data-testid', (a) => (a.dir === 'call' ? 'syscall-arrow' : 'syscall-return'))
      .attr('data-version', (a) => a.version)
      .attr('data-syscall', (a) => a.syscall);
    arrows
      .append('path')
      .attr('d', arrowPath)
      .attr('marker-end', (a) => `url(#cmp-arrow-${a.dir})`);
    // The call's name on the boundary lane, right of its arrow.
    const label = arrows.filter((a) => a.dir === 'call').append('g').attr('class', 'cmp-syscall-label');
    const text = label
      .append('text')
      .attr('x', (a) => a.x + 9)
      .attr('y', (a) => a.y1 - 11)
      .text((a) => `${a.syscall}()`);
    label
      .insert('rect', 'text')
      .attr('x', (a) => a.x + 4)
      .attr('y', (a) => a.y1 - 23)
      .attr('height', 16)
      .attr('rx', 8)
      .attr('width', (_a, i) => (text.nodes()[i]?.getComputedTextLength() ?? 80) + 10);
  }, [layout]);

  // The lit steps and column: classes only.
  useEffect(() => {
    const svg = d3.select(ref.current!);
    svg.selectAll<SVGGElement, LaneNode>('g.cmp-node').classed('lit', (n) => lit[n.version] === n.index).attr('data-lit', (n) => (lit[n.version] === n.index ? 'yes' : null));
    svg.selectAll<SVGGElement, { stage: string }>('g.cmp-col').classed('lit', (c) => c.stage === stage);
    svg.selectAll<SVGGElement, SyscallArrow>('g.cmp-syscall').classed('lit', (a) => lit[a.version] === a.index);
    svg.selectAll<SVGPathElement, { from: LaneNode; to: LaneNode }>('path.cmp-link').classed('near', ({ from, to }) => lit[from.version] === from.index || lit[to.version] === to.index);
  }, [layout, lit, stage]);

  return <svg ref={ref} className="cmp-svg" data-testid="compare-svg" width={layout.width} height={layout.height} role="img" aria-label="Load paths of Linux 2.4 and 6.1 as swimlanes" />;
});
