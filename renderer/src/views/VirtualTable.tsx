import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PagedRows } from '../lib/paged';

export interface Column<T> {
  key: string;
  label: string;
  width: string; // CSS grid track
  num?: boolean;
  /** Classes for the cell itself (e.g. 'mono', 'muted'): plain text in a styled cell is one element, not two. */
  cellClass?: string;
  render: (row: T) => ReactNode;
}

const ROW_H = 26;
/**
 * Rows drawn beyond the visible ones on each side. A fling moves a screenful per frame, so a wide
 * overscan is never seen; it only adds rows to build every frame (issue #15: 60 fps while scrolling).
 */
const OVERSCAN = 6;

/** A virtualised table over `total` rows, fetched in pages on demand. */
export function VirtualTable<T>({
  columns,
  paged,
  testId,
  label,
  onRowClick,
}: {
  columns: Column<T>[];
  paged: PagedRows<T>;
  testId: string;
  label: string;
  onRowClick?: (row: T) => void;
}) {
  const total = paged.total ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: OVERSCAN });
  const items = virt.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const want = paged.want;
  useEffect(() => {
    want(first, last);
  }, [first, last, want]);
  const template = columns.map((c) => c.width).join(' ');
  // The header sits outside the scroller: pad it by the scroller's own scrollbar width (0 with overlay scrollbars),
  // so 'fr' columns get the same width above and below and every later column lines up with its heading.
  const [gutter, setGutter] = useState(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setGutter(el.offsetWidth - el.clientWidth);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [total]);

  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={total} data-testid={testId}>
      <div className="vtable-head" role="rowgroup" style={{ paddingRight: gutter }}>
        <div className="vtable-row head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" className={c.num ? 'num' : ''}>
              {c.label}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="virtual-scroll" role="rowgroup" data-testid={`${testId}-scroll`}>
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const row = paged.row(it.index);
            // Keyed by slot, not by row: scrolling reuses the same row elements with new text (React updates text nodes
            // and the transform instead of creating ~18 elements a row and styling them afresh every frame).
            return (
              <div
                key={it.index % items.length}
                role="row"
                aria-rowindex={it.index + 1}
                className={`vtable-row${it.index % 2 ? ' odd' : ''}${onRowClick && row ? ' clickable' : ''}`}
                style={{ gridTemplateColumns: template, transform: `translateY(${it.start}px)`, height: ROW_H }}
                onClick={row && onRowClick ? () => onRowClick(row) : undefined}
              >
                {row
                  ? columns.map((c) => (
                      <div key={c.key} role="cell" className={c.num ? (c.cellClass ? `num ${c.cellClass}` : 'num') : (c.cellClass ?? '')}>
                        {c.render(row)}
                      </div>
                    ))
                  : columns.map((c, i) => (
                      <div key={c.key} role="cell" className="loading-cell">
                        {i === 0 ? '…' : ''}
                      </div>
                    ))}
              </div>
            );
          })}
        </div>
        {paged.total === 0 && <div className="empty">No rows.</div>}
      </div>
      {paged.error && (
        <div className="inline-error" role="alert">
          {paged.error.code}: {paged.error.message}
        </div>
      )}
    </div>
  );
}
