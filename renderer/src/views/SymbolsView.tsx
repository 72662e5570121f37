import { useCallback, useEffect, useState } from 'react';
import type { ModuleOverview, SymbolRow } from '../../../engine/api-types';
import type { Host } from '../host/host';
import { usePaged } from '../lib/paged';
import { num } from '../lib/format';
import { VirtualTable, type Column } from './VirtualTable';

const PAGE = 500;

const COLUMNS: Column<SymbolRow>[] = [
  { key: 'index', label: '#', width: '64px', num: true, render: (r) => <span className="muted">{r.index}</span> },
  { key: 'name', label: 'Name', width: 'minmax(220px, 3fr)', render: (r) => <code title={r.name}>{r.name || <span className="muted">(none)</span>}</code> },
  { key: 'value', label: 'Value', width: '170px', render: (r) => <span className="mono">{r.value}</span> },
  { key: 'size', label: 'Size', width: '72px', num: true, render: (r) => r.size },
  { key: 'type', label: 'Type', width: '84px', render: (r) => <span className={`sym-type t-${r.type.toLowerCase()}`}>{r.type}</span> },
  { key: 'bind', label: 'Bind', width: '80px', render: (r) => r.bind },
  { key: 'vis', label: 'Vis', width: '84px', render: (r) => <span className="muted">{r.visibility}</span> },
  { key: 'ndx', label: 'Ndx', width: '56px', num: true, render: (r) => r.ndx },
  { key: 'section', label: 'Section', width: 'minmax(120px, 1.2fr)', render: (r) => <code className={r.section === 'UND' ? 'und' : ''}>{r.section}</code> },
];

export function SymbolsView({ mod, host }: { mod: ModuleOverview; host: Host }) {
  const [text, setText] = useState('');
  const [filter, setFilter] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setFilter(text.trim()), 150);
    return () => clearTimeout(t);
  }, [text]);
  const fetchPage = useCallback(
    (offset: number, limit: number) => host.call('symbols', { id: mod.id, offset, limit, filter: filter || undefined }),
    [host, mod.id, filter],
  );
  const paged = usePaged<SymbolRow>(`${mod.id}:${filter}`, PAGE, fetchPage);
  return (
    <div className="pane-with-toolbar">
      <div className="toolbar">
        <input
          type="search"
          className="filter"
          placeholder="Filter symbols by name…"
          aria-label="Filter symbols"
          data-testid="symbols-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="muted" data-testid="symbols-count">
          {paged.total === null ? '…' : filter ? `${num(paged.total)} of ${num(mod.symbolCount)} symbols` : `${num(paged.total)} symbols`}
        </span>
      </div>
      <VirtualTable columns={COLUMNS} paged={paged} testId="symbols-table" label="Symbols" rowKey={(r) => r.index} />
    </div>
  );
}
