import { useEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import type { FileRange, ModuleOverview, SectionRow } from '../../../engine/api-types';
import { bytesHuman, hex, num } from '../lib/format';
import type { HexRange } from './HexView';
import type { SeeApplied } from './find/seeApplied';
import './find/find.css';
import { countEffect } from './effectRuns';

type Category = 'header' | 'code' | 'data' | 'rodata' | 'reloc' | 'symbols' | 'meta' | 'table' | 'signature' | 'gap';

const CATEGORY_LABEL: Record<Category, string> = {
  header: 'ELF header',
  code: 'code (AX)',
  data: 'writable data (WA)',
  rodata: 'read-only data (A)',
  reloc: 'relocations',
  symbols: 'symbols & strings',
  meta: 'not loaded (metadata)',
  table: 'section / program header table',
  signature: 'signature',
  gap: 'padding / gap',
};

function category(r: FileRange, s: SectionRow | undefined): Category {
  if (r.kind === 'header') return 'header';
  if (r.kind === 'section-table' || r.kind === 'program-headers') return 'table';
  if (r.kind === 'signature') return 'signature';
  if (r.kind === 'gap') return 'gap';
  if (!s) return 'meta';
  if (s.type === 'RELA' || s.type === 'REL') return 'reloc';
  if (s.type === 'SYMTAB' || s.type === 'STRTAB') return 'symbols';
  if (s.flags.includes('X')) return 'code';
  if (s.flags.includes('W')) return 'data';
  if (s.flags.includes('A')) return 'rodata';
  return 'meta';
}

interface Seg {
  r: FileRange;
  cat: Category;
  x: number;
  w: number;
}

export function FileMapView({
  mod,
  onShowHex,
  onShowRelocs,
  onSeeApplied,
}: {
  mod: ModuleOverview;
  onShowHex: (r: HexRange) => void;
  onShowRelocs?: (relSectionIndex: number) => void;
  onSeeApplied?: SeeApplied;
}) {
  // A .rela section of the file whose target is loaded: its relocations can be seen applied.
  const relaOf = (sectionIndex: number | undefined) => {
    const rs = mod.relocSections.find((r) => r.sectionIndex === sectionIndex);
    const target = rs && mod.sections.find((x) => x.index === rs.target);
    return rs && target?.flags.includes('A') ? rs : null;
  };
  const [scale, setScale] = useState<'true' | 'readable'>('readable');
  const [hover, setHover] = useState<{ seg: Seg; x: number; y: number } | null>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(900);
  const ranges = useMemo(() => mod.fileMap.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start), [mod.fileMap]);
  const secByIndex = useMemo(() => new Map(mod.sections.map((s) => [s.index, s])), [mod.sections]);

  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(300, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const segs: Seg[] = useMemo(() => {
    // "readable": widths ∝ sqrt(size) so 64-byte headers stay visible next to megabytes of code.
    const weight = (r: FileRange) => (scale === 'true' ? r.end - r.start : Math.sqrt(r.end - r.start));
    const totalW = d3.sum(ranges, weight) || 1;
    const x = d3.scaleLinear().domain([0, totalW]).range([0, width]);
    let acc = 0;
    return ranges.map((r) => {
      const w = weight(r);
      const seg = {
        r,
        cat: category(r, r.sectionIndex !== undefined ? secByIndex.get(r.sectionIndex) : undefined),
        x: x(acc),
        w: Math.max(1, x(w) - x(0)),
      };
      acc += w;
      return seg;
    });
  }, [ranges, scale, width, secByIndex]);

  const BAR_H = 56;
  useEffect(() => {
    countEffect('file-map');
    const svg = d3.select(svgRef.current);
    // Named transition: also makes the bundler keep d3-transition (d3 is sideEffects:false, and
    // d3-transition installs selection.transition() as a side effect).
    const t = d3.transition('filemap').duration(350);
    const rects = svg
      .select<SVGGElement>('g.segs')
      .selectAll<SVGRectElement, Seg>('rect')
      .data(segs, (d) => `${d.r.start}-${d.r.end}-${d.r.label}`)
      .join('rect')
      .attr('class', (d) => `seg cat-${d.cat}`)
      .attr('y', 0)
      .attr('height', BAR_H)
      .attr('data-label', (d) => d.r.label)
      .on('mousemove', (ev: MouseEvent, d) => {
        const box = wrapRef.current!.getBoundingClientRect();
        setHover({ seg: d, x: ev.clientX - box.left, y: ev.clientY - box.top });
      })
      .on('mouseleave', () => setHover(null))
      .on('click', (_ev, d) => onShowHex({ start: d.r.start, end: d.r.end, label: d.r.label, sectionIndex: d.r.sectionIndex }));
    rects
      .transition(t)
      .attr('x', (d) => d.x)
      .attr('width', (d) => d.w);

    // An axis of real file offsets under the bar.
    let lastX = -Infinity;
    const ticks = segs.filter((s) => {
      if (s.x - lastX < 80 || s.x > width - 60) return false;
      lastX = s.x;
      return true;
    });
    svg
      .select<SVGGElement>('g.ticks')
      .selectAll<SVGTextElement, Seg>('text')
      .data(ticks, (d) => String(d.r.start))
      .join('text')
      .attr('y', BAR_H + 16)
      .text((d) => hex(d.r.start))
      .transition(t)
      .attr('x', (d) => d.x + 2);

    // Names inside the segments wide enough to hold them.
    svg
      .select<SVGGElement>('g.names')
      .selectAll<SVGTextElement, Seg>('text')
      .data(
        segs.filter((d) => d.w > 46),
        (d) => `${d.r.start}-${d.r.label}`,
      )
      .join('text')
      .attr('y', BAR_H / 2 + 4)
      .text((d) => {
        const max = Math.floor((d.w - 8) / 6.5);
        return d.r.label.length > max ? d.r.label.slice(0, Math.max(1, max - 1)) + '…' : d.r.label;
      })
      .transition(t)
      .attr('x', (d) => d.x + 4);
  }, [segs, onShowHex, width]);

  const cats = useMemo(() => {
    const m = new Map<Category, number>();
    for (const s of segs) m.set(s.cat, (m.get(s.cat) ?? 0) + (s.r.end - s.r.start));
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [segs]);

  return (
    <div className="scroll-pane" data-testid="file-map">
      <div className="toolbar plain">
        <span className="muted">
          {num(ranges.length)} byte ranges over {bytesHuman(mod.fileSize)}. Hover for details, click to see the bytes.
        </span>
        <div className="spacer" />
        <div className="segmented" role="radiogroup" aria-label="Bar scale">
          <button role="radio" aria-checked={scale === 'readable'} className={scale === 'readable' ? 'on' : ''} onClick={() => setScale('readable')}>
            Readable
          </button>
          <button role="radio" aria-checked={scale === 'true'} className={scale === 'true' ? 'on' : ''} onClick={() => setScale('true')}>
            True scale
          </button>
        </div>
      </div>
      <div ref={wrapRef} className="filemap-wrap">
        <svg ref={svgRef} width={width} height={BAR_H + 24} className="filemap" role="img" aria-label="File layout bar" data-testid="file-map-svg">
          <g className="segs" />
          <g className="names" />
          <g className="ticks" />
        </svg>
        {hover && (
          <div className="tooltip" style={{ left: Math.min(hover.x + 12, width - 260), top: hover.y + 14 }} data-testid="file-map-tooltip">
            <strong>{hover.seg.r.label}</strong>
            <div className="mono">
              {hex(hover.seg.r.start)} – {hex(hover.seg.r.end)}
            </div>
            <div className="muted">
              {num(hover.seg.r.end - hover.seg.r.start)} bytes · {CATEGORY_LABEL[hover.seg.cat]}
            </div>
          </div>
        )}
      </div>
      <div className="legend">
        {cats.map(([c, bytes]) => (
          <span key={c} className="legend-item">
            <span className={`swatch cat-${c}`} /> {CATEGORY_LABEL[c]} <span className="muted">{bytesHuman(bytes)}</span>
          </span>
        ))}
      </div>
      <table className="grid-table compact" data-testid="file-map-table">
        <thead>
          <tr>
            <th />
            <th>Range</th>
            <th className="num">Start</th>
            <th className="num">End</th>
            <th className="num">Bytes</th>
            <th>Kind</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {segs.map((s) => (
            <tr
              key={`${s.r.start}-${s.r.label}`}
              className="clickable"
              onClick={() => onShowHex({ start: s.r.start, end: s.r.end, label: s.r.label, sectionIndex: s.r.sectionIndex })}
            >
              <td>
                <span className={`swatch cat-${s.cat}`} />
              </td>
              <td>
                <code>{s.r.label}</code>
              </td>
              <td className="num mono">{hex(s.r.start)}</td>
              <td className="num mono">{hex(s.r.end)}</td>
              <td className="num">{num(s.r.end - s.r.start)}</td>
              <td className="muted">{CATEGORY_LABEL[s.cat]}</td>
              <td className="actions">
                {(() => {
                  const rs = relaOf(s.r.sectionIndex);
                  if (!rs) return null;
                  return (
                    <span className="actions-inner">
                      {onShowRelocs && (
                        <button
                          className="btn small"
                          onClick={(e) => (e.stopPropagation(), onShowRelocs(rs.sectionIndex))}
                          data-testid="filemap-relocs"
                        >
                          {num(rs.count)} relocations
                        </button>
                      )}
                      {onSeeApplied && (
                        <button
                          className="btn small see-applied"
                          data-testid="filemap-see-applied"
                          title={
                            `Boot if needed, insmod ${mod.fileName} and show ${rs.name}'s first relocation being applied ` +
                            "(the card's slider walks the rest)"
                          }
                          onClick={(e) => (
                            e.stopPropagation(),
                            onSeeApplied({ kind: 'relocation', relaSection: rs.name, entry: 0 }, `${rs.name} #0`)
                          )}
                        >
                          see them applied ▸
                        </button>
                      )}
                    </span>
                  );
                })()}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
