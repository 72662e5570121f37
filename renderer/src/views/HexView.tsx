import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ModuleOverview, Page, Result } from '../../../engine/api-types';
import type { Host } from '../host/host';
import { usePaged } from '../lib/paged';
import { bytesHuman, hex } from '../lib/format';
import type { SeeApplied } from './find/seeApplied';
import './find/find.css';

export interface HexRange {
  start: number;
  end: number;
  label: string;
  sectionIndex?: number;
  /** [start, end) to highlight, in file offsets. */
  highlight?: [number, number];
  /** The relocation that patches the highlighted bytes (offers "see it applied"). */
  reloc?: { relaSection: string; entry: number; symbol: string; type: string };
}

const ROW_BYTES = 16;
const ROW_H = 22;
const PAGE_ROWS = 256; // 4 KiB a fetch
const WINDOW_BYTES = 4 * 1024 * 1024; // keep the scroll height sane for huge ranges

function printable(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·';
}

export function HexView({
  mod,
  host,
  range,
  onRange,
  onSeeApplied,
}: {
  mod: ModuleOverview;
  host: Host;
  onSeeApplied?: SeeApplied;
  range: HexRange | null;
  onRange: (r: HexRange) => void;
}) {
  const whole: HexRange = useMemo(() => ({ start: 0, end: mod.fileSize, label: 'whole file' }), [mod.fileSize]);
  const r = range ?? whole;
  const hl0 = r.highlight?.[0];
  const windowFor = (off: number) => r.start + Math.floor((off - r.start) / WINDOW_BYTES) * WINDOW_BYTES;
  const [winStart, setWinStart] = useState(hl0 !== undefined ? windowFor(hl0) : r.start);
  const pendingWin = useRef<number | null>(null);
  useEffect(() => {
    setWinStart(pendingWin.current ?? (hl0 !== undefined ? windowFor(hl0) : r.start));
    pendingWin.current = null;
  }, [r.start, r.end, hl0]);
  const winEnd = Math.min(r.end, winStart + WINDOW_BYTES);
  const rowCount = Math.max(0, Math.ceil((winEnd - winStart) / ROW_BYTES));

  const fetchPage = useCallback(
    async (offset: number, limit: number): Promise<Result<Page<Uint8Array>>> => {
      const from = winStart + offset * ROW_BYTES;
      const length = Math.max(0, Math.min(limit * ROW_BYTES, winEnd - from));
      const res = await host.call('bytes', { id: mod.id, offset: from, length });
      if (!res.ok) return res;
      const rows: Uint8Array[] = [];
      for (let i = 0; i < res.value.length; i += ROW_BYTES) rows.push(res.value.subarray(i, i + ROW_BYTES));
      return { ok: true, value: { total: rowCount, offset, rows } };
    },
    [host, mod.id, winStart, winEnd, rowCount],
  );
  const paged = usePaged<Uint8Array>(`${mod.id}:${winStart}:${winEnd}`, PAGE_ROWS, fetchPage, rowCount);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: rowCount, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 16 });
  const items = virt.getVirtualItems();
  useEffect(() => {
    if (items.length) paged.want(items[0].index, items[items.length - 1].index);
  });
  useEffect(() => {
    // Open at the highlighted bytes when there are some in this window, else at the top.
    if (hl0 !== undefined && hl0 >= winStart && hl0 < winEnd) virt.scrollToIndex(Math.floor((hl0 - winStart) / ROW_BYTES), { align: 'center' });
    else virt.scrollToIndex(0);
  }, [winStart, winEnd, hl0]);

  const [goto, setGoto] = useState('');
  const [mark, setMark] = useState<number | null>(null);
  useEffect(() => setMark(null), [r.start, r.end]);
  const hl = r.highlight;
  const options = mod.sections.filter((s) => s.fileSize > 0);

  const onGoto = (e: React.FormEvent) => {
    e.preventDefault();
    const v = goto.trim();
    const off = v.startsWith('0x') ? parseInt(v.slice(2), 16) : parseInt(v, 10);
    if (!Number.isFinite(off) || off < 0 || off >= mod.fileSize) return;
    setMark(off);
    if (off < r.start || off >= r.end) {
      const ws = Math.floor(off / WINDOW_BYTES) * WINDOW_BYTES;
      pendingWin.current = ws;
      onRange({ ...whole, highlight: [off, off + 1] });
      setTimeout(() => virt.scrollToIndex(Math.floor((off - ws) / ROW_BYTES), { align: 'center' }), 50);
      return;
    }
    const ws = off - winStart >= 0 && off < winEnd ? winStart : r.start + Math.floor((off - r.start) / WINDOW_BYTES) * WINDOW_BYTES;
    setWinStart(ws);
    requestAnimationFrame(() => virt.scrollToIndex(Math.floor((off - ws) / ROW_BYTES), { align: 'center' }));
  };

  return (
    <div className="pane-with-toolbar" data-testid="hex-view">
      <div className="toolbar">
        <label>
          <span className="muted">Range</span>
          <select
            data-testid="hex-range-select"
            aria-label="Byte range to show"
            value={r.sectionIndex ?? (range ? 'custom' : 'whole')}
            onChange={(e) => {
              const v = e.target.value;
              if (v === 'whole') onRange(whole);
              const s = mod.sections.find((x) => String(x.index) === v);
              if (s) onRange({ start: s.offset, end: s.offset + s.fileSize, label: s.name, sectionIndex: s.index });
            }}
          >
            <option value="whole">whole file</option>
            {range && range.sectionIndex === undefined && <option value="custom">{range.label}</option>}
            {options.map((s) => (
              <option key={s.index} value={s.index}>
                [{s.index}] {s.name}
              </option>
            ))}
          </select>
        </label>
        <span className="range-info" data-testid="hex-range-info">
          <strong>{r.label}</strong>{' '}
          <span className="mono">
            {hex(r.start)}–{hex(r.end)}
          </span>{' '}
          <span className="muted">({bytesHuman(r.end - r.start)})</span>
        </span>
        {r.end - r.start > WINDOW_BYTES && (
          <span className="window-nav">
            <button className="btn small" disabled={winStart <= r.start} onClick={() => setWinStart(Math.max(r.start, winStart - WINDOW_BYTES))}>
              ◀ prev 4 MiB
            </button>
            <span className="mono muted">
              {hex(winStart)}–{hex(winEnd)}
            </span>
            <button className="btn small" disabled={winEnd >= r.end} onClick={() => setWinStart(winEnd)}>
              next 4 MiB ▶
            </button>
          </span>
        )}
        {r.reloc && r.highlight && (
          <span className="hex-reloc" data-testid="hex-reloc">
            highlighted: <code>{r.reloc.type}</code> → <code>{r.reloc.symbol || '(none)'}</code> ({r.reloc.relaSection} #{r.reloc.entry}), zero in the
            file
            {onSeeApplied && (
              <button
                className="btn small see-applied"
                data-testid="hex-see-applied"
                onClick={() =>
                  r.reloc &&
                  onSeeApplied(
                    { kind: 'relocation', relaSection: r.reloc.relaSection, entry: r.reloc.entry },
                    `${r.reloc.relaSection} #${r.reloc.entry}`,
                  )
                }
              >
                see it applied ▸
              </button>
            )}
          </span>
        )}
        <div className="spacer" />
        <form onSubmit={onGoto} className="goto">
          <input
            aria-label="Go to file offset"
            placeholder="go to offset (0x…)"
            value={goto}
            onChange={(e) => setGoto(e.target.value)}
            data-testid="hex-goto"
          />
        </form>
      </div>
      <div className="hex-head mono" aria-hidden>
        <span className="hex-off">offset</span>
        <span className="hex-bytes">
          {Array.from({ length: 16 }, (_, i) => (
            <span key={i} className={`hb${i === 8 ? ' gap' : ''}`}>
              {i.toString(16).padStart(2, '0')}
            </span>
          ))}
        </span>
        <span className="hex-ascii">ascii</span>
      </div>
      <div ref={scrollRef} className="virtual-scroll hex-scroll" role="grid" aria-label="Hex dump" data-testid="hex-scroll">
        {rowCount === 0 && <div className="empty">This range has no bytes in the file.</div>}
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const rowOff = winStart + it.index * ROW_BYTES;
            const bytes = paged.row(it.index);
            const n = Math.min(ROW_BYTES, winEnd - rowOff);
            return (
              <div key={it.key} className="hex-row mono" role="row" style={{ transform: `translateY(${it.start}px)`, height: ROW_H }}>
                <span className="hex-off">{rowOff.toString(16).padStart(8, '0')}</span>
                <span className="hex-bytes">
                  {Array.from({ length: 16 }, (_, i) => {
                    const off = rowOff + i;
                    const inHl = (hl && off >= hl[0] && off < hl[1]) || off === mark;
                    const b = i < n ? bytes?.[i] : undefined;
                    return (
                      <span
                        key={i}
                        className={`hb${i === 8 ? ' gap' : ''}${inHl ? ' hl' : ''}${b === 0 ? ' zero' : ''}`}
                        title={i < n ? hex(off) : undefined}
                      >
                        {i >= n ? '  ' : b === undefined ? '··' : b.toString(16).padStart(2, '0')}
                      </span>
                    );
                  })}
                </span>
                <span className="hex-ascii">{bytes ? Array.from(bytes.subarray(0, n), printable).join('') : ''}</span>
              </div>
            );
          })}
        </div>
      </div>
      {paged.error && (
        <div className="inline-error" role="alert">
          {paged.error.code}: {paged.error.message}
        </div>
      )}
    </div>
  );
}
