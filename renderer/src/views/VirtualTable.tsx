import { useEffect, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PagedRows } from '../lib/paged';

export interface Column<T> {
  key: string;
  label: string;
  width: string; // CSS grid track
  num?: boolean;
  render: (row: T) => ReactNode;
}

const ROW_H = 26;

/** A virtualised table over `total` rows, fetched in pages on demand. */
export function VirtualTable<T>({
  columns,
  paged,
  testId,
  label,
  rowKey,
  onRowClick,
}: {
  columns: Column<T>[];
  paged: PagedRows<T>;
  testId: string;
  label: string;
  rowKey?: (row: T) => string | number;
  onRowClick?: (row: T) => void;
}) {
  const total = paged.total ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 20 });
  const items = virt.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const want = paged.want;
  useEffect(() => {
    want(first, last);
  }, [first, last, want]);
  const template = columns.map((c) => c.width).join(' ');

  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={total} data-testid={testId}>
      <div className="vtable-head" role="rowgroup">
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
            return (
              <div
                key={row && rowKey ? rowKey(row) : it.key}
                role="row"
                aria-rowindex={it.index + 1}
                className={`vtable-row${it.index % 2 ? ' odd' : ''}${onRowClick && row ? ' clickable' : ''}`}
                style={{ gridTemplateColumns: template, transform: `translateY(${it.start}px)`, height: ROW_H }}
                onClick={row && onRowClick ? () => onRowClick(row) : undefined}
              >
                {row
                  ? columns.map((c) => (
                      <div key={c.key} role="cell" className={c.num ? 'num' : ''}>
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
