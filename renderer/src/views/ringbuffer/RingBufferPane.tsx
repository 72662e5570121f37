/**
 * The kernel log buffer at the cursor, in either design, replayed from the records printed so far:
 *   2.4 char ring   log_buf[LOG_BUF_LEN] with log_start / con_start / log_end, levels as "<n>" in the text
 *   6.1 record ring 2^LOG_BUF_SHIFT text bytes of 8-aligned data blocks + 2^(shift-5) descriptors
 * The ring is drawn to scale (angle = byte index); below it, a strip of the live window (tail → head)
 * shows each block's bytes, and the dmesg text marks which lines reached the console.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import * as d3 from 'd3';
import type { KernelLogView, LogRow } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import type { ClassicState, RecordState } from '../../../../engine/printk/index';
import { CLASSIC_SIZES } from '../../../../engine/printk/index';
import { recordPrintText } from '../../../../engine/printk/index';
import { bytesHuman } from '../../lib/format';
import { replay } from './replay';
import './ringbuffer.css';
import { countEffect } from '../effectRuns';

export type Design = 'classic' | 'record';

const RECORD_SHIFTS = [10, 11, 12, 13, 14, 17] as const;
const LEVEL = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const W = 356;
const RING_H = 168;
const CX = 82;
const CY = 82;
const R_OUT = 78;
const R_DATA_IN = 60;
const R_DESC_OUT = 55;
const R_DESC_IN = 44;
/** The classic ring's one band is as thick as both bands of the record ring. */
const R_CLASSIC_IN = R_DESC_IN + 6;
const STRIP_Y = RING_H + 14;
const STRIP_H = 20;
const H = STRIP_Y + STRIP_H + 2;
/**
 * Arcs narrower than this are widened (and pushed along so they do not overlap), so a 64-byte block
 * in 128 KiB still shows: the ring is to scale only for blocks wider than 6°.
 */
const MIN_ANGLE = (6 * Math.PI) / 180;

interface ArcD {
  key: string;
  a0: number;
  a1: number;
  r0: number;
  r1: number;
  cls: string;
  title: string;
  seq: number;
}

interface StripD {
  key: string;
  x: number;
  w: number;
  cls: string;
  title: string;
}

interface Marker {
  key: string;
  angle: number;
  cls: string;
  label: string;
}

const TAU = Math.PI * 2;

function arcFor(key: string, from: number, to: number, size: number, r0: number, r1: number, cls: string, title: string, seq: number): ArcD {
  return { key, a0: (from / size) * TAU, a1: (to / size) * TAU, r0, r1, cls, title, seq };
}

/** Widen arcs below MIN_ANGLE, in ring order per band, pushing later ones along so none overlap. */
function spread(arcs: ArcD[]): ArcD[] {
  const bands = d3.group(arcs, (a) => a.r0);
  const out: ArcD[] = [];
  for (const band of bands.values()) {
    // Many small blocks: shrink the minimum so the band still fits in one turn.
    const min = Math.min(MIN_ANGLE, TAU / band.length / 2);
    let end = -Infinity;
    for (const a of [...band].sort((x, y) => x.a0 - y.a0)) {
      const a0 = Math.max(a.a0, end);
      const a1 = Math.max(a.a1 + (a0 - a.a0), a0 + min);
      out.push({ ...a, a0, a1 });
      end = a1;
    }
  }
  return out;
}

/** Where a true angle lands once the data band's arcs were spread: shifted like the last arc starting before it. */
function spreadAngle(t: number, orig: ArcD[], spreadArcs: ArcD[]): number {
  const byKey = new Map(spreadArcs.map((a) => [a.key, a]));
  let shift = 0;
  for (const a of orig) {
    const s = byKey.get(a.key);
    if (!s || (a.r0 !== R_DATA_IN && a.r0 !== R_CLASSIC_IN) || a.a0 > t + 1e-12) continue;
    shift = t >= a.a1 - 1e-12 ? s.a1 - a.a1 : s.a0 - a.a0;
  }
  return t + shift;
}

function finish(arcs: ArcD[], markers: Marker[]): { arcs: ArcD[]; markers: Marker[] } {
  const spreadArcs = spread(arcs);
  const sorted = [...arcs].sort((x, y) => x.a0 - y.a0);
  return { arcs: spreadArcs, markers: markers.map((m) => ({ ...m, angle: spreadAngle(m.angle, sorted, spreadArcs) })) };
}

function recordGeometry(s: RecordState, nowTags: Set<number>, seqToTag: Map<number, number>) {
  const arcs: ArcD[] = [];
  const strip: StripD[] = [];
  const size = s.dataSize;
  const textOf = new Map(s.descs.map((d) => [d.index, d]));
  for (const b of s.blocks) {
    const d = textOf.get(b.descIndex);
    const now = nowTags.has(seqToTag.get(b.seq) ?? -1) ? ' now' : '';
    const cls = `rb-lvl-${b.level}${b.state === 'reusable' ? ' reusable' : ''}${now}`;
    const range = `[${b.begin}, ${b.wraps ? `${size}) + [0, ${b.end}` : b.end}) ${b.wraps ? '(wrapped: ID at both ends)' : ''}`;
    const title = `seq ${b.seq} · ${LEVEL[b.level]} · desc ${b.descIndex} ${b.state}\n${range}\n${d?.text ?? ''}`;
    if (b.wraps) {
      arcs.push(
        arcFor(
          `w${b.seq}`,
          b.begin,
          size,
          size,
          R_DATA_IN,
          R_OUT,
          'rb-waste',
          `seq ${b.seq}: ID only, the rest of the ring is skipped (a block never wraps)`,
          b.seq,
        ),
      );
      arcs.push(arcFor(`b${b.seq}`, 0, b.end, size, R_DATA_IN, R_OUT, cls, title, b.seq));
    } else arcs.push(arcFor(`b${b.seq}`, b.begin, b.end, size, R_DATA_IN, R_OUT, cls, title, b.seq));
  }
  for (const d of s.descs) {
    const cls = `rb-st-${d.state}`;
    arcs.push(
      arcFor(
        `d${d.index}`,
        d.index,
        d.index + 1,
        s.descCount,
        R_DESC_IN,
        R_DESC_OUT,
        cls,
        `descriptor ${d.index}: ${d.state}, id ${d.id}, seq ${d.seq}${d.begin >= 0 ? `, text [${d.begin}, ${d.next})` : ', data-less'}`,
        d.seq,
      ),
    );
  }
  // The live window tail_lpos → head_lpos, unrolled.
  const span = (s.head - s.tail + size) % size || (s.blocks.length ? size : 0);
  const x = d3
    .scaleLinear()
    .domain([0, Math.max(span, 1)])
    .range([0, W]);
  const rel = (i: number) => (i - s.tail + size) % size;
  for (const b of s.blocks) {
    const now = nowTags.has(seqToTag.get(b.seq) ?? -1) ? ' now' : '';
    const lvl = `rb-lvl-${b.level}${b.state === 'reusable' ? ' reusable' : ''}${now}`;
    if (b.wraps) {
      strip.push({
        key: `sw${b.seq}`,
        x: x(rel(b.begin)),
        w: x(size - b.begin),
        cls: 'rb-waste',
        title: `seq ${b.seq}: ID at ${b.begin}, wasted to the end`,
      });
      strip.push({ key: `si${b.seq}`, x: x(rel(0)), w: x(8), cls: 'rb-id', title: `seq ${b.seq}: ID (8 bytes) at 0` });
      strip.push({ key: `st${b.seq}`, x: x(rel(8)), w: x(b.end - 8), cls: lvl, title: `seq ${b.seq}: text at 8` });
    } else {
      strip.push({ key: `si${b.seq}`, x: x(rel(b.begin)), w: x(8), cls: 'rb-id', title: `seq ${b.seq}: ID (8 bytes) at ${b.begin}` });
      strip.push({ key: `st${b.seq}`, x: x(rel(b.begin + 8)), w: x(b.end - b.begin - 8), cls: lvl, title: `seq ${b.seq}: text at ${b.begin + 8}` });
    }
  }
  const markers: Marker[] = [
    { key: 'tail', angle: (s.tail / size) * TAU, cls: 'mk-tail', label: 'tail_lpos' },
    { key: 'head', angle: (s.head / size) * TAU, cls: 'mk-head', label: 'head_lpos' },
  ];
  return { ...finish(arcs, markers), strip, stripLabel: `tail_lpos → head_lpos: ${bytesHuman(span)} of ${bytesHuman(size)}` };
}

function classicGeometry(s: ClassicState, nowTags: Set<number>, seqToTag: Map<number, number>) {
  const arcs: ArcD[] = [];
  const strip: StripD[] = [];
  const len = s.len;
  const lowest = Math.max(0, s.logEnd - len);
  const x = d3
    .scaleLinear()
    .domain([lowest, Math.max(s.logEnd, lowest + 1)])
    .range([0, W]);
  for (const sp of s.spans) {
    const from = Math.max(sp.start, lowest);
    if (from >= sp.end) continue;
    const now = nowTags.has(seqToTag.get(sp.seq) ?? -1) ? ' now' : '';
    const cls = `rb-lvl-${sp.level}${now}`;
    const title = `<${sp.level}> ${LEVEL[sp.level]} · chars [${sp.start}, ${sp.end})${sp.lost ? ` · first ${sp.lost} overwritten` : ''}`;
    // Free-running indices masked by LOG_BUF_MASK: a line may straddle the end of log_buf.
    const a = from & (len - 1);
    const n = sp.end - from;
    if (a + n <= len) arcs.push(arcFor(`c${sp.start}`, a, a + n, len, R_CLASSIC_IN, R_OUT, cls, title, sp.seq));
    else {
      arcs.push(arcFor(`c${sp.start}a`, a, len, len, R_CLASSIC_IN, R_OUT, cls, title, sp.seq));
      arcs.push(arcFor(`c${sp.start}b`, 0, a + n - len, len, R_CLASSIC_IN, R_OUT, cls, title, sp.seq));
    }
    strip.push({ key: `s${sp.start}`, x: x(from), w: x(sp.end) - x(from), cls, title });
  }
  const at = (i: number) => ((i & (len - 1)) / len) * TAU;
  const markers: Marker[] = [
    { key: 'log_start', angle: at(s.logStart), cls: 'mk-tail', label: 'log_start' },
    { key: 'con_start', angle: at(s.conStart), cls: 'mk-con', label: 'con_start' },
    { key: 'log_end', angle: at(s.logEnd), cls: 'mk-head', label: 'log_end' },
  ];
  return { ...finish(arcs, markers), strip, stripLabel: `log_buf, oldest → log_end: ${bytesHuman(s.logEnd - lowest)} of ${bytesHuman(len)}` };
}

/**
 * Every record up to the cursor, from the engine (the seek view carries only the newest 200, and a
 * ring's state depends on all of them); the seek view's rows until the answer arrives.
 */
function useFullLog(host: Host | undefined, pos: number | undefined, fallback: LogRow[]): { rows: LogRow[]; printk: KernelLogView['printk'] | null } {
  const [got, setGot] = useState<KernelLogView | null>(null);
  useEffect(() => {
    if (!host || pos === undefined || pos < 0) return;
    let live = true;
    void host.call('kernel.log', { pos }).then((r) => {
      if (live && r.ok) setGot(r.value);
    });
    return () => {
      live = false;
    };
  }, [host, pos, fallback]);
  return got && got.pos === pos ? { rows: got.rows, printk: got.printk } : { rows: fallback, printk: got?.printk ?? null };
}

export const RingBufferPane = memo(function RingBufferPane({
  log: seekLog,
  currentLog,
  host,
  pos,
}: {
  log: LogRow[];
  currentLog: number[];
  host?: Host;
  pos?: number;
}) {
  const [design, setDesign] = useState<Design>('record');
  const [classicLen, setClassicLen] = useState(16384);
  const [recordShift, setRecordShift] = useState(17);
  // console_loglevel: the kernel's (7 on Debian, 4 when booted quiet) until the user picks one here.
  const [levelOverride, setConsoleLoglevel] = useState<number | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const dmesgRef = useRef<HTMLDivElement>(null);
  const { rows: log, printk } = useFullLog(host, pos, seekLog);
  const consoleLoglevel = levelOverride ?? printk?.[0] ?? 7;

  const buf = useMemo(() => replay(log, { classicLen, recordShift, consoleLoglevel }), [log, classicLen, recordShift, consoleLoglevel]);
  const state = useMemo(() => (design === 'classic' ? buf.classicState() : buf.recordState()), [buf, design]);
  const seqToTag = useMemo(() => new Map(buf.console.map((c) => [c.seq, c.tag ?? -1])), [buf]);
  const nowTags = useMemo(() => new Set(currentLog), [currentLog]);
  const geo = useMemo(
    () => (state.design === 'classic' ? classicGeometry(state, nowTags, seqToTag) : recordGeometry(state, nowTags, seqToTag)),
    [state, nowTags, seqToTag],
  );

  // The dmesg text each design gives back, with the console marks.
  const lines = useMemo(() => {
    const consoleBySeq = new Map(buf.console.map((c) => [c.seq, c]));
    if (design === 'record') {
      return buf.records().flatMap((r) => {
        if (!r) return [];
        const c = consoleBySeq.get(r.seq);
        return [
          {
            key: `r${r.seq}`,
            seq: r.seq,
            level: r.level,
            text: recordPrintText(r, false, true).replace(/\n$/, ''),
            console: c?.console ?? false,
            now: nowTags.has(c?.tag ?? -1),
          },
        ];
      });
    }
    const cs = state as ClassicState;
    const lowest = Math.max(0, cs.logEnd - cs.len);
    return cs.spans.map((sp) => {
      const c = consoleBySeq.get(sp.seq);
      const text = buf.classic.text(Math.max(sp.start, lowest), sp.end).replace(/\n$/, '');
      return {
        key: `c${sp.start}`,
        seq: sp.seq,
        level: sp.level,
        text: sp.lost ? `…${text}` : text,
        console: c?.classicConsole ?? false,
        now: nowTags.has(c?.tag ?? -1),
      };
    });
  }, [buf, design, state, nowTags]);

  useEffect(() => {
    const el = dmesgRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  useEffect(() => {
    const svg = d3.select(svgRef.current);
    if (svgRef.current === null) return;
    countEffect('printk-rings');
    const arc = d3
      .arc<ArcD>()
      .innerRadius((d) => d.r0)
      .outerRadius((d) => d.r1)
      .startAngle((d) => d.a0)
      .endAngle((d) => d.a1);
    const ring = svg.select<SVGGElement>('g.ring');
    ring
      .selectAll<SVGPathElement, ArcD>('path.seg')
      .data(geo.arcs, (d) => d.key)
      .join('path')
      .attr('class', (d) => `seg ${d.cls}`)
      .attr('data-seq', (d) => d.seq)
      .attr('d', (d) => arc(d) ?? '')
      .selectAll('title')
      .data((d) => [d.title])
      .join('title')
      .text((t) => t);
    ring
      .selectAll<SVGGElement, Marker>('g.marker')
      .data(geo.markers, (d) => d.key)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line');
        g.append('title');
        return g;
      })
      .attr('class', (d) => `marker ${d.cls}`)
      .attr('data-marker', (d) => d.key)
      .each(function (d) {
        const g = d3.select(this);
        const sx = Math.sin(d.angle);
        const cy = -Math.cos(d.angle);
        // Ticks inside the inner band, so they never hide a block.
        const r0 = (design === 'classic' ? R_CLASSIC_IN : R_DESC_IN) - 14;
        const r1 = (design === 'classic' ? R_CLASSIC_IN : R_DESC_IN) - 1;
        g.select('line')
          .attr('x1', sx * r0)
          .attr('y1', cy * r0)
          .attr('x2', sx * r1)
          .attr('y2', cy * r1);
        g.select('title').text(d.label);
      });
    svg
      .select<SVGGElement>('g.strip')
      .selectAll<SVGRectElement, StripD>('rect.cell')
      .data(geo.strip, (d) => d.key)
      .join('rect')
      .attr('class', (d) => `cell ${d.cls}`)
      .attr('x', (d) => d.x)
      .attr('width', (d) => Math.max(0.75, d.w))
      .attr('y', 0)
      .attr('height', STRIP_H)
      .selectAll('title')
      .data((d) => [d.title])
      .join('title')
      .text((t) => t);
  }, [geo, design]);

  const stats =
    state.design === 'record' ? (
      <dl className="rb-stats mono" data-testid="ring-stats">
        <dt>text</dt>
        <dd>{bytesHuman(state.dataSize)}</dd>
        <dt>descs</dt>
        <dd>{state.descCount}</dd>
        <dt>records</dt>
        <dd>{state.nextSeq > state.firstSeq ? `seq ${state.firstSeq}–${state.nextSeq - 1} (${state.nextSeq - state.firstSeq})` : 'none'}</dd>
        <dt className="mk-tail">tail_lpos</dt>
        <dd title={state.tailLpos}>{state.tail}</dd>
        <dt className="mk-head">head_lpos</dt>
        <dd title={state.headLpos}>{state.head}</dd>
        <dt>tail_id</dt>
        <dd title={state.tailId}>…{state.tailId.slice(-4)}</dd>
        <dt>head_id</dt>
        <dd title={state.headId}>…{state.headId.slice(-4)}</dd>
        <dt>syslog_seq</dt>
        <dd>{state.syslogSeq}</dd>
      </dl>
    ) : (
      <dl className="rb-stats mono" data-testid="ring-stats">
        <dt>LOG_BUF_LEN</dt>
        <dd>{state.len}</dd>
        <dt className="mk-tail">log_start</dt>
        <dd>{state.logStart}</dd>
        <dt className="mk-con">con_start</dt>
        <dd>{state.conStart}</dd>
        <dt className="mk-head">log_end</dt>
        <dd>{state.logEnd}</dd>
        <dt>logged_chars</dt>
        <dd>{state.loggedChars}</dd>
        <dt>lost</dt>
        <dd>{state.logEnd > state.len ? `${state.logEnd - state.len} chars` : 'none yet'}</dd>
      </dl>
    );

  return (
    <section className="side-pane ring-pane" aria-label="printk ring buffer" data-testid="ring-pane" data-design={design}>
      <div className="rb-controls">
        <div className="segmented" role="radiogroup" aria-label="Buffer design">
          <button
            type="button"
            role="radio"
            aria-checked={design === 'classic'}
            className={design === 'classic' ? 'on' : ''}
            onClick={() => setDesign('classic')}
            data-testid="ring-design-classic"
            title="Linux 2.4 kernel/printk.c: log_buf[LOG_BUF_LEN]"
          >
            2.4 char ring
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={design === 'record'}
            className={design === 'record' ? 'on' : ''}
            onClick={() => setDesign('record')}
            data-testid="ring-design-record"
            title="Linux 6.1 kernel/printk/printk_ringbuffer.c"
          >
            6.1 record ring
          </button>
        </div>
        {design === 'classic' ? (
          <select aria-label="LOG_BUF_LEN" data-testid="ring-size" value={classicLen} onChange={(e) => setClassicLen(Number(e.target.value))}>
            {CLASSIC_SIZES.map((n) => (
              <option key={n} value={n}>
                {bytesHuman(n)}
              </option>
            ))}
          </select>
        ) : (
          <select aria-label="LOG_BUF_SHIFT" data-testid="ring-size" value={recordShift} onChange={(e) => setRecordShift(Number(e.target.value))}>
            {RECORD_SHIFTS.map((n) => (
              <option key={n} value={n}>
                {bytesHuman(2 ** n)}
                {n === 17 ? ' (Debian)' : ''}
              </option>
            ))}
          </select>
        )}
        <label className="small muted" title="A record reaches the console only if its level < console_loglevel (syslog action 8)">
          console_loglevel{' '}
          <select
            aria-label="console_loglevel"
            data-testid="ring-console-level"
            value={consoleLoglevel}
            onChange={(e) => setConsoleLoglevel(Number(e.target.value))}
          >
            {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => (
              <option key={n} value={n}>
                {n}
                {n === 7 ? ' (Debian)' : n === 4 ? ' (quiet)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="rb-scroll">
        <div className="rb-figure">
          <svg
            ref={svgRef}
            width={W}
            height={H}
            viewBox={`0 0 ${W} ${H}`}
            data-testid="ring-svg"
            data-export="ring"
            role="img"
            aria-label={design === 'classic' ? '2.4 log_buf ring' : '6.1 printk ring buffer'}
          >
            <g className="ring" transform={`translate(${CX},${CY})`}>
              <circle className="rb-track" r={(R_OUT + R_DATA_IN) / 2} strokeWidth={R_OUT - R_DATA_IN} />
              {design === 'record' && <circle className="rb-track" r={(R_DESC_OUT + R_DESC_IN) / 2} strokeWidth={R_DESC_OUT - R_DESC_IN} />}
              {design === 'classic' && <circle className="rb-track" r={(R_DATA_IN + R_DESC_IN + 6) / 2} strokeWidth={R_DATA_IN - R_DESC_IN - 6} />}
              <text className="rb-center" y={-2}>
                {bytesHuman(design === 'classic' ? classicLen : 2 ** recordShift)}
              </text>
              <text className="rb-center muted" y={10}>
                {design === 'classic' ? 'log_buf' : 'text · desc'}
              </text>
            </g>
            <text className="rb-strip-label" x={0} y={STRIP_Y - 4}>
              {geo.stripLabel}
            </text>
            <g className="strip" transform={`translate(0,${STRIP_Y})`}>
              <rect className="rb-track-rect" width={W} height={STRIP_H} />
            </g>
          </svg>
          <div className="rb-side">{stats}</div>
        </div>
        <div className="rb-legend small">
          {[0, 3, 4, 5, 6, 7].map((l) => (
            <span key={l}>
              <i className={`sw rb-lvl-${l}`} />
              {l === 0 ? '0–2' : l}
            </span>
          ))}
          {design === 'record' && (
            <>
              <span>
                <i className="sw rb-id" />
                ID
              </span>
              <span>
                <i className="sw rb-waste" />
                skipped
              </span>
              <span>
                <i className="sw reusable" />
                reusable
              </span>
            </>
          )}
          <span className="muted">▸ = reached the console, · = buffer only</span>
        </div>
        <div ref={dmesgRef} className="rb-dmesg mono" data-testid="ring-dmesg">
          {lines.map((l) => (
            <div
              key={l.key}
              className={`log-line lvl-${l.level}${l.now ? ' now' : ''}`}
              data-console={l.console ? 'yes' : 'no'}
              title={`${LEVEL[l.level] ?? l.level}${l.console ? ' · printed on the console' : ' · buffer only (level ≥ console_loglevel)'}`}
            >
              <span className={l.console ? 'con-mark on' : 'con-mark'}>{l.console ? '▸' : '·'}</span>
              {l.text}
            </div>
          ))}
          {lines.length === 0 && <div className="muted">(empty)</div>}
        </div>
      </div>
    </section>
  );
});
