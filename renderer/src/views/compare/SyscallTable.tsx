/** The syscall suites of 2.4 and 2.6+ side by side, and what moved into the kernel, and why. */
import { MOVED_ROWS, SYSCALL_ROWS } from './syscalls';

export function SyscallTable({ used }: { used: Record<string, boolean> }) {
  return (
    <div className="card cmp-table" data-testid="syscall-table">
      <h3>The syscalls compared</h3>
      <table className="grid-table syscalls">
        <thead>
          <tr>
            <th>syscall</th>
            <th>2.4</th>
            <th>2.6+ (6.1)</th>
            <th>when</th>
            <th>what it does</th>
          </tr>
        </thead>
        <tbody>
          {SYSCALL_ROWS.map((r) => (
            <tr key={r.name} data-testid="syscall-row" data-syscall={r.name}>
              <td>
                <code>{r.name}</code>
                {used[r.name] && (
                  <span className="cmp-used" title="used by the load shown above">
                    used above
                  </span>
                )}
              </td>
              <td>{r.v24 ? <code>{r.v24}</code> : <span className="muted">—</span>}</td>
              <td>{r.v26 ? <code>{r.v26}</code> : <span className="muted">gone</span>}</td>
              <td>{r.when}</td>
              <td>{r.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>What moved from user space into the kernel, and why</h3>
      <table className="grid-table moved" data-testid="moved-table">
        <thead>
          <tr>
            <th>work</th>
            <th>2.4: done by</th>
            <th>2.6+: done by</th>
            <th>why it moved</th>
          </tr>
        </thead>
        <tbody>
          {MOVED_ROWS.map((r) => (
            <tr key={r.what}>
              <td>{r.what}</td>
              <td>{r.was}</td>
              <td>{r.now}</td>
              <td>{r.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
