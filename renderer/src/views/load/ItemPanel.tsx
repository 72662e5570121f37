/**
 * The item under the cursor inside a block step: one relocation (with the memory it patches, before
 * and after) or one symbol (how simplify_symbols resolved it).
 */
import { useEffect, useRef, useState } from 'react';
import type { EngineError, Hex64, RelocationDetail, SymbolDetail } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { addrAdd, addrDiff } from './loadFormat';

const ROW = 8;
/** Bytes shown either side of the patched field. */
const CONTEXT = 32;

export function ItemPanel({ item, pos, host, onError }: { item: RelocationDetail | SymbolDetail; pos: number; host: Host; onError: (e: EngineError) => void }) {
  return item.kind === 'relocation' ? <RelocationPanel r={item} pos={pos} host={host} onError={onError} /> : <SymbolPanel s={item} />;
}

const STATUS_OK = new Set(['applied', 'resolved', 'relative', 'absolute', 'common', 'none']);

function Status({ status, message }: { status: string; message?: string | null }) {
  return (
    <span className={`pill ${STATUS_OK.has(status) ? 'ok' : status === 'not-reached' || status === 'skipped' ? '' : 'bad'}`} data-testid="item-status" title={message ?? undefined}>
      {status}
    </span>
  );
}

function RelocationPanel({ r, pos, host, onError }: { r: RelocationDetail; pos: number; host: Host; onError: (e: EngineError) => void }) {
  return (
    <div className="card item-panel" data-testid="relocation-detail">
      <h3>
        Relocation <span className="muted">{r.relaSection}</span> #{r.entry} <span className="muted">→ patches</span> <code>{r.targetSection}</code>{' '}
        <Status status={r.status} message={r.message} />
      </h3>
      <div className="reloc-grid">
        <dl className="kv reloc-kv">
          <dt>type</dt>
          <dd>
            <code className="reloc-type" data-testid="reloc-type">
              {r.type}
            </code>{' '}
            <span className="muted">({r.typeNumber})</span>
          </dd>
          <dt>symbol</dt>
          <dd>
            <code>{r.symbol || '(none)'}</code>
          </dd>
          <dt title="the symbol's value">S</dt>
          <dd className="mono" data-testid="reloc-S">
            {r.S}
          </dd>
          <dt title="the addend">A</dt>
          <dd className="mono" data-testid="reloc-A">
            {r.A}
          </dd>
          <dt title="the address patched">P</dt>
          <dd className="mono" data-testid="reloc-P">
            {r.P}
          </dd>
          <dt>formula</dt>
          <dd>
            <code>{r.formula}</code> = <code className="strong">{r.value}</code> <span className="muted">({r.width} bytes)</span>
          </dd>
          <dt>bytes</dt>
          <dd className="mono bytes-change" data-testid="reloc-bytes">
            <span data-testid="reloc-before">{r.before || '—'}</span> <span className="muted">→</span> <span className="after" data-testid="reloc-after">{r.after || '—'}</span>
          </dd>
        </dl>
        <PatchWindow P={r.P} width={r.width} pos={pos} host={host} onError={onError} />
      </div>
      {r.message && <p className={`item-message ${STATUS_OK.has(r.status) ? 'muted' : 'err-text'}`}>{r.message}</p>}
    </div>
  );
}

interface Windows {
  key: string;
  start: Hex64;
  before: (number | null)[];
  after: (number | null)[];
}

/** The bytes around P, before this relocation (position pos-1) and after it (pos), row by row. */
function PatchWindow({ P, width, pos, host, onError }: { P: Hex64; width: number; pos: number; host: Host; onError: (e: EngineError) => void }) {
  const [win, setWin] = useState<Windows | null>(null);
  const seq = useRef(0);
  const key = `${P}@${pos}`;
  useEffect(() => {
    const my = ++seq.current;
    const low = Number(BigInt(P) % BigInt(ROW));
    const start = addrAdd(P, -CONTEXT - low);
    const length = CONTEXT + low + width + CONTEXT + ((ROW - ((low + width) % ROW)) % ROW);
    void Promise.all([
      host.call('kernel.memory', { address: start, length, pos: Math.max(0, pos - 1) }),
      host.call('kernel.memory', { address: start, length, pos }),
    ]).then(([b, a]) => {
      if (my !== seq.current) return;
      if (!b.ok) return onError(b.error);
      if (!a.ok) return onError(a.error);
      setWin({ key, start, before: b.value.bytes, after: a.value.bytes });
    });
  }, [P, width, pos, host, key, onError]);

  if (!win) return <div className="patch-window muted small">Reading memory…</div>;
  const p0 = addrDiff(P, win.start);
  const rows: number[] = [];
  for (let i = 0; i < win.after.length; i += ROW) rows.push(i);
  const cells = (bytes: (number | null)[], other: (number | null)[], off: number) =>
    bytes.slice(off, off + ROW).map((b, j) => {
      const i = off + j;
      const patched = i >= p0 && i < p0 + width;
      return (
        <span key={j} className={`hb${patched ? ' hl' : ''}${b !== other[i] ? ' changed' : ''}${b === null ? ' unmapped' : b === 0 ? ' zero' : ''}`}>
          {b === null ? '··' : b.toString(16).padStart(2, '0')}
        </span>
      );
    });
  return (
    <div className={`patch-window${win.key !== key ? ' stale' : ''}`} data-testid="patch-window" aria-label="Memory around P, before and after the relocation">
      <div className="patch-head muted small">
        <span className="addr" />
        <span>before · position {Math.max(0, pos - 1)}</span>
        <span>after · position {pos}</span>
      </div>
      {rows.map((off) => (
        <div key={off} className="patch-row mono">
          <span className="muted addr">{addrAdd(win.start, off).slice(2)}</span>
          <span className="patch-bytes" data-testid="mem-before">
            {cells(win.before, win.after, off)}
          </span>
          <span className="patch-bytes after" data-testid="mem-after">
            {cells(win.after, win.before, off)}
          </span>
        </div>
      ))}
      <div className="muted small patch-note">
        Highlighted: the {width} bytes at P. ·· = not mapped.
      </div>
    </div>
  );
}

function SymbolPanel({ s }: { s: SymbolDetail }) {
  return (
    <div className="card item-panel" data-testid="symbol-detail">
      <h3>
        Symbol #{s.index} <code>{s.name || '(unnamed)'}</code> <Status status={s.status} />
      </h3>
      <dl className="kv reloc-kv">
        <dt>section</dt>
        <dd>
          <code className={s.section === 'UND' ? 'und' : ''}>{s.section}</code>
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
