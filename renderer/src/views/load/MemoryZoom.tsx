/**
 * The memory map's zoom: the levels it steps through (the module area → one allocation → one
 * section → that section's bytes), the breadcrumb that leads back out, and the hex strip of the
 * deepest level — up to 256 bytes read with kernel.memory at the position looked at, the bytes the
 * current position wrote highlighted from MemoryView.writers (their provenance).
 */
import { useEffect, useRef, useState } from 'react';
import { positionText } from './loadFormat';
import type { Hex64, MemoryView } from '../../../../engine/api-types';
import type { Host } from '../../host/host';

/** What the right-hand detail shows: nothing chosen (the whole area), an allocation, a section in it, its bytes. */
export interface Zoom {
  alloc: number | null;
  sec: number | null;
  bytes: boolean;
}

export const ZOOM_OUT: Zoom = { alloc: null, sec: null, bytes: false };
export const BYTES_MAX = 256;
export const BYTE_ROW = 16;
export const BYTE_LINE_H = 15;
/** Height of the hex strip: a heading line and up to 16 rows. */
export const bytesHeight = (n: number) => 18 + Math.ceil(Math.max(1, n) / BYTE_ROW) * BYTE_LINE_H;

export function zoomLevel(z: Zoom): 0 | 1 | 2 | 3 {
  if (z.alloc === null) return 0;
  if (z.sec === null) return 1;
  return z.bytes ? 3 : 2;
}

export interface Crumb {
  level: 0 | 1 | 2 | 3;
  label: string;
  zoom: Zoom;
}

/** The way back out: one button a level, the deepest one current. */
export function ZoomCrumbs({ crumbs, onZoom, next }: { crumbs: Crumb[]; onZoom: (z: Zoom) => void; next: Crumb | null }) {
  return (
    <nav
      className="memzoom-crumbs small"
      data-testid="memory-zoom-crumbs"
      data-level={crumbs[crumbs.length - 1]?.level ?? 0}
      aria-label="Memory map zoom"
    >
      {crumbs.map((c, i) => {
        const last = i === crumbs.length - 1;
        return (
          <span key={c.level} className="crumb-wrap">
            {i > 0 && <span className="muted sep">›</span>}
            <button
              className={`crumb${last ? ' current' : ''}`}
              data-level={c.level}
              disabled={last}
              aria-current={last ? 'step' : undefined}
              onClick={() => onZoom(c.zoom)}
            >
              {c.label}
            </button>
          </span>
        );
      })}
      {next && (
        <button className="crumb next" data-testid="memory-zoom-in" onClick={() => onZoom(next.zoom)}>
          {next.label} ›
        </button>
      )}
      {crumbs.length === 1 && <span className="muted hint">click an allocation or a section to zoom in</span>}
    </nav>
  );
}

const hex2 = (b: number | null) => (b === null ? '··' : b.toString(16).padStart(2, '0'));

/**
 * The bytes of one section (its first 256) as SVG text, so the map exports with them: offsets on the
 * left, sixteen bytes a row; the bytes written at `pos` on a highlight, each byte's writer in its tooltip.
 */
export function ByteStrip({
  host,
  address,
  length,
  total,
  pos,
  x,
  y,
  width,
  name,
}: {
  host: Host;
  address: Hex64;
  length: number;
  total: number;
  pos: number;
  x: number;
  y: number;
  width: number;
  name: string;
}) {
  const [mem, setMem] = useState<MemoryView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    void host.call('kernel.memory', { address, length, pos }).then((r) => {
      if (my !== seq.current) return;
      if (!r.ok) return setError(r.error.message);
      setError(null);
      setMem(r.value);
    });
  }, [host, address, length, pos]);
  const fresh = mem && mem.address === address && mem.pos === pos ? mem : null;
  const labelW = 58;
  const cell = Math.max(14, Math.min(24, (width - labelW) / BYTE_ROW));
  const writerAt = (i: number) => fresh?.writers.find((w) => i >= w.from && i < w.to) ?? null;
  const now = fresh ? fresh.bytes.filter((_, i) => writerAt(i)?.pos === pos).length : 0;
  return (
    <g
      className="bytes"
      data-testid="memory-bytes"
      transform={`translate(${x},${y})`}
      data-count={fresh?.bytes.length ?? 0}
      data-now={now}
      data-pos={fresh?.pos ?? ''}
    >
      <text className="bytes-head" y={11}>
        {error
          ? `${name}: ${error}`
          : fresh
            ? `${name} at ${address} · ${fresh.bytes.length < total ? `first ${fresh.bytes.length} of ${total}` : total} bytes · ` +
              `${positionText(pos)}${now ? ` · ${now} just written` : ''}`
            : `${name} · reading memory…`}
      </text>
      {fresh &&
        fresh.bytes.map((b, i) => {
          const w = writerAt(i);
          const cx = labelW + (i % BYTE_ROW) * cell;
          const cy = 18 + Math.floor(i / BYTE_ROW) * BYTE_LINE_H;
          const cls = `byte${w && w.pos === pos ? ' now' : ''}${b === null ? ' unmapped' : b === 0 ? ' zero' : ''}`;
          return (
            <g key={i} className={cls} data-offset={i}>
              {w && w.pos === pos && <rect className="byte-hl" x={cx - 1} y={cy} width={cell} height={BYTE_LINE_H - 1} />}
              <text x={cx} y={cy + 11}>
                {hex2(b)}
                <title>{`+0x${i.toString(16)} = ${hex2(b)}${w ? ` · written at ${positionText(w.pos)}: ${w.what}` : ''}`}</title>
              </text>
            </g>
          );
        })}
      {fresh &&
        Array.from({ length: Math.ceil(fresh.bytes.length / BYTE_ROW) }, (_, r) => (
          <text key={`o${r}`} className="byte-off" x={0} y={18 + r * BYTE_LINE_H + 11}>
            +{(r * BYTE_ROW).toString(16).padStart(3, '0')}
          </text>
        ))}
    </g>
  );
}
