/**
 * The x86-64 virtual address space as a schematic column (not to scale: one band per region, the
 * real boundaries labelled), and a zoom on the regions where this load lives: the temporary copy of
 * the file (vmalloc) and the module's core and init allocations (modules area), with every section
 * placed where it is at the cursor. Sections fly from the file copy to their final addresses at
 * move_module; the init allocation fades out when do_init_module frees it.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { positionText } from './loadFormat';
import * as d3 from 'd3';
import type { AllocationRow, Effect, Hex64, KernelSummary, ModuleOverview, PlacedRow, RegionRow, SeekView } from '../../../../engine/api-types';
import { bytesHuman } from '../../lib/format';
import { getHost, type Host } from '../../host/host';
import { ByteStrip, BYTES_MAX, bytesHeight, ZOOM_OUT, ZoomCrumbs, zoomLevel, type Crumb, type Zoom } from './MemoryZoom';
import { countEffect } from '../effectRuns';

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
/** Zoom steps and ordinary seeks. */
const DURATION = 300;
/** move_module's flight from file offsets to addresses: under the deck capture's settle time (560 ms). */
const FLY_MS = 520;
/** The marker glides for this long, unless the previous seek came less than MARKER_GLIDE_GAP_MS before (then it jumps). */
const MARKER_GLIDE_MS = 120;
const MARKER_GLIDE_GAP_MS = 250;
const AXIS_H = 22;

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
  /** Freed by this step: drawn greyed. */
  freed: boolean;
  /** Zoomed in: the offsets [lo, hi) the bar spans, to scale, with an axis. */
  domain: [number, number] | null;
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
  home: number;
  freed: boolean;
  /** Outside the zoomed span. */
  hidden: boolean;
  /** Its place in the file strip (the temporary copy), where move_module copies it from. */
  from: { x: number; y: number; w: number } | null;
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

/** The copy of the file being loaded: a vmalloc'ed allocation whose size is the file's size. */
const isCopy = (a: AllocationRow) => a.kind === 'vmalloc' && /temporary copy/i.test(a.label);

/**
 * An allocation this step frees, drawn greyed with "freed" instead of vanishing (do_init_module frees init).
 * From the step's effects and the allocations still live: both change only at a step boundary, so moving
 * within a step (relocation by relocation) keeps the same rows and the map is not redrawn.
 */
function freedAt(effects: Effect[], allocations: AllocationRow[]): AllocationRow[] {
  const rows: AllocationRow[] = [];
  for (const e of effects)
    if (e.kind === 'free' && !allocations.some((a) => a.id === e.allocation)) {
      const kind = /temporary copy/i.test(e.label)
        ? 'vmalloc'
        : /\binit\b/.test(e.label)
          ? 'module-init'
          : /\bcore\b/.test(e.label)
            ? 'module-core'
            : 'freed';
      rows.push({ id: e.allocation, base: e.base, size: e.size, kind, label: e.label, owner: null, allocatedAt: 0, freedAt: null });
    }
  return rows;
}

const NO_EFFECTS: Effect[] = [];
const NO_ALLOCATIONS: AllocationRow[] = [];
const NO_LAYOUT: PlacedRow[] = [];

const clampX = (x: number, x0: number, x1: number) => Math.max(x0, Math.min(x1, x));

export const MemoryMap = memo(function MemoryMap({
  kernel,
  view,
  mod,
  host = getHost(),
}: {
  kernel: KernelSummary;
  view: SeekView | null;
  mod: ModuleOverview | null;
  host?: Host;
}) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(720);
  const [hover, setHover] = useState<Hover | null>(null);
  const [zoomAsked, setZoom] = useState<Zoom>(ZOOM_OUT);
  const flewAt = useRef<number | null>(null);
  const flights = useRef(0);

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

  // Where each section is (address, or file offset in the copy) and which allocation holds it, at any zoom.
  // The step's effects keep their identity while the cursor stays in one step (its index is the key).
  const effectsRef = useRef<{ step: number; effects: Effect[] }>({ step: -1, effects: NO_EFFECTS });
  if (effectsRef.current.step !== (view?.stepIndex ?? -1))
    effectsRef.current = { step: view?.stepIndex ?? -1, effects: view?.step.effects ?? NO_EFFECTS };
  const effects = effectsRef.current.effects;
  const allocations = view?.allocations ?? NO_ALLOCATIONS;
  const layout = view?.layout ?? NO_LAYOUT;
  const { live, placed } = useMemo(() => {
    const ghosts = freedAt(effects, allocations);
    const live = [
      ...allocations.filter((a) => a.size > 0).map((a) => ({ a, freed: false })),
      ...ghosts.map((a) => ({ a, freed: true })),
    ];
    const within = (addr: bigint) => live.find((x) => addr >= BigInt(x.a.base) && addr < BigInt(x.a.base) + BigInt(x.a.size));
    const copy = live.find((x) => isCopy(x.a) && !x.freed);
    const placed: { s: PlacedRow; home: AllocationRow; rel: number; size: number; freed: boolean; fileRel: number | null }[] = [];
    for (const s of layout) {
      const f = fileSecs.get(s.index);
      const fileRel = copy && f && f.fileSize > 0 ? f.offset : null;
      if (s.address) {
        const home = within(BigInt(s.address));
        if (home) placed.push({ s, home: home.a, rel: Number(BigInt(s.address) - BigInt(home.a.base)), size: s.size, freed: home.freed, fileRel });
      } else if (copy && f && f.fileSize > 0) placed.push({ s, home: copy.a, rel: f.offset, size: f.fileSize, freed: false, fileRel: null });
    }
    return { live, placed };
  }, [effects, allocations, layout, fileSecs]);

  // The zoom asked for, backed out to the deepest level that still exists at this position.
  const zoom: Zoom = useMemo(() => {
    if (zoomAsked.alloc === null || !live.some((x) => x.a.id === zoomAsked.alloc)) return ZOOM_OUT;
    if (zoomAsked.sec === null || !placed.some((p) => p.home.id === zoomAsked.alloc && p.s.index === zoomAsked.sec))
      return { alloc: zoomAsked.alloc, sec: null, bytes: false };
    return zoomAsked;
  }, [zoomAsked, live, placed]);
  const level = zoomLevel(zoom);

  const { groups, secs, height, focus } = useMemo(() => {
    const byBand = new Map<number, { a: AllocationRow; freed: boolean }[]>();
    for (const x of live) {
      if (zoom.alloc !== null && x.a.id !== zoom.alloc) continue;
      const b = bands.find((y) => inRegion(BigInt(x.a.base), y.r));
      if (!b) continue;
      byBand.set(b.i, [...(byBand.get(b.i) ?? []), x]);
    }
    const focusSec = zoom.sec === null ? null : (placed.find((p) => p.home.id === zoom.alloc && p.s.index === zoom.sec) ?? null);
    const groups: GroupD[] = [];
    let y = 0;
    for (const [bi, list] of [...byBand.entries()].sort((a, b) => a[0] - b[0])) {
      const g: GroupD = { band: bands[bi], y0: y, y1: 0, allocs: [] };
      y += GROUP_HEAD;
      for (const { a, freed } of list.sort((p, q) => (BigInt(p.a.base) < BigInt(q.a.base) ? -1 : 1))) {
        y += ROW_LABEL;
        let scale: (rel: number) => number;
        let domain: [number, number] | null = null;
        if (zoom.alloc === null) {
          const points: number[] = [];
          for (const p of placed) if (p.home.id === a.id) points.push(p.rel, p.rel + p.size);
          scale = readableScale(a.size, points, zx0, zx1);
        } else {
          // Zoomed: to scale, over the allocation or over the one section.
          domain = focusSec ? [focusSec.rel, focusSec.rel + Math.max(1, focusSec.size)] : [0, a.size];
          scale = d3.scaleLinear().domain(domain).range([zx0, zx1]);
        }
        g.allocs.push({ a, y, x0: zx0, x1: zx1, scale, freed, domain });
        y += BAR_H + ROW_GAP;
        if (domain) y += AXIS_H;
        if (zoom.bytes && focusSec) y += bytesHeight(Math.min(BYTES_MAX, focusSec.size)) + ROW_GAP;
      }
      g.y1 = y - ROW_GAP;
      y += GROUP_GAP;
      groups.push(g);
    }
    const all = groups.flatMap((g) => g.allocs);
    const copy = all.find((d) => isCopy(d.a) && !d.freed);
    const secs: SecD[] = [];
    for (const p of placed) {
      const home = all.find((d) => d.a.id === p.home.id);
      if (!home) continue;
      const s = p.s;
      const xa = home.scale(p.rel);
      const xb = home.scale(p.rel + p.size);
      const x = clampX(xa, zx0, zx1);
      const hidden = xb < zx0 || xa > zx1; // an empty section (hello's .text) stays a 2-px mark
      const where = s.address ? (p.freed ? `${home.a.label}, freed` : home.a.label) : `file offset 0x${p.rel.toString(16)} in the temporary copy`;
      // Where move_module copies it from: its sh_offset in the copy of the .ko.
      const from =
        s.address && copy && p.fileRel !== null
          ? {
              x: copy.scale(p.fileRel),
              w: Math.max(2, copy.scale(p.fileRel + (fileSecs.get(s.index)?.fileSize ?? 0)) - copy.scale(p.fileRel)),
              y: copy.y,
            }
          : null;
      secs.push({
        key: s.index,
        name: s.name,
        group: s.group,
        region: s.region,
        size: s.size,
        where,
        address: s.address,
        x,
        w: hidden ? 0 : Math.max(2, clampX(xb, zx0, zx1) - x),
        y: home.y,
        home: home.a.id,
        freed: p.freed,
        hidden,
        from,
      });
    }
    const fa = all.find((d) => d.a.id === zoom.alloc) ?? null;
    const focus = fa && focusSec ? { alloc: fa, sec: focusSec } : null;
    return { groups, secs, height: Math.max(bands.length * BAND_H, y) + 8, focus };
  }, [bands, live, placed, zoom, fileSecs, zx0, zx1]);

  // The relocation under the cursor: where it writes (the only part of the map that moves within a step).
  const P = view?.item?.kind === 'relocation' ? view.item.P : null;
  const marker = useMemo(() => {
    if (P === null) return null;
    const at = BigInt(P);
    for (const g of groups)
      for (const d of g.allocs)
        if (at >= BigInt(d.a.base) && at < BigInt(d.a.base) + BigInt(d.a.size)) {
          const x = d.scale(Number(at - BigInt(d.a.base)));
          return x >= zx0 && x <= zx1 ? { x, y: d.y, label: `P = ${P}` } : null;
        }
    return null;
  }, [P, groups, zx0, zx1]);

  const flying = view?.step.fn === 'move_module' && level === 0;
  // Only move_module's flight needs the position (a new position there flies again).
  const flyPos = flying ? (view?.pos ?? -1) : -1;

  useEffect(() => {
    countEffect('memory-map');
    const svg = d3.select(svgRef.current);
    // A new position (or zoom) cancels move_module's flight wherever it is.
    svg.selectAll('g.secs rect').interrupt('memmap-fly');
    const t = d3.transition('memmap').duration(DURATION);
    const box = () => wrapRef.current!.getBoundingClientRect();
    const showHover = (ev: MouseEvent, title: string, lines: string[]) =>
      setHover({ x: ev.clientX - box().left, y: ev.clientY - box().top, title, lines });
    const live = new Set(groups.map((g) => g.band.i));
    const fly = flying && flewAt.current !== flyPos && secs.some((d) => d.from);
    flewAt.current = flying ? flyPos : null;
    if (fly) flights.current += 1;
    svg
      .attr('data-flying', fly ? 'yes' : 'no')
      .attr('data-flights', flights.current)
      .attr('data-zoom', level);

    // The schematic column.
    const band = svg
      .select<SVGGElement>('g.regions')
      .selectAll<SVGGElement, Band>('g.band')
      .data(bands, (d) => d.r.name)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'band');
        g.append('rect')
          .attr('x', COL_X)
          .attr('width', COL_W)
          .attr('height', BAND_H - 2);
        g.append('text')
          .attr('class', 'name')
          .attr('x', COL_X + 6)
          .attr('dy', BAND_H / 2 + 2);
        g.append('text').attr('class', 'addr').attr('x', COL_ADDR_W).attr('text-anchor', 'end').attr('dy', 8);
        return g;
      });
    band
      .attr('transform', (d) => `translate(0,${d.y})`)
      .classed('live', (d) => live.has(d.i))
      .classed('modules', (d) => d.r.name === 'modules')
      .on('mousemove', (ev: MouseEvent, d) =>
        showHover(ev, d.r.name, [`${d.r.start} – ${d.r.end}`, d.r.what, ...(live.has(d.i) ? ['click: the whole area'] : [])]),
      )
      .on('mouseleave', () => setHover(null))
      .on('click', (_ev: MouseEvent, d) => live.has(d.i) && setZoom(ZOOM_OUT));
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
    const barX = (d: AllocD) => clampX(d.scale(0), d.x0, d.x1);
    const barW = (d: AllocD) => Math.max(0, clampX(d.scale(d.a.size), d.x0, d.x1) - barX(d));
    const rows = svg
      .select<SVGGElement>('g.allocs')
      .selectAll<SVGGElement, AllocD>('g.alloc')
      .data(allocs, (d) => String(d.a.id))
      .join(
        (enter) => {
          const g = enter
            .append('g')
            .attr('class', 'alloc')
            .attr('opacity', 0)
            .attr('transform', (d) => `translate(0,${d.y})`);
          g.append('rect').attr('class', 'bar').attr('height', BAR_H).attr('x', barX).attr('width', barW);
          g.append('text').attr('class', 'label').attr('dy', -4);
          g.append('text')
            .attr('class', 'freed-label')
            .attr('dy', BAR_H / 2 + 4)
            .attr('text-anchor', 'middle');
          g.append('g').attr('class', 'axis');
          return g;
        },
        (update) => update,
        (exit) => exit.classed('leaving', true).transition(t).attr('opacity', 0).remove(),
      );
    rows
      .attr('data-kind', (d) => d.a.kind)
      .attr('data-freed', (d) => (d.freed ? 'yes' : null))
      .classed('freed', (d) => d.freed)
      .classed('focus', (d) => d.a.id === zoomAsked.alloc && level > 0)
      .on('mousemove', (ev: MouseEvent, d) =>
        showHover(ev, d.freed ? `${d.a.label} — freed` : d.a.label, [
          `${d.a.base} · ${bytesHuman(d.a.size)} (${d.a.size.toLocaleString('en-US')} bytes)`,
          d.freed
            ? 'freed by this step: the memory returns to the modules area'
            : `${d.a.kind}${d.a.owner ? ` · owner ${d.a.owner}` : ''} · allocated at ${positionText(d.a.allocatedAt)}`,
          ...(level === 0 ? ['click to zoom in'] : []),
        ]),
      )
      .on('mouseleave', () => setHover(null))
      .on('click', (_ev: MouseEvent, d) => setZoom({ alloc: d.a.id, sec: null, bytes: false }));
    rows.select('rect.bar').transition(t).attr('x', barX).attr('width', barW);
    rows
      .select('text.label')
      .attr('x', (d) => d.x0)
      .text((d) => {
        const tail = ` · ${d.a.base} · ${bytesHuman(d.a.size)}`;
        const room = Math.floor((d.x1 - d.x0) / 6) - tail.length;
        const label = d.a.label.length > room ? `${d.a.label.slice(0, Math.max(8, room - 1))}…` : d.a.label;
        return label + tail;
      });
    rows
      .select('text.freed-label')
      .attr('x', (d) => (d.x0 + d.x1) / 2)
      .text((d) => (d.freed ? `freed · ${bytesHuman(d.a.size)} back to the ${d.a.kind === 'vmalloc' ? 'vmalloc' : 'modules'} area` : ''));
    // Zoomed in: the offsets within the allocation, to scale.
    rows.select<SVGGElement>('g.axis').each(function (d) {
      const g = d3.select(this).attr('transform', `translate(0,${BAR_H + 2})`);
      if (!d.domain) {
        g.selectAll('*').remove();
        return;
      }
      const sc = d3.scaleLinear().domain(d.domain).range([d.x0, d.x1]);
      // Ticks on power-of-two offsets, as addresses are read.
      const [lo, hi] = d.domain;
      const step = 2 ** Math.ceil(Math.log2(Math.max(1, (hi - lo) / Math.max(2, Math.floor((d.x1 - d.x0) / 80)))));
      const ticks = d3.range(Math.ceil(lo / step) * step, hi + 1, step);
      const ax = d3
        .axisBottom(sc)
        .tickValues(ticks)
        .tickFormat((v) => `+0x${Math.round(Number(v)).toString(16)}`)
        .tickSizeOuter(0);
      g.transition(t).call(ax);
    });
    rows
      .transition(t)
      .attr('opacity', (d) => (d.freed ? 0.55 : 1))
      .attr('transform', (d) => `translate(0,${d.y})`);

    // Where the sections were in the file: outlines left in the copy once move_module has run.
    svg
      .select<SVGGElement>('g.ghosts')
      .selectAll<SVGRectElement, SecD>('rect')
      .data(
        secs.filter((d) => d.from && level === 0),
        (d) => String(d.key),
      )
      .join(
        (enter) => enter.append('rect').attr('opacity', 0),
        (update) => update,
        (exit) => exit.remove(),
      )
      .attr('class', (d) => `ghost ${GROUP_CLASS(d.group)}`)
      .attr('x', (d) => d.from!.x)
      .attr('y', (d) => d.from!.y + 3)
      .attr('width', (d) => d.from!.w)
      .attr('height', BAR_H - 6)
      .transition(t)
      .attr('opacity', 1);

    // The 256-byte window the hex strip shows, on the zoomed section.
    svg
      .select<SVGGElement>('g.window')
      .selectAll<SVGRectElement, NonNullable<typeof focus>>('rect')
      .data(focus && zoomAsked.bytes ? [focus] : [])
      .join((enter) => enter.append('rect').attr('height', BAR_H + 4))
      .attr('x', (d) => clampX(d.alloc.scale(d.sec.rel), zx0, zx1) - 1)
      .attr('y', (d) => d.alloc.y - 2)
      .attr(
        'width',
        (d) => clampX(d.alloc.scale(d.sec.rel + Math.min(BYTES_MAX, d.sec.size)), zx0, zx1) - clampX(d.alloc.scale(d.sec.rel), zx0, zx1) + 2,
      );

    // The sections: keyed by section index so they move between the copy and core/init.
    const sel = svg
      .select<SVGGElement>('g.secs')
      .selectAll<SVGRectElement, SecD>('rect')
      .data(secs, (d) => String(d.key))
      .join(
        (enter) =>
          enter
            .append('rect')
            .attr('opacity', 0)
            .attr('x', (d) => d.x)
            .attr('y', (d) => d.y + 3)
            .attr('width', (d) => d.w)
            .attr('height', BAR_H - 6),
        (update) => update,
        (exit) => exit.transition(t).attr('opacity', 0).remove(),
      )
      .attr('class', (d) => `sec ${GROUP_CLASS(d.group)}${d.freed ? ' freed' : ''}`)
      .attr('data-name', (d) => d.name)
      .attr('data-level', level)
      .on('mousemove', (ev: MouseEvent, d) =>
        showHover(ev, d.name, [
          d.address ? `${d.address}` : 'not yet at its final address',
          `${d.size.toLocaleString('en-US')} bytes · ${d.region} ${d.group}`,
          d.where,
          ...(d.key === zoomAsked.sec && level >= 2 ? (level === 2 ? ['click: its bytes'] : []) : ['click to zoom in']),
        ]),
      )
      .on('mouseleave', () => setHover(null))
      .on('click', (_ev: MouseEvent, d) =>
        setZoom({ alloc: d.home, sec: d.key, bytes: d.key === zoomAsked.sec && d.home === zoomAsked.alloc && level >= 2 }),
      );
    if (fly) {
      // move_module: each section leaves its sh_offset in the file strip for its address (skippable: the next seek interrupts it).
      sel
        .filter((d) => !!d.from)
        .attr('x', (d) => d.from!.x)
        .attr('y', (d) => d.from!.y + 3)
        .attr('width', (d) => d.from!.w)
        .attr('opacity', 1);
      const ft = d3.transition('memmap-fly').duration(FLY_MS).ease(d3.easeCubicInOut);
      sel
        .interrupt('memmap')
        .transition(ft)
        .delay((_d, i) => Math.min(160, i * 8))
        .attr('opacity', (d) => (d.hidden ? 0 : 1))
        .attr('x', (d) => d.x)
        .attr('y', (d) => d.y + 3)
        .attr('width', (d) => d.w);
      ft.end().then(
        () => svg.attr('data-flying', 'no'),
        () => undefined,
      );
    } else
      sel
        .transition(t)
        .attr('opacity', (d) => (d.hidden ? 0 : d.freed ? 0.5 : 1))
        .attr('x', (d) => d.x)
        .attr('y', (d) => d.y + 3)
        .attr('width', (d) => d.w);

  }, [bands, groups, secs, focus, zx0, zx1, level, zoomAsked, flying, flyPos]);

  // Where the relocation under the cursor writes: moves on every seek, redraws nothing else. It is its own little SVG
  // over the map, moved by a CSS transform on a layer of its own (will-change): the compositor moves it, the map's
  // 500 elements are not painted again (issue #15: seek p99; inside the map's SVG every move repainted all of it).
  // A lone seek (a click, a clicker's step) glides there by a CSS transition, run by the compositor too; seeks in
  // quick succession (key repeat, a slider drag, typed positions) jump.
  const markerRef = useRef<SVGSVGElement>(null);
  const lastMove = useRef(0);
  useEffect(() => {
    countEffect('memory-map marker');
    const el = markerRef.current;
    if (!el) return;
    // data-at (where it points, in the map's pixels) also shows it (load.css).
    if (!marker) return el.removeAttribute('data-at');
    const now = performance.now();
    const glide = el.hasAttribute('data-at') && now - lastMove.current > MARKER_GLIDE_GAP_MS;
    lastMove.current = now;
    el.style.transition = glide ? `transform ${MARKER_GLIDE_MS}ms ease-in-out` : 'none';
    const x = Math.round(marker.x * 10) / 10;
    const y = Math.round(marker.y * 10) / 10;
    el.style.transform = `translate(${x}px, ${y}px)`;
    el.setAttribute('data-at', `${x},${y}`);
  }, [marker]);

  const usedGroups = useMemo(() => [...new Set(layout.map((s) => s.group))], [layout]);

  // The breadcrumb: the area, then the allocation, the section and its bytes as far as zoomed.
  const crumbs: Crumb[] = [{ level: 0, label: 'module area', zoom: ZOOM_OUT }];
  const za = zoom.alloc === null ? null : live.find((x) => x.a.id === zoom.alloc);
  if (za) crumbs.push({ level: 1, label: za.a.label.replace(/\s*\(.*\)\s*$/, ''), zoom: { alloc: za.a.id, sec: null, bytes: false } });
  if (focus) crumbs.push({ level: 2, label: focus.sec.s.name, zoom: { ...zoom, bytes: false } });
  if (focus && zoom.bytes) crumbs.push({ level: 3, label: 'bytes', zoom });
  const next: Crumb | null = focus && !zoom.bytes ? { level: 3, label: 'bytes', zoom: { ...zoom, bytes: true } } : null;

  return (
    <div className="memmap card" data-testid="memory-map">
      <h3>
        Memory <span className="clock small">at the cursor</span>{' '}
        <span className="muted small">
          x86-64 {kernel.paging}-level paging, not to scale · {level === 0 ? 'section widths ∝ √size' : 'zoomed: to scale'}
        </span>
      </h3>
      <ZoomCrumbs crumbs={crumbs} onZoom={setZoom} next={next} />
      <div ref={wrapRef} className="memmap-wrap">
        <svg
          ref={svgRef}
          width={width}
          height={height}
          className="memmap-svg"
          role="img"
          aria-label="Kernel virtual memory and the module's sections"
          data-testid="memory-map-svg"
          data-export="memory"
        >
          <g className="lenses" />
          <g className="regions" />
          <g className="heads" />
          <g className="allocs" />
          <g className="ghosts" />
          <g className="window" />
          <g className="secs" />
          {focus && zoom.bytes && view && (
            <ByteStrip
              host={host}
              address={`0x${(BigInt(focus.alloc.a.base) + BigInt(focus.sec.rel)).toString(16)}`}
              length={Math.min(BYTES_MAX, focus.sec.size)}
              total={focus.sec.size}
              pos={view.pos}
              x={zx0}
              y={focus.alloc.y + BAR_H + AXIS_H + 8}
              width={zx1 - zx0}
              name={focus.sec.s.name}
            />
          )}
        </svg>
        <svg ref={markerRef} className="memmap-marker marker" width={1} height={1} data-testid="memory-map-marker" aria-hidden>
          <path d="M0,0 L-6,-9 L6,-9 Z" />
          <line x1={0} x2={0} y1={0} y2={BAR_H} />
        </svg>
        {groups.length === 0 && (
          <div className="memmap-empty muted small" style={{ left: zx0 }}>
            No module memory allocated at this position.
          </div>
        )}
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
