/**
 * Export of the Load view: the memory map, the printk ring (when shown) or the step caption, as
 * SVG, PNG (1×/2×/4×) or PDF, optionally framed as a 16:9 slide with the caption and step number;
 * and a range of steps as a PDF deck (one page per step: seek, wait for the view, capture).
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { strToU8, zipSync } from 'fflate';
import type { StepInfo } from '../../../engine/api-types';
import { PHASE_LABEL, stepIndexAt } from '../views/load/loadFormat';
import type { SlideContext } from './slide';
import { svgToPng, type PngScale } from './raster';
import { FormatPicker, type ExportFileFormat } from './FormatPicker';
import { fileStem, saveBlob } from './save';
import { captureBody, captureView as capture, deckSlides, findSvg, settle, svgsToPdf, VIEW_LABEL, type ExportView } from './deckCapture';
import { attachLiveExport } from './live';
import { VIEWS } from './registry';
import './export.css';

export type { ExportView } from './deckCapture';
export type ExportFormat = ExportFileFormat;

const MAX_DECK = 300;

export interface ExportMenuProps {
  /** Where the views' <svg data-export="…"> live. */
  root: RefObject<HTMLElement | null>;
  steps: StepInfo[];
  pos: number;
  length: number;
  /** Position of the view on screen (null while none). */
  viewPos: number | null;
  seek: (pos: number) => void;
  moduleName: string;
  release: string;
}

export function slideContext(p: Pick<ExportMenuProps, 'steps' | 'pos' | 'length' | 'moduleName' | 'release'>): SlideContext {
  const i = stepIndexAt(p.steps, p.pos);
  const s = p.steps[Math.max(0, i)];
  const inBlock = s && (s.span > 1 || s.block);
  return {
    stepNumber: i + 1,
    stepCount: p.steps.length,
    pos: p.pos,
    length: p.length,
    phase: s ? PHASE_LABEL[s.phase] : '',
    title: s?.title ?? '',
    fn: s?.fn ?? '',
    file: s?.file ?? '',
    text: s?.text ?? '',
    item: inBlock ? `item ${(p.pos - s.pos + 1).toLocaleString('en-US')} of ${s.span.toLocaleString('en-US')}` : undefined,
    source: `${p.moduleName} · Linux ${p.release}`,
  };
}

export function ExportMenu(props: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<ExportView>('memory');
  const [format, setFormat] = useState<ExportFormat>('svg');
  const [scale, setScale] = useState<PngScale>(2);
  const [slide, setSlide] = useState(false);
  const [projector, setProjector] = useState(true);
  const [transparent, setTransparent] = useState(false);
  const [deckFormat, setDeckFormat] = useState<'pdf' | 'svgs'>('pdf');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [status, setStatus] = useState('');
  const [working, setWorking] = useState(false);
  const [available, setAvailable] = useState<ExportView[]>(['caption']);
  const latest = useRef(props);
  latest.current = props;
  useEffect(() => attachLiveExport(latest), []);
  const boxRef = useRef<HTMLDivElement>(null);

  // Which views are on screen now (the ring only while its tab is shown).
  useEffect(() => {
    if (!open) return;
    const root = props.root.current;
    // Every registered view of this tab that is on screen now, then the caption (always there).
    const list = VIEWS.filter((v) => v.tab === 'load' && v.id !== 'caption' && findSvg(root, v.id)).map((v) => v.id);
    list.push('caption');
    setAvailable(list);
    if (!list.includes(view)) setView(list[0]);
    const i = stepIndexAt(props.steps, props.pos) + 1;
    if (!from) setFrom(String(Math.max(1, i)));
    if (!to) setTo(String(Math.min(props.steps.length, i + 4)));
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (boxRef.current && !boxRef.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const base = () => {
    const p = latest.current;
    const i = stepIndexAt(p.steps, p.pos) + 1;
    return `${fileStem(p.moduleName)}-${view}-step${i}${p.pos !== p.steps[i - 1]?.pos ? `-pos${p.pos}` : ''}`;
  };

  const run = async (job: () => Promise<string>) => {
    setWorking(true);
    setStatus('working…');
    try {
      setStatus(await job());
    } catch (e) {
      setStatus(`failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setWorking(false);
    }
  };

  const exportOne = () =>
    run(async () => {
      const p = latest.current;
      const img = capture(p.root.current, view, slide, projector, slideContext(p), transparent ? 'transparent' : undefined);
      const name = `${base()}${slide ? '-slide' : ''}`;
      let blob: Blob;
      let file: string;
      if (format === 'svg') {
        blob = new Blob([img.text], { type: 'image/svg+xml' });
        file = `${name}.svg`;
      } else if (format === 'png') {
        blob = await svgToPng(img, scale);
        file = `${name}@${scale}x.png`;
      } else {
        blob = await svgsToPdf([img], `${p.moduleName}: ${slideContext(p).title}`);
        file = `${name}.pdf`;
      }
      const where = await saveBlob(blob, file);
      const size = format === 'png' ? `${Math.round(img.width * scale)}×${Math.round(img.height * scale)} px` : `${img.width}×${img.height}`;
      return where ? `saved ${file} (${size})` : 'cancelled';
    });

  /** Seek to pos and resolve once the view shows it and its transitions have run. */
  const showPos = async (pos: number) => {
    latest.current.seek(pos);
    await settle(() => latest.current.viewPos === pos && latest.current.pos === pos, `position ${pos}`);
  };

  const exportDeck = () =>
    run(async () => {
      const p0 = latest.current;
      const n = p0.steps.length;
      const a = Math.max(1, Math.min(n, Number(from) || 1));
      const b = Math.max(a, Math.min(n, Number(to) || a));
      if (b - a + 1 > MAX_DECK) throw new Error(`at most ${MAX_DECK} pages at once`);
      const back = p0.pos;
      const captured: Parameters<typeof deckSlides>[0] = [];
      try {
        for (let k = a; k <= b; k++) {
          setStatus(`capturing step ${k} (${k - a + 1} of ${b - a + 1})…`);
          await showPos(latest.current.steps[k - 1].pos);
          const p = latest.current;
          // A step without the view (no relocation card on a layout step) is a big-text slide.
          captured.push({ body: captureBody(p.root.current, view, projector), ctx: slideContext(p) });
        }
      } finally {
        latest.current.seek(back);
      }
      const pages = deckSlides(captured);
      const stem = `${fileStem(p0.moduleName)}-${view}-steps${a}-${b}`;
      if (deckFormat === 'svgs') {
        // Numbered SVGs in a zip: 01-step13.svg, 02-step14.svg, …
        const width = String(b - a + 1).length;
        const entries = Object.fromEntries(
          pages.map((pg, k) => [`${stem}/${String(k + 1).padStart(Math.max(2, width), '0')}-step${a + k}.svg`, strToU8(pg.text)]),
        );
        const file = `${stem}.zip`;
        const where = await saveBlob(new Blob([zipSync(entries)], { type: 'application/zip' }), file);
        return where ? `saved ${file} (${pages.length} SVGs)` : 'cancelled';
      }
      setStatus('writing the PDF…');
      const blob = await svgsToPdf(pages, `${p0.moduleName}: steps ${a}–${b}`);
      const file = `${stem}.pdf`;
      const where = await saveBlob(blob, file);
      return where ? `saved ${file} (${pages.length} pages)` : 'cancelled';
    });

  const disabled = working || props.steps.length === 0;
  return (
    <div className="export-menu" ref={boxRef}>
      <button
        type="button"
        className="btn"
        data-testid="export-button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        disabled={props.steps.length === 0}
        title="Export the view as SVG, PNG or PDF"
      >
        Export ▾
      </button>
      {open && (
        <div className="export-pop card" data-testid="export-menu" role="dialog" aria-label="Export">
          <div className="export-row">
            <label>
              <span className="muted">View</span>
              <select value={view} onChange={(e) => setView(e.target.value as ExportView)} data-testid="export-view">
                {available.map((v) => (
                  <option key={v} value={v}>
                    {VIEW_LABEL[v]}
                  </option>
                ))}
              </select>
            </label>
            <FormatPicker format={format} scale={scale} onFormat={setFormat} onScale={setScale} testIdPrefix="export" />
          </div>
          <div className="export-row">
            <label>
              <input type="checkbox" checked={slide} onChange={(e) => setSlide(e.target.checked)} data-testid="export-slide" /> 16:9 slide with
              caption
            </label>
            <label>
              <input type="checkbox" checked={projector} onChange={(e) => setProjector(e.target.checked)} data-testid="export-projector" /> projector
              colours
            </label>
            <label title="No background behind the view (not for slides)">
              <input
                type="checkbox"
                checked={transparent}
                onChange={(e) => setTransparent(e.target.checked)}
                data-testid="export-transparent"
                disabled={slide}
              />{' '}
              transparent
            </label>
          </div>
          <div className="export-row">
            <button type="button" className="btn primary" onClick={() => void exportOne()} disabled={disabled} data-testid="export-go">
              Export {format.toUpperCase()}
            </button>
          </div>
          <div className="export-row deck">
            <span className="muted">A slide a step:</span>
            <label>
              from{' '}
              <input
                className="num-in"
                inputMode="numeric"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                aria-label="First step"
                data-testid="deck-from"
              />
            </label>
            <label>
              to{' '}
              <input
                className="num-in"
                inputMode="numeric"
                value={to}
                onChange={(e) => setTo(e.target.value)}
                aria-label="Last step"
                data-testid="deck-to"
              />
            </label>
            <span className="muted">of {props.steps.length}</span>
            <select
              value={deckFormat}
              onChange={(e) => setDeckFormat(e.target.value as 'pdf' | 'svgs')}
              data-testid="deck-format"
              aria-label="Deck format"
            >
              <option value="pdf">PDF deck</option>
              <option value="svgs">numbered SVGs (zip)</option>
            </select>
            <button type="button" className="btn" onClick={() => void exportDeck()} disabled={disabled} data-testid="deck-go">
              Export steps
            </button>
          </div>
          <div className="export-status small" data-testid="export-status" aria-live="polite">
            {status}
          </div>
        </div>
      )}
    </div>
  );
}
