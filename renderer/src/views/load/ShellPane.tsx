/** A root shell on the modelled machine: insmod, rmmod, lsmod, dmesg … through kernel.shell. */
import { memo, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ShellEntry {
  line: string;
  output: string;
  exit: number | null;
  /** The engine refused the call (e.g. "unknown method"): shown in red. */
  error?: string;
  /** Not a command: something the view did (a boot), shown as a comment. */
  note?: boolean;
}

export const ShellPane = memo(function ShellPane({
  transcript,
  busy,
  disabled,
  onRun,
  children,
}: {
  transcript: ShellEntry[];
  busy: boolean;
  disabled: boolean;
  onRun: (line: string) => void;
  /** Under the title: what the shell can reach (the module tree picker). */
  children?: ReactNode;
}) {
  const [line, setLine] = useState('');
  const [hist, setHist] = useState<number | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [transcript]);
  const lines = transcript.filter((t) => !t.note).map((t) => t.line);

  return (
    <section className="side-pane shell-pane" aria-label="Shell">
      <h3>
        Shell <span className="muted small">root@modscope</span>{' '}
        <span
          className="clock now small"
          data-testid="shell-clock"
          title="Commands run on the kernel as it is now (after the last operation), wherever the cursor is"
        >
          now
        </span>{' '}
        {children}
      </h3>
      <div ref={ref} className="shell-scroll mono" data-testid="shell-transcript">
        {transcript.map((t, i) => (
          <div key={i} className="shell-entry">
            <div className={t.note ? 'shell-note muted' : 'shell-cmd'}>{t.note ? `— ${t.line}` : `# ${t.line}`}</div>
            {t.output && <pre className="shell-out">{t.output}</pre>}
            {t.error && <div className="err-text">{t.error}</div>}
            {t.exit !== null && t.exit !== 0 && <div className="muted small">exit {t.exit}</div>}
          </div>
        ))}
      </div>
      <form
        className="shell-input"
        onSubmit={(e) => {
          e.preventDefault();
          const l = line.trim();
          if (!l || busy || disabled) return;
          onRun(l);
          setLine('');
          setHist(null);
        }}
      >
        <span className="mono prompt">#</span>
        <input
          className="mono"
          value={line}
          onChange={(e) => setLine(e.target.value)}
          placeholder={disabled ? 'boot first' : 'lsmod, insmod hello.ko count=3, rmmod hello, dmesg'}
          aria-label="Shell command"
          data-testid="shell-input"
          disabled={disabled}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
            e.preventDefault();
            if (!lines.length) return;
            const i = hist === null ? (e.key === 'ArrowUp' ? lines.length - 1 : null) : hist + (e.key === 'ArrowUp' ? -1 : 1);
            if (i === null || i >= lines.length) {
              setHist(null);
              setLine('');
            } else {
              const c = Math.max(0, i);
              setHist(c);
              setLine(lines[c]);
            }
          }}
        />
      </form>
    </section>
  );
});
