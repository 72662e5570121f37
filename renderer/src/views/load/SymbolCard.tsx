/**
 * One symbol of simplify_symbols() (kernel/module/main.c): for an undefined one, a link from the
 * module's UND entry to the export that satisfies it (vmlinux or a loaded module), with
 * check_version()'s CRC check and resolve_symbol()'s licence check as pass/fail; for a defined one,
 * how its value became an address. One slider runs through every symbol of the block.
 */
import type { SymbolDetail } from '../../../../engine/api-types';
import { Check, ItemScrub, ItemStatus } from './itemStatus';
import './cards.css';

export function SymbolCard({
  s,
  pos,
  block,
  onSeek,
}: {
  s: SymbolDetail;
  pos: number;
  block: { first: number; count: number } | null;
  onSeek: (p: number) => void;
}) {
  const und = s.section === 'UND';
  return (
    <div className="card item-panel symbol-card" data-testid="symbol-detail" data-pos={pos}>
      <h3>
        Symbol #{s.index} <code>{s.name || '(unnamed)'}</code> <ItemStatus status={s.status} />
        {block && (
          <ItemScrub first={block.first} count={block.count} pos={pos} onSeek={onSeek} label="every symbol of .symtab" testId="symbol-scrub" />
        )}
      </h3>
      {und && s.status !== 'not-reached' && <ResolutionLink s={s} />}
      <dl className="kv reloc-kv">
        <dt>section</dt>
        <dd>
          <code className={und ? 'und' : ''}>{s.section}</code>
        </dd>
        <dt>st_value</dt>
        <dd className="mono bytes-change">
          {s.before} <span className="muted">→</span> <span className="after">{s.after}</span>
        </dd>
        <dt>how</dt>
        <dd>{s.how}</dd>
        {s.provider && (
          <>
            <dt>provider</dt>
            <dd>
              <code>{s.provider}</code>
            </dd>
          </>
        )}
        {s.crc && (
          <>
            <dt>CRC</dt>
            <dd className="mono">
              module {s.crc.module ?? '—'} · kernel {s.crc.kernel ?? '—'}{' '}
              <span className={`pill ${s.crc.ok ? 'ok' : 'bad'}`}>{s.crc.ok ? 'match' : 'mismatch'}</span>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** UND entry ──▶ the export, with the two checks under the arrow. */
function ResolutionLink({ s }: { s: SymbolDetail }) {
  const e = s.export ?? null;
  const crcOk = s.crc ? s.crc.ok : null;
  const crcText = s.crc
    ? s.crc.module
      ? `CRC ${s.crc.module} ${s.crc.ok ? '=' : '≠'} ${s.crc.kernel ?? '—'}`
      : `CRC: not in __versions`
    : e && s.status === 'unknown'
      ? 'CRC: not compared (the lookup failed first)'
      : e && !e.crc
        ? 'CRC: the export has none'
        : 'CRC: nothing to compare';
  const lic = s.licence ?? null;
  return (
    <div className="resolve-link" data-testid="symbol-link">
      <div className="resolve-box und">
        <div className="muted small">this module · UND</div>
        <code className="strong">{s.name}</code>
        <div className="mono small muted">st_value {s.before}</div>
      </div>
      <div className="resolve-arrow" aria-hidden>
        <div className="resolve-checks">
          <Check ok={crcOk} label={crcText} testId="symbol-crc-check" title="check_version(): the CRC recorded in __versions against the export's" />
          <Check
            ok={lic ? lic.ok : null}
            label={lic ? lic.text : 'licence: no export to check'}
            testId="symbol-licence-check"
            title="resolve_symbol(): GPL-only exports need a GPL-compatible module"
          />
        </div>
        <div className={`resolve-line ${s.status === 'resolved' ? 'ok' : 'bad'}`} />
      </div>
      <div className={`resolve-box exp${e ? '' : ' missing'}`} data-testid="symbol-export" data-owner={e?.owner ?? ''}>
        {e ? (
          <>
            <div className="muted small">
              exported by <strong className="owner">{e.owner}</strong> · {e.gplOnly ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'}
              {e.namespace ? ` · ns ${e.namespace}` : ''}
            </div>
            <code className="strong">{s.name}</code>
            <div className="mono small muted">at {e.address}</div>
          </>
        ) : (
          <>
            <div className="muted small">no export</div>
            <span className="err-text">neither vmlinux nor a loaded module exports it</span>
          </>
        )}
      </div>
    </div>
  );
}
