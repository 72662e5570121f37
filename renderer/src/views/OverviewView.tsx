import type { ModuleOverview } from '../../../engine/api-types';
import { bytesHuman, hex, num } from '../lib/format';
import type { HexRange } from './HexView';

export function OverviewView({ mod, onShowHex }: { mod: ModuleOverview; onShowHex: (r: HexRange) => void }) {
  const tm = mod.thisModule;
  const sig = mod.signature;
  return (
    <div className="scroll-pane overview" data-testid="overview">
      <section className="card summary">
        <h2>{mod.fileName}</h2>
        <p className="lead" data-testid="header-summary">
          {mod.headerSummary}
        </p>
        <dl className="facts">
          <div>
            <dt>File size</dt>
            <dd>
              {bytesHuman(mod.fileSize)} <span className="muted">({num(mod.fileSize)} bytes)</span>
            </dd>
          </div>
          <div>
            <dt>Compression</dt>
            <dd>{mod.compression ?? 'none'}</dd>
          </div>
          <div>
            <dt>Sections</dt>
            <dd>{num(mod.sections.length)}</dd>
          </div>
          <div>
            <dt>Symbols</dt>
            <dd>{num(mod.symbolCount)}</dd>
          </div>
          <div>
            <dt>Relocations</dt>
            <dd>
              {num(mod.relocationCount)} <span className="muted">in {mod.relocSections.length} sections</span>
            </dd>
          </div>
          <div>
            <dt>License</dt>
            <dd>
              {mod.license ?? <span className="muted">none</span>}{' '}
              <span className={`pill ${mod.gplCompatible ? 'ok' : 'warn'}`}>{mod.gplCompatible ? 'GPL-compatible' : 'not GPL-compatible'}</span>
            </dd>
          </div>
        </dl>
      </section>

      <div className="cards-row">
        <section className="card" data-testid="this-module">
          <h3>struct module (.gnu.linkonce.this_module)</h3>
          {tm ? (
            <dl className="kv">
              <dt>name</dt>
              <dd>
                <code>{tm.name}</code>
              </dd>
              <dt>init</dt>
              <dd>{tm.init ? <code>{tm.init}</code> : <span className="muted">none</span>}</dd>
              <dt>exit</dt>
              <dd>{tm.exit ? <code>{tm.exit}</code> : <span className="muted">none (cannot be unloaded)</span>}</dd>
              <dt>size</dt>
              <dd>{num(tm.size)} bytes</dd>
            </dl>
          ) : (
            <p className="muted">No .gnu.linkonce.this_module section: the kernel would refuse this file.</p>
          )}
        </section>
        <section className="card" data-testid="signature">
          <h3>Module signature</h3>
          {sig.present ? (
            <dl className="kv">
              <dt>signed</dt>
              <dd>
                <span className="pill ok">yes</span> {sig.idType}
              </dd>
              <dt>ELF part</dt>
              <dd>{num(sig.elfLength)} bytes</dd>
              <dt>signature</dt>
              <dd>
                <button
                  className="link"
                  onClick={() => onShowHex({ start: sig.signatureOffset, end: sig.signatureOffset + sig.signatureLength, label: 'signature' })}
                >
                  {num(sig.signatureLength)} bytes at {hex(sig.signatureOffset)}
                </button>
              </dd>
              <dt>about</dt>
              <dd>{sig.description}</dd>
            </dl>
          ) : (
            <p className="muted">{sig.description || 'Not signed: no “~Module signature appended~” trailer.'}</p>
          )}
        </section>
      </div>

      {mod.warnings.length > 0 && (
        <section className="card warnings" data-testid="warnings">
          <h3>Warnings</h3>
          <ul>
            {mod.warnings.map((w, i) => (
              <li key={i}>
                <span className="error-code small">{w.code}</span> {w.message}
                {w.offset !== undefined && <span className="muted"> at {hex(w.offset)}</span>}
                {w.field && <span className="muted"> ({w.field})</span>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card">
        <h3>ELF header, explained</h3>
        <table className="grid-table header-table" data-testid="header-table">
          <thead>
            <tr>
              <th>Field</th>
              <th>Value</th>
              <th>What it means</th>
              <th className="num">Offset</th>
            </tr>
          </thead>
          <tbody>
            {mod.header.map((h) => (
              <tr key={h.field + h.offset}>
                <td>
                  <code>{h.field}</code>
                </td>
                <td className="mono">{h.value}</td>
                <td className="explain">{h.explain}</td>
                <td className="num">
                  <button
                    className="link mono"
                    onClick={() =>
                      onShowHex({ start: 0, end: Math.min(mod.fileSize, 64), label: 'ELF header', highlight: [h.offset, h.offset + h.size] })
                    }
                  >
                    {hex(h.offset)}
                  </button>
                  <span className="muted"> +{h.size}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
