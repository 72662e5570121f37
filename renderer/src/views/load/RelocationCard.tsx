/**
 * One relocation as __apply_relocate_add() (arch/x86/kernel/module.c) applies it: the instruction it
 * patches before and after (disassembled, symbolised, the patched bytes highlighted), the formula with
 * this relocation's numbers and its range check, an arrow from P to what it points at, the memory
 * around P, and one slider over every relocation of the same .rela section.
 */
import { useEffect, useRef, useState } from 'react';
import type { EngineError, Hex64, RelocationDetail } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { addrAdd, addrDiff, positionText } from './loadFormat';
import { Check, ItemScrub, ItemStatus, itemOk } from './itemStatus';
import { hex, relocMath } from './relocMath';
import { FORMULA_LEGEND, relocTypeLine } from '../find/RelocTypeInfo';
import { ByteSpans, byteRuns } from './byteRuns';
import './cards.css';

const LEGEND = Object.fromEntries(FORMULA_LEGEND.map((l) => [l.sym, l.text])) as Record<'S' | 'A' | 'P', string>;

const ROW = 8;
/** Bytes shown either side of the patched field. */
const CONTEXT = 16;
type Insn = NonNullable<RelocationDetail['instruction']>;

export function RelocationCard({
  r,
  pos,
  host,
  onError,
  onSeek,
}: {
  r: RelocationDetail;
  pos: number;
  host: Host;
  onError: (e: EngineError) => void;
  onSeek: (p: number) => void;
}) {
  const math = relocMath(r);
  const sec = r.sectionItems;
  return (
    <div className="card item-panel reloc-card" data-testid="relocation-detail" data-pos={pos}>
      <h3>
        Relocation <span className="muted">{r.relaSection}</span> #{r.entry} <span className="muted">→ patches</span> <code>{r.targetSection}</code>{' '}
        <ItemStatus status={r.status} message={r.message} />
        {sec && (
          <ItemScrub
            first={sec.first}
            count={sec.count}
            pos={pos}
            onSeek={onSeek}
            label={`every relocation of ${r.relaSection}`}
            testId="reloc-scrub"
          />
        )}
      </h3>
      <div className="reloc-grid">
        <dl className="kv reloc-kv">
          <dt>type</dt>
          <dd>
            <code className="reloc-type" data-testid="reloc-type">
              {r.type}
            </code>{' '}
            <span className="muted">({r.typeNumber})</span>
            <div className="muted small legend-line" data-testid="reloc-type-line">
              {relocTypeLine(r.typeNumber)}
            </div>
          </dd>
          <dt>symbol</dt>
          <dd>
            <code>{r.symbol || '(none)'}</code>
          </dd>
          <dt>S</dt>
          <dd data-testid="reloc-S-row">
            <span className="mono" data-testid="reloc-S">
              {r.S}
            </span>
            <div className="muted small legend-line">
              S = {LEGEND.S}
              {r.symbol ? ` (${r.symbol})` : ''}
            </div>
          </dd>
          <dt>A</dt>
          <dd>
            <span className="mono" data-testid="reloc-A">
              {r.A}
            </span>
            <div className="muted small legend-line">A = {LEGEND.A}</div>
          </dd>
          <dt>P</dt>
          <dd>
            <span className="mono" data-testid="reloc-P">
              {r.P}
            </span>
            <div className="muted small legend-line">
              P = {LEGEND.P} ({r.targetSection})
            </div>
          </dd>
          <dt>formula</dt>
          <dd>
            <code>{r.formula}</code> = <code className="strong">{r.value}</code> <span className="muted">({r.width} bytes)</span>
          </dd>
          <dt>bytes</dt>
          <dd className="mono bytes-change" data-testid="reloc-bytes">
            <span data-testid="reloc-before">{r.before || '—'}</span> <span className="muted">→</span>{' '}
            <span className="after" data-testid="reloc-after">
              {r.after || '—'}
            </span>
          </dd>
        </dl>
        {/* What the relocation changes, beside what it is: the instruction, then the bytes around the field. */}
        <div className="reloc-changes">
          {r.instruction && <InstructionPair insn={r.instruction} written={r.writtenAt ?? null} />}
          <PatchWindow
            P={r.writtenAt?.address ?? r.P}
            width={r.width}
            pos={pos}
            host={host}
            onError={onError}
            given={r.memory ?? null}
            written={r.writtenAt ?? null}
          />
        </div>
      </div>
      {math && (
        <div className="reloc-math" data-testid="reloc-math">
          <div className="mono">
            <span className="muted">{r.formula.split(' (')[0]} =</span> {math.terms} = <strong data-testid="reloc-exact">{hex(math.exact)}</strong>
            {r.width === 4 && (
              <>
                {' '}
                <span className="muted">→ 32 bits</span> <strong>{r.value}</strong>
              </>
            )}
          </div>
          <Check ok={math.check.ok} label={math.check.text} testId="reloc-range" />
        </div>
      )}
      {r.target && <TargetArrow r={r} target={r.target} />}
      {r.message && <p className={`item-message ${itemOk(r.status) ? 'muted' : 'err-text'}`}>{r.message}</p>}
    </div>
  );
}

/** The instruction's bytes with the field at P highlighted. */
function InsnBytes({ bytes, from, width, changed }: { bytes: string; from: number; width: number; changed: boolean }) {
  const hl = (i: number) => i >= from && i < from + width;
  const runs = byteRuns(bytes.split(' '), (i) => (hl(i) ? ` hl${changed ? ' changed' : ''}` : ''), hl);
  return (
    <span className="insn-bytes">
      <ByteSpans runs={runs} base="ib" />
    </span>
  );
}

function InstructionPair({ insn, written }: { insn: Insn; written: RelocationDetail['writtenAt'] | null }) {
  return (
    <div className="reloc-insn" data-testid="reloc-insn">
      <div className="insn-where muted small">
        {written ? `${written.where}: the instruction that will run at ` : 'the instruction at '}
        <span className="mono">{insn.address}</span>
        {insn.where && (
          <>
            {' '}
            — <code>{insn.where}</code>
          </>
        )}
        {!insn.fromFunctionStart && <span title="decoded from shortly before P, not from the function's start"> (boundaries resynchronised)</span>}
      </div>
      {(['before', 'after'] as const).map((w) => (
        <div key={w} className={`insn-row ${w}`} data-testid={`reloc-insn-${w}`}>
          <span className="insn-label">{w}</span>
          <InsnBytes bytes={insn[w].bytes} from={insn.patchOffset} width={insn.width} changed={w === 'after'} />
          <code className="insn-text">{insn[w].text}</code>
        </div>
      ))}
    </div>
  );
}

/** P (the field) → what it points at, drawn as two boxes and an arrow. */
function TargetArrow({ r, target }: { r: RelocationDetail; target: { address: Hex64; name: string | null } }) {
  const from = r.instruction?.where ?? `${r.targetSection}+0x${r.entry.toString(16)}`;
  const to = target.name ?? '(no symbol here)';
  const w = 860;
  const box = 330;
  return (
    <svg
      className="reloc-arrow"
      data-testid="reloc-target"
      viewBox={`0 0 ${w} 58`}
      width="100%"
      style={{ maxWidth: w }}
      role="img"
      aria-label={`P points at ${to}`}
    >
      <defs>
        <marker id="reloc-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
        </marker>
      </defs>
      <rect x={1} y={8} width={box} height={42} rx={6} className="arrow-box from" />
      <text x={12} y={25} className="arrow-title">
        P {r.P}
      </text>
      <text x={12} y={42} className="arrow-sub">
        {clip(from, 44)}
      </text>
      <line x1={box + 4} y1={29} x2={w - box - 8} y2={29} className="arrow-line" markerEnd="url(#reloc-arrowhead)" />
      <text x={w / 2} y={22} textAnchor="middle" className="arrow-sub">
        {r.type.replace('R_X86_64_', '')} → {r.symbol || 'S'}
      </text>
      <rect x={w - box - 1} y={8} width={box} height={42} rx={6} className="arrow-box to" />
      <text x={w - box + 10} y={25} className="arrow-title" data-testid="reloc-target-name">
        {clip(to, 42)}
      </text>
      <text x={w - box + 10} y={42} className="arrow-sub">
        {target.address}
      </text>
    </svg>
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

interface Windows {
  key: string;
  start: Hex64;
  before: (number | null)[];
  after: (number | null)[];
}

/** The bytes around P, before this relocation (position pos-1) and after it (pos), row by row. */
function PatchWindow({
  P,
  width,
  pos,
  host,
  onError,
  given,
  written,
}: {
  /** The field's address: P, or where the bytes are written (written). */
  P: Hex64;
  width: number;
  pos: number;
  host: Host;
  onError: (e: EngineError) => void;
  given: RelocationDetail['memory'] | null;
  /** 2.4: the field is patched in insmod's image in user space, not at P yet. */
  written: RelocationDetail['writtenAt'] | null;
}) {
  const [fetched, setWin] = useState<Windows | null>(null);
  const seq = useRef(0);
  const key = `${P}@${pos}`;
  useEffect(() => {
    const my = ++seq.current;
    // The seek answer carries the window (this engine): nothing to read.
    if (given) return;
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
  }, [P, width, pos, host, key, onError, given]);

  const win: Windows | null = given ? { key, start: given.start, before: given.before, after: given.after } : fetched;
  if (!win) return <div className="patch-window muted small">Reading memory…</div>;
  const p0 = addrDiff(P, win.start);
  const rows: number[] = [];
  for (let i = 0; i < win.after.length; i += ROW) rows.push(i);
  const cells = (bytes: (number | null)[], other: (number | null)[], off: number) => {
    const row = bytes.slice(off, off + ROW);
    const patched = (j: number) => off + j >= p0 && off + j < p0 + width;
    const look = (j: number) => {
      const b = row[j];
      return `${patched(j) ? ' hl' : ''}${b !== other[off + j] ? ' changed' : ''}${b === null ? ' unmapped' : b === 0 ? ' zero' : ''}`;
    };
    const text = row.map((b) => (b === null ? '··' : b.toString(16).padStart(2, '0')));
    return <ByteSpans runs={byteRuns(text, look, patched)} base="hb" />;
  };
  return (
    <div
      className={`patch-window${win.key !== key ? ' stale' : ''}`}
      data-testid="patch-window"
      aria-label="Memory around P, before and after the relocation"
    >
      <div className="patch-head muted small">
        <span className="addr" />
        <span>before · {positionText(Math.max(0, pos - 1))}</span>
        <span>after · {positionText(pos)}</span>
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
      {written ? (
        <div className="small patch-note" data-testid="patch-written">
          Highlighted: the {width} bytes patched in <strong>{written.where}</strong> (at {P}), relocated for P; the kernel&apos;s block at P stays
          empty until init_module() copies the image. ·· = not mapped.
        </div>
      ) : (
        <div className="muted small patch-note">Highlighted: the {width} bytes at P. ·· = not mapped.</div>
      )}
    </div>
  );
}
