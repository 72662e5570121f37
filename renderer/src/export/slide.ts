/**
 * Slides as SVG text (pure string building, no DOM): a 16:9 frame holding the step's caption, the
 * step number and one exported view scaled to fit; and the step caption alone as a view of its own
 * (the HTML caption re-drawn as SVG text, so it exports like the D3 views).
 */
import { escapeXml } from './xml';
import { positionText } from '../views/load/loadFormat';
import type { SvgImage } from './svgExport';

export const SLIDE_W = 1600;
export const SLIDE_H = 900;
const MARGIN = 56;

export const SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const MONO = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

/** Projector colours (Okabe–Ito blue for the function, black text on white). */
const INK = '#000000';
const INK_2 = '#333333';
const ACCENT = '#0072B2';

/** What a slide says about the step it shows. */
export interface SlideContext {
  /** 1-based step number and the number of steps of the trace. */
  stepNumber: number;
  stepCount: number;
  pos: number;
  length: number;
  phase: string;
  title: string;
  fn: string;
  file: string;
  text: string;
  /** "item 3 of 14" inside a block of relocations/symbols/instructions. */
  item?: string;
  /** e.g. "hello.ko · Linux 6.1.0-50-amd64". */
  source: string;
  /** Replaces "step N / M" (a tour's slide says "stop 3 / 19"). */
  label?: string;
  /** Lines of text kept under the title when a view is shown (default 3). */
  textLines?: number;
  /** A deck page: the caption keeps its full height whatever its text, so the view never moves. */
  fixed?: boolean;
  /** A deck page: the title and text lines the deck's longest caption takes (its figure area then starts at one height on every page). */
  reserve?: { title: number; text: number };
}

/** "step 412 / 5,310" (and the item inside a block). */
export function stepLabel(c: SlideContext): string {
  if (c.label) return c.label;
  const base = `step ${c.stepNumber.toLocaleString('en-US')} / ${c.stepCount.toLocaleString('en-US')}`;
  return c.item ? `${base} · ${c.item}` : base;
}

/** Greedy word wrap to at most maxChars per line; over-long words are cut. maxLines adds "…" when cut short. */
export function wrapText(text: string, maxChars: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > maxChars) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(word.slice(0, maxChars));
      word = word.slice(maxChars);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= maxChars) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1];
    kept[maxLines - 1] = `${last.length >= maxChars ? last.slice(0, maxChars - 1) : last}…`;
    return kept;
  }
  return lines;
}

function fnText(fn: string): string {
  return /^[A-Za-z_]\w*$/.test(fn) ? `${fn}()` : fn;
}

function text(x: number, y: number, size: number, fill: string, content: string, extra = ''): string {
  return `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}" font-family="${SANS}"${extra}>${escapeXml(content)}</text>`;
}

const titleChars = (width: number, scale: number) => Math.floor(width / (Math.round(40 * scale) * 0.56));
const textChars = (width: number, scale: number) => Math.floor(width / (Math.round(25 * scale) * 0.52));
/** Width of the caption's text beside a view (the step label takes the top right). */
const VIEW_TEXT_W = SLIDE_W - 2 * MARGIN - 260;

/** The title and text lines a caption takes on a slide with a view. */
export function captionLines(c: SlideContext): { title: number; text: number } {
  return {
    title: wrapText(c.title, titleChars(VIEW_TEXT_W, 1), 2).length,
    text: wrapText(c.text, textChars(VIEW_TEXT_W, 1), c.textLines ?? 3).length,
  };
}

/** The caption block: function line, title, wrapped text. Returns the markup and the y below it. */
function captionBlock(c: SlideContext, x: number, y: number, width: number, scale: number, maxLines: number): { svg: string; bottom: number } {
  const out: string[] = [];
  const small = Math.round(20 * scale);
  const big = Math.round(40 * scale);
  const body = Math.round(25 * scale);
  y += small;
  out.push(
    `<text x="${x}" y="${y}" font-size="${small}" font-family="${SANS}" fill="${INK_2}">` +
      `<tspan font-weight="700" fill="${ACCENT}">${escapeXml(c.phase.toUpperCase())}</tspan>` +
      `<tspan dx="${Math.round(small * 0.8)}" font-family="${MONO}" fill="${ACCENT}">${escapeXml(fnText(c.fn))}</tspan>` +
      `<tspan dx="${Math.round(small * 0.5)}">${escapeXml(`in ${c.file}`)}</tspan></text>`,
  );
  y += Math.round(big * 1.35);
  const title = wrapText(c.title, titleChars(width, scale), 2);
  for (const l of title) {
    out.push(text(x, y, big, INK, l, ' font-weight="700"'));
    y += Math.round(big * 1.2);
  }
  if (c.fixed) y += Math.round(big * 1.2) * Math.max(0, (c.reserve?.title ?? 2) - title.length);
  y += Math.round(body * 0.2);
  const lines = wrapText(c.text, textChars(width, scale), maxLines);
  for (const l of lines) {
    out.push(text(x, y, body, INK, l));
    y += Math.round(body * 1.4);
  }
  if (c.fixed && Number.isFinite(maxLines)) y += Math.round(body * 1.4) * Math.max(0, Math.min(maxLines, c.reserve?.text ?? maxLines) - lines.length);
  return { svg: out.join('\n'), bottom: y - Math.round(body * 0.9) };
}

function doc(width: number, height: number, body: string, title: string): SvgImage {
  const t = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title>${escapeXml(title)}</title>
<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>
${body}
</svg>
`;
  return { text: t, width, height };
}

/** The embedded view: the inner markup of an exported SVG and its viewBox. */
export interface ViewBody {
  inner: string;
  viewBox: [number, number, number, number];
}

/**
 * A 16:9 slide: caption and step number at the top, the view scaled to fit below, the source at the
 * foot. `frame` (the largest view of its kind in a deck) fixes the scale and the top-left corner, so
 * a view keeps its place and size from page to page; the figure area itself starts and ends at the
 * same place on every page of a deck (ctx.reserve). Without a view the caption alone, large: a big-text slide.
 */
export function slideSvg(view: ViewBody | null, c: SlideContext, frame?: { w: number; h: number }): SvgImage {
  if (!view) return bigTextSlide(c);
  const w = SLIDE_W - 2 * MARGIN;
  const label = stepLabel(c);
  const head = captionBlock(c, MARGIN, MARGIN - 16, VIEW_TEXT_W, 1, c.textLines ?? 3);
  const parts = [head.svg, text(SLIDE_W - MARGIN, MARGIN + 4, 22, INK_2, label, ' text-anchor="end" font-weight="600"')];
  if (view) {
    const [vx, vy, vw, vh] = view.viewBox;
    const ax = MARGIN;
    const ay = head.bottom + 28;
    const aw = w;
    const ah = SLIDE_H - 90 - ay;
    const fw = frame?.w ?? vw;
    const fh = frame?.h ?? vh;
    const s = Math.min(aw / fw, ah / fh, 2.5);
    const tx = ax + (aw - fw * s) / 2;
    parts.push(`<line x1="${MARGIN}" y1="${ay - 14}" x2="${SLIDE_W - MARGIN}" y2="${ay - 14}" stroke="#999999" stroke-width="1"/>`);
    parts.push(`<g transform="translate(${r2(tx)},${r2(ay)}) scale(${r4(s)}) translate(${-vx},${-vy})">${view.inner}</g>`);
  }
  parts.push(text(MARGIN, SLIDE_H - 26, 16, INK_2, c.source));
  parts.push(text(SLIDE_W - MARGIN, SLIDE_H - 26, 16, INK_2, `Modscope · ${positionText(c.pos, c.length)}`, ' text-anchor="end"'));
  return doc(SLIDE_W, SLIDE_H, parts.join('\n'), `${label}: ${c.title}`);
}

/** A slide with no figure: the caption as large as the slide allows. */
function bigTextSlide(c: SlideContext): SvgImage {
  const label = stepLabel(c);
  const w = SLIDE_W - 2 * MARGIN;
  const head = captionBlock(c, MARGIN, MARGIN + 40, w, 1.35, 9);
  const parts = [head.svg, text(SLIDE_W - MARGIN, MARGIN + 4, 22, INK_2, label, ' text-anchor="end" font-weight="600"')];
  parts.push(text(MARGIN, SLIDE_H - 26, 16, INK_2, c.source));
  parts.push(
    text(
      SLIDE_W - MARGIN,
      SLIDE_H - 26,
      16,
      INK_2,
      `Modscope · position ${c.pos.toLocaleString('en-US')} / ${c.length.toLocaleString('en-US')}`,
      ' text-anchor="end"',
    ),
  );
  return doc(SLIDE_W, SLIDE_H, parts.join('\n'), `${label}: ${c.title}`);
}

/** The frame of a deck: the largest view of its pages (each page's view then drawn at one scale). */
export function deckFrameOf(views: (ViewBody | null)[]): { w: number; h: number } | undefined {
  const vs = views.filter((v): v is ViewBody => !!v);
  if (!vs.length) return undefined;
  return { w: Math.max(...vs.map((v) => v.viewBox[2])), h: Math.max(...vs.map((v) => v.viewBox[3])) };
}

/** The step caption alone, as an SVG view (width fixed, height from the text). */
export function captionSvg(c: SlideContext, width = 1200): SvgImage {
  const pad = 24;
  const head = captionBlock(c, pad, pad - 6, width - 2 * pad - 200, 0.8, 40);
  const label = text(width - pad, pad + 12, 18, INK_2, stepLabel(c), ' text-anchor="end" font-weight="600"');
  const height = Math.ceil(head.bottom + pad);
  return doc(width, height, `${head.svg}\n${label}`, `${stepLabel(c)}: ${c.title}`);
}

function r2(n: number): number {
  return Math.round(n * 100) / 100;
}
function r4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
