import { describe, expect, it } from 'vitest';
import { pdfFamily, pdfText, pdfWeight } from './pdfFonts';
import { withGenericFamily } from './domSvg';

describe('fonts for the PDF and the SVG', () => {
  it('spells the characters the standard faces lack (the memory map legend, the ring markers)', () => {
    expect(pdfText('section widths ∝ √size')).toBe('section widths ~ sqrt size');
    expect(pdfText('▸ = reached the console')).toBe('> = reached the console');
    // WinAnsi characters stay as they are; an unknown one is the only "?".
    expect(pdfText('· – … é')).toBe('· – … é');
    expect(pdfText('漢')).toBe('?');
  });

  it('maps weights and stacks to Helvetica/Courier', () => {
    expect(pdfWeight('600')).toBe('bold');
    expect(pdfWeight('500')).toBe('normal');
    expect(pdfFamily("ui-monospace, 'JetBrains Mono', monospace")).toBe('courier');
    expect(pdfFamily('Arial')).toBe('helvetica');
  });

  it('ends every exported font stack in a generic family (a form control computes a bare "Arial")', () => {
    expect(withGenericFamily('Arial')).toBe('Arial, sans-serif');
    expect(withGenericFamily('Menlo')).toBe('Menlo, monospace');
    expect(withGenericFamily("system-ui, 'Segoe UI', sans-serif")).toBe("system-ui, 'Segoe UI', sans-serif");
    expect(withGenericFamily('ui-monospace, monospace')).toBe('ui-monospace, monospace');
  });
});
