/**
 * The CPU at one executed instruction of init/exit: where it is, the instruction (AT&T, as objdump
 * prints it), the disassembly around it (decoded from the modelled memory at this position), the call
 * stack, the registers and flags before it ran, the kernel function it reached, what it wrote.
 * Stepping per basic block or over calls moves the timeline; clicking a register value shows the
 * memory it points at, as it was before the instruction ran.
 */
import { useEffect, useRef, useState } from 'react';
import { positionText } from './loadFormat';
import type { EngineError, InstructionDetail, MemoryView } from '../../../../engine/api-types';
import type { Host } from '../../host/host';

type Nav = InstructionDetail['nav'];
const NAV: { key: keyof Nav; label: string; title: string; testid: string; shortcut: string }[] = [
  {
    key: 'prevBlock',
    label: '◀ block',
    title: 'Back to the start of this basic block (or the previous one) (B)',
    testid: 'cpu-prev-block',
    shortcut: 'B',
  },
  {
    key: 'stepBackOver',
    label: '◀ over',
    title: 'Previous instruction in this function, skipping the functions it called (O)',
    testid: 'cpu-step-back-over',
    shortcut: 'O',
  },
  {
    key: 'stepOver',
    label: 'over ▶',
    title: "Next instruction in this function: a call to the module's own code runs to its return (o)",
    testid: 'cpu-step-over',
    shortcut: 'o',
  },
  { key: 'nextBlock', label: 'block ▶', title: 'Next basic block: after the next jump, call or return (b)', testid: 'cpu-next-block', shortcut: 'b' },
  { key: 'stepOut', label: 'out ▶', title: 'Run until this function returns (u)', testid: 'cpu-step-out', shortcut: 'u' },
];
const MEM_LEN = 64;
const ROW = 16;

type Bytes = Pick<MemoryView, 'address' | 'bytes'>;

/** The bytes at a register's value: from the instruction's own stack copy when it points into the stack, else kernel.memory. */
function PointerMemory({
  reg,
  address,
  pos,
  stack,
  host,
  onError,
}: {
  reg: string;
  address: `0x${string}`;
  pos: number;
  stack: InstructionDetail['stackMemory'];
  host: Host;
  onError: (e: EngineError) => void;
}) {
  const [fetched, setView] = useState<Bytes | null>(null);
  const seq = useRef(0);
  const off = BigInt(address) - BigInt(stack.address);
  const onStack = off >= 0n && off < BigInt(stack.bytes.length);
  const view: Bytes | null = onStack
    ? { address, bytes: stack.bytes.slice(Number(off), Number(off) + MEM_LEN) }
    : fetched && fetched.address === address
      ? fetched
      : null;
  useEffect(() => {
    if (onStack) return;
    const my = ++seq.current;
    void host.call('kernel.memory', { address, length: MEM_LEN, pos }).then((r) => {
      if (my !== seq.current) return;
      if (!r.ok) return onError(r.error);
      setView(r.value);
    });
  }, [address, pos, host, onError, onStack]);
  if (!view) return <div className="muted small">Reading memory…</div>;
  const mapped = view.bytes.some((b) => b !== null);
  const rows: number[] = [];
  for (let i = 0; i < view.bytes.length; i += ROW) rows.push(i);
  const base = BigInt(view.address);
  return (
    <div className="cpu-memory" data-testid="cpu-memory" data-reg={reg} data-mapped={mapped ? 'yes' : 'no'} data-where={onStack ? 'stack' : 'memory'}>
      <div className="muted small">
        %{reg} → {address} · {view.bytes.length} bytes {onStack ? 'of the kernel stack ' : ''}before the instruction ran ({positionText(pos)})
        {mapped ? '' : ' — not mapped'}
      </div>
      {rows.map((off) => (
        <div key={off} className="mono cpu-mem-row">
          <span className="muted">{(base + BigInt(off)).toString(16)}</span>{' '}
          {view.bytes.slice(off, off + ROW).map((b, j) => (
            <span key={j} className={`hb${b === null ? ' unmapped' : b === 0 ? ' zero' : ''}`}>
              {b === null ? '··' : b.toString(16).padStart(2, '0')}
            </span>
          ))}{' '}
          <span className="muted">
            {view.bytes
              .slice(off, off + ROW)
              .map((b) => (b !== null && b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'))
              .join('')}
          </span>
        </div>
      ))}
    </div>
  );
}

const VECTOR_NAMES: Record<NonNullable<InstructionDetail['fault']>['vector'], string> = {
  '#PF': 'page fault',
  '#GP': 'general protection fault',
  '#DE': 'divide error',
  '#UD': 'invalid opcode',
  '#DF': 'double fault (kernel stack overflow)',
};

/** The exception the instruction raised: it did not complete, and the kernel's oops starts from here. */
function CpuFaultBox({ fault }: { fault: NonNullable<InstructionDetail['fault']> }) {
  return (
    <div className="cpu-fault" data-testid="cpu-fault" role="note">
      <div>
        <strong>
          This instruction faulted: {fault.vector} {VECTOR_NAMES[fault.vector]}
        </strong>{' '}
        <span className="muted">— it did not complete; the registers below are the ones the exception saved.</span>
      </div>
      <div className="mono small">
        {fault.cr2 !== null && <span data-testid="cpu-fault-cr2">CR2 {fault.cr2.replace(/^0x/, '')} · </span>}
        <span data-testid="cpu-fault-code">error code 0x{fault.errorCode.toString(16).padStart(4, '0')}</span>
        <span className="muted"> · {fault.message}</span>
      </div>
      <div className="cpu-fault-lines mono small" data-testid="cpu-fault-lines" aria-label="What the kernel prints about it">
        {fault.lines.map((l, i) => (
          <div key={i}>{l}</div>
        ))}
      </div>
    </div>
  );
}

export function CpuPanel({
  item,
  pos,
  base,
  host,
  onSeek,
  onError,
}: {
  item: InstructionDetail;
  /** Timeline position of this instruction, and of the block's first one. */
  pos: number;
  base: number;
  host: Host;
  onSeek: (pos: number) => void;
  onError: (e: EngineError) => void;
}) {
  const regs = Object.entries(item.registers);
  const [pointer, setPointer] = useState<string | null>(null);
  const pointed = pointer ? item.registers[pointer] : undefined;
  const panel = useRef<HTMLDivElement>(null);
  // b / B, o / O, u step like the buttons while the panel is shown (←/→ stay one position each).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || !panel.current?.offsetParent) return;
      const t = e.target;
      if (t instanceof HTMLElement && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
      const n = NAV.find((x) => x.shortcut === e.key);
      const to = n ? item.nav[n.key] : null;
      if (to === null || to === undefined) return;
      e.preventDefault();
      onSeek(base + to);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [item, base, onSeek]);
  return (
    <div ref={panel} className="card item-panel" data-testid="cpu-panel">
      <h3>
        CPU <span className="muted">instruction {item.item + 1}</span>
        <span className="cpu-nav" role="group" aria-label="Step the instructions">
          {NAV.map((n) => {
            const to = item.nav[n.key];
            return (
              <button
                key={n.key}
                type="button"
                className="small"
                data-testid={n.testid}
                title={n.title}
                disabled={to === null}
                onClick={() => to !== null && onSeek(base + to)}
              >
                {n.label}
              </button>
            );
          })}
        </span>
      </h3>
      <div className="cpu-where mono">{item.where ?? item.rip}</div>
      <div
        className={`cpu-ins mono${item.call ? ' kernel-call' : ''}${item.fault ? ' faulting' : ''}`}
        data-testid="cpu-instruction"
        data-faulting={item.fault ? 'yes' : 'no'}
      >
        <span className="muted">{item.rip.replace(/^0x/, '')}:</span> {item.text}
        {item.fault && <span className="badge fault-badge">faulted: {item.fault.vector}</span>}
      </div>
      {item.fault && <CpuFaultBox fault={item.fault} />}
      {item.call && (
        <div className="cpu-call" data-testid="cpu-kernel-call">
          → kernel: {item.call}
        </div>
      )}
      <div className="cpu-cols">
        <div className="cpu-stack" data-testid="cpu-stack" aria-label="Call stack">
          <div className="muted small">Call stack (innermost first)</div>
          {item.stack.map((f, i) => (
            <div key={i} className={`cpu-frame${f.kernel ? ' kernel' : ''}`} data-testid="cpu-frame" data-kernel={f.kernel ? 'yes' : 'no'}>
              <div className="mono">
                #{i} {f.function}
                {f.kernel && <span className="badge">kernel model</span>}
              </div>
              <div className="muted small mono">
                {f.returnAddress
                  ? `returns to ${f.returnAddress.replace(/^0x/, '')} ${f.returnTo ?? ''}`
                  : `returns into ${f.returnTo ?? 'the kernel'}`}{' '}
                · rsp at entry {f.rsp.replace(/^0x/, '')}
                {f.entryItem !== null && (
                  <button
                    type="button"
                    className="link small"
                    title="Go to the frame's first instruction"
                    onClick={() => onSeek(base + (f.entryItem ?? 0))}
                  >
                    entry
                  </button>
                )}
              </div>
            </div>
          ))}
        </div>
        <div className="cpu-disasm mono" data-testid="cpu-disasm" aria-label="Disassembly around rip">
          {item.around.length === 0 && <div className="muted small">No disassembly (no decoder, or the code is not mapped at this position).</div>}
          {item.around.map((r) => (
            <div key={r.address}>
              {r.label && <div className="cpu-label">{`${r.address.replace(/^0x/, '')} <${r.label}>:`}</div>}
              <div
                className={`cpu-dis-row${r.current ? ' current' : ''}${r.current && item.fault ? ' faulting' : ''}`}
                data-testid="cpu-disasm-row"
                data-current={r.current ? 'yes' : 'no'}
                title={r.target ? `${r.target.address}${r.target.symbol ? ` <${r.target.symbol}>` : ''}` : undefined}
              >
                <span className="mark">{r.current ? (item.fault ? '✖' : '▶') : ''}</span>
                <span className="muted">{r.address.slice(-8)}:</span>
                <span className="muted cpu-bytes">{r.bytes}</span>
                <span>{r.text}</span>
              </div>
            </div>
          ))}
        </div>
      </div>
      <table className="cpu-regs mono">
        <tbody>
          {Array.from({ length: Math.ceil(regs.length / 3) }, (_, r) => (
            <tr key={r}>
              {regs.slice(r * 3, r * 3 + 3).map(([n, v]) => (
                <td key={n}>
                  <span className="muted">{n}</span>{' '}
                  <button
                    type="button"
                    className={`cpu-reg${pointer === n ? ' on' : ''}`}
                    data-testid="cpu-reg"
                    data-reg={n}
                    title={`Show the memory at ${v}`}
                    onClick={() => setPointer(pointer === n ? null : n)}
                  >
                    {v.replace(/^0x/, '')}
                  </button>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted">
        flags: {item.flags || '(none set)'} — registers before the instruction ran; click a value to see the memory it points at
      </div>
      {pointer && pointed && (
        <PointerMemory reg={pointer} address={pointed} pos={Math.max(0, pos - 1)} stack={item.stackMemory} host={host} onError={onError} />
      )}
      {item.writes.length > 0 && <div className="muted">writes: {item.writes.map((w) => `${w.length} bytes at ${w.address}`).join(', ')}</div>}
    </div>
  );
}
