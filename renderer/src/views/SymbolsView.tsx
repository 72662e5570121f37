import { useCallback, useMemo, useState } from 'react';
import type { ModuleOverview, SymbolFilter, SymbolRow } from '../../../engine/api-types';
import type { Host } from '../host/host';
import { usePaged } from '../lib/paged';
import { num } from '../lib/format';
import { VirtualTable, type Column } from './VirtualTable';
import { useDebounced } from './find/useDebounced';
import './find/find.css';
import type { SeeApplied } from './find/seeApplied';
import { HexRangeFilter } from './HexRangeFilter';

const PAGE = 500;
const SYMBOL_TYPES = ['NOTYPE', 'OBJECT', 'FUNC', 'SECTION', 'FILE', 'COMMON', 'TLS'];

export function SymbolsView({ mod, host, onSeeApplied }: { mod: ModuleOverview; host: Host; onSeeApplied?: SeeApplied }) {
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const [section, setSection] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const query = useDebounced<SymbolFilter>(
    useMemo(() => ({ text: text.trim(), type, section: section.trim(), from: from.trim(), to: to.trim() }), [text, type, section, from, to]),
    60,
  );
  const key = `${query.text}|${query.type}|${query.section}|${query.from}|${query.to}`;
  const filtered = key !== '||||';
  const fetchPage = useCallback(
    (offset: number, limit: number) => host.call('symbols', { id: mod.id, offset, limit, query: filtered ? query : undefined }),
    [host, mod.id, query, filtered],
  );
  const paged = usePaged<SymbolRow>(`${mod.id}:${key}`, PAGE, fetchPage);
  const sectionNames = useMemo(() => ['UND', 'ABS', 'COM', ...mod.sections.filter((s) => s.name).map((s) => s.name)], [mod.sections]);
  const columns: Column<SymbolRow>[] = useMemo(
    () => [
      { key: 'index', label: '#', width: '64px', num: true, cellClass: 'muted', render: (r) => r.index },
      {
        key: 'name',
        label: 'Name',
        width: 'minmax(220px, 3fr)',
        render: (r) => <code title={r.name}>{r.name || <span className="muted">(none)</span>}</code>,
      },
      { key: 'value', label: 'Value', width: '170px', cellClass: 'mono', render: (r) => r.value },
      { key: 'size', label: 'Size', width: '72px', num: true, render: (r) => r.size },
      { key: 'type', label: 'Type', width: '84px', render: (r) => <span className={`sym-type t-${r.type.toLowerCase()}`}>{r.type}</span> },
      { key: 'bind', label: 'Bind', width: '80px', render: (r) => r.bind },
      { key: 'vis', label: 'Vis', width: '84px', cellClass: 'muted', render: (r) => r.visibility },
      { key: 'ndx', label: 'Ndx', width: '56px', num: true, render: (r) => r.ndx },
      {
        key: 'section',
        label: 'Section',
        width: 'minmax(120px, 1.2fr)',
        render: (r) => <code className={r.section === 'UND' ? 'und' : ''}>{r.section}</code>,
      },
      {
        key: 'load',
        label: 'Load',
        width: '128px',
        render: (r) =>
          r.index > 0 && onSeeApplied ? (
            <button
              className="btn small see-applied"
              data-testid="see-resolved"
              title={
                r.section === 'UND'
                  ? `Boot if needed, insmod ${mod.fileName} and show simplify_symbols() finding ${r.name} among the exports`
                  : `Boot if needed, insmod ${mod.fileName} and show simplify_symbols() relocating ${r.name || 'this symbol'} to its section's address`
              }
              onClick={() => onSeeApplied({ kind: 'symbol', index: r.index }, `symbol #${r.index} ${r.name}`)}
            >
              {r.section === 'UND' ? 'see it resolved ▸' : 'see it placed ▸'}
            </button>
          ) : null,
      },
    ],
    [onSeeApplied, mod.fileName],
  );
  return (
    <div className="pane-with-toolbar">
      <div className="toolbar wrap">
        <input
          type="search"
          className="filter"
          placeholder="Filter symbols by name…"
          aria-label="Filter symbols"
          data-testid="symbols-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Symbol type" data-testid="symbols-type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any type</option>
          {SYMBOL_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input
          className="filter short"
          list="symbol-sections"
          placeholder="section (UND…)"
          aria-label="Section"
          data-testid="symbols-section"
          value={section}
          onChange={(e) => setSection(e.target.value)}
        />
        <datalist id="symbol-sections">
          {sectionNames.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <HexRangeFilter label="value" testId="symbols" from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <span className="muted" data-testid="symbols-count">
          {paged.total === null ? '…' : filtered ? `${num(paged.total)} of ${num(mod.symbolCount)} symbols` : `${num(paged.total)} symbols`}
        </span>
      </div>
      <VirtualTable columns={columns} paged={paged} testId="symbols-table" label="Symbols" />
    </div>
  );
}
