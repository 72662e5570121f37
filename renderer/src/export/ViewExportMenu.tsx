/**
 * The app's Export menu (top bar, every tab): any registered view on screen (registry.ts) as SVG,
 * PNG 1×/2×/4× or PDF, in the projector or the screen theme, on a transparent background or
 * framed as a 16:9 slide with the tab's caption (its Stepper's slide context: the comparison's
 * stage and steps, the lesson's stop). The Load view's own menu adds step-range decks.
 */
import { useEffect, useRef, useState } from 'react';
import { settle } from './deckCapture';
import { captureRegistered, findView, viewReady, VIEWS, type ViewId } from './registry';
import { svgBody, type SvgImage } from './svgExport';
import { slideSvg, type SlideContext } from './slide';
import { svgToPng, type PngScale } from './raster';
import { FormatPicker } from './FormatPicker';
import { fileStem, saveBlob } from './save';
import { svgsToPdf } from './deckCapture';
import { stepperFor } from '../present/stepper';
import './export.css';

export interface ViewExportOptions {
  format: 'svg' | 'png' | 'pdf';
  scale?: PngScale;
  slide?: boolean;
  theme?: 'projector' | 'screen';
  transparent?: boolean;
}

/** What a slide of a tab's figure says when the tab gives nothing more. */
function plainContext(tab: string, label: string, moduleName: string): SlideContext {
  return {
    stepNumber: 1,
    stepCount: 1,
    label: label,
    pos: 0,
    length: 0,
    phase: tab,
    title: label,
    fn: '',
    file: '',
    text: '',
    source: `${moduleName} · Modscope`,
  };
}

/** One registered view as a file: its bytes, name and size. */
export async function exportRegisteredView(
  id: ViewId,
  o: ViewExportOptions,
  tab: string,
  moduleName: string,
): Promise<{ blob: Blob; img: SvgImage; file: string }> {
  const def = VIEWS.find((v) => v.id === id)!;
  const theme = o.theme ?? 'projector';
  if (!viewReady(id)) await settle(() => viewReady(id), `${def.label} laid out`);
  let img = captureRegistered(id, { theme, background: o.transparent && !o.slide ? 'transparent' : undefined });
  const ctx = stepperFor(tab)?.slide?.() ?? plainContext(tab, def.label, moduleName);
  if (o.slide) img = slideSvg(svgBody(img), ctx);
  const name = `${fileStem(moduleName)}-${id}${o.slide ? '-slide' : ''}`;
  if (o.format === 'svg') return { blob: new Blob([img.text], { type: 'image/svg+xml' }), img, file: `${name}.svg` };
  if (o.format === 'png') {
    const scale = o.scale ?? 2;
    return { blob: await svgToPng(img, scale), img, file: `${name}@${scale}x.png` };
  }
  return { blob: await svgsToPdf([img], `${moduleName}: ${def.label}`), img, file: `${name}.pdf` };
}

export function ViewExportMenu({ tab, moduleName }: { tab: string; moduleName: string }) {
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<ViewId[]>([]);
  const [view, setView] = useState<ViewId | ''>('');
  const [format, setFormat] = useState<'svg' | 'png' | 'pdf'>('svg');
  const [scale, setScale] = useState<PngScale>(2);
  const [slide, setSlide] = useState(false);
  const [theme, setTheme] = useState<'projector' | 'screen'>('projector');
  const [transparent, setTransparent] = useState(false);
  const [status, setStatus] = useState('');
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const l = VIEWS.filter((v) => findView(v.id)).map((v) => v.id);
    setList(l);
    if (!view || !l.includes(view as ViewId)) setView(l[0] ?? '');
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open, tab]);

  const go = async () => {
    if (!view) return;
    setStatus('working…');
    try {
      const r = await exportRegisteredView(view, { format, scale, slide, theme, transparent }, tab, moduleName);
      const where = await saveBlob(r.blob, r.file);
      const size = format === 'png' ? `${Math.round(r.img.width * scale)}×${Math.round(r.img.height * scale)} px` : `${r.img.width}×${r.img.height}`;
      setStatus(where ? `saved ${r.file} (${size})` : 'cancelled');
    } catch (e) {
      setStatus(`failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <div className="export-menu" ref={box} data-export-skip>
      <button
        type="button"
        className="btn ghost"
        data-testid="view-export-button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title="Export a view on screen as SVG, PNG or PDF"
      >
        ⤓ Export
      </button>
      {open && (
        <div className="export-pop card" data-testid="view-export-menu" role="dialog" aria-label="Export a view">
          <div className="export-row">
            <label>
              <span className="muted">View</span>
              <select value={view} onChange={(e) => setView(e.target.value as ViewId)} data-testid="view-export-view">
                {list.length === 0 && <option value="">no view on screen</option>}
                {list.map((id) => (
                  <option key={id} value={id}>
                    {VIEWS.find((v) => v.id === id)!.label}
                  </option>
                ))}
              </select>
            </label>
            <FormatPicker format={format} scale={scale} onFormat={setFormat} onScale={setScale} testIdPrefix="view-export" />
          </div>
          <div className="export-row">
            <label>
              <span className="muted">Theme</span>
              <select value={theme} onChange={(e) => setTheme(e.target.value as 'projector' | 'screen')} data-testid="view-export-theme">
                <option value="projector">projector</option>
                <option value="screen">as on screen (light/dark)</option>
              </select>
            </label>
            <label>
              <input type="checkbox" checked={slide} onChange={(e) => setSlide(e.target.checked)} data-testid="view-export-slide" /> 16:9 slide with
              caption
            </label>
            <label>
              <input
                type="checkbox"
                checked={transparent}
                disabled={slide}
                onChange={(e) => setTransparent(e.target.checked)}
                data-testid="view-export-transparent"
              />{' '}
              transparent (cropped to the view)
            </label>
          </div>
          <div className="export-row">
            <button type="button" className="btn primary" disabled={!view} onClick={() => void go()} data-testid="view-export-go">
              Export {format.toUpperCase()}
            </button>
          </div>
          <div className="export-status small" data-testid="view-export-status" aria-live="polite">
            {status}
          </div>
        </div>
      )}
    </div>
  );
}
