/**
 * The Load view's explaining views in the browser build: the relocation card (the patched
 * instruction before and after, the formula with numbers, the range check, the arrow to the target,
 * one drag over a .rela section), the symbol card (UND → export, CRC and licence checks), the module
 * graph (provider ← consumer, refcounts) and the load path as a flow with the current step lit.
 * Screenshots e2e/screenshots/views-*.png in both themes.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(shots, { recursive: true });

async function shot(page: Page, name: string, theme: 'dark' | 'light') {
  await page.waitForTimeout(600); // let d3 transitions settle
  await page.screenshot({ path: join(shots, `views-${name}-${theme}.png`) });
}

async function setTheme(page: Page, theme: 'dark' | 'light') {
  const current = await page.locator('html').getAttribute('data-theme');
  if (current !== theme) await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

const idle = (page: Page) => expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no', { timeout: 30_000 });

async function openSample(page: Page, path: string, name: string) {
  await page.getByTestId('sample-picker').selectOption(path);
  await expect(page.getByTestId('module-name')).toContainText(name, { timeout: 30_000 });
}

async function boot(page: Page, sample = '/samples/hello/hello.ko') {
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  const name = sample.split('/').pop() ?? sample;
  if (name !== 'hello.ko') await openSample(page, sample, name);
  await page.getByTestId('tab-load').click();
  await page.getByTestId('boot-button').click();
  await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 30_000 });
}

async function insmod(page: Page, command: string) {
  await page.getByTestId('insmod-button').click();
  await expect(page.getByTestId('shell-transcript')).toContainText(command, { timeout: 30_000 });
  await idle(page);
}

async function pickStep(page: Page, fn: string) {
  const list = page.getByTestId('steps-list');
  const scroller = list.locator('.virtual-scroll');
  // The list is virtualised: scroll until the step is rendered (the last one of that name: the newest operation).
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.waitForTimeout(100);
  for (let i = 0; i < 60 && (await list.locator(`[data-fn="${fn}"]`).count()) === 0; i++) {
    await scroller.evaluate((el) => (el.scrollTop -= el.clientHeight - 40));
    await page.waitForTimeout(60);
  }
  await list.locator(`[data-fn="${fn}"]`).last().click();
  await expect(page.getByTestId('step-fn')).toHaveText(`${fn}()`);
  await idle(page);
}

/** Drag the block slider until the card shows the item named `name`. */
async function scrubTo(page: Page, slider: string, card: string, name: RegExp) {
  const s = page.getByTestId(slider);
  const min = Number(await s.getAttribute('min'));
  const max = Number(await s.getAttribute('max'));
  for (let p = min; p <= max; p++) {
    await s.fill(String(p));
    // The card shows the item at p (its data-pos is the position of the view it draws).
    await expect(page.getByTestId(card)).toHaveAttribute('data-pos', String(p));
    if (name.test((await page.getByTestId(card).locator('h3').textContent()) ?? '')) return p;
  }
  throw new Error(`no item ${name} on ${slider}`);
}

test.describe('Load view: relocation and symbol cards, module graph, load flow', () => {
  test('hello.ko: the call to _printk before and after patching, one drag over .rela.init.text', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await boot(page);
    await insmod(page, 'insmod hello.ko count=3');
    await pickStep(page, 'apply_relocations');

    const card = page.getByTestId('relocation-detail');
    await expect(card).toBeVisible();
    // The drag covers exactly one .rela section: its first item is entry 0, its last the section's last.
    const scrub = page.getByTestId('reloc-scrub');
    await expect(scrub).toBeVisible();
    await scrubTo(page, 'reloc-scrub', 'relocation-detail', /\.rela\.init\.text #\d+/);
    const rs = page.getByTestId('reloc-scrub');
    await rs.fill((await rs.getAttribute('min')) ?? '');
    await expect(card.locator('h3')).toContainText('.rela.init.text #0');
    const count = Number(await rs.getAttribute('max')) - Number(await rs.getAttribute('min')) + 1;
    await rs.fill((await rs.getAttribute('max')) ?? '');
    await expect(card.locator('h3')).toContainText(`.rela.init.text #${count - 1} `);
    // One step further is the next .rela section.
    await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await expect(card.locator('h3')).not.toContainText('.rela.init.text');
    await expect(card.locator('h3')).toContainText('#0 ');

    // Back into .rela.init.text: the PLT32 call to _printk in hello_init.
    await page.keyboard.press('ArrowLeft');
    await expect(card.locator('h3')).toContainText('.rela.init.text');
    const min = Number(await rs.getAttribute('min'));
    const max = Number(await rs.getAttribute('max'));
    let found = false;
    for (let p = min; p <= max && !found; p++) {
      await rs.fill(String(p));
      await expect(card).toHaveAttribute('data-pos', String(p));
      found = (await card.textContent())?.includes('_printk') === true && (await page.getByTestId('reloc-type').textContent()) === 'R_X86_64_PLT32';
    }
    expect(found).toBe(true);
    const before = page.getByTestId('reloc-insn-before');
    const after = page.getByTestId('reloc-insn-after');
    await expect(before).toContainText('call');
    await expect(before).not.toContainText('_printk');
    await expect(after).toContainText('<_printk>');
    // e8 + the four patched bytes, highlighted; after them the value the kernel wrote.
    await expect(before.locator('.ib.hl')).toHaveCount(4);
    await expect(after.locator('.ib.hl.changed')).toHaveCount(4);
    expect((await after.locator('.ib.hl').allTextContents()).join(' ')).toBe(await page.getByTestId('reloc-after').textContent());
    await expect(page.getByTestId('reloc-insn')).toContainText(/hello_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[hello\]/);
    // S + A − P with the numbers; the displacement fits in 32 bits.
    await expect(page.getByTestId('reloc-math')).toContainText('S + A - P =');
    await expect(page.getByTestId('reloc-range')).toHaveAttribute('data-ok', 'pass');
    await expect(page.getByTestId('reloc-target-name')).toHaveText('_printk');
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(page, theme);
      await shot(page, '01-relocation-card', theme);
    }
    expect(errors).toEqual([]);
  });

  test('provider + consumer: the module graph, and consumer’s symbols linked to provider’s exports', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await boot(page, '/samples/provider/provider.ko');
    await insmod(page, 'insmod provider.ko');
    await openSample(page, '/samples/consumer/consumer.ko', 'consumer.ko');
    await insmod(page, 'insmod consumer.ko');

    // simplify_symbols of consumer: provider_greet comes from provider (GPL-only; consumer is GPL).
    await pickStep(page, 'simplify_symbols');
    await scrubTo(page, 'symbol-scrub', 'symbol-detail', /provider_greet/);
    const exp = page.getByTestId('symbol-export');
    await expect(exp).toHaveAttribute('data-owner', 'provider');
    await expect(exp).toContainText('EXPORT_SYMBOL_GPL');
    await expect(page.getByTestId('symbol-crc-check')).toHaveAttribute('data-ok', 'pass');
    await expect(page.getByTestId('symbol-licence-check')).toHaveAttribute('data-ok', 'pass');
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(page, theme);
      await shot(page, '02-symbol-card', theme);
    }
    await scrubTo(page, 'symbol-scrub', 'symbol-detail', /_printk/);
    await expect(page.getByTestId('symbol-export')).toHaveAttribute('data-owner', 'vmlinux');

    // The end: both LIVE, consumer uses provider (refcount 1).
    await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('End');
    await idle(page);
    await page.getByTestId('modules-tab-graph').click();
    const graph = page.getByTestId('module-graph-svg');
    await expect(graph.locator('g.node[data-module="provider"]')).toHaveAttribute('data-refcount', '1');
    await expect(graph.locator('g.node[data-module="consumer"]')).toHaveAttribute('data-refcount', '0');
    await expect(graph.locator('g.edge[data-from="consumer"][data-to="provider"]')).toHaveCount(1);
    await expect(graph.locator('g.node[data-module="provider"]')).toContainText('LIVE');
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(page, theme);
      await shot(page, '03-module-graph', theme);
    }
    // Back before consumer's load: one node, no edge.
    await page.keyboard.press('Home');
    await idle(page);
    await expect(graph.locator('g.edge')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('the load path as a flow: the current phase and function lit, click a phase to go there', async ({ page }) => {
    await boot(page);
    await insmod(page, 'insmod hello.ko count=3');
    await page.getByTestId('load-flow-toggle').click();
    const flow = page.getByTestId('load-flow');
    await expect(flow.locator('g.node')).not.toHaveCount(0);
    await pickStep(page, 'simplify_symbols');
    await expect(flow).toHaveAttribute('data-phase', 'symbols');
    await expect(flow.locator('g.node.current')).toHaveAttribute('data-phase', 'symbols');
    await expect(flow.locator('g.node.current text.fn.lit')).toHaveAttribute('data-fn', 'simplify_symbols');
    // Phases passed are "done", the ones to come "todo".
    await expect(flow.locator('g.node[data-phase="layout"]')).toHaveClass(/done/);
    await expect(flow.locator('g.node[data-phase="init"]')).toHaveClass(/todo/);
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(page, theme);
      await shot(page, '04-load-flow', theme);
    }
    // A click on a phase seeks to its first step.
    await flow.locator('g.node[data-phase="init"]').click();
    await idle(page);
    await expect(flow.locator('g.node.current')).toHaveAttribute('data-phase', 'init');
    await expect(page.getByTestId('step-fn')).toHaveText(/\(\)$/);
  });

  test('gplonly.ko (licence patched to Proprietary): ktime_get is GPL-only, the licence check fails', async ({ page }) => {
    await boot(page, '/samples/proprietary/gplonly.ko');
    await insmod(page, 'insmod gplonly.ko');
    await pickStep(page, 'simplify_symbols');
    await scrubTo(page, 'symbol-scrub', 'symbol-detail', /ktime_get/);
    await expect(page.getByTestId('symbol-export')).toHaveAttribute('data-owner', 'vmlinux');
    await expect(page.getByTestId('symbol-licence-check')).toHaveAttribute('data-ok', 'fail');
    await expect(page.getByTestId('item-status')).toHaveText('unknown');
    await shot(page, '05-licence-fail', 'dark');
  });
});
