import type { ModuleOverview } from '../../../engine/api-types';
import { hex, num } from '../lib/format';
import { CardTable } from './CardTable';

const code = (s: string) => <code>{s}</code>;

export function ModinfoView({ mod }: { mod: ModuleOverview }) {
  return (
    <div className="scroll-pane modinfo" data-testid="modinfo">
      <section className="card">
        <h3>
          License{' '}
          <span className={`pill ${mod.gplCompatible ? 'ok' : 'warn'}`} data-testid="gpl-compatible">
            {mod.gplCompatible ? 'GPL-compatible' : 'not GPL-compatible: taints the kernel, no GPL-only symbols'}
          </span>
        </h3>
        <p>{mod.license ? <code>{mod.license}</code> : <span className="muted">No license= tag.</span>}</p>
      </section>

      <CardTable
        title=".modinfo"
        count={`${mod.modinfo.length} entries — what modinfo(8) prints`}
        testId="modinfo-table"
        rows={mod.modinfo}
        rowKey={(_m, i) => i}
        columns={[
          { label: 'Key', cell: (m) => code(m.key) },
          { label: 'Value', className: 'wrap', cell: (m) => m.value || <span className="muted">(empty)</span> },
          { label: 'Offset', num: true, className: 'mono', cell: (m) => hex(m.offset) },
        ]}
      />

      <CardTable
        title="Parameters"
        count={mod.params.length}
        empty="No module parameters."
        testId="params-table"
        rows={mod.params}
        rowKey={(p) => p.name}
        columns={[
          { label: 'Name', cell: (p) => code(p.name) },
          { label: 'Type', cell: (p) => `${p.type}${p.arrayMax !== undefined ? `[${p.arrayMax}]` : ''}` },
          { label: 'Perm', className: 'mono', cell: (p) => p.perm },
          { label: 'Variable', cell: (p) => code(p.variable) },
          { label: 'Description', className: 'wrap', cell: (p) => p.description },
        ]}
      />

      <div className="cards-row">
        <section className="card">
          <h3>
            Imports <span className="muted small">({num(mod.imports.length)} undefined symbols the kernel must resolve)</span>
          </h3>
          <ul className="chips" data-testid="imports">
            {mod.imports.map((i) => (
              <li key={i}>
                <code>{i}</code>
              </li>
            ))}
          </ul>
        </section>
        <CardTable
          title="Exports"
          count={num(mod.exports.length)}
          empty="Exports no symbols."
          testId="exports-table"
          rows={mod.exports}
          rowKey={(e) => e.name}
          columns={[
            { label: 'Name', cell: (e) => code(e.name) },
            { label: 'Kind', cell: (e) => (e.gplOnly ? <span className="pill warn">GPL only</span> : 'EXPORT_SYMBOL') },
            { label: 'Namespace', cell: (e) => e.namespace || <span className="muted">—</span> },
            { label: 'CRC', className: 'mono', cell: (e) => e.crc ?? '' },
          ]}
        />
      </div>

      <CardTable
        title="__versions"
        count={`${num(mod.versions.length)} symbol CRCs checked at load, CONFIG_MODVERSIONS`}
        empty="No __versions section."
        testId="versions-table"
        rows={mod.versions}
        rowKey={(_v, i) => i}
        columns={[
          { label: 'Symbol', cell: (v) => code(v.name) },
          { label: 'CRC', className: 'mono', cell: (v) => v.crc },
          { label: 'Offset', num: true, className: 'mono', cell: (v) => hex(v.offset) },
        ]}
      />

      <CardTable
        title="Notes"
        count={mod.notes.length}
        empty="No ELF notes."
        testId="notes-table"
        rows={mod.notes}
        rowKey={(_n, i) => i}
        columns={[
          { label: 'Section', cell: (n) => code(n.section) },
          { label: 'Owner', cell: (n) => n.owner },
          {
            label: 'Type',
            cell: (n) => (
              <>
                {n.typeName} <span className="muted">({n.type})</span>
              </>
            ),
          },
          { label: 'Description', className: 'wrap mono', cell: (n) => n.description },
        ]}
      />
    </div>
  );
}
