/**
 * The x86-64 virtual address space as a schematic column (not to scale: one band per region, the
 * real boundaries labelled), and a zoom on the regions where this load lives: the temporary copy of
 * the file (vmalloc) and the module's core and init allocations (modules area), with every section
 * placed where it is at the cursor. Sections fly from the file copy to their final addresses at
 * move_module; the init allocation fades out when do_init_module frees it.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import type { AllocationRow, Hex64, KernelSummary, ModuleOverview, PlacedRow, RegionRow, SeekView } from '../../../../engine/api-types';
import { bytesHuman } from '../../lib/format';

const BAND_H = 19;
const COL_ADDR_W = 118; // address labels, right-aligned
const COL_X = COL_ADDR_W + 6;
const COL_W = 104;
const ZOOM_GAP = 56;
const GROUP_HEAD = 20;
const ROW_LABEL = 15;
const BAR_H = 26;
const ROW_GAP = 10;
const GROUP_GAP = 16;
const DURATION = 450;

interface Band {
  r: RegionRow;
  i: number;
  y: number;
}

interface AllocD {
  a: AllocationRow;
  y: number; // bar top
  x0: number;
  x1: number;
  scale: (rel: number) => number;
}

interface GroupD {
  band: Band;
  y0: number;
  y1: number;
  allocs: AllocD[];
}

interface SecD {
  key: number;
  name: string;
  group: string;
  region: 'core' | 'init';
  size: number;
  where: string;
  address: Hex64 | null;
  x: number;
  w: number;
  y: number;
}

type Hover = { x: number; y: number; title: string; lines: string[] };

/** Readable scale over [0, size): each interval between breakpoints gets a width ∝ sqrt(length), so a
 * 12-byte .exit.text stays visible next to a page of padding. */
function readableScale(size: number, points: number[], x0: number, x1: number): (rel: number) => number {
  const bp = [...new Set([0, size, ...points.filter((p) => p > 0 && p < size)])].sort((a, b) => a - b);
  const cum = [0];
  for (let i = 1; i < bp.length; i++) cum.push(cum[i - 1] + Math.sqrt(bp[i] - bp[i - 1]));
  const total = cum[cum.length - 1] || 1;
  return (rel: number) => {
    const r = Math.max(0, Math.min(size, rel));
    let i = d3.bisectRight(bp, r) - 1;
    if (i >= bp.length - 1) i = bp.length - 2;
    if (i < 0) return x0;
    const span = bp[i + 1] - bp[i] || 1;
    const c = cum[i] + ((r - bp[i]) / span) * (cum[i + 1] - cum[i]);
    return x0 + (c / total) * (x1 - x0);
  };
}

function inRegion(addr: bigint, r: RegionRow): boolean {
  return addr >= BigInt(r.start) && addr < BigInt(r.end);
}

const GROUP_CLASS = (g: string) => `g-${g.replace(/[^a-z_]/gi, '')}`;

export const MemoryMap = memo(function MemoryMap({ kernel, view, mod }: { kernel: KernelSummary; view: SeekView | null; mod: ModuleOverview | null }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(720);
  const [hover, setHover] = useState<Hover | null>(null);

  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(480, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const bands: Band[] = useMemo(() => kernel.regions.map((r, i) => ({ r, i, y: i * BAND_H })), [kernel.regions]);
  const zx0 = COL_X + COL_W + ZOOM_GAP;
  const zx1 = width - 10;

  // The file the operation loads: its section offsets place sections in the temporary copy.
  const fileSecs = useMemo(() => new Map((mod?.sections ?? []).map((s) => [s.index, s])), [mod]);

  const { groups, secs, height, marker } = useMemo(() => {
    const layout: PlacedRow[] = view?.layout ?? [];
    const allocs = (view?.allocations ?? []).filter((a) => a.size > 0);
    const byBand = new Map<number, AllocationRow[]>();
    for (const a of allocs) {
      const b = bands.find((x) => inRegion(BigInt(a.base), x.r));
      if (!b) continue;
      byBand.set(b.i, [...(byBand.get(b.i) ?? []), a]);
    }
    // The copy of the file being loaded: a vmalloc'ed allocation whose size is the file's size.
    const isCopy = (a: AllocationRow) => a.kind === 'vmalloc' && /temporary copy/i.test(a.label);
    const groups: GroupD[] = [];
    let y = 0;
    for (const [bi, list] of [...byBand.entries()].sort((a, b) => a[0] - b[0])) {
      const g: GroupD = { band: bands[bi], y0: y, y1: 0, allocs: [] };
      y += GROUP_HEAD;
      for (const a of list.sort((p, q) => (BigInt(p.base) < BigInt(q.base) ? -1 : 1))) {
        const base = BigInt(a.base);
        const points: number[] = [];
        if (isCopy(a)) for (const s of fileSecs.values()) points.push(s.offset, s.offset + s.fileSize);
        else
          for (const s of layout)
            if (s.address) {
              const rel = Number(BigInt(s.address) - base);
              if (rel >= 0 && rel < a.size) points.push(rel, rel + s.size);
            }
        y += ROW_LABEL;
        g.allocs.push({ a, y, x0: zx0, x1: zx1, scale: readableScale(a.size, points, zx0, zx1) });
        y += BAR_H + ROW_GAP;
      }
      g.y1 = y - ROW_GAP;
      y += GROUP_GAP;
      groups.push(g);
    }
    const all = groups.flatMap((g) => g.allocs);
    const copy = all.find((d) => isCopy(d.a));
    const secs: SecD[] = [];
    for (const s of layout) {
      let d: SecD | null = null;
      if (s.address) {
        const addr = BigInt(s.address);
        const home = all.find((x) => addr >= BigInt(x.a.base) && addr < BigInt(x.a.base) + BigInt(x.a.size));
        if (home) {
          const rel = Number(addr - BigInt(home.a.base));
          const x = home.scale(rel);
          d = { key: s.index, name: s.name, group: s.group, region: s.region, size: s.size, where: home.a.label, address: s.address, x, w: Math.max(2, home.scale(rel + s.size) - x), y: home.y };
        }
      } else if (copy) {
        const f = fileSecs.get(s.index);
        if (f && f.fileSize > 0) {
          const x = copy.scale(f.offset);
          d = { key: s.index, name: s.name, group: s.group, region: s.region, size: s.size, where: `file offset 0x${f.offset.toString(16)} in the temporary copy`, address: null, x, w: Math.max(2, copy.scale(f.offset + f.fileSize) - x), y: copy.y };
        }
      }
      if (d) secs.push(d);
    }
    // The relocation under the cursor: where it writes.
    let marker: { x: number; y: number; label: string } | null = null;
    if (view?.item?.kind === 'relocation') {
      const P = BigInt(view.item.P);
      const home = all.find((x) => P >= BigInt(x.a.base) && P < BigInt(x.a.base) + BigInt(x.a.size));
      if (home) marker = { x: home.scale(Number(P - BigInt(home.a.base))), y: home.y, label: `P = ${view.item.P}` };
    }
    return { groups, secs, height: Math.max(bands.length * BAND_H, y) + 8, marker };
  }, [view, bands, fileSecs, zx0, zx1]);

  useEffect(() => {
    const svg = d3.select(svgRef.current);
    const t = d3.transition('memmap').duration(DURATION);
    const box = () => wrapRef.current!.getBoundingClientRect();
    const showHover = (ev: MouseEvent, title: string, lines: string[]) => setHover({ x: ev.clientX - box().left, y: ev.clientY - box().top, title, lines });
    const live = new Set(groups.map((g) => g.band.i));

    // The schematic column.
    const band = svg
      .select<SVGGElement>('g.regions')
      .selectAll<SVGGElement, Band>('g.band')
      .data(bands, (d) => d.r.name)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'band');
        g.append('rect').attr('x', COL_X).attr('width', COL_W).attr('height', BAND_H - 2);
        g.append('text').attr('class', 'name').attr('x', COL_X + 6).attr('dy', BAND_H / 2 + 2);
        g.append('text').attr('class', 'addr').attr('x', COL_ADDR_W).attr('text-anchor', 'end').attr('dy', 8);
        return g;
      });
    band
      .attr('transform', (d) => `translate(0,${d.y})`)
      .classed('live', (d) => live.has(d.i))
      .classed('modules', (d) => d.r.name === 'modules')
      .on('mousemove', (ev: MouseEvent, d) => showHover(ev, d.r.name, [`${d.r.start} – ${d.r.end}`, d.r.what]))
      .on('mouseleave', () => setHover(null));
    band.select('text.name').text((d) => d.r.name);
    band.select('text.addr').text((d) => d.r.start.slice(2));

    // Lenses from a region band to its zoomed group.
    svg
      .select<SVGGElement>('g.lenses')
      .selectAll<SVGPathElement, GroupD>('path')
      .data(groups, (d) => d.band.r.name)
      .join((enter) => enter.append('path').attr('opacity', 0))
      .transition(t)
      .attr('opacity', 1)
      .attr('d', (d) => {
        const bx = COL_X + COL_W;
        const by0 = d.band.y;
        const by1 = d.band.y + BAND_H - 2;
        return `M${bx},${by0} L${zx0 - 8},${d.y0} L${zx0 - 8},${d.y1} L${bx},${by1} Z`;
      });

    // Group headings (region name and range) and allocation rows.
    svg
      .select<SVGGElement>('g.heads')
      .selectAll<SVGTextElement, GroupD>('text')
      .data(groups, (d) => d.band.r.name)
      .join('text')
      .attr('x', zx0)
      .text((d) => `${d.band.r.name} area  ${d.band.r.start} – ${d.band.r.end}`)
      .transition(t)
      .attr('y', (d) => d.y0 + 13);

    const allocs = groups.flatMap((g) => g.allocs);
    const rows = svg
      .select<SVGGElement>('g.allocs')
      .selectAll<SVGGElement, AllocD>('g.alloc')
      .data(allocs, (d) => String(d.a.id))
      .join(
        (enter) => {
          const g = enter.append('g').attr('class', 'alloc').attr('opacity', 0).attr('transform', (d) => `translate(0,${d.y})`);
          g.append('rect').attr('class', 'bar').attr('height', BAR_H);
          g.append('text').attr('class', 'label').attr('dy', -4);
          return g;
        },
        (update) => update,
        (exit) => exit.classed('leaving', true).transition(t).attr('opacity', 0).remove(),
      );
    rows
      .attr('data-kind', (d) => d.a.kind)
      .on('mousemove', (ev: MouseEvent, d) =>
        showHover(ev, d.a.label, [`${d.a.base} · ${bytesHuman(d.a.size)} (${d.a.size.toLocaleString('en-US')} bytes)`, `${d.a.kind}${d.a.owner ? ` · owner ${d.a.owner}` : ''} · allocated at position ${d.a.allocatedAt}`]),
      )
      .on('mouseleave', () => setHover(null));
    rows.select('rect.bar').attr('x', (d) => d.x0).attr('width', (d) => d.x1 - d.x0);
    rows
      .select('text.label')
      .attr('x', (d) => d.x0)
      .text((d) => {
        const tail = ` · ${d.a.base} · ${bytesHuman(d.a.size)}`;
        const room = Math.floor((d.x1 - d.x0) / 6) - tail.length;
        const label = d.a.label.length > room ? `${d.a.label.slice(0, Math.max(8, room - 1))}…` : d.a.label;
        return label + tail;
      });
    rows.transition(t).attr('opacity', 1).attr('transform', (d) => `translate(0,${d.y})`);

    // The sections: keyed by section index so they move between the copy and core/init.
    svg
      .select<SVGGElement>('g.secs')
      .selectAll<SVGRectElement, SecD>('rect')
      .data(secs, (d) => String(d.key))
      .join(
        (enter) => enter.append('rect').attr('opacity', 0).attr('x', (d) => d.x).attr('y', (d) => d.y + 3).attr('width', (d) => d.w).attr('height', BAR_H - 6),
        (update) => update,
        (exit) => exit.transition(t).attr('opacity', 0).remove(),
      )
      .attr('class', (d) => `sec ${GROUP_CLASS(d.group)}`)
      .attr('data-name', (d) => d.name)
      .on('mousemove', (ev: MouseEvent, d) =>
        showHover(ev, d.name, [d.address ? `${d.address}` : 'not yet at its final address', `${d.size.toLocaleString('en-US')} bytes · ${d.region} ${d.group}`, d.where]),
      )
      .on('mouseleave', () => setHover(null))
      .transition(t)
      .attr('opacity', 1)
      .attr('x', (d) => d.x)
      .attr('y', (d) => d.y + 3)
      .attr('width', (d) => d.w);

    // Where the relocation under the cursor writes.
    const m = svg
      .select<SVGGElement>('g.marker')
      .selectAll<SVGGElement, NonNullable<typeof marker>>('g')
      .data(marker ? [marker] : [])
      .join((enter) => {
        const g = enter.append('g');
        g.append('path').attr('d', 'M0,0 L-6,-9 L6,-9 Z');
        g.append('line').attr('y1', 0).attr('y2', BAR_H);
        return g;
      });
    m.transition(d3.transition('memmap-marker').duration(120)).attr('transform', (d) => `translate(${d.x},${d.y})`);
  }, [bands, groups, secs, marker, zx0, zx1]);

  const usedGroups = useMemo(() => [...new Set((view?.layout ?? []).map((s) => s.group))], [view]);

  return (
    <div className="memmap card" data-testid="memory-map">
      <h3>
        Memory <span className="muted small">x86-64 {kernel.paging}-level paging, not to scale · section widths ∝ √size</span>
      </h3>
      <div ref={wrapRef} className="memmap-wrap">
        <svg ref={svgRef} width={width} height={height} className="memmap-svg" role="img" aria-label="Kernel virtual memory and the module's sections" data-testid="memory-map-svg" data-export="memory">
          <g className="lenses" />
          <g className="regions" />
          <g className="heads" />
          <g className="allocs" />
          <g className="secs" />
          <g className="marker" />
        </svg>
        {groups.length === 0 && <div className="memmap-empty muted small" style={{ left: zx0 }}>No module memory allocated at this position.</div>}
        {hover && (
          <div className="tooltip" style={{ left: Math.min(hover.x + 12, width - 330), top: hover.y + 14 }} data-testid="memory-map-tooltip">
            <strong>{hover.title}</strong>
            {hover.lines.map((l, i) => (
              <div key={i} className={i === 0 ? 'mono' : 'muted'}>
                {l}
              </div>
            ))}
          </div>
        )}
      </div>
      {usedGroups.length > 0 && (
        <div className="legend">
          {usedGroups.map((g) => (
            <span key={g} className="legend-item">
              <span className={`swatch ${GROUP_CLASS(g)}`} /> {g}
            </span>
          ))}
        </div>
      )}
    </div>
  );
});
