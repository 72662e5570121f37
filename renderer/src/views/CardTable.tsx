/** A card holding one compact table: a title with a count, an empty message, a header row and a row per item. */
import type { ReactNode } from 'react';

export interface CardColumn<T> {
  label: string;
  num?: boolean;
  /** The cell's class (wrap, mono…), besides num. */
  className?: string;
  cell: (row: T) => ReactNode;
}

export function CardTable<T>({
  title,
  count,
  empty,
  testId,
  rows,
  rowKey,
  columns,
}: {
  title: ReactNode;
  /** Shown muted after the title, in parentheses. */
  count: ReactNode;
  /** Shown instead of the table when there are no rows (undefined: an empty table). */
  empty?: string;
  testId: string;
  rows: T[];
  rowKey: (row: T, i: number) => string | number;
  columns: CardColumn<T>[];
}) {
  const cls = (c: CardColumn<T>) => [c.num ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    <section className="card">
      <h3>
        {title} <span className="muted small">({count})</span>
      </h3>
      {rows.length === 0 && empty !== undefined ? (
        <p className="muted">{empty}</p>
      ) : (
        <table className="grid-table compact" data-testid={testId}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} className={c.num ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={rowKey(r, i)}>
                {columns.map((c) => (
                  <td key={c.label} className={cls(c)}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
