import type { ModuleOverview } from '../../../engine/api-types';
import { hex, num } from '../lib/format';

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

      <section className="card">
        <h3>
          .modinfo <span className="muted small">({mod.modinfo.length} entries — what modinfo(8) prints)</span>
        </h3>
        <table className="grid-table compact" data-testid="modinfo-table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Value</th>
              <th className="num">Offset</th>
            </tr>
          </thead>
          <tbody>
            {mod.modinfo.map((m, i) => (
              <tr key={i}>
                <td>
                  <code>{m.key}</code>
                </td>
                <td className="wrap">{m.value || <span className="muted">(empty)</span>}</td>
                <td className="num mono">{hex(m.offset)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h3>
          Parameters <span className="muted small">({mod.params.length})</span>
        </h3>
        {mod.params.length === 0 ? (
          <p className="muted">No module parameters.</p>
        ) : (
          <table className="grid-table compact" data-testid="params-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Perm</th>
                <th>Variable</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {mod.params.map((p) => (
                <tr key={p.name}>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>
                    {p.type}
                    {p.arrayMax !== undefined ? `[${p.arrayMax}]` : ''}
                  </td>
                  <td className="mono">{p.perm}</td>
                  <td>
                    <code>{p.variable}</code>
                  </td>
                  <td className="wrap">{p.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

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
        <section className="card">
          <h3>
            Exports <span className="muted small">({num(mod.exports.length)})</span>
          </h3>
          {mod.exports.length === 0 ? (
            <p className="muted">Exports no symbols.</p>
          ) : (
            <table className="grid-table compact" data-testid="exports-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Namespace</th>
                  <th>CRC</th>
                </tr>
              </thead>
              <tbody>
                {mod.exports.map((e) => (
                  <tr key={e.name}>
                    <td>
                      <code>{e.name}</code>
                    </td>
                    <td>{e.gplOnly ? <span className="pill warn">GPL only</span> : 'EXPORT_SYMBOL'}</td>
                    <td>{e.namespace || <span className="muted">—</span>}</td>
                    <td className="mono">{e.crc ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="card">
        <h3>
          __versions <span className="muted small">({num(mod.versions.length)} symbol CRCs checked at load, CONFIG_MODVERSIONS)</span>
        </h3>
        {mod.versions.length === 0 ? (
          <p className="muted">No __versions section.</p>
        ) : (
          <table className="grid-table compact" data-testid="versions-table">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>CRC</th>
                <th className="num">Offset</th>
              </tr>
            </thead>
            <tbody>
              {mod.versions.map((v, i) => (
                <tr key={i}>
                  <td>
                    <code>{v.name}</code>
                  </td>
                  <td className="mono">{v.crc}</td>
                  <td className="num mono">{hex(v.offset)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h3>
          Notes <span className="muted small">({mod.notes.length})</span>
        </h3>
        {mod.notes.length === 0 ? (
          <p className="muted">No ELF notes.</p>
        ) : (
          <table className="grid-table compact" data-testid="notes-table">
            <thead>
              <tr>
                <th>Section</th>
                <th>Owner</th>
                <th>Type</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {mod.notes.map((n, i) => (
                <tr key={i}>
                  <td>
                    <code>{n.section}</code>
                  </td>
                  <td>{n.owner}</td>
                  <td>
                    {n.typeName} <span className="muted">({n.type})</span>
                  </td>
                  <td className="wrap mono">{n.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
