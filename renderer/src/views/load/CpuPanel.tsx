/**
 * The CPU at one executed instruction of init/exit: where it is, the instruction (AT&T, as objdump
 * prints it), the registers and flags before it ran, the kernel function it reached, what it wrote.
 */
import type { InstructionDetail } from '../../../../engine/api-types';

export function CpuPanel({ item }: { item: InstructionDetail }) {
  const regs = Object.entries(item.registers);
  return (
    <div className="card item-panel" data-testid="cpu-panel">
      <h3>
        CPU <span className="muted">instruction {item.item + 1}</span>
      </h3>
      <div className="cpu-where mono">{item.where ?? item.rip}</div>
      <div className="cpu-ins mono" data-testid="cpu-instruction">
        <span className="muted">{item.rip.replace(/^0x/, '')}:</span> {item.text}
      </div>
      {item.call && <div className="cpu-call">→ {item.call}</div>}
      <table className="cpu-regs mono">
        <tbody>
          {Array.from({ length: Math.ceil(regs.length / 3) }, (_, r) => (
            <tr key={r}>
              {regs.slice(r * 3, r * 3 + 3).map(([n, v]) => (
                <td key={n}>
                  <span className="muted">{n}</span> {v.replace(/^0x/, '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted">flags: {item.flags || '(none set)'} — registers before the instruction ran</div>
      {item.writes.length > 0 && <div className="muted">writes: {item.writes.map((w) => `${w.length} bytes at ${w.address}`).join(', ')}</div>}
    </div>
  );
}
