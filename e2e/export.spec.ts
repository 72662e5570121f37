/**
 * Export and presenting in the browser build: boot, insmod hello count=3, seek, then export the
 * memory map as SVG (parsed, labels checked), PNG at 2× (size read from the PNG header) and a PDF
 * deck of three steps (pages counted); presentation mode with its keys, play, and the URL fragment
 * that reproduces a position after a reload. Screenshots of the Load view in both themes.
 */
import { test, expect, type Download, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { join } from 'node:path';
import { bootAndInsmod, pdfContent, SHOTS as shots } from './support';

/** Pick a step by its kernel function in the (virtualised) steps list. */
async function pickFn(page: Page, fn: string) {
  const row = page.getByTestId('steps-list').locator(`[data-fn="${fn}"]`).first();
  await row.scrollIntoViewIfNeeded().catch(() => {});
  await row.click();
  await expect(page.getByTestId('step-fn')).toHaveText(`${fn}()`);
}

async function download(page: Page, click: () => Promise<void>): Promise<{ d: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  const path = await d.path();
  return { d, bytes: readFileSync(path) };
}

async function exportAs(page: Page, format: 'svg' | 'png' | 'pdf', scale?: 1 | 2 | 4) {
  await page.getByTestId('export-format').selectOption(format);
  if (scale) await page.getByTestId('export-scale').selectOption(String(scale));
  return download(page, () => page.getByTestId('export-go').click());
}

interface ParsedSvg {
  error: boolean;
  root: string;
  width: number;
  height: number;
  texts: string[];
  sections: (string | null)[];
  classes: number;
  background: string | null | undefined;
  firstSectionFill: string;
}

/** Parsed in the page with DOMParser (this file is type-checked without the DOM library: source text). */
const PARSE_SVG = `(t) => {
  const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
  const root = doc.documentElement;
  return {
    error: doc.getElementsByTagName('parsererror').length > 0,
    root: root.nodeName,
    width: Number(root.getAttribute('width')),
    height: Number(root.getAttribute('height')),
    texts: [...doc.getElementsByTagName('text')].map((e) => e.textContent || ''),
    sections: [...doc.querySelectorAll('rect[data-name]')].map((e) => e.getAttribute('data-name')),
    classes: doc.querySelectorAll('[class]').length,
    background: doc.querySelector('svg > rect')?.getAttribute('fill'),
    firstSectionFill: doc.querySelector('rect[data-name=".text"]')?.getAttribute('style') || '',
  };
}`;

/** Set the screen theme (the app starts in the system's). */
async function setTheme(page: Page, theme: 'dark' | 'light') {
  if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** Let D3 transitions and a full-screen switch finish painting before a screenshot. */
async function settle(page: Page) {
  await page.waitForTimeout(700);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

const presentPos = async (page: Page) => Number(await page.getByTestId('present-bar').getAttribute('data-pos'));
const presentStep = async (page: Page) => Number(await page.getByTestId('present-bar').getAttribute('data-step'));

test.describe('Export and presenting', () => {
  test('memory map as SVG, PNG 2×, PDF; a 3-step PDF deck', async ({ page }, info) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await bootAndInsmod(page);
    await pickFn(page, 'move_module');
    await expect(page.getByTestId('memory-map-svg').locator('rect.sec[data-name=".init.text"]')).toBeVisible();
    await page.waitForTimeout(600);

    await page.getByTestId('export-button').click();
    await expect(page.getByTestId('export-menu')).toBeVisible();
    await expect(page.getByTestId('export-view')).toHaveValue('memory');
    await page.screenshot({ path: join(shots, 'present-export-menu.png') });

    // SVG: a well-formed, self-contained document with the section and region labels as text.
    const svg = await exportAs(page, 'svg');
    expect(svg.d.suggestedFilename()).toMatch(/^hello-memory-step\d+\.svg$/);
    const text = svg.bytes.toString('utf8');
    const parsed = (await page.evaluate(`(${PARSE_SVG})(${JSON.stringify(text)})`)) as ParsedSvg;
    expect(parsed.error).toBe(false);
    expect(parsed.root).toBe('svg');
    expect(parsed.width).toBeGreaterThan(400);
    expect(parsed.height).toBeGreaterThan(100);
    expect(parsed.sections).toContain('.init.text');
    expect(parsed.sections).toContain('.text');
    expect(parsed.texts.join('\n')).toContain('modules');
    expect(parsed.texts.some((t) => t.includes('hello'))).toBe(true);
    // Self-contained: styles inline, no classes left to depend on a stylesheet; projector white.
    expect(parsed.classes).toBe(0);
    expect(parsed.background).toBe('#ffffff');
    // .text in Okabe–Ito vermillion (projector palette), not the screen theme's red.
    expect(parsed.firstSectionFill).toContain('fill:rgb(213, 94, 0)');
    expect(text).not.toContain('var(--');

    // PNG at 2×: the header's width and height are twice the SVG's.
    const png = await exportAs(page, 'png', 2);
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.bytes.readUInt32BE(16)).toBe(parsed.width * 2);
    expect(png.bytes.readUInt32BE(20)).toBe(parsed.height * 2);
    await expect(page.getByTestId('export-status')).toContainText(`${parsed.width * 2}×${parsed.height * 2} px`);

    // Unless asked otherwise: the screen theme's own colours and background.
    await page.getByTestId('export-projector').uncheck();
    const screenSvg = (await page.evaluate(`(${PARSE_SVG})(${JSON.stringify((await exportAs(page, 'svg')).bytes.toString('utf8'))})`)) as ParsedSvg;
    // The screen theme keeps the background the view is drawn on: its panel's, the nearest one that is not transparent.
    const panelBg = await page.evaluate(`(() => {
      for (let e = document.querySelector('[data-testid="memory-map"]'); e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
      }
      return getComputedStyle(document.body).backgroundColor;
    })()`);
    expect(screenSvg.background).toBe(panelBg);
    expect(screenSvg.firstSectionFill).not.toContain('fill:rgb(213, 94, 0)');
    await page.getByTestId('export-projector').check();

    // A single PDF page.
    const pdf1 = await exportAs(page, 'pdf');
    expect(pdf1.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf1.bytes.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length).toBe(1);

    // A 16:9 slide: caption and step number around the view.
    await page.getByTestId('export-slide').check();
    const slide = await exportAs(page, 'svg');
    const st = slide.bytes.toString('utf8');
    expect(st).toMatch(/width="1600" height="900"/);
    expect(st).toMatch(/step \d+ \/ \d+/);
    expect(st).toContain('move_module()');
    expect(st).toContain('data-name=".init.text"');
    const slidePng = await exportAs(page, 'png', 1);
    expect(slidePng.bytes.readUInt32BE(16)).toBe(1600);
    expect(slidePng.bytes.readUInt32BE(20)).toBe(900);
    writeFileSync(info.outputPath('slide.png'), slidePng.bytes);
    writeFileSync(info.outputPath('memory@2x.png'), png.bytes);

    // The deck: three steps from the current one, one page each.
    const from = await presentStep(page);
    await page.getByTestId('deck-from').fill(String(from));
    await page.getByTestId('deck-to').fill(String(from + 2));
    const deck = await download(page, () => page.getByTestId('deck-go').click());
    expect(deck.d.suggestedFilename()).toBe(`hello-memory-steps${from}-${from + 2}.pdf`);
    const pdfText = deck.bytes.toString('latin1');
    expect(pdfText.match(/\/Type \/Page\b(?!s)/g)?.length).toBe(3);
    expect(pdfText).toMatch(/\/Count 3\b/);
    await expect(page.getByTestId('export-status')).toContainText('3 pages');
    // Text stays text: the step titles and functions are in the page content streams.
    writeFileSync(info.outputPath('deck.pdf'), deck.bytes);
    const inflated = pdfContent(deck.bytes);
    expect(inflated).toMatch(/\(move_module\\\(\\\)\) Tj/);
    expect(inflated).toMatch(/\/BaseFont \/Helvetica/);
    // The view is back where it was.
    expect(await presentStep(page)).toBe(from);

    // The same steps as numbered SVGs in a zip.
    await page.getByTestId('deck-format').selectOption('svgs');
    const zip = await download(page, () => page.getByTestId('deck-go').click());
    const files = unzipSync(new Uint8Array(zip.bytes));
    const names = Object.keys(files).sort();
    expect(names).toEqual([1, 2, 3].map((k) => `hello-memory-steps${from}-${from + 2}/0${k}-step${from + k - 1}.svg`));
    const svgs = names.map((n) => strFromU8(files[n]));
    for (const t of svgs) expect(t).toMatch(/^<\?xml[^]*<svg [^>]*width="1600" height="900"/);
    expect(svgs[0]).toContain(`step ${from} / `);
    expect(svgs[2]).toContain(`step ${from + 2} / `);

    // The step caption as a view of its own.
    await page.getByTestId('export-slide').uncheck();
    await page.getByTestId('export-view').selectOption('caption');
    const cap = (await exportAs(page, 'svg')).bytes.toString('utf8');
    expect(cap).toContain('move_module()');

    // The printk ring, once its tab is shown, as SVG and PNG 1×.
    await page.getByTestId('export-button').click();
    await expect(page.getByTestId('export-menu')).toBeHidden();
    await page.getByTestId('log-tab-ring').click();
    await expect(page.getByTestId('ring-svg')).toBeVisible();
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-view').selectOption('ring');
    const ring = (await page.evaluate(`(${PARSE_SVG})(${JSON.stringify((await exportAs(page, 'svg')).bytes.toString('utf8'))})`)) as ParsedSvg;
    expect(ring.error).toBe(false);
    expect(ring.classes).toBe(0);
    expect(ring.width).toBeGreaterThan(300);
    const ringPng = await exportAs(page, 'png', 1);
    expect([ringPng.bytes.readUInt32BE(16), ringPng.bytes.readUInt32BE(20)]).toEqual([ring.width, ring.height]);
    writeFileSync(info.outputPath('ring.png'), ringPng.bytes);
    expect(errors).toEqual([]);
  });

  test('presentation mode: keys, play, and a link that survives a reload', async ({ page, browser }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await bootAndInsmod(page);
    await pickFn(page, 'layout_sections');
    await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });

    // F5 toggles presentation mode: no chrome, no side columns, projector palette.
    await page.keyboard.press('F5');
    await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
    await expect(page.locator('html')).toHaveAttribute('data-palette', 'projector');
    await expect(page.getByTestId('module-name')).toBeHidden();
    await expect(page.getByTestId('steps-list')).toBeHidden();
    await expect(page.getByTestId('shell-transcript')).toBeHidden();
    await expect(page.getByTestId('present-where')).toContainText('layout_sections');
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(255, 255, 255)');

    // Shift+→: the next phase (a different function); Shift+←: back to the phase's start.
    const fn0 = await page.getByTestId('step-fn').textContent();
    const s0 = await presentStep(page);
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByTestId('step-fn')).not.toHaveText(fn0 ?? '');
    const s1 = await presentStep(page);
    expect(s1).toBeGreaterThan(s0);
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(page.getByTestId('step-fn')).toHaveText(fn0 ?? '');
    // → moves one position, PageDown one step.
    const p0 = await presentPos(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => presentPos(page)).toBe(p0 + 1);
    await page.keyboard.press('PageDown');
    await expect.poll(() => presentStep(page)).toBeGreaterThan(s0);

    // The apply_relocations phase, in the projector theme: screenshot.
    await page.keyboard.press('Escape');
    await expect(page.locator('html')).not.toHaveAttribute('data-present', 'on');
    await pickFn(page, 'move_module');
    await page.getByTestId('present-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
    await settle(page);
    await page.screenshot({ path: join(shots, 'present-projector.png') });

    // Space plays (at 10 steps/s here) and pauses.
    await page.getByTestId('play-speed').selectOption('10');
    await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
    const before = await presentStep(page);
    await page.keyboard.press('Space');
    await expect(page.getByTestId('present-bar')).toHaveAttribute('data-playing', 'yes');
    await expect.poll(() => presentStep(page)).toBeGreaterThan(before + 2);
    await page.keyboard.press('Space');
    await expect(page.getByTestId('present-bar')).toHaveAttribute('data-playing', 'no');
    const paused = await presentStep(page);
    await page.waitForTimeout(500);
    expect(await presentStep(page)).toBe(paused);

    // The fragment names the trace and the position; a reload reproduces it.
    await page.keyboard.press('Escape');
    await pickFn(page, 'apply_relocations');
    const start = await presentPos(page);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    // A position is drawn with the engine's answer for it (seekPump.ts): wait for the second key's.
    await expect.poll(() => presentPos(page)).toBe(start + 2);
    const pos = start + 2;
    await setTheme(page, 'dark');
    await expect.poll(() => page.evaluate('location.hash')).toBe(`#kernel=6.1&insmod=hello.ko%20count=3&pos=${pos}&view=load`);
    await settle(page);
    await page.screenshot({ path: join(shots, 'present-screen-dark.png') });
    await page.reload();
    await expect(page.getByTestId('load-view')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('step-fn')).toHaveText('apply_relocations()', { timeout: 30_000 });
    await expect(page.getByTestId('step-item')).toContainText('item 3 of');
    await expect.poll(() => presentPos(page)).toBe(pos);

    // The relocation card presented (▣), then Esc.
    await page.getByTestId('present-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
    await expect(page.getByTestId('relocation-detail')).toBeVisible();
    await settle(page);
    await page.screenshot({ path: join(shots, 'present-projector-relocation.png') });
    await page.keyboard.press('Escape');
    await expect(page.locator('html')).not.toHaveAttribute('data-present', 'on');
    await expect(page.getByTestId('module-name')).toBeVisible();

    // A link typed by hand, in a fresh browser profile (no saved state): the same position.
    const other = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const fresh = await other.newPage();
    await fresh.goto(new URL(`/#kernel=6.1&insmod=hello.ko%20count=3&pos=${pos}`, page.url()).href);
    await expect(fresh.getByTestId('step-item')).toContainText('item 3 of', { timeout: 30_000 });
    await expect.poll(() => presentPos(fresh)).toBe(pos);
    await other.close();

    // The light screen theme, for comparison.
    await setTheme(page, 'light');
    await settle(page);
    await page.screenshot({ path: join(shots, 'present-screen-light.png') });
    expect(errors).toEqual([]);
  });
});
