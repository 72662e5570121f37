import { useCallback } from 'react';
import type { ModuleOverview, RelocRow } from '../../../engine/api-types';
import type { Host } from '../host/host';
import { usePaged } from '../lib/paged';
import { num } from '../lib/format';
import { VirtualTable, type Column } from './VirtualTable';
import type { HexRange } from './HexView';

const PAGE = 500;

const COLUMNS: Column<RelocRow>[] = [
  { key: 'index', label: '#', width: '80px', num: true, render: (r) => <span className="muted">{r.index}</span> },
  { key: 'offset', label: 'Offset', width: '170px', render: (r) => <span className="mono">{r.offset}</span> },
  { key: 'type', label: 'Type', width: 'minmax(170px, 1.3fr)', render: (r) => <code className="reloc-type" title={`type ${r.typeNumber}`}>{r.type}</code> },
  { key: 'sym', label: 'Symbol', width: 'minmax(200px, 2.5fr)', render: (r) => <code title={r.symbolName}>{r.symbolName || <span className="muted">(none)</span>}</code> },
  { key: 'symidx', label: 'Sym #', width: '70px', num: true, render: (r) => <span className="muted">{r.symbolIndex}</span> },
  { key: 'value', label: 'Sym value', width: '170px', render: (r) => <span className="mono">{r.symbolValue}</span> },
  { key: 'addend', label: 'Addend', width: '110px', num: true, render: (r) => <span className="mono">{r.addend}</span> },
];

export function RelocationsView({
  mod,
  host,
  section,
  onSection,
  onShowHex,
}: {
  mod: ModuleOverview;
  host: Host;
  section: number | null;
  onSection: (s: number) => void;
  onShowHex?: (r: HexRange) => void;
}) {
  const rs = mod.relocSections.find((r) => r.sectionIndex === section) ?? mod.relocSections[0];
  const secIndex = rs?.sectionIndex ?? -1;
  const fetchPage = useCallback(
    (offset: number, limit: number) => host.call('relocations', { id: mod.id, section: secIndex, offset, limit }),
    [host, mod.id, secIndex],
  );
  const paged = usePaged<RelocRow>(`${mod.id}:${secIndex}`, PAGE, fetchPage, rs?.count ?? 0);

  const target = rs ? mod.sections.find((x) => x.index === rs.target) : undefined;
  const showPatched = (r: RelocRow) => {
    if (!target || !onShowHex || target.fileSize === 0) return;
    const at = target.offset + Number.parseInt(r.offset, 16);
    const width = /64|GLOB_DAT|JUMP_SLOT/.test(r.type) && !/32/.test(r.type) ? 8 : 4;
    onShowHex({ start: target.offset, end: target.offset + target.fileSize, label: target.name, sectionIndex: target.index, highlight: [at, at + width] });
  };

  if (!rs) return <div className="empty">This module has no relocation sections.</div>;
  return (
    <div className="pane-with-toolbar">
      <div className="toolbar">
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
        <span className="muted" data-testid="relocations-count">
          {num(rs.count)} {rs.rela ? 'RELA' : 'REL'} entries patching <code>{rs.targetName}</code>
          {target && target.fileSize > 0 ? ' · click a row to see the bytes it patches' : ''}
        </span>
      </div>
      <VirtualTable columns={COLUMNS} paged={paged} testId="relocations-table" label={`Relocations in ${rs.name}`} onRowClick={showPatched} />
    </div>
  );
}
