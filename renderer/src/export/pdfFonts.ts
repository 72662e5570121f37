/**
 * Fonts for jsPDF's standard faces. svg2pdf looks a text's font up by family and by
 * `${weight}${style}`; jsPDF's Helvetica and Courier have only "normal" and "bold", so a weight
 * of 600 is not found and jsPDF falls back to Times ("Unable to look up font label for font
 * 'helvetica', '600normal'"). Here every font-weight becomes normal or bold, every family stack
 * the standard face it resolves to (monospace stacks → courier, the rest → helvetica), and the
 * characters outside the standard faces' WinAnsi encoding their nearest plain spelling.
 */

const MONO = /mono|courier|consolas|menlo/i;

/** ≥ 600 (or bold/bolder) → bold, else normal. */
export function pdfWeight(w: string | null | undefined): 'bold' | 'normal' {
  if (!w) return 'normal';
  if (w === 'bold' || w === 'bolder') return 'bold';
  const n = Number(w);
  return Number.isFinite(n) && n >= 600 ? 'bold' : 'normal';
}

export function pdfFamily(f: string | null | undefined): 'courier' | 'helvetica' {
  return f && MONO.test(f) ? 'courier' : 'helvetica';
}

/** Characters WinAnsi lacks, as the standard PDF faces can draw them. */
const PLAIN: Record<string, string> = {
  '→': '->',
  '←': '<-',
  '⇄': '<->',
  '↔': '<->',
  '▲': '^',
  '▼': 'v',
  '▶': '>',
  '▸': '>',
  '▹': '>',
  '▾': 'v',
  '◂': '<',
  '∝': '~',
  '√': 'sqrt ',
  '⤓': 'v',
  '↦': '|->',
  '⟶': '->',
  '⇒': '=>',
  '◀': '<',
  '≤': '<=',
  '≥': '>=',
  '≠': '!=',
  '−': '-',
  '✓': 'v',
  '✕': 'x',
  '☐': '[ ]',
  '☑': '[x]',
  '◈': '*',
  '▣': '#',
  '❚': '|',
  '⋯': '...',
  '\u2009': ' ',
  '\u202f': ' ',
};

/** Everything outside Latin-1 and the WinAnsi extras the standard PDF fonts carry. */
const NOT_WIN_ANSI = new RegExp(
  '[^\\u0000-\\u00ff\\u2013\\u2014\\u2018\\u2019\\u201c\\u201d\\u2022\\u2026\\u2030\\u20ac' +
    '\\u0152\\u0153\\u0160\\u0161\\u0178\\u017d\\u017e\\u0192\\u02c6\\u02dc\\u2020\\u2021\\u2039\\u203a\\u2122]',
  'g',
);

export function pdfText(s: string): string {
  return s.replace(NOT_WIN_ANSI, (c) => PLAIN[c] ?? '?');
}

/**
 * A monospace <text> whose characters were spelled longer ("→" as "->") keeps the width the browser
 * gave it: scaled across by old/new length, so the "->" of "00 00 00 00 → 2f 6d" does not run over the
 * space before the next word (a <text> of its own at the browser's x), which pdftotext then loses.
 */
function squeeze(el: Element, grew: number): void {
  const n = (el.textContent ?? '').length;
  const xa = el.getAttribute('x');
  const x = Number(xa);
  if (el.tagName !== 'text' || el.children.length > 0 || xa === null || !Number.isFinite(x) || n <= grew) return;
  const k = Math.round(((n - grew) / n) * 10000) / 10000;
  const t = el.getAttribute('transform');
  el.setAttribute('transform', `${t ? `${t} ` : ''}translate(${x} 0) scale(${k} 1) translate(${-x} 0)`);
}

/** Rewrite an SVG tree in place for jsPDF's standard fonts (attributes and inline styles). */
export function normalizeFonts(root: Element): void {
  const all = [root, ...root.querySelectorAll('*')];
  for (const el of all) {
    const style = el.getAttribute('style');
    let family = el.getAttribute('font-family');
    let weight = el.getAttribute('font-weight');
    if (style) {
      const kept: string[] = [];
      for (const decl of style.split(';')) {
        const i = decl.indexOf(':');
        if (i < 0) continue;
        const k = decl.slice(0, i).trim();
        const v = decl.slice(i + 1).trim();
        if (k === 'font-family') family = v;
        else if (k === 'font-weight') weight = v;
        else if (k) kept.push(`${k}:${v}`);
      }
      el.setAttribute('style', kept.join(';'));
    }
    if (family !== null) el.setAttribute('font-family', pdfFamily(family));
    if (weight !== null) el.setAttribute('font-weight', pdfWeight(weight));
    if (el.tagName === 'text' || el.tagName === 'tspan') {
      if (family === null && el === root) el.setAttribute('font-family', 'helvetica');
      let grew = 0;
      for (const n of el.childNodes)
        if (n.nodeType === 3) {
          const before = n.nodeValue ?? '';
          n.nodeValue = pdfText(before);
          grew += n.nodeValue.length - before.length;
        }
      if (grew > 0 && pdfFamily(family) === 'courier') squeeze(el, grew);
    }
  }
  // The root's default: Helvetica, not jsPDF's Times.
  if (!root.getAttribute('font-family')) root.setAttribute('font-family', 'helvetica');
}
