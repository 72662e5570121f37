/**
 * The page's automation hook for headless export (`modscope export` / `modscope deck`, main/cli/
 * export.ts), installed as window.__modscope only when the URL has ?automation=1 (main.tsx).
 *
 * The trace comes from the page's trace link (#kernel=6.1&insmod=…, present/link.ts): the app
 * boots, runs the commands and then writes the position into the fragment. This hook reads the
 * Load view's state through the Export menu's props (export/live.ts), seeks, and captures views
 * with the Export menu's own code (export/deckCapture.ts, raster.ts, pdf.ts).
 */
import { atRest, captureBody, captureView, deckSlides, findSvg, settle, svgsToPdf, type ExportView } from './export/deckCapture';
import { VIEW_IDS, findView, reveal, viewDef, viewReady } from './export/registry';
import { compareLive } from './views/compare/compareLink';
import { slideSvg } from './export/slide';
import { slideContext } from './export/ExportMenu';
import { liveExport } from './export/live';
import { PNG_SCALES, svgToPng, type PngScale } from './export/raster';
import type { SvgImage } from './export/svgExport';
import { stepIndexAt } from './views/load/loadFormat';
import { effectRuns } from './views/effectRuns';

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
  /** Seek and resolve once the view shows pos and its transitions have run (those of `view` alone when given). */
  seek(pos: number, view?: ExportView): Promise<void>;
  exportView(view: ExportView, format: 'svg' | 'png' | 'pdf', opts?: ExportOptions): Promise<ExportResult>;
  /** Steps from..to (1-based, inclusive) as 16:9 slides: one PDF, or one SVG per step. */
  exportDeck(from: number, to: number, view: ExportView, format: 'pdf' | 'svg', opts?: ExportOptions): Promise<ExportResult[]>;
  /** The comparison (tab "2.4 ⇄ 6.1"): ready, and each kernel's step count. */
  compareState(): { ready: boolean; error: string | null; steps: Record<'2.4' | '6.1', number> };
  /** Views of the comparison with one kernel on step n (the other on the same stage). */
  exportCompare(kernel: '2.4' | '6.1', step: number, view: ExportView, format: 'svg' | 'png' | 'pdf', opts?: ExportOptions): Promise<ExportResult>;
  exportCompareDeck(
    kernel: '2.4' | '6.1',
    from: number,
    to: number,
    view: ExportView,
    format: 'pdf' | 'svg',
    opts?: ExportOptions,
  ): Promise<ExportResult[]>;
  /** How many times each pane's D3 drawing effect ran (views/effectRuns.ts), for the bench. */
  effectRuns(): Record<string, number>;
}

declare global {
  interface Window {
    __modscope?: AutomationApi;
  }
}

const VIEWS: readonly ExportView[] = VIEW_IDS;
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
  const bannerText = (id: string): string | undefined => banner?.querySelector(`[data-testid="${id}"]`)?.textContent ?? undefined;
  const error = banner ? `${bannerText('error-code') ?? 'ERROR'}: ${bannerText('error-message') ?? ''}` : null;
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

/** Go to pos; resolve once the view is there and at rest (`view`: only that view's own transitions are waited for). */
async function seek(pos: number, view?: ExportView): Promise<void> {
  const p = menu();
  checkInt(pos, 'pos', 0, p.length - 1);
  const scope = view && view !== 'caption' ? () => findSvg(menu().root.current, view) : undefined;
  if (p.viewPos === pos && p.pos === pos) return atRest(scope); // the view is there already: only its transitions to run out
  p.seek(pos);
  await settle(
    () => {
      const q = liveExport();
      return !!q && q.viewPos === pos && q.pos === pos;
    },
    `position ${pos}`,
    undefined,
    scope,
  );
}

/** Bring the view on screen: its app tab, then its sub-tab or disclosure (registry.ts). */
async function showView(view: ExportView): Promise<void> {
  if (!VIEWS.includes(view)) throw new Error(`unknown view "${view}" (${VIEWS.join(', ')})`);
  const def = viewDef(view)!;
  if (view === 'caption') return;
  const tab = document.querySelector<HTMLElement>(`[data-testid="tab-${def.tab}"]`);
  if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
  if (viewReady(view)) return;
  const t0 = performance.now();
  while (!findView(view)) {
    reveal(view);
    if (performance.now() - t0 > 4000) throw new Error(`the ${def.label} is not shown at this step (it lives on the ${def.tab} tab)`);
    await new Promise((r) => setTimeout(r, 150));
  }
  await settle(() => viewReady(view), def.label);
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
  await showView(view).catch(() => {});
  const captured: Parameters<typeof deckSlides>[0] = [];
  const at: { pos: number; step: number }[] = [];
  for (let k = from; k <= to; k++) {
    const pos = stepPos(k);
    await seek(pos, view);
    // A step without the view (no relocation card on a layout step) is a big-text slide.
    const p = menu();
    captured.push({ body: captureBody(p.root.current, view, (opts.theme ?? 'projector') === 'projector'), ctx: slideContext(p) });
    at.push({ pos, step: k });
  }
  const pages = deckSlides(captured).map((img, i) => ({ img, ...at[i] }));
  if (format === 'svg')
    return Promise.all(
      pages.map(async (pg) => ({ base64: await base64(svgBlob(pg.img)), width: pg.img.width, height: pg.img.height, pos: pg.pos, step: pg.step })),
    );
  const blob = await svgsToPdf(
    pages.map((pg) => pg.img),
    `${menu().moduleName}: steps ${from}–${to}`,
  );
  const first = pages[0];
  return [{ base64: await base64(blob), width: first.img.width, height: first.img.height, pos: first.pos, step: from }];
}

function cmp() {
  const c = compareLive();
  if (!c || !c.state.ready) throw new Error('the comparison is not ready');
  return c;
}

function compareState() {
  const c = compareLive();
  const s = state();
  return {
    ready: !!c && c.state.ready && document.querySelector('[data-testid="compare-view"]')?.getAttribute('data-busy') === 'no',
    error: s.error,
    steps: c?.stepCount ?? { '2.4': 0, '6.1': 0 },
  };
}

async function compareGo(kernel: '2.4' | '6.1', step: number): Promise<void> {
  const c = cmp();
  checkInt(step, 'step', 1, c.stepCount[kernel]);
  c.goStep(kernel, step);
  await settle(() => {
    const d = compareLive();
    return !!d && d.cursor[kernel] === d.stepPos(kernel, step) && d.viewPos['2.4'] === d.cursor['2.4'] && d.viewPos['6.1'] === d.cursor['6.1'];
  }, `Linux ${kernel} step ${step}`);
}

function compareCapture(view: ExportView, slide: boolean, opts: ExportOptions) {
  if (view === 'caption') return slideSvg(null, cmp().slide());
  const el = findView(view);
  if (!el) throw new Error(`the ${viewDef(view)?.label ?? view} is not on screen`);
  return captureView(null, view, slide, (opts.theme ?? 'projector') === 'projector', cmp().slide());
}

async function exportCompare(
  kernel: '2.4' | '6.1',
  step: number,
  view: ExportView,
  format: 'svg' | 'png' | 'pdf',
  opts: ExportOptions = {},
): Promise<ExportResult> {
  await showView(view === 'caption' ? 'compare-detail' : view);
  await compareGo(kernel, step);
  const img = compareCapture(view, !!opts.slide, opts);
  const pos = cmp().cursor[kernel];
  const b64 =
    format === 'svg'
      ? await base64(svgBlob(img))
      : format === 'png'
        ? await base64(await svgToPng(img, (PNG_SCALES as readonly number[]).includes(opts.scale ?? 1) ? ((opts.scale ?? 1) as PngScale) : 1))
        : await base64(await svgsToPdf([img], `Modscope: 2.4 ⇄ 6.1, ${kernel} step ${step}`));
  return { base64: b64, width: img.width, height: img.height, pos, step };
}

async function exportCompareDeck(
  kernel: '2.4' | '6.1',
  from: number,
  to: number,
  view: ExportView,
  format: 'pdf' | 'svg',
  opts: ExportOptions = {},
): Promise<ExportResult[]> {
  await showView(view === 'caption' ? 'compare-detail' : view);
  const n = cmp().stepCount[kernel];
  checkInt(from, 'from', 1, n);
  checkInt(to, 'to', from, n);
  const captured: Parameters<typeof deckSlides>[0] = [];
  for (let k = from; k <= to; k++) {
    await compareGo(kernel, k);
    captured.push({ body: captureBody(null, view, (opts.theme ?? 'projector') === 'projector'), ctx: cmp().slide() });
  }
  const pages = deckSlides(captured);
  if (format === 'svg')
    return Promise.all(
      pages.map(async (pg, i) => ({ base64: await base64(svgBlob(pg)), width: pg.width, height: pg.height, pos: 0, step: from + i })),
    );
  const blob = await svgsToPdf(pages, `Modscope: 2.4 ⇄ 6.1, Linux ${kernel} steps ${from}–${to}`);
  return [{ base64: await base64(blob), width: pages[0].width, height: pages[0].height, pos: 0, step: from }];
}

export function installAutomation(): void {
  window.__modscope = { state, stepPos, seek, exportView, exportDeck, compareState, exportCompare, exportCompareDeck, effectRuns };
}
