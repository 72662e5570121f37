/**
 * Any part of the page as a self-contained SVG document, drawn from what the browser laid out:
 * boxes with a background or border become <rect>s (corner radius kept), text becomes <text> at
 * the place of each rendered line (so it stays text: selectable in the SVG, vector in the PDF),
 * form controls show their value, and embedded <svg> views are inlined with their computed styles
 * (exportSvg). Used for every view that is HTML (tables, cards, the CPU pane, dmesg) and for views
 * mixing both (the comparison's lanes beside its memory panels).
 *
 * Text cut by an ancestor (overflow hidden / ellipsis) is cut the same way, so the file shows what
 * the screen shows. Fonts are written as the page's stacks: named faces with their fallbacks.
 */
import { escapeXml } from './xml';
import { exportSvg, svgBody, withTheme, type ExportTheme, type SvgImage } from './svgExport';

export interface DomSvgOptions {
  theme?: ExportTheme;
  /** Background colour, or 'transparent' for none; default: the element's (or page's) own background. */
  background?: string;
  padding?: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

function visibleColor(c: string): boolean {
  return !!c && c !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(c);
}

function intersect(a: Box, b: Box): Box {
  return { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
}

function clipsChildren(cs: CSSStyleDeclaration): boolean {
  return cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
}

/** The page background behind el: its own or the nearest ancestor's non-transparent one. */
function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (visibleColor(c)) return c;
  }
  return '#ffffff';
}

/** The computed font stack, ending in a generic family (a form control's UA default is a bare "Arial"). */
export function withGenericFamily(family: string): string {
  if (/(^|,)\s*(sans-serif|serif|monospace)\s*$/.test(family)) return family;
  return `${family}, ${/mono|courier|consolas|menlo/i.test(family) ? 'monospace' : 'sans-serif'}`;
}

function fontAttrs(cs: CSSStyleDeclaration): string {
  const weight = cs.fontWeight;
  const parts = [
    `font-family="${escapeXml(withGenericFamily(cs.fontFamily))}"`,
    `font-size="${r1(parseFloat(cs.fontSize))}"`,
    `fill="${escapeXml(cs.color)}"`,
  ];
  if (weight !== '400' && weight !== 'normal') parts.push(`font-weight="${weight}"`);
  if (cs.fontStyle === 'italic') parts.push('font-style="italic"');
  return parts.join(' ');
}

/**
 * The rendered lines of a text node: each line's text and its box (words grouped by their top). With perWord, each
 * word is a line of its own at its own place: text spaced by CSS word-spacing (the relocation card's byte runs,
 * byteRuns.tsx) would be written with plain spaces otherwise, wider than on screen.
 */
function textLines(node: Text, perWord = false): { text: string; box: DOMRect }[] {
  const text = node.data;
  const range = document.createRange();
  const out: { text: string; box: DOMRect; top: number }[] = [];
  const re = /\S+/g;
  let line: { start: number; end: number; top: number; left: number; right: number; bottom: number } | null = null;
  const flush = () => {
    if (!line) return;
    out.push({
      text: text.slice(line.start, line.end),
      box: new DOMRect(line.left, line.top, line.right - line.left, line.bottom - line.top),
      top: line.top,
    });
    line = null;
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const rects = range.getClientRects();
    if (rects.length === 0) continue;
    // A word broken over two lines (overflow-wrap: anywhere) has a rect per line: take each.
    for (let k = 0; k < rects.length; k++) {
      const b = rects[k];
      if (b.width === 0 && b.height === 0) continue;
      if (line && !perWord && Math.abs(b.top - line.top) < b.height / 2) {
        line.end = m.index + m[0].length;
        line.right = Math.max(line.right, b.right);
        line.bottom = Math.max(line.bottom, b.bottom);
      } else {
        flush();
        line = { start: m.index, end: m.index + m[0].length, top: b.top, left: b.left, right: b.right, bottom: b.bottom };
      }
    }
  }
  flush();
  return out;
}

/** Keep the words of a line that lie inside clip (an ellipsis where it was cut). */
function clipLine(node: Text, line: { text: string; box: DOMRect }, clip: Box): { text: string; right: number } | null {
  if (line.box.left >= clip.right || line.box.top >= clip.bottom || line.box.bottom <= clip.top) return null;
  if (line.box.right <= clip.right + 1) return { text: line.text, right: line.box.right };
  // Cut: characters up to the clip edge.
  const range = document.createRange();
  const start = node.data.indexOf(line.text);
  let keep = 0;
  for (let i = 1; i <= line.text.length && start >= 0; i++) {
    range.setStart(node, start);
    range.setEnd(node, start + i);
    const rs = range.getClientRects();
    const last = rs[rs.length - 1];
    if (!last || last.right > clip.right - 8) break;
    keep = i;
  }
  return keep > 0 ? { text: `${line.text.slice(0, keep).trimEnd()}…`, right: clip.right } : null;
}

function rectMarkup(b: Box, cs: CSSStyleDeclaration, ox: number, oy: number): string {
  const bg = cs.backgroundColor;
  const w = b.right - b.left;
  const h = b.bottom - b.top;
  if (w < 0.5 || h < 0.5) return '';
  const rx = Math.min(parseFloat(cs.borderTopLeftRadius) || 0, w / 2, h / 2);
  const sides = [
    ['Top', b.left, b.top, b.right, b.top],
    ['Right', b.right, b.top, b.right, b.bottom],
    ['Bottom', b.left, b.bottom, b.right, b.bottom],
    ['Left', b.left, b.top, b.left, b.bottom],
  ] as const;
  const widths = sides.map(([s]) =>
    cs.getPropertyValue(`border-${s.toLowerCase()}-style`) === 'none' ? 0 : parseFloat(cs.getPropertyValue(`border-${s.toLowerCase()}-width`)) || 0,
  );
  const colors = sides.map(([s]) => cs.getPropertyValue(`border-${s.toLowerCase()}-color`));
  const uniform = widths.every((x) => x === widths[0]) && colors.every((c) => c === colors[0]);
  const out: string[] = [];
  const hasBg = visibleColor(bg);
  if (hasBg || (uniform && widths[0] > 0 && visibleColor(colors[0]))) {
    const stroke = uniform && widths[0] > 0 && visibleColor(colors[0]) ? ` stroke="${escapeXml(colors[0])}" stroke-width="${widths[0]}"` : '';
    const inset = stroke ? widths[0] / 2 : 0;
    out.push(
      `<rect x="${r1(b.left - ox + inset)}" y="${r1(b.top - oy + inset)}" width="${r1(w - 2 * inset)}" height="${r1(h - 2 * inset)}"` +
        `${rx ? ` rx="${r1(rx)}"` : ''} fill="${hasBg ? escapeXml(bg) : 'none'}"${stroke}/>`,
    );
  }
  if (!uniform)
    sides.forEach(([, x1, y1, x2, y2], k) => {
      if (widths[k] > 0 && visibleColor(colors[k]))
        out.push(
          `<line x1="${r1(x1 - ox)}" y1="${r1(y1 - oy)}" x2="${r1(x2 - ox)}" y2="${r1(y2 - oy)}" ` +
            `stroke="${escapeXml(colors[k])}" stroke-width="${widths[k]}"/>`,
        );
    });
  return out.join('');
}

function textMarkup(x: number, baseline: number, cs: CSSStyleDeclaration, text: string): string {
  return `<text x="${r1(x)}" y="${r1(baseline)}" ${fontAttrs(cs)} xml:space="preserve">${escapeXml(text)}</text>`;
}

function walk(el: Element, clip: Box, ox: number, oy: number, theme: ExportTheme, out: string[]): void {
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden' || el.hasAttribute('data-export-skip')) return;
  const b = el.getBoundingClientRect();
  if (el instanceof SVGSVGElement) {
    if (b.width === 0 || b.height === 0) return;
    const body = svgBody(exportSvg(el, { theme, padding: 0, background: 'none' }));
    // The element's own box in the page; its drawing scaled to it as the browser does (viewBox meet).
    const sx = el.viewBox.baseVal && el.viewBox.baseVal.width ? b.width / el.viewBox.baseVal.width : 1;
    const sy = el.viewBox.baseVal && el.viewBox.baseVal.height ? b.height / el.viewBox.baseVal.height : 1;
    const k = Math.min(sx, sy);
    const x0 = el.viewBox.baseVal && el.viewBox.baseVal.width ? el.viewBox.baseVal.x : 0;
    const y0 = el.viewBox.baseVal && el.viewBox.baseVal.height ? el.viewBox.baseVal.y : 0;
    out.push(
      `<g transform="translate(${r1(b.left - ox)},${r1(b.top - oy)}) scale(${Math.round(k * 10000) / 10000}) translate(${-x0},${-y0})">${body.inner}</g>`,
    );
    return;
  }
  if (b.right < clip.left || b.left > clip.right || b.bottom < clip.top || b.top > clip.bottom) {
    // Outside the clip, but a positioned child may still show: only descend when the box is empty.
    if (b.width > 0 && b.height > 0) return;
  }
  if (Number(cs.opacity) === 0) return;
  out.push(rectMarkup(intersect(b, { left: b.left, top: b.top, right: b.right, bottom: b.bottom }), cs, ox, oy));
  const inner = clipsChildren(cs) ? intersect(clip, b) : clip;
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
    const v =
      el instanceof HTMLSelectElement
        ? (el.selectedOptions[0]?.textContent ?? '')
        : el instanceof HTMLInputElement && el.type === 'checkbox'
          ? el.checked
            ? '[x]'
            : '[ ]'
          : el.value;
    if (v)
      out.push(
        textMarkup(
          b.left - ox + (parseFloat(cs.paddingLeft) || 0) + (parseFloat(cs.borderLeftWidth) || 0),
          b.top - oy + b.height / 2 + parseFloat(cs.fontSize) * 0.35,
          cs,
          v,
        ),
      );
    return;
  }
  for (const child of el.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      const t = child as Text;
      if (!t.data.trim()) continue;
      const spaced = cs.wordSpacing !== 'normal' && parseFloat(cs.wordSpacing) !== 0;
      for (const line of textLines(t, spaced)) {
        const kept = clipLine(t, line, inner);
        if (!kept) continue;
        const size = parseFloat(cs.fontSize);
        out.push(textMarkup(line.box.left - ox, line.box.top - oy + line.box.height / 2 + size * 0.35, cs, kept.text));
      }
    } else if (child instanceof Element) walk(child, inner, ox, oy, theme, out);
  }
}

/** The element (as laid out now, under the theme) as an SVG document. */
export function domToSvg(el: HTMLElement, opts: DomSvgOptions = {}): SvgImage {
  const theme = opts.theme ?? 'projector';
  const pad = opts.padding ?? 8;
  return withTheme(theme, () => {
    const b = el.getBoundingClientRect();
    // The element's box as laid out (also where an ancestor scrolls it out of sight).
    const width = Math.ceil(b.width) + 2 * pad;
    const height = Math.ceil(b.height) + 2 * pad;
    const ox = b.left - pad;
    const oy = b.top - pad;
    const out: string[] = [];
    const clip: Box = { left: b.left, top: b.top, right: b.left + width, bottom: b.top + height };
    walk(el, clip, ox, oy, theme, out);
    const bg = opts.background ?? (theme === 'projector' ? '#ffffff' : backgroundOf(el));
    const label = el.getAttribute('aria-label') ?? el.querySelector('h2,h3,h4')?.textContent ?? 'Modscope view';
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title>${escapeXml(label)}</title>
${bg === 'transparent' || bg === 'none' ? '' : `<rect x="0" y="0" width="${width}" height="${height}" fill="${escapeXml(bg)}"/>`}
${out.filter(Boolean).join('\n')}
</svg>
`;
    return { text, width, height };
  });
}
