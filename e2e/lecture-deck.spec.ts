/**
 * The lecture's decks as a lecturer exports them from Lessons: the hello (6.1) tour, 19 stops, and
 * the C03/C05/C06 story, 10 stops across the hello-2.4, hello and provider-2.4 tours. Every page
 * must carry its figure (a rule under the caption, then the figure filling the slide's figure area:
 * not a caption-only page), set in sans faces only (pdffonts: Helvetica/Courier, no Times), and its
 * footer must name the kernel of the stop it shows. Pages are rendered to e2e/screenshots/readme/.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOTS } from './support';

test.use({ viewport: { width: 1280, height: 720 } });

const K61 = 'Linux 6.1.0-50-amd64';
const K24 = 'Linux 2.4 (modelled modutils insmod)';

/** A page rendered grey at 800 px wide: its width, height and pixels (0 black … 255 white). */
function grey(pdf: string, n: number, dir: string): { w: number; h: number; px: Uint8Array } {
  const base = join(dir, `p${n}`);
  execFileSync('pdftoppm', ['-gray', '-scale-to-x', '800', '-scale-to-y', '-1', '-f', String(n), '-l', String(n), '-singlefile', pdf, base]);
  const buf = readFileSync(`${base}.pgm`);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.toString('latin1', 0, 40))!;
  const [w, h] = [Number(m[1]), Number(m[2])];
  return { w, h, px: new Uint8Array(buf.buffer, buf.byteOffset + m[0].length, w * h) };
}

/**
 * Where the page's figure is: the rule drawn under the caption (a grey row across ≥ 90 % of the
 * page), and the box of what is drawn between it and the footer. Null when the page has no rule: a
 * caption-only (big-text) page.
 */
function figureBox(g: { w: number; h: number; px: Uint8Array }): { rule: number; x0: number; x1: number; y0: number; y1: number } | null {
  const { w, h, px } = g;
  let rule = -1;
  for (let y = 0; y < h && rule < 0; y++) {
    let n = 0;
    for (let x = 0; x < w; x++) if (px[y * w + x] < 235) n++;
    if (n > 0.9 * w) rule = y;
  }
  if (rule < 0) return null;
  const foot = Math.round(h * (1 - 60 / 900));
  let [x0, x1, y0, y1] = [w, -1, h, -1];
  for (let y = rule + 3; y < foot; y++)
    for (let x = 0; x < w; x++)
      if (px[y * w + x] < 200) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  return x1 < 0 ? null : { rule, x0, x1, y0, y1 };
}

function pageText(pdf: string, n: number): string {
  return execFileSync('pdftotext', ['-f', String(n), '-l', String(n), pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

/** Every page: a figure filling its area, the kernel in the footer; the deck: one figure-area top, sans faces only. */
function checkDeck(pdf: string, kernels: string[], what: string): { rules: number[] } {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const n = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  expect(n, `${what}: pages`).toBe(kernels.length);
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  expect(fonts.length, `${what}: fonts`).toBeGreaterThan(0);
  for (const f of fonts) expect(f, `${what}: a sans (or monospace) face, no serif fallback`).toMatch(/^(Helvetica|Courier)(-Bold)?(-?Oblique)?\s/);
  expect(fonts.join('\n')).not.toMatch(/Times|Serif/i);
  const dir = mkdtempSync(join(tmpdir(), 'deck-pages-'));
  const rules: number[] = [];
  for (let i = 1; i <= n; i++) {
    const page = `${what} page ${i}`;
    const t = pageText(pdf, i);
    expect(t, `${page}: the footer names the stop's kernel`).toContain(kernels[i - 1]);
    for (const other of [K61, K24]) if (other !== kernels[i - 1]) expect(t, `${page}: not another kernel`).not.toContain(other);
    const g = grey(pdf, i, dir);
    const box = figureBox(g);
    expect(box, `${page}: a figure under the caption (not a caption-only page)`).not.toBeNull();
    rules.push(box!.rule);
    const fw = (box!.x1 - box!.x0) / g.w;
    const fh = (box!.y1 - box!.y0) / (g.h * (1 - 60 / 900) - box!.rule);
    // The figure fills its area: across most of the slide, or (a tall figure) down most of the area.
    expect(Math.max(fw, fh), `${page}: the figure fills the figure area (width ${fw.toFixed(2)}, height ${fh.toFixed(2)})`).toBeGreaterThan(0.7);
    expect(fw, `${page}: the figure is not a thumbnail`).toBeGreaterThan(0.3);
  }
  expect(new Set(rules).size, `${what}: the figure area starts at one height on every page`).toBe(1);
  return { rules };
}

/**
 * The relocation card's type on a slide as a 720p projector shows it: the size of its Courier words
 * (S and the call target, 0x… 18 characters, Courier 0.6 em wide) on the 1600-pt page, times 1280/1600.
 */
function relocationTypeAt720p(pdf: string, n: number): number {
  const xml = execFileSync('pdftotext', ['-f', String(n), '-l', String(n), '-bbox', pdf, '-'], { encoding: 'utf8' });
  const ws = [...xml.matchAll(/xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>(0x[0-9a-f]{16})</g)].map((m) => (Number(m[2]) - Number(m[1])) / 18 / 0.6);
  expect(ws.length, `page ${n}: the card's 64-bit addresses`).toBeGreaterThan(1);
  return Math.min(...ws) * (1280 / 1600);
}

function render(pdf: string, pagesToSave: number[], name: (i: number) => string): void {
  for (const i of pagesToSave)
    execFileSync(
      'pdftoppm',
      ['-png', '-scale-to-x', '1280', '-scale-to-y', '-1', '-f', String(i), '-l', String(i), '-singlefile', pdf, join(SHOTS, 'readme', name(i))],
      {
        stdio: 'ignore',
      },
    );
}

async function download(page: Page, testId: string, dir: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 600_000 }), page.getByTestId(testId).click()]);
  const pdf = join(dir, d.suggestedFilename());
  await d.saveAs(pdf);
  return pdf;
}

test('the hello (6.1) tour deck: 19 pages, each with its figure, sans fonts, the 6.1 kernel in the footer', async ({ page }) => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'lecture-deck-'));
  await page.goto('/#view=lessons&tour=hello&stop=1');
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 1 of 19', { timeout: 90_000 });
  const pdf = await download(page, 'tour-export-pdf', dir);
  expect(readdirSync(dir)).toContain('hello-tour.pdf');
  if (process.env.DECK_DEBUG) execFileSync('cp', [pdf, process.env.DECK_DEBUG]);
  checkDeck(pdf, Array(19).fill(K61), 'hello tour');
  // The printk stop: the ring and the dmesg it holds.
  expect(pageText(pdf, 15), 'page 15: the printk ring').toMatch(/printk|dmesg/i);
  expect(pageText(pdf, 15)).toContain('Hello, world');
  expect(relocationTypeAt720p(pdf, 10), 'page 10: the relocation card at >= 20 px on a 720p projector').toBeGreaterThanOrEqual(20);
  render(pdf, [1, 2, 10, 14, 15], (i) => `lecture-deck-hello-stop${String(i).padStart(2, '0')}`);
});

test('the C03/C05/C06 story deck: 10 pages across three tours, each with its figure and its own kernel in the footer', async ({ page }) => {
  test.setTimeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), 'lecture-story-'));
  await page.goto('/#view=lessons&story=C03,C05,C06&stop=1');
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 1 / 10', { timeout: 90_000 });
  await expect(page.getByTestId('lessons-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
  const pdf = await download(page, 'story-export-pdf', dir);
  expect(pdf.endsWith('story-C03-C05-C06.pdf')).toBe(true);
  if (process.env.DECK_DEBUG) execFileSync('cp', [pdf, process.env.DECK_DEBUG]);
  const kernels = [K24, K24, K24, K24, K24, K24, K61, K61, K61, K24];
  checkDeck(pdf, kernels, 'story deck');
  for (let i = 1; i <= 10; i++) expect(pageText(pdf, i)).toContain(`story ${i} / 10`);
  expect(relocationTypeAt720p(pdf, 5), 'page 5: the relocation card at >= 20 px on a 720p projector').toBeGreaterThanOrEqual(20);
  render(pdf, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], (i) => `lecture-story-deck-${String(i).padStart(2, '0')}`);
  // The export leaves the lecturer where they were.
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 1 / 10', { timeout: 90_000 });
});
