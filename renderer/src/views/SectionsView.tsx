import { useState } from 'react';
import './find/find.css';
import type { ModuleOverview, SectionRow } from '../../../engine/api-types';
import { hex, num } from '../lib/format';
import type { HexRange } from './HexView';

export function sectionRange(s: SectionRow): HexRange {
  return { start: s.offset, end: s.offset + s.fileSize, label: s.name || `section ${s.index}`, sectionIndex: s.index };
}

export function SectionsView({
  mod,
  onShowHex,
  onShowRelocs,
}: {
  mod: ModuleOverview;
  onShowHex: (r: HexRange) => void;
  onShowRelocs: (relSectionIndex: number) => void;
}) {
  const [selected, setSelected] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const [at, setAt] = useState('');
  const types = [...new Set(mod.sections.map((s) => s.type))].sort();
  const atNum = /^(0x)?[0-9a-f]+$/i.test(at.trim()) ? Number.parseInt(at.trim().replace(/^0x/i, ''), 16) : null;
  const t = text.trim().toLowerCase();
  // Sections are few (amdgpu: 67): filtered here. "contains offset" finds the section holding a file offset.
  const shown = mod.sections.filter(
    (s) =>
      (!t || s.name.toLowerCase().includes(t) || s.flagsExplained.toLowerCase().includes(t)) &&
      (!type || s.type === type) &&
      (atNum === null || (atNum >= s.offset && atNum < s.offset + Math.max(s.fileSize, 1))),
  );
  const relFor = (s: SectionRow) => mod.relocSections.find((r) => r.sectionIndex === s.index) ?? mod.relocSections.find((r) => r.target === s.index);
  return (
    <div className="scroll-pane">
      <p className="hint muted">
        Every section of the file, as the kernel's loader sees it. Click a row to select it; <em>Hex</em> shows its bytes, <em>Relocs</em> the
        relocations that patch it.
      </p>
      <div className="toolbar wrap">
        <input
          type="search"
          className="filter"
          placeholder="Name or flag (exec, alloc…)"
          aria-label="Filter sections"
          data-testid="sections-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Section type" data-testid="sections-type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any type</option>
          {types.map((x) => (
            <option key={x}>{x}</option>
          ))}
        </select>
        <input
          className="addr"
          placeholder="holds file offset 0x…"
          aria-label="Holds file offset"
          data-testid="sections-at"
          value={at}
          onChange={(e) => setAt(e.target.value)}
        />
        <span className="muted" data-testid="sections-count">
          {shown.length === mod.sections.length ? `${mod.sections.length} sections` : `${shown.length} of ${mod.sections.length} sections`}
        </span>
      </div>
      <table className="grid-table sections-table" data-testid="sections-table" aria-label="Sections">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Name</th>
            <th>Type</th>
            <th>Flags</th>
            <th className="num">Addr</th>
            <th className="num">Offset</th>
            <th className="num">Size</th>
            <th className="num">EntSize</th>
            <th className="num">Link</th>
            <th className="num">Info</th>
            <th className="num">Align</th>
            <th className="num">Relocs</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => {
            const rel = relFor(s);
            return (
              <tr
                key={s.index}
                data-testid={`section-row-${s.index}`}
                data-section-name={s.name}
                className={selected === s.index ? 'selected' : ''}
                onClick={() => setSelected(s.index)}
                aria-selected={selected === s.index}
              >
                <td className="num muted">{s.index}</td>
                <td className="name">
                  <code>{s.name || <span className="muted">(null)</span>}</code>
                </td>
                <td>{s.type}</td>
                <td title={s.flagsExplained}>
                  <span className="mono">{s.flags}</span>
                  {s.flagsExplained && <span className="muted small"> {s.flagsExplained}</span>}
                </td>
                <td className="num mono">{s.addr}</td>
                <td className="num mono">{hex(s.offset)}</td>
                <td className="num" title={`${num(s.size)} bytes`}>
                  {num(s.size)}
                </td>
                <td className="num">{s.entsize || ''}</td>
                <td className="num">{s.link || ''}</td>
                <td className="num">{s.info || ''}</td>
                <td className="num">{s.align}</td>
                <td className="num">{s.relocCount ? num(s.relocCount) : ''}</td>
                <td className="actions">
                  <div className="actions-inner">
                    <button
                      className="btn small"
                      disabled={s.fileSize === 0}
                      data-testid={`section-hex-${s.index}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        onShowHex(sectionRange(s));
                      }}
                    >
                      Hex
                    </button>
                    {rel && (
                      <button
                        className="btn small"
                        data-testid={`section-relocs-${s.index}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          onShowRelocs(rel.sectionIndex);
                        }}
                      >
                        Relocs
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
