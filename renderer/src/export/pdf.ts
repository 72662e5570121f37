/**
 * SVG documents as a PDF, one page each, the page the size of the SVG (1 CSS px = 1 pt), drawn as
 * vectors by svg2pdf.js into jsPDF: text stays text (jsPDF's standard Helvetica/Courier stand in for
 * the system font stacks, bold stays Helvetica-Bold: pdfFonts.ts); only the faces a page uses are
 * put in the file, so pdffonts lists no Times the text never used.
 */
import { jsPDF } from 'jspdf';
import { svg2pdf } from 'svg2pdf.js';
import type { SvgImage } from './svgExport';
import { normalizeFonts } from './pdfFonts';

export async function svgsToPdf(pages: SvgImage[], title = 'Modscope'): Promise<Blob> {
  if (pages.length === 0) throw new Error('a PDF needs at least one page');
  const orient = (p: SvgImage) => (p.width >= p.height ? 'landscape' : 'portrait');
  const first = pages[0];
  const doc = new jsPDF({ orientation: orient(first), unit: 'pt', format: [first.width, first.height], compress: true, putOnlyUsedFonts: true });
  doc.setProperties({ title, creator: 'Modscope' });
  // svg2pdf reads computed styles, so the SVG must be in the document while it is drawn.
  const holder = document.createElement('div');
  holder.style.cssText = 'position:fixed;left:-100000px;top:0;width:0;height:0;overflow:hidden;';
  document.body.appendChild(holder);
  try {
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i];
      if (i > 0) doc.addPage([p.width, p.height], orient(p));
      const el = new DOMParser().parseFromString(p.text, 'image/svg+xml').documentElement;
      normalizeFonts(el);
      const live = document.importNode(el, true);
      holder.replaceChildren(live);
      await svg2pdf(live, doc, { x: 0, y: 0, width: p.width, height: p.height });
    }
  } finally {
    holder.remove();
  }
  return doc.output('blob');
}
