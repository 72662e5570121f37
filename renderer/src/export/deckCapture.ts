/**
 * What a slide deck is made of, shared by the Load view's step-range deck and the Lessons tab's
 * tour deck: find a view's <svg data-export="…"> on screen, capture it (or the caption alone) as a
 * slide, wait until the view shows the position asked for and its transitions have run, and write
 * the pages as a PDF (jsPDF and svg2pdf.js load on the first PDF export, not with the app).
 */
import { svgBody, type SvgImage } from './svgExport';
import { SLIDE_W, captionLines, captionSvg, deckFrameOf, slideSvg, type SlideContext, type ViewBody } from './slide';
import { moving, movingWithin } from './moving';
import { VIEWS, captureRegistered, findView, type ViewId } from './registry';

export type ExportView = ViewId;

export const VIEW_LABEL = Object.fromEntries(VIEWS.map((v) => [v.id, v.label])) as Record<ExportView, string>;
/**
 * The longest a page waits for its view to come to rest: longer than the views' D3 transitions, the longest of which
 * is the memory map's sections flying to their addresses (FLY_MS 520 ms after a stagger of up to 160 ms, MemoryMap.tsx).
 */
export const SETTLE_MS = 900;
/** How long a view may take to reach the position a deck asked for. */
const REACH_MS = 15_000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function svgsToPdf(pages: SvgImage[], title: string): Promise<Blob> {
  return (await import('./pdf')).svgsToPdf(pages, title);
}

/** The view's element on screen (inside root when it holds one, else anywhere on the page). */
export function findSvg(root: HTMLElement | null, view: ExportView): HTMLElement | null {
  return (root && findView(view, root)) ?? findView(view);
}

/** One view as an image, or framed as a 16:9 slide with the caption of ctx. 'transparent' background: none. */
export function captureView(
  root: HTMLElement | null,
  view: ExportView,
  slide: boolean,
  projector: boolean,
  ctx: SlideContext,
  background?: string,
): SvgImage {
  if (view === 'caption') return slide ? slideSvg(null, ctx) : captionSvg(ctx);
  const el = findSvg(root, view);
  if (!el) throw new Error(`the ${VIEW_LABEL[view]} is not on screen`);
  const img = captureRegistered(
    view,
    { theme: projector ? 'projector' : 'screen', background: slide ? 'transparent' : background },
    el.parentElement ?? document,
  );
  return slide ? slideSvg(svgBody(img), ctx) : img;
}

/**
 * Resolve once shown() holds (the view reached the position asked for) and its transitions have run: those of the
 * element scope() gives when there is one (the view a deck captures), else of the whole page.
 */
export async function settle(shown: () => boolean, what: string, reachMs = REACH_MS, scope?: () => Element | null): Promise<void> {
  const t0 = performance.now();
  while (!shown()) {
    if (performance.now() - t0 > reachMs) throw new Error(`the view did not reach ${what}`);
    await sleep(30);
  }
  await atRest(scope);
}

/** The next frame, or 100 ms where none comes (a hidden tab draws no frames). */
const frame = () => Promise.race([new Promise<void>((r) => requestAnimationFrame(() => r())), sleep(100)]);

/**
 * Until the view is at rest: two frames first (a drawing effect React has not run yet schedules its transitions then),
 * then while a D3 transition or a CSS animation runs (moving.ts), at most SETTLE_MS (an animation that never ends, or
 * one that starts later, is waited for no longer). A page whose view does not move waits two frames, not SETTLE_MS
 * (every page of a deck waited 560 ms).
 */
export async function atRest(scope?: () => Element | null): Promise<void> {
  const t0 = performance.now();
  await frame();
  await frame();
  const still = (): boolean => {
    if (!scope) return !moving();
    const el = scope(); // found after the frames: a view may appear at this step (no card on a layout step)
    return !el || !movingWithin(el);
  };
  while (!still() && performance.now() - t0 < SETTLE_MS) await sleep(15);
}

/** A deck page's view (null: not on screen at this step, or the caption view: a big-text slide). */
export function captureBody(root: HTMLElement | null, view: ExportView, projector: boolean): ViewBody | null {
  if (view === 'caption') return null;
  const el = findSvg(root, view);
  if (!el) return null;
  return svgBody(captureRegistered(view, { theme: projector ? 'projector' : 'screen', background: 'transparent' }, el.parentElement ?? document));
}

/**
 * The deck's slides in a fixed frame: the figure area starts where the deck's longest caption ends
 * on every page, and every figure of one kind (a page's `kind`: the same view at another step) is
 * drawn at the scale and place of the largest of that kind, so it does not move or resize between
 * pages. A tour's deck (refit) mixes kinds whose sizes vary from stop to stop: there a figure that the shared
 * frame would draw at under 4/5 of the size it could fill fills the area itself, as a figure of another kind
 * does (a tour's path, relocation card, ring…). A deck of one view (a step range, the comparison) never refits.
 */
export function deckSlides(pages: { body: ViewBody | null; ctx: SlideContext; kind?: string }[], opts: { refit?: boolean } = {}): SvgImage[] {
  const kinds = new Map<string, (ViewBody | null)[]>();
  for (const p of pages) kinds.set(p.kind ?? '', [...(kinds.get(p.kind ?? '') ?? []), p.body]);
  const frames = new Map([...kinds].map(([k, bodies]) => [k, deckFrameOf(bodies)]));
  const lines = pages.filter((p) => p.body).map((p) => captionLines(p.ctx));
  const reserve = { title: Math.max(1, ...lines.map((l) => l.title)), text: Math.max(1, ...lines.map((l) => l.text)) };
  // The figure area's shape, near enough to compare scales (slide.ts fixes it exactly).
  const fit = (w: number, h: number) => Math.min((SLIDE_W - 112) / w, 480 / h);
  return pages.map((p) => {
    const f = frames.get(p.kind ?? '');
    const own = opts.refit && p.body && f && fit(p.body.viewBox[2], p.body.viewBox[3]) > 1.25 * fit(f.w, f.h);
    return slideSvg(p.body, { ...p.ctx, fixed: true, reserve }, own ? undefined : f);
  });
}
