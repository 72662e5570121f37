/**
 * A live SVG view (D3-drawn, styled by CSS variables) as a self-contained SVG document: every
 * element's computed presentation properties written inline, text kept as <text>, fonts as system
 * stacks, a solid background, and a viewBox that holds everything drawn (the memory map draws
 * outside its box: overflow visible).
 *
 * The projector palette is applied for the capture by setting `data-palette` on <html> for the
 * duration of one synchronous call: no frame is painted with it, so the screen does not flash.
 */
import { escapeXml } from './xml';

export type ExportTheme = 'projector' | 'screen';

/** A finished SVG document with its size in CSS pixels (= PDF points 1:1, PNG pixels at 1×). */
export interface SvgImage {
  text: string;
  width: number;
  height: number;
}

/** The presentation properties that matter for SVG drawing (all inherited ones set explicitly). */
const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'letter-spacing',
  'visibility',
] as const;

/** Values that are the SVG initial values: left out to keep the file small. */
const DEFAULTS: Partial<Record<(typeof PROPS)[number], string[]>> = {
  'fill-opacity': ['1'],
  'stroke-opacity': ['1'],
  'stroke-dasharray': ['none'],
  'stroke-linecap': ['butt'],
  'stroke-linejoin': ['miter'],
  opacity: ['1'],
  'font-style': ['normal'],
  'text-anchor': ['start'],
  'dominant-baseline': ['auto'],
  'letter-spacing': ['normal'],
  visibility: ['visible'],
};

export const PROJECTOR_BACKGROUND = '#ffffff';

/** Run fn with the projector palette applied to the document (synchronously, then restored). */
export function withTheme<T>(theme: ExportTheme, fn: () => T): T {
  if (theme !== 'projector') return fn();
  const root = document.documentElement;
  const prev = root.dataset.palette;
  root.dataset.palette = 'projector';
  try {
    return fn();
  } finally {
    if (prev === undefined) delete root.dataset.palette;
    else root.dataset.palette = prev;
  }
}

function inlineStyle(orig: Element, clone: Element): void {
  const cs = getComputedStyle(orig);
  const parts: string[] = [];
  for (const p of PROPS) {
    const v = cs.getPropertyValue(p).trim();
    if (!v || DEFAULTS[p]?.includes(v)) continue;
    parts.push(`${p}:${v}`);
  }
  if (cs.display === 'none') parts.push('display:none');
  clone.setAttribute('style', parts.join(';'));
  // Interaction-only attributes are of no use in a file.
  clone.removeAttribute('class');
  clone.removeAttribute('role');
  clone.removeAttribute('tabindex');
}

/** Walk the original and the clone in step (same structure) and inline each element's style. */
function inlineTree(orig: Element, clone: Element): void {
  inlineStyle(orig, clone);
  const a = orig.children;
  const b = clone.children;
  for (let i = 0; i < a.length && i < b.length; i++) inlineTree(a[i], b[i]);
}

export interface SvgOptions {
  theme?: ExportTheme;
  /** Solid background behind the drawing; default white for the projector theme, the page's bg otherwise. */
  background?: string;
  padding?: number;
  /**
   * An HTML legend beside the view (e.g. the memory map's colour swatches): items with a
   * `.swatch`, whose background colour and text are drawn as a row under the drawing.
   */
  legend?: Element | null;
}

export interface LegendItem {
  label: string;
  color: string;
}

/** The swatches of an HTML legend, read under the current theme. */
export function legendItems(legend: Element | null | undefined): LegendItem[] {
  if (!legend) return [];
  return [...legend.querySelectorAll('.swatch')].map((sw) => ({
    color: getComputedStyle(sw).backgroundColor,
    label: (sw.parentElement?.textContent ?? '').trim(),
  }));
}

const LEGEND_ROW = 26;

function legendMarkup(items: LegendItem[], x: number, y: number, color: string): string {
  let cx = x;
  const out: string[] = [];
  for (const it of items) {
    out.push(
      `<rect x="${cx}" y="${y}" width="12" height="12" rx="2" fill="${escapeXml(it.color)}" stroke="${escapeXml(color)}" stroke-width="0.5"/>`,
    );
    out.push(
      `<text x="${cx + 17}" y="${y + 10.5}" font-size="11.5" fill="${escapeXml(color)}" ` +
        `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif">${escapeXml(it.label)}</text>`,
    );
    cx += 17 + Math.ceil(it.label.length * 6.6) + 18;
  }
  return `<g>${out.join('')}</g>`;
}

/**
 * Serialise a live <svg> element: styles inlined under the chosen theme, background added,
 * viewBox grown to what is drawn. The element itself is not modified.
 */
export function exportSvg(svg: SVGSVGElement, opts: SvgOptions = {}): SvgImage {
  const theme = opts.theme ?? 'projector';
  const pad = opts.padding ?? 8;
  return withTheme(theme, () => {
    const w0 = svg.width.baseVal.value || svg.getBoundingClientRect().width;
    const h0 = svg.height.baseVal.value || svg.getBoundingClientRect().height;
    let x0 = 0;
    let y0 = 0;
    let x1 = w0;
    let y1 = h0;
    try {
      const bb = svg.getBBox();
      if (bb.width > 0 && bb.height > 0) {
        x0 = Math.min(x0, bb.x);
        y0 = Math.min(y0, bb.y);
        x1 = Math.max(x1, bb.x + bb.width);
        y1 = Math.max(y1, bb.y + bb.height);
      }
    } catch {
      // Not rendered (display: none): keep the element's own box.
    }
    x0 = Math.floor(x0 - pad);
    y0 = Math.floor(y0 - pad);
    const width = Math.ceil(x1 + pad) - x0;
    const height = Math.ceil(y1 + pad) - y0;
    const legend = legendItems(opts.legend);
    const legendY = y1 + pad;
    if (legend.length) y1 += LEGEND_ROW;
    const bg = opts.background ?? (theme === 'projector' ? PROJECTOR_BACKGROUND : getComputedStyle(document.body).backgroundColor);

    const clone = svg.cloneNode(true) as SVGSVGElement;
    inlineTree(svg, clone);
    // The root's own box model and interaction attributes do not belong in a file.
    clone.removeAttribute('style');
    clone.removeAttribute('data-testid');
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.setAttribute('version', '1.1');
    clone.setAttribute('width', String(width));
    clone.setAttribute('height', String(height));
    clone.setAttribute('viewBox', `${x0} ${y0} ${width} ${height}`);
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    rect.setAttribute('x', String(x0));
    rect.setAttribute('y', String(y0));
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', String(height));
    rect.setAttribute('fill', bg);
    clone.insertBefore(rect, clone.firstChild);
    const label = svg.getAttribute('aria-label');
    if (label) {
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = label;
      clone.insertBefore(title, clone.firstChild);
    }
    if (legend.length) {
      const ink = theme === 'projector' ? '#000000' : getComputedStyle(document.body).color;
      const g = new DOMParser().parseFromString(
        `<svg xmlns="http://www.w3.org/2000/svg">${legendMarkup(legend, Math.max(x0 + pad, 0), legendY, ink)}</svg>`,
        'image/svg+xml',
      ).documentElement.firstElementChild;
      if (g) clone.appendChild(document.importNode(g, true));
    }
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
    return { text, width, height };
  });
}

/** The inner markup of an SVG document (its root's children) and its viewBox, for embedding. */
export function svgBody(img: SvgImage): { inner: string; viewBox: [number, number, number, number] } {
  const doc = new DOMParser().parseFromString(img.text, 'image/svg+xml');
  const root = doc.documentElement;
  const vb = (root.getAttribute('viewBox') ?? `0 0 ${img.width} ${img.height}`).split(/[\s,]+/).map(Number) as [number, number, number, number];
  const ser = new XMLSerializer();
  const inner = [...root.childNodes].map((n) => ser.serializeToString(n)).join('');
  return { inner, viewBox: vb };
}

export { escapeXml };
