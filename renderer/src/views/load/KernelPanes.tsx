/** What the kernel shows at the cursor: lsmod, the taint flags, and the ring buffer. */
import { memo, useEffect, useRef, useState } from 'react';
import { positionText } from './loadFormat';
import type { LogRow, SnapshotModule } from '../../../../engine/api-types';
import { ModuleGraph } from './ModuleGraph';

/** include/linux/panic.h: what each taint letter means (the ones module loading sets, and a few more). */
const TAINT_MEANING: Record<string, string> = {
  P: 'proprietary module loaded',
  F: 'module force-loaded',
  R: 'module force-unloaded',
  C: 'staging driver loaded',
  O: 'out-of-tree module loaded',
  E: 'unsigned module loaded',
  K: 'kernel live-patched',
  X: 'auxiliary taint',
  T: 'built with struct randomisation',
  W: 'a warning was issued',
  D: 'the kernel died (an oops)',
  L: 'a soft lockup was detected',
  S: 'CPU out of specification',
  M: 'machine check',
  B: 'bad page',
  U: 'taint requested by user space',
  A: 'ACPI table overridden',
  I: 'firmware workaround',
  N: 'in-kernel test run',
};

export const ModulesPane = memo(function ModulesPane({ modules, taints }: { modules: SnapshotModule[]; taints: string }) {
  const [show, setShow] = useState<'lsmod' | 'graph'>('lsmod');
  return (
    <section className="side-pane" data-testid="modules-pane" aria-label="Loaded modules">
      <h3 className="graph-tabs-head">
        <span className="graph-tabs" role="tablist" aria-label="Modules as">
          {(['lsmod', 'graph'] as const).map((t) => (
            <button key={t} className="btn ghost" role="tab" aria-selected={show === t} data-testid={`modules-tab-${t}`} onClick={() => setShow(t)}>
              {t === 'lsmod' ? 'lsmod' : 'graph'}
            </button>
          ))}
        </span>{' '}
        <span
          className="clock small"
          data-testid="modules-clock"
          title="This pane follows the timeline cursor; the shell's lsmod shows the kernel now (after the last command)"
        >
          at the cursor
        </span>
      </h3>
      {show === 'graph' ? <ModuleGraph modules={modules} /> : <LsmodTable modules={modules} />}
      <div className="taints" data-testid="kernel-taints">
        <span className="muted">Kernel taints:</span>{' '}
        {taints ? (
          [...taints].map((l) => (
            <span key={l} className="taint" title={TAINT_MEANING[l] ?? l}>
              {l}
              <span className="muted small"> {TAINT_MEANING[l] ?? ''}</span>
            </span>
          ))
        ) : (
          <span className="ok-text">none (0)</span>
        )}
      </div>
    </section>
  );
});

/** Holders shown before "+N more" (the whole list stays in the tooltip). */
const HOLDERS_SHOWN = 4;

/**
 * Module, Size and Used by exactly as kmod's lsmod prints them (Size = /sys/module/NAME/coresize,
 * then refcnt and holders); State and Taints are the extra /proc/modules fields.
 */
function LsmodTable({ modules }: { modules: SnapshotModule[] }) {
  return (
    <table className="grid-table compact lsmod" data-testid="lsmod">
      <thead>
        <tr>
          <th>Module</th>
          <th className="num" title="/sys/module/NAME/coresize, as lsmod prints it (init memory not counted)">
            Size
          </th>
          <th>Used by</th>
          <th className="procmod" title="From /proc/modules (lsmod does not print it)">
            State
          </th>
          <th className="procmod" title="From /proc/modules (lsmod does not print it)">
            Taints
          </th>
        </tr>
      </thead>
      <tbody>
        {modules.map((m) => (
          <tr key={m.name} data-module={m.name}>
            <td>
              <code>{m.name}</code>
            </td>
            <td
              className="num"
              title={m.size !== m.coreSize ? `${m.size.toLocaleString('en-US')} with init memory (/proc/modules while loading)` : undefined}
            >
              {m.coreSize.toLocaleString('en-US')}
            </td>
            <td className="mono used-by" title={m.holders.length ? `${m.refcount} ${m.holders.join(',')}` : undefined} data-testid="used-by">
              {m.refcount} {m.holders.slice(0, HOLDERS_SHOWN).join(',')}
              {m.holders.length > HOLDERS_SHOWN && <span className="muted"> +{m.holders.length - HOLDERS_SHOWN} more</span>}
            </td>
            <td>
              <span className={`state st-${m.state.toLowerCase()}`}>{m.state}</span>
            </td>
            <td className="mono taint-letters">{m.taints}</td>
          </tr>
        ))}
        {modules.length === 0 && (
          <tr>
            <td colSpan={5} className="muted">
              no modules
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** printk levels (KERN_EMERG … KERN_DEBUG). */
const LEVEL = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

export const LogPane = memo(function LogPane({ log, currentLog }: { log: LogRow[]; currentLog: number[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [log]);
  return (
    <section className="side-pane log-pane" aria-label="Kernel log">
      <h3>
        dmesg <span className="clock small">up to the cursor</span>
      </h3>
      <div ref={ref} className="log-scroll mono" data-testid="kernel-log">
        {log.map((l) => (
          <div
            key={l.seq}
            className={`log-line lvl-${l.level}${currentLog.includes(l.seq) ? ' now' : ''}`}
            title={`${LEVEL[l.level] ?? l.level} · printed at ${positionText(l.pos)}`}
          >
            <span className="muted">{l.time}</span> {l.text}
          </div>
        ))}
        {log.length === 0 && <div className="muted">(empty)</div>}
      </div>
    </section>
  );
});
