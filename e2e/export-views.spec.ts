/**
 * Issue 13, item 4/6: every view in the registry (host-common/views.ts) exports through
 * the top bar's Export menu as SVG, PNG (1× and 2×) and PDF, at 1280×720 on hello.ko. The loop is
 * over the registry itself: a view added there without a way to bring it on screen here fails.
 *
 * For each view: the SVG parses, its text is <text> (no <foreignObject>, no <image>: text stays
 * text), every text's font stack names a generic fallback, and it holds a string the view shows;
 * the PNGs' IHDR sizes are the SVG's times the scale; the PDF has one page of the SVG's size, the
 * fonts its pages use are Helvetica/Courier only (no Times fallback, pdffonts lists the file's fonts),
 * pdftotext finds the view's string (text stays text), and its page rendered by pdftoppm is not
 * blank. The rendered pages are kept under test-results/ and e2e/screenshots/export-<view>.png.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { VIEWS, type ViewId } from '../host-common/views';
import { SHOTS, bootAndInsmod, pdfContent } from './support';

test.use({ viewport: { width: 1280, height: 720 } });

/** The base fonts a PDF's pages set with Tf (resource name → font object → /BaseFont). */
function usedFonts(bytes: Buffer): string[] {
  const all = pdfContent(bytes);
  const names = new Set([...all.matchAll(/\/(F\d+) [\d.]+ Tf/g)].map((m) => m[1]));
  const out = new Set<string>();
  for (const n of names) {
    const ref = new RegExp(`/${n} (\\d+) 0 R`).exec(all);
    const obj = ref && new RegExp(`(?:^|\\n)${ref[1]} 0 obj[\\s\\S]*?/BaseFont /([\\w-]+)`).exec(all);
    out.add(obj ? obj[1] : `?${n}`);
  }
  return [...out].sort();
}

/** Width, height and the share of pixels that are not the background of an 8-bit RGB(A) PNG (pdftoppm's). */
function pngInk(bytes: Buffer): { width: number; height: number; ink: number } {
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const depth = bytes[24];
  const type = bytes[25];
  expect(depth, 'pdftoppm writes 8-bit PNGs').toBe(8);
  const ch = type === 6 ? 4 : type === 2 ? 3 : type === 0 ? 1 : 0;
  expect(ch, `PNG colour type ${type}`).toBeGreaterThan(0);
  const idat: Buffer[] = [];
  for (let o = 8; o < bytes.length;) {
    const len = bytes.readUInt32BE(o);
    const kind = bytes.subarray(o + 4, o + 8).toString('latin1');
    if (kind === 'IDAT') idat.push(bytes.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * ch;
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= ch ? line[i - ch] : 0;
      const b = prev[i];
      const c = i >= ch ? prev[i - ch] : 0;
      const p = a + b - c;
      const pred =
        f === 1
          ? a
          : f === 2
            ? b
            : f === 3
              ? (a + b) >> 1
              : f === 4
                ? Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
                  ? a
                  : Math.abs(p - b) <= Math.abs(p - c)
                    ? b
                    : c
                : 0;
      line[i] = (line[i] + pred) & 255;
    }
    rows.push(line);
    prev = line;
  }
  const bg = rows[0].subarray(0, ch).toString('hex');
  let ink = 0;
  for (const r of rows) for (let x = 0; x < width; x++) if (r.subarray(x * ch, x * ch + ch).toString('hex') !== bg) ink++;
  return { width, height, ink: ink / (width * height) };
}

interface SvgFacts {
  error: boolean;
  width: number;
  height: number;
  texts: string[];
  families: string[];
  foreign: number;
  images: number;
}

const SVG_FACTS = `(t) => {
  const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
  const root = doc.documentElement;
  const texts = [...doc.getElementsByTagName('text')];
  const fam = (e) => {
    for (let x = e; x && x.getAttribute; x = x.parentNode) {
      const a = x.getAttribute('font-family');
      if (a) return a;
      const m = /font-family:\\s*([^;]+)/.exec(x.getAttribute('style') || '');
      if (m) return m[1];
    }
    return '';
  };
  return {
    error: doc.getElementsByTagName('parsererror').length > 0,
    width: Number(root.getAttribute('width')),
    height: Number(root.getAttribute('height')),
    texts: texts.map((e) => e.textContent || ''),
    families: [...new Set(texts.map(fam))],
    foreign: doc.getElementsByTagName('foreignObject').length,
    images: doc.getElementsByTagName('image').length,
  };
}`;

/** Export the view on screen through the top bar's menu; the downloaded file's path. */
async function exportVia(page: Page, dir: string, view: ViewId, format: 'svg' | 'png' | 'pdf', scale?: 1 | 2): Promise<string> {
  await page.getByTestId('view-export-button').click();
  const menu = page.getByTestId('view-export-menu');
  await expect(menu).toBeVisible();
  await page.getByTestId('view-export-view').selectOption(view);
  await page.getByTestId('view-export-format').selectOption(format);
  if (scale) await page.getByTestId('view-export-scale').selectOption(String(scale));
  const dl = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByTestId('view-export-go').click();
  const d = await dl;
  const path = join(dir, `${scale ? `${scale}x-` : ''}${d.suggestedFilename()}`);
  await d.saveAs(path);
  await expect(page.getByTestId('view-export-status')).toContainText('saved');
  await page.getByTestId('view-export-button').click();
  await expect(menu).toBeHidden();
  return path;
}

const checked = new Set<ViewId>();

/** Every export of one view, checked; `shows` is a string the view shows (it must survive into SVG and PDF text). */
async function exportsWell(page: Page, view: ViewId, shows: string, info: { outputPath(n: string): string }) {
  const dir = mkdtempSync(join(tmpdir(), `export-${view}-`));
  const svgText = readFileSync(await exportVia(page, dir, view, 'svg'), 'utf8');
  const svg = (await page.evaluate(`(${SVG_FACTS})(${JSON.stringify(svgText)})`)) as SvgFacts;
  expect(svg.error, `${view}: SVG parses`).toBe(false);
  expect(svg.width, `${view}: SVG width`).toBeGreaterThan(60);
  expect(svg.height, `${view}: SVG height`).toBeGreaterThan(30);
  expect(svg.foreign + svg.images, `${view}: no foreignObject or raster image in the SVG`).toBe(0);
  expect(svg.texts.length, `${view}: text as <text>`).toBeGreaterThan(0);
  expect(svg.texts.join('\n'), `${view}: SVG text`).toContain(shows);
  for (const f of svg.families) expect(f, `${view}: font stack with a generic fallback`).toMatch(/(sans-serif|monospace)\s*$/);
  expect(svgText).not.toContain('var(--');

  for (const scale of [1, 2] as const) {
    const png = readFileSync(await exportVia(page, dir, view, 'png', scale));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${view}: PNG ${scale}×`).toEqual([svg.width * scale, svg.height * scale]);
  }

  const pdfPath = await exportVia(page, dir, view, 'pdf');
  const pdf = readFileSync(pdfPath);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pdfinfo = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
  expect(pdfinfo).toMatch(/Pages:\s+1\n/);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(pdfinfo);
  expect(size, `${view}: page size`).not.toBeNull();
  expect(Math.abs(Number(size![1]) - svg.width)).toBeLessThan(1);
  expect(Math.abs(Number(size![2]) - svg.height)).toBeLessThan(1);
  // pdffonts lists the faces the file puts (only those its text uses: pdf.ts), all sans or monospace; the Tf resources say the same.
  const listed = execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  expect(listed.length, `${view}: pdffonts lists the faces used`).toBeGreaterThan(0);
  for (const f of listed) expect(f, `${view}: no serif face in the file`).toMatch(/^(Helvetica|Courier)(-Bold)?(-?Oblique)?\s/);
  const fonts = usedFonts(pdf);
  expect(fonts.length, `${view}: the PDF sets text`).toBeGreaterThan(0);
  expect(
    fonts.filter((f) => !/^(Helvetica|Courier)/.test(f)),
    `${view}: no serif fallback`,
  ).toEqual([]);
  const words = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  expect(words, `${view}: PDF text`).toContain(shows.replace(/→/g, '->'));
  // Characters the standard PDF faces lack are spelled out (pdfFonts.ts), never drawn as "?".
  const q = (s: string) => s.split('?').length - 1;
  expect(q(words), `${view}: "?" in the PDF text that the SVG does not have`).toBeLessThanOrEqual(q(svg.texts.join('')));
  const stem = join(dir, 'page');
  execFileSync('pdftoppm', ['-png', '-r', '72', '-singlefile', pdfPath, stem]);
  const page1 = readFileSync(`${stem}.png`);
  const ink = pngInk(page1);
  expect(ink.ink, `${view}: the PDF page is drawn (${(ink.ink * 100).toFixed(1)}% ink)`).toBeGreaterThan(0.01);
  copyFileSync(`${stem}.png`, info.outputPath(`${view}-pdf.png`));
  copyFileSync(`${stem}.png`, join(SHOTS, `export-${view}.png`));
  checked.add(view);
}

async function pickFn(page: Page, fn: string) {
  const list = page.getByTestId('steps-list');
  const scroller = list.locator('.virtual-scroll');
  const row = list.locator(`[data-fn="${fn}"]`).first();
  for (let i = 0; i < 60 && !(await row.count()); i++) {
    await scroller.evaluate((el) => (el.scrollTop += el.clientHeight - 40));
    await page.waitForTimeout(80);
  }
  await row.click();
  await expect(page.getByTestId('step-fn')).toHaveText(`${fn}()`);
  await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');
  await page.waitForTimeout(600);
}

test.describe('every registered view exports as SVG, PNG 1×/2× and PDF', () => {
  test.setTimeout(300_000);

  test('file views: file map, sections, relocations window', async ({ page }, info) => {
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('tab-filemap').click();
    await exportsWell(page, 'filemap', '.text', info);
    await page.getByTestId('tab-sections').click();
    await exportsWell(page, 'sections', '.init.text', info);
    await page.getByTestId('tab-relocations').click();
    await expect(page.getByTestId('relocations-table')).toBeVisible();
    await exportsWell(page, 'relocations', 'R_X86_64_PLT32', info);
  });

  test('Load views: relocation and symbol cards, memory map, CPU pane, rings, dmesg, module graph, load flow, caption', async ({ page }, info) => {
    await bootAndInsmod(page);
    await pickFn(page, 'simplify_symbols');
    await expect(page.getByTestId('symbol-detail')).toBeVisible();
    await exportsWell(page, 'symbol-card', 'st_value', info);
    await pickFn(page, 'apply_relocations');
    await expect(page.getByTestId('relocation-detail')).toBeVisible();
    await exportsWell(page, 'reloc-card', 'R_X86_64_', info);
    await exportsWell(page, 'memory', 'hello', info);
    await exportsWell(page, 'caption', 'apply_relocations()', info);
    await pickFn(page, 'do_one_initcall');
    await expect(page.getByTestId('cpu-panel')).toBeVisible();
    await exportsWell(page, 'cpu', 'hello_init', info);
    await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('End');
    await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');
    await page.getByTestId('log-tab-dmesg').click();
    await expect(page.getByTestId('kernel-log')).toContainText('Hello');
    await exportsWell(page, 'dmesg', 'loading out-of-tree', info);
    await page.getByTestId('log-tab-ring').click();
    await expect(page.getByTestId('ring-svg')).toBeVisible();
    await exportsWell(page, 'ring', 'loading out-of-tree', info);
    await page.getByTestId('modules-tab-graph').click();
    await expect(page.getByTestId('module-graph-svg')).toBeVisible();
    await exportsWell(page, 'module-graph', 'hello', info);
    await page.getByTestId('load-flow-toggle').click();
    await expect(page.getByTestId('load-flow').locator('g.node').first()).toBeVisible();
    await exportsWell(page, 'load-flow', 'load_module', info);
  });

  test('Compare and Lessons: lanes, step detail, a lesson stop', async ({ page }, info) => {
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('.ko', { timeout: 30_000 });
    await page.getByTestId('tab-compare').click();
    await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 60_000 });
    await exportsWell(page, 'compare-lanes', 'create_module()', info);
    await exportsWell(page, 'compare-detail', 'insmod', info);
    await page.goto('/#view=lessons&tour=hello-2.4&stop=7');
    await expect(page.getByTestId('lesson-count')).toHaveText('stop 7 of 12', { timeout: 60_000 });
    await expect(page.getByTestId('relocation-detail')).toBeVisible();
    await exportsWell(page, 'lesson-stop', 'R_X86_64_', info);
  });

  test('What if: both loads side by side', async ({ page }, info) => {
    await page.goto('/#view=whatif&sample=hello/hello.ko&mutation=crc:_printk&args=count=3');
    await expect(page.getByTestId('whatif-page')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
    await expect(page.getByTestId('whatif-view')).toBeVisible({ timeout: 90_000 });
    await exportsWell(page, 'whatif', 'disagrees about version of symbol _printk', info);
  });

  test('the loop covered the whole registry', () => {
    expect(VIEWS.map((v) => v.id).filter((id) => !checked.has(id))).toEqual([]);
  });
});
