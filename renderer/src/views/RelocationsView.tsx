import { useCallback, useMemo, useState } from 'react';
import type { ModuleOverview, RelocFilter, RelocRow } from '../../../engine/api-types';
import { X86_64_RELOC_RULES } from '../../../engine/elf/index';
import type { Host } from '../host/host';
import { usePaged } from '../lib/paged';
import { num } from '../lib/format';
import { VirtualTable, type Column } from './VirtualTable';
import type { HexRange } from './HexView';
import { RelocTypeInfo } from './find/RelocTypeInfo';
import { useDebounced } from './find/useDebounced';
import './find/find.css';
import type { SeeApplied } from './find/seeApplied';
import { HexRangeFilter } from './HexRangeFilter';

const PAGE = 500;
const TYPES = X86_64_RELOC_RULES.map((r) => r.name);

export function RelocationsView({
  mod,
  host,
  section,
  onSection,
  onShowHex,
  onSeeApplied,
}: {
  mod: ModuleOverview;
  host: Host;
  section: number | null;
  onSection: (s: number) => void;
  onShowHex?: (r: HexRange) => void;
  onSeeApplied?: SeeApplied;
}) {
  const rs = mod.relocSections.find((r) => r.sectionIndex === section) ?? mod.relocSections[0];
  const secIndex = rs?.sectionIndex ?? -1;
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [explain, setExplain] = useState<{ type: string; typeNumber: number } | null>(null);
  const filter = useDebounced<RelocFilter>(
    useMemo(() => ({ text: text.trim(), type, from: from.trim(), to: to.trim() }), [text, type, from, to]),
    60,
  );
  const filterKey = `${filter.text}|${filter.type}|${filter.from}|${filter.to}`;
  const filtered = filterKey !== '|||';
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      host.call('relocations', { id: mod.id, section: secIndex, offset, limit, filter: filtered ? filter : undefined }),
    [host, mod.id, secIndex, filter, filtered],
  );
  const paged = usePaged<RelocRow>(`${mod.id}:${secIndex}:${filterKey}`, PAGE, fetchPage, filtered ? null : (rs?.count ?? 0));

  const target = rs ? mod.sections.find((x) => x.index === rs.target) : undefined;
  // apply_relocations() only applies sections whose target is SHF_ALLOC (.rela.debug_* are not).
  const applied = !!target && target.flags.includes('A');
  const showPatched = (r: RelocRow) => {
    if (!target || !onShowHex || target.fileSize === 0) return;
    const at = target.offset + Number.parseInt(r.offset, 16);
    const width = /64|GLOB_DAT|JUMP_SLOT/.test(r.type) && !/32/.test(r.type) ? 8 : 4;
    onShowHex({
      start: target.offset,
      end: target.offset + target.fileSize,
      label: target.name,
      sectionIndex: target.index,
      highlight: [at, at + width],
      reloc: applied && rs ? { relaSection: rs.name, entry: r.index, symbol: r.symbolName, type: r.type } : undefined,
    });
  };

  const columns: Column<RelocRow>[] = useMemo(
    () => [
      { key: 'index', label: '#', width: '80px', num: true, cellClass: 'muted', render: (r) => r.index },
      { key: 'offset', label: 'Offset', width: '170px', cellClass: 'mono', render: (r) => r.offset },
      {
        key: 'type',
        label: 'Type',
        width: 'minmax(170px, 1.3fr)',
        render: (r) => (
          <button
            className="linkish reloc-type"
            title={`What ${r.type} means (width, PC-relative, formula, range check)`}
            data-testid="reloc-type-link"
            onClick={(e) => {
              e.stopPropagation();
              setExplain({ type: r.type, typeNumber: r.typeNumber });
            }}
          >
            {r.type}
          </button>
        ),
      },
      {
        key: 'sym',
        label: 'Symbol',
        width: 'minmax(200px, 2.5fr)',
        render: (r) => <code title={r.symbolName}>{r.symbolName || <span className="muted">(none)</span>}</code>,
      },
      { key: 'symidx', label: 'Sym #', width: '70px', num: true, cellClass: 'muted', render: (r) => r.symbolIndex },
      { key: 'value', label: 'Sym value', width: '170px', cellClass: 'mono', render: (r) => r.symbolValue },
      { key: 'addend', label: 'Addend', width: '110px', num: true, cellClass: 'mono', render: (r) => r.addend },
      {
        key: 'load',
        label: 'Load',
        width: '120px',
        render: (r) =>
          applied && onSeeApplied && rs ? (
            <button
              className="btn small see-applied"
              data-testid="see-applied"
              title={`Boot the default kernel if needed, insmod ${mod.fileName} and show this relocation being applied`}
              onClick={(e) => {
                e.stopPropagation();
                onSeeApplied({ kind: 'relocation', relaSection: rs.name, entry: r.index }, `${rs.name} #${r.index} (${r.symbolName || r.type})`);
              }}
            >
              see it applied ▸
            </button>
          ) : (
            <span className="muted small" title="apply_relocations() skips sections that are not loaded (no SHF_ALLOC)">
              not applied
            </span>
          ),
      },
    ],
    [applied, onSeeApplied, rs, mod.fileName],
  );

  if (!rs) return <div className="empty">This module has no relocation sections.</div>;
  return (
    <div className="pane-with-toolbar">
      <div className="toolbar wrap">
        <label>
          <span className="muted">Relocation section</span>
          <select
            data-testid="reloc-section-select"
            aria-label="Relocation section"
            value={rs.sectionIndex}
            onChange={(e) => onSection(Number(e.target.value))}
          >
            {mod.relocSections.map((r) => (
              <option key={r.sectionIndex} value={r.sectionIndex}>
                {r.name} → {r.targetName} ({num(r.count)})
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          className="filter"
          placeholder="Symbol or type name…"
          aria-label="Filter relocations by symbol or type name"
          data-testid="relocations-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Relocation type" data-testid="relocations-type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any type</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <HexRangeFilter label="offset" testId="relocations" from={from} to={to} onFrom={setFrom} onTo={setTo} />
        <span className="muted" data-testid="relocations-count">
          {filtered ? `${paged.total === null ? '…' : num(paged.total)} of ` : ''}
          {num(rs.count)} {rs.rela ? 'RELA' : 'REL'} entries patching <code>{rs.targetName}</code>
          {target && target.fileSize > 0 ? ' · click a row for the bytes it patches' : ''}
        </span>
      </div>
      {explain && <RelocTypeInfo type={explain.type} typeNumber={explain.typeNumber} onClose={() => setExplain(null)} />}
      <VirtualTable columns={columns} paged={paged} testId="relocations-table" label={`Relocations in ${rs.name}`} onRowClick={showPatched} />
    </div>
  );
}
