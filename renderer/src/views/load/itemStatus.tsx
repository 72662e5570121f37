/** The status pill of a relocation or symbol item (green when the kernel accepted it). */
const STATUS_OK = new Set(['applied', 'resolved', 'relative', 'absolute', 'common', 'none']);

export function itemOk(status: string): boolean {
  return STATUS_OK.has(status);
}

export function ItemStatus({ status, message }: { status: string; message?: string | null }) {
  return (
    <span className={`pill ${STATUS_OK.has(status) ? 'ok' : status === 'not-reached' || status === 'skipped' ? '' : 'bad'}`} data-testid="item-status" title={message ?? undefined}>
      {status}
    </span>
  );
}

/** A pass/fail chip for one check (CRC, licence, range). */
export function Check({ ok, label, testId, title }: { ok: boolean | null; label: string; testId: string; title?: string }) {
  return (
    <span className={`check ${ok === null ? 'na' : ok ? 'pass' : 'fail'}`} data-testid={testId} data-ok={ok === null ? 'n/a' : ok ? 'pass' : 'fail'} title={title}>
      <span className="check-mark" aria-hidden>
        {ok === null ? '–' : ok ? '✓' : '✗'}
      </span>
      {label}
    </span>
  );
}

/** One drag over a block's items (the relocations of a .rela section, the symbols of simplify_symbols). */
export function ItemScrub({ first, count, pos, onSeek, label, testId }: { first: number; count: number; pos: number; onSeek: (p: number) => void; label: string; testId: string }) {
  if (count <= 1) return null;
  return (
    <label className="item-scrub small">
      <span className="muted">{label}</span>
      <input
        type="range"
        min={first}
        max={first + count - 1}
        step={1}
        value={Math.min(first + count - 1, Math.max(first, pos))}
        onChange={(e) => onSeek(Number(e.target.value))}
        data-testid={testId}
        aria-label={label}
      />
      <span className="mono">
        {pos - first + 1} / {count}
      </span>
    </label>
  );
}
