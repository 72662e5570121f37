/**
 * The page's automation hook for headless export (`modscope export` / `modscope deck`, main/cli/
 * export.ts), installed as window.__modscope only when the URL has ?automation=1 (main.tsx).
 *
 * The trace comes from the page's trace link (#kernel=6.1&insmod=…, present/link.ts): the app
 * boots, runs the commands and then writes the position into the fragment. This hook reads the
 * Load view's state through the Export menu's props (export/live.ts), seeks, and captures views
 * with the Export menu's own code (export/deckCapture.ts, raster.ts, pdf.ts).
 */
import { captureView, findSvg, settle, svgsToPdf, type ExportView } from './export/deckCapture';
import { slideContext } from './export/ExportMenu';
import { liveExport } from './export/live';
import { PNG_SCALES, svgToPng, type PngScale } from './export/raster';
import type { SvgImage } from './export/svgExport';
import { stepIndexAt } from './views/load/loadFormat';

export interface AutomationState {
  /** The link's trace is replayed, the view idle and the timeline has steps. */
  ready: boolean;
  /** The error banner's text, when one is shown. */
  error: string | null;
  steps: number;
  length: number;
  pos: number;
  /** 1-based step number at pos (0 with no steps). */
  step: number;
  module: string;
  release: string;
}

export interface ExportOptions {
  slide?: boolean;
  theme?: 'projector' | 'screen';
  scale?: number;
}

export interface ExportResult {
  /** The file's bytes, base64. */
  base64: string;
  /** The image's size in CSS px (a PNG is this times its scale). */
  width: number;
  height: number;
  pos: number;
  step: number;
}

export interface AutomationApi {
  state(): AutomationState;
  /** Position of a 1-based step number. */
  stepPos(step: number): number;
  /** Seek and resolve once the view shows pos and its transitions have run. */
  seek(pos: number): Promise<void>;
  exportView(view: ExportView, format: 'svg' | 'png' | 'pdf', opts?: ExportOptions): Promise<ExportResult>;
  /** Steps from..to (1-based, inclusive) as 16:9 slides: one PDF, or one SVG per step. */
  exportDeck(from: number, to: number, view: ExportView, format: 'pdf' | 'svg', opts?: ExportOptions): Promise<ExportResult[]>;
}

declare global {
  interface Window {
    __modscope?: AutomationApi;
  }
}

const VIEWS: readonly ExportView[] = ['memory', 'ring', 'caption'];
const MAX_DECK = 300;

function menu() {
  const p = liveExport();
  if (!p) throw new Error('the Load view is not shown');
  return p;
}

function state(): AutomationState {
  const p = liveExport();
  const view = document.querySelector('[data-testid="load-view"]');
  const banner = document.querySelector('[data-testid="error-banner"]');
  const error = banner
    ? `${banner.querySelector('[data-testid="error-code"]')?.textContent ?? 'ERROR'}: ${banner.querySelector('[data-testid="error-message"]')?.textContent ?? ''}`
    : null;
  // useTraceLink writes the position into the fragment once the replay is over.
  const replayed = /(^#|&)pos=\d+/.test(location.hash);
  const steps = p?.steps.length ?? 0;
  return {
    ready: !!p && steps > 0 && replayed && view?.getAttribute('data-busy') === 'no',
    error,
    steps,
    length: p?.length ?? 0,
    pos: p?.pos ?? 0,
    step: p ? stepIndexAt(p.steps, p.pos) + 1 : 0,
    module: p?.moduleName ?? '',
    release: p?.release ?? '',
  };
}

function checkInt(v: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

function stepPos(step: number): number {
  const p = menu();
  return p.steps[checkInt(step, 'step', 1, p.steps.length) - 1].pos;
}

async function seek(pos: number): Promise<void> {
  const p = menu();
  checkInt(pos, 'pos', 0, p.length - 1);
  p.seek(pos);
  await settle(() => {
    const q = liveExport();
    return !!q && q.viewPos === pos && q.pos === pos;
  }, `position ${pos}`);
}

/** The ring is drawn only while its tab is shown. */
async function showView(view: ExportView): Promise<void> {
  if (!VIEWS.includes(view)) throw new Error(`unknown view "${view}"`);
  if (view !== 'ring' || findSvg(menu().root.current, 'ring')) return;
  document.querySelector<HTMLElement>('[data-testid="log-tab-ring"]')?.click();
  await settle(() => !!findSvg(menu().root.current, 'ring'), 'the printk ring tab');
}

function capture(view: ExportView, slide: boolean, opts: ExportOptions): SvgImage {
  const p = menu();
  return captureView(p.root.current, view, slide, (opts.theme ?? 'projector') === 'projector', slideContext(p));
}

async function base64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const svgBlob = (img: SvgImage) => new Blob([img.text], { type: 'image/svg+xml' });

function result(img: SvgImage, b64: string): ExportResult {
  const p = menu();
  return { base64: b64, width: img.width, height: img.height, pos: p.pos, step: stepIndexAt(p.steps, p.pos) + 1 };
}

async function exportView(view: ExportView, format: 'svg' | 'png' | 'pdf', opts: ExportOptions = {}): Promise<ExportResult> {
  await showView(view);
  const img = capture(view, !!opts.slide, opts);
  if (format === 'svg') return result(img, await base64(svgBlob(img)));
  if (format === 'png') {
    const scale = opts.scale ?? 1;
    if (!(PNG_SCALES as readonly number[]).includes(scale)) throw new Error(`scale must be one of ${PNG_SCALES.join(', ')}`);
    return result(img, await base64(await svgToPng(img, scale as PngScale)));
  }
  if (format === 'pdf') {
    const p = menu();
    return result(img, await base64(await svgsToPdf([img], `${p.moduleName}: ${slideContext(p).title}`)));
  }
  throw new Error(`unknown format "${String(format)}"`);
}

async function exportDeck(from: number, to: number, view: ExportView, format: 'pdf' | 'svg', opts: ExportOptions = {}): Promise<ExportResult[]> {
  const n = menu().steps.length;
  checkInt(from, 'from', 1, n);
  checkInt(to, 'to', from, n);
  if (to - from + 1 > MAX_DECK) throw new Error(`at most ${MAX_DECK} pages at once`);
  if (format !== 'pdf' && format !== 'svg') throw new Error(`a deck is pdf or svg, not "${String(format)}"`);
  await showView(view);
  const pages: { img: SvgImage; pos: number; step: number }[] = [];
  for (let k = from; k <= to; k++) {
    const pos = stepPos(k);
    await seek(pos);
    pages.push({ img: capture(view, true, opts), pos, step: k });
  }
  if (format === 'svg') return Promise.all(pages.map(async (pg) => ({ base64: await base64(svgBlob(pg.img)), width: pg.img.width, height: pg.img.height, pos: pg.pos, step: pg.step })));
  const blob = await svgsToPdf(
    pages.map((pg) => pg.img),
    `${menu().moduleName}: steps ${from}–${to}`,
  );
  const first = pages[0];
  return [{ base64: await base64(blob), width: first.img.width, height: first.img.height, pos: first.pos, step: from }];
}

export function installAutomation(): void {
  window.__modscope = { state, stepPos, seek, exportView, exportDeck };
}
