/**
 * Presenting at 1280×720 (issue 13): on Compare and Lessons, F5 then the clicker's keys step the
 * content and the key figure lies inside the viewport; the tab strip never takes the clicker's keys;
 * every tab's link survives a reload and a hashchange; views export as SVG/PNG/PDF with sans fonts
 * only (pdffonts). Screenshots for the README under e2e/screenshots/readme/.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOTS, pdfContent } from './support';

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

async function inViewport(page: Page, testid: string) {
  const box = await page.getByTestId(testid).first().boundingBox();
  expect(box, `${testid} has a box`).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${testid} bottom`).toBeLessThanOrEqual(720 - 40);
  expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
}

async function openCompare(page: Page, hash = '') {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('module-name')).toContainText('.ko', { timeout: 30_000 });
  if (!hash) await page.getByTestId('tab-compare').click();
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 60_000 });
  await expect(page.getByTestId('compare-svg-2.4')).toBeVisible();
}

const lit = (page: Page, v: string) =>
  page.locator(`[data-testid="compare-node"][data-version="${v}"][data-lit="yes"]`).getAttribute('data-index').then(Number);

test('Compare: F5, the clicker steps stage by stage (Shift: 2.4 alone), lanes and memory on screen, link survives reload and hashchange', async ({
  page,
}) => {
  await openCompare(page);
  // Clicking the tab put focus in the panel: → steps the comparison, not the tab strip.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-compare')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('F5');
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  await expect(page.getByTestId('present-strip')).toContainText('stage 2 / 10');
  // A key first shows a long caption's further lines (fitCaption.ts), then moves on: press until what is shown changes.
  const stageNow = () =>
    page
      .getByTestId('present-strip')
      .getByTestId('present-where')
      .innerText()
      .then((t) => t.split(' · ')[0]);
  const moved = async (key: string, now: () => Promise<string | number>) => {
    const before = await now();
    for (let i = 0; i < 12 && (await now()) === before; i++) {
      await page.keyboard.press(key);
      await page.waitForTimeout(150);
    }
  };
  await moved('PageDown', stageNow);
  await moved('PageDown', stageNow);
  await expect(page.getByTestId('present-strip').getByTestId('present-where')).toContainText('stage 4 / 10 · resolve symbols');
  await expect.poll(() => lit(page, '2.4')).toBe(1);
  await moved('Shift+PageDown', () => lit(page, '2.4'));
  await expect.poll(() => lit(page, '2.4')).toBe(2);
  await moved('PageDown', async () => (await page.getByTestId('compare-lit-stage-6.1').textContent()) ?? '');
  await expect(page.getByTestId('compare-lit-stage-6.1')).toHaveText('reserve memory');
  for (const id of ['compare-lanes', 'compare-mem-2.4', 'compare-mem-6.1', 'caption-2.4', 'caption-6.1']) await inViewport(page, id);
  // Every label ≥ 20 px: syscall names, stage and lane labels, step numbers, the memory panels and captions.
  const sizes = await page
    .locator('.cmp-syscall-label text, .cmp-seg text, .cmp-lane-label, .cmp-node text, .cmp-mem-card h4, .cmp-alloc-head, .cmp-caption-text')
    .evaluateAll((els) =>
      els.map((e) => parseFloat((globalThis as unknown as { getComputedStyle(x: unknown): { fontSize: string } }).getComputedStyle(e).fontSize)),
    );
  expect(sizes.length).toBeGreaterThan(30);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(19.9);
  // The step numbers shown never overlap one another (narrow slots number every k-th step).
  for (const v of ['2.4', '6.1']) {
    const boxes = await page.locator(`[data-testid="compare-node"][data-version="${v}"] text`).evaluateAll((els) =>
      els.map((e) => {
        const b = (e as unknown as { getBoundingClientRect(): { left: number; right: number; top: number } }).getBoundingClientRect();
        return { l: b.left, r: b.right, t: Math.round(b.top) };
      }),
    );
    expect(boxes.length, `${v}: numbered steps`).toBeGreaterThan(5);
    for (let i = 1; i < boxes.length; i++)
      if (boxes[i].t === boxes[i - 1].t) expect(boxes[i].l, `${v}: number ${i} clear of the one before`).toBeGreaterThanOrEqual(boxes[i - 1].r);
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, 'readme', 'compare-present-720p.png') });

  // The link: both kernels' steps; a reload comes back there.
  await expect.poll(() => page.evaluate<string>('location.hash')).toMatch(/view=compare&insmod=hello\.ko%20count=3&k24=\d+&k61=\d+/);
  const hash = await page.evaluate<string>('location.hash');
  const [a, b] = [await lit(page, '2.4'), await lit(page, '6.1')];
  await page.keyboard.press('Escape');
  await page.reload();
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 60_000 });
  await expect.poll(() => lit(page, '2.4')).toBe(a);
  await expect.poll(() => lit(page, '6.1')).toBe(b);
  expect(await page.evaluate<string>('location.hash')).toBe(hash);
  // A 2.4 link pasted into the open app moves it.
  await page.evaluate("location.hash = '#kernel=2.4&insmod=hello.ko%20count=3&step=14'");
  await expect.poll(() => lit(page, '2.4')).toBe(13);
  // A link the app cannot honour says why.
  await page.evaluate("location.hash = '#view=compare&insmod=hello.ko%20count=3&k24=99'");
  await expect(page.getByTestId('error-message')).toContainText('has 19 steps, the link asks for step 99');
});

test('Compare at 1920×1080: the same slide scaled up, lanes, memory and captions on screen', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openCompare(page, '#view=compare&insmod=hello.ko%20count=3&k24=9&k61=9');
  const small = (await page.getByTestId('compare-lanes').boundingBox())!.width;
  await page.keyboard.press('F5');
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  await expect.poll(() => page.evaluate<string>("document.documentElement.style.getPropertyValue('--present-scale')")).toBe('1.5');
  for (const id of ['compare-lanes', 'compare-mem-2.4', 'compare-mem-6.1', 'caption-2.4', 'caption-6.1']) {
    const box = (await page.getByTestId(id).first().boundingBox())!;
    expect(box.y + box.height, `${id} bottom at 1080p`).toBeLessThanOrEqual(1080 - 60);
    expect(box.x + box.width, `${id} right at 1080p`).toBeLessThanOrEqual(1920);
  }
  // A syscall name is 20 px × 1.5 on the screen: its rendered height grows with the slide.
  const h = (await page.locator('.cmp-syscall-label text').first().boundingBox())!.height;
  expect(h).toBeGreaterThanOrEqual(20 * 1.5);
  expect(small).toBeGreaterThan(0);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'readme', 'compare-present-1080p.png') });
});

test('Lessons: a stop link, F5 and the clicker go stop by stop with the figure on screen; leaving and returning keeps the stop', async ({ page }) => {
  await page.goto('/#view=lessons&tour=hello-2.4&stop=7');
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 7 of 12', { timeout: 60_000 });
  await expect(page.getByTestId('relocation-detail')).toBeVisible();
  await page.keyboard.press('F5');
  await inViewport(page, 'lesson-caption');
  await inViewport(page, 'relocation-detail');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'readme', 'lesson-present-720p.png') });
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 8 of 12');
  await page.keyboard.press('End');
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 12 of 12');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 1 of 12');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 2 of 12');
  await expect.poll(() => page.evaluate<string>('location.hash')).toBe('#view=lessons&tour=hello-2.4&stop=2');
  await page.keyboard.press('Escape');
  await page.getByTestId('tab-sections').click();
  await expect.poll(() => page.evaluate<string>('location.hash')).toContain('view=sections');
  await page.getByTestId('tab-lessons').click();
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 2 of 12');
  await expect.poll(() => page.evaluate<string>('location.hash')).toBe('#view=lessons&tour=hello-2.4&stop=2');
  await page.reload();
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 2 of 12', { timeout: 60_000 });
  await page.evaluate("location.hash = '#view=lessons&tour=no-such'");
  await expect(page.getByTestId('error-message')).toContainText('no tour "no-such"');
});

test('the Export menu exports registry views as SVG, PNG and PDF; the PDF uses only sans fonts', async ({ page }) => {
  await openCompare(page);
  const dir = mkdtempSync(join(tmpdir(), 'present-export-'));
  const save = async (format: string, view: string, slide = false) => {
    await page.getByTestId('view-export-button').click();
    await page.getByTestId('view-export-view').selectOption(view);
    await page.getByTestId('view-export-format').selectOption(format);
    if (slide) await page.getByTestId('view-export-slide').check();
    const dl = page.waitForEvent('download');
    await page.getByTestId('view-export-go').click();
    const d = await dl;
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    await page.getByTestId('view-export-button').click();
    return path;
  };
  const svg = readFileSync(await save('svg', 'compare-lanes'), 'utf8');
  expect(svg).toContain('create_module()');
  expect(svg).toMatch(/<text [^>]*font-family="[^"]*sans-serif/);
  expect(svg).not.toContain('var(--');
  const png = readFileSync(await save('png', 'compare-detail'));
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const pdf = await save('pdf', 'compare-lanes', true);
  // jsPDF lists all 14 standard faces (pdffonts shows them all): the faces the pages' text USES are
  // the resources named by Tf operators in the content streams.
  expect(execFileSync('pdffonts', [pdf], { encoding: 'utf8' })).toContain('Helvetica-Bold');
  expect(usedFonts(readFileSync(pdf))).toEqual(expect.arrayContaining(['Helvetica', 'Helvetica-Bold']));
  expect(usedFonts(readFileSync(pdf)).filter((f) => !/^(Helvetica|Courier)/.test(f))).toEqual([]);
  execFileSync('pdftoppm', ['-png', '-r', '40', pdf, join(SHOTS, 'readme', 'compare-slide-pdf')]);
  // The file views export too.
  await page.getByTestId('tab-sections').click();
  const sec = readFileSync(await save('svg', 'sections'), 'utf8');
  expect(sec).toContain('.init.text');
});
