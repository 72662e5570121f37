/**
 * What a slide deck is made of, shared by the Load view's step-range deck and the Lessons tab's
 * tour deck: find a view's <svg data-export="…"> on screen, capture it (or the caption alone) as a
 * slide, wait until the view shows the position asked for and its transitions have run, and write
 * the pages as a PDF (jsPDF and svg2pdf.js load on the first PDF export, not with the app).
 */
import { exportSvg, svgBody, type SvgImage } from './svgExport';
import { captionSvg, slideSvg, type SlideContext } from './slide';

export type ExportView = 'memory' | 'ring' | 'caption';

export const VIEW_LABEL: Record<ExportView, string> = { memory: 'Memory map', ring: 'printk ring buffer', caption: 'Step caption' };
/** Longer than the views' D3 transitions (450 ms), so a deck page shows where things ended up. */
export const SETTLE_MS = 560;
/** How long a view may take to reach the position a deck asked for. */
const REACH_MS = 15_000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function svgsToPdf(pages: SvgImage[], title: string): Promise<Blob> {
  return (await import('./pdf')).svgsToPdf(pages, title);
}

export function findSvg(root: HTMLElement | null, view: ExportView): SVGSVGElement | null {
  return root?.querySelector<SVGSVGElement>(`svg[data-export="${view}"]`) ?? null;
}

/** One view as an image, or framed as a 16:9 slide with the caption of ctx. */
export function captureView(root: HTMLElement | null, view: ExportView, slide: boolean, projector: boolean, ctx: SlideContext): SvgImage {
  if (view === 'caption') return slide ? slideSvg(null, ctx) : captionSvg(ctx);
  const svg = findSvg(root, view);
  if (!svg) throw new Error(`the ${VIEW_LABEL[view]} is not on screen`);
  // The memory map's colour key is HTML beside the <svg>: drawn into the file as well.
  const legend = svg.closest('.memmap')?.querySelector('.legend') ?? null;
  const img = exportSvg(svg, { theme: projector ? 'projector' : 'screen', legend });
  return slide ? slideSvg(svgBody(img), ctx) : img;
}

/** Resolve once shown() holds (the view reached the position asked for) and its transitions have run. */
export async function settle(shown: () => boolean, what: string): Promise<void> {
  const t0 = performance.now();
  while (!shown()) {
    if (performance.now() - t0 > REACH_MS) throw new Error(`the view did not reach ${what}`);
    await sleep(30);
  }
  await sleep(SETTLE_MS);
}
