/**
 * The exercise sheet and its answer key as PDF (A4, jsPDF's standard fonts: text stays text).
 * No DOM: host-common/, since the app (renderer/src/exercise/sheetExport.ts) and the CLI (`modscope quiz --sheet x.pdf`)
 * both draw it.
 */
import { jsPDF } from 'jspdf';
import type { Quiz, QuizQuestion } from '../engine/quiz/index';

const W = 595.28;
const H = 841.89;
const M = 50;

/** jsPDF's standard fonts are WinAnsi: spell the few other characters the questions use in ASCII. */
export function latin1(s: string): string {
  return s
    .replace(/[−–—]/g, '-')
    .replace(/→/g, '->')
    .replace(/⏎/g, '/')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/⇄/g, '<->')
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7e\xa0-\xff\n]/g, '?');
}

class Writer {
  y = M;
  constructor(readonly doc: jsPDF) {}

  need(h: number): void {
    if (this.y + h > H - M) {
      this.doc.addPage();
      this.y = M;
    }
  }

  text(
    s: string,
    o: { size?: number; font?: 'helvetica' | 'courier'; style?: 'normal' | 'bold'; indent?: number; gap?: number; color?: number } = {},
  ): void {
    const size = o.size ?? 10;
    this.doc.setFont(o.font ?? 'helvetica', o.style ?? 'normal');
    this.doc.setFontSize(size);
    this.doc.setTextColor(o.color ?? 20);
    const x = M + (o.indent ?? 0);
    const lines = this.doc.splitTextToSize(latin1(s), W - M - x) as string[];
    for (const l of lines) {
      this.need(size * 1.3);
      this.doc.text(l, x, this.y + size);
      this.y += size * 1.3;
    }
    this.y += o.gap ?? 2;
  }
}

function question(w: Writer, q: QuizQuestion, key: boolean): void {
  w.need(80);
  w.text(`${q.n}. ${q.kind}`, { size: 11, style: 'bold', gap: 3 });
  for (const line of q.prompt.split('\n'))
    w.text(line, {
      font: /^\d+\. </.test(line) ? 'courier' : 'helvetica',
      size: /^\d+\. </.test(line) ? 8.5 : 10,
      indent: /^\d+\. </.test(line) ? 12 : 0,
    });
  w.y += 3;
  for (const p of q.parts) {
    if (key) {
      w.text(`${p.label}:`, { indent: 12, style: 'bold', gap: 0 });
      w.text(p.answer, { indent: 24, font: 'courier', size: 9.5 });
    } else {
      w.text(`${p.label}${p.choices ? `  (${p.choices.join(' / ')})` : ''}:`, { indent: 12, gap: 0 });
      w.need(18);
      w.doc.setDrawColor(150);
      w.doc.line(M + 24, w.y + 12, W - M, w.y + 12);
      w.y += 18;
    }
  }
  if (key) {
    w.text(`Step ${q.step.number} (position ${q.pos}, Linux ${q.kernel}): ${q.step.fn}() - ${q.step.title}`, { indent: 12, size: 9, color: 70 });
    w.text(q.explanation, { indent: 12, size: 9, color: 70 });
  }
  w.y += 8;
}

function header(w: Writer, q: Quiz, key: boolean): void {
  w.text(`${key ? 'Answer key' : 'Exercise'}: ${q.module}${q.args ? ` ${q.args}` : ''}`, { size: 17, style: 'bold', gap: 4 });
  w.text(
    `Modscope - Linux ${q.kernel === '2.4' ? '2.4 model' : '6.1.0-50-amd64 (Debian 12)'} - seed ${q.seed}` +
      `${q.student ? ` - student ${q.student}` : ''} - ${q.questions.length} questions`,
    { size: 9.5, color: 80 },
  );
  w.text(
    key
      ? "Every answer is read from the modelled kernel's trace of this module; the step that reveals it is named."
      : 'Name: ______________________     Predict each answer before you step to it in Modscope.',
    { size: 9.5, color: 80, gap: 14 },
  );
}

/** One PDF: the sheet, or the key. */
export function quizPdf(q: Quiz, key: boolean): Uint8Array {
  const doc = new jsPDF({ unit: 'pt', format: 'a4', compress: true });
  doc.setProperties({ title: `${key ? 'Answer key' : 'Exercise'}: ${q.module} (seed ${q.seed})`, creator: 'Modscope' });
  const w = new Writer(doc);
  header(w, q, key);
  for (const x of q.questions) question(w, x, key);
  const pages = doc.getNumberOfPages();
  for (let i = 1; i <= pages; i++) {
    doc.setPage(i);
    doc.setFont('helvetica', 'normal');
    doc.setFontSize(8);
    doc.setTextColor(120);
    doc.text(
      latin1(`${q.module} - seed ${q.seed}${q.student ? ` - ${q.student}` : ''} - ${key ? 'key' : 'sheet'} - page ${i} of ${pages}`),
      M,
      H - 24,
    );
  }
  return new Uint8Array(doc.output('arraybuffer'));
}
