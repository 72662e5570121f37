import { useEffect, useRef, useState } from 'react';

/** The status pill of a relocation or symbol item (green when the kernel accepted it). */
const STATUS_OK = new Set(['applied', 'resolved', 'relative', 'absolute', 'common', 'none']);

export function itemOk(status: string): boolean {
  return STATUS_OK.has(status);
}

export function ItemStatus({ status, message }: { status: string; message?: string | null }) {
  return (
    <span
      className={`pill ${STATUS_OK.has(status) ? 'ok' : status === 'not-reached' || status === 'skipped' ? '' : 'bad'}`}
      data-testid="item-status"
      title={message ?? undefined}
    >
      {status}
    </span>
  );
}

/** A pass/fail chip for one check (CRC, licence, range). */
export function Check({ ok, label, testId, title }: { ok: boolean | null; label: string; testId: string; title?: string }) {
  return (
    <span
      className={`check ${ok === null ? 'na' : ok ? 'pass' : 'fail'}`}
      data-testid={testId}
      data-ok={ok === null ? 'n/a' : ok ? 'pass' : 'fail'}
      title={title}
    >
      <span className="check-mark" aria-hidden>
        {ok === null ? '–' : ok ? '✓' : '✗'}
      </span>
      {label}
    </span>
  );
}

/** Seeks while dragging at most this often, so each answer is drawn before the next request supersedes it. */
const SEEK_EVERY_MS = 50;

/** One drag over a block's items (the relocations of a .rela section, the symbols of simplify_symbols). */
export function ItemScrub({
  first,
  count,
  pos,
  onSeek,
  label,
  testId,
}: {
  first: number;
  count: number;
  pos: number;
  onSeek: (p: number) => void;
  label: string;
  testId: string;
}) {
  // The thumb follows the pointer at once; seeks are throttled (leading and trailing).
  const [dragged, setDragged] = useState<number | null>(null);
  const last = useRef(0);
  const timer = useRef<number | null>(null);
  const pending = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  // The cursor moved and no drag seek is outstanding: follow it again.
  useEffect(() => {
    if (pending.current === null && timer.current === null) setDragged(null);
  }, [pos]);
  if (count <= 1) return null;
  const send = (v: number) => {
    const now = performance.now();
    if (now - last.current >= SEEK_EVERY_MS && timer.current === null) {
      last.current = now;
      pending.current = null;
      onSeek(v);
      return;
    }
    pending.current = v;
    if (timer.current !== null) return;
    timer.current = window.setTimeout(
      () => {
        timer.current = null;
        if (pending.current === null) return;
        last.current = performance.now();
        const p = pending.current;
        pending.current = null;
        onSeek(p);
      },
      Math.max(0, SEEK_EVERY_MS - (now - last.current)),
    );
  };
  const shown = dragged ?? pos;
  return (
    <label className="item-scrub small">
      <span className="muted">{label}</span>
      <input
        type="range"
        min={first}
        max={first + count - 1}
        step={1}
        value={Math.min(first + count - 1, Math.max(first, shown))}
        onChange={(e) => {
          const v = Number(e.target.value);
          setDragged(v);
          send(v);
        }}
        // The view's own keys (items/steps) win over the slider's default arrow behaviour.
        onKeyDown={(e) => {
          if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'].includes(e.key)) e.preventDefault();
        }}
        data-testid={testId}
        aria-label={label}
      />
      <span className="mono">
        {Math.min(count, Math.max(1, shown - first + 1))} / {count}
      </span>
    </label>
  );
}
