/**
 * The 2.4 ⇄ 6.1 comparison view in the browser build: hello.ko count=3 through both modelled
 * kernels as swimlanes; both lanes show their syscalls; scrubbing by stage moves both kernels;
 * per-kernel keys move one; screenshots to look at.
 */
import { test, expect, type Page } from '@playwright/test';
import { bootAndInsmod } from './support';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(shots, { recursive: true });

async function shot(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(shots, `compare-${name}.png`), fullPage });
}

/** Index of the lit step of a kernel in the swimlanes. */
async function litIndex(page: Page, version: string): Promise<number> {
  const lit = page.locator(`[data-testid="compare-node"][data-version="${version}"][data-lit="yes"]`);
  await expect(lit).toHaveCount(1);
  return Number(await lit.getAttribute('data-index'));
}

async function openCompare(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  await page.getByTestId('tab-compare').click();
  const view = page.getByTestId('compare-view');
  await expect(view).toBeVisible();
  await expect(view).toHaveAttribute('data-busy', 'no', { timeout: 45_000 });
  await expect(page.getByTestId('compare-svg-2.4')).toBeVisible();
}

test.describe('2.4 ⇄ 6.1 comparison', () => {
  test('both load paths as swimlanes, their syscalls, lockstep and per-kernel scrubbing', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openCompare(page);
    await expect(page.getByTestId('compare-results')).toContainText('2.4: loaded');
    await expect(page.getByTestId('compare-results')).toContainText('6.1: loaded');

    // The syscalls crossing the boundary: create_module + init_module (and query_module) in 2.4, finit_module in 6.1.
    const calls = async (v: string) =>
      page.locator(`[data-testid="syscall-arrow"][data-version="${v}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-syscall')));
    expect(await calls('2.4')).toEqual(['query_module', 'create_module', 'init_module']);
    expect(await calls('6.1')).toEqual(['finit_module']);
    await expect(page.locator('[data-testid="syscall-arrow"][data-version="2.4"]').first()).toContainText('query_module()');

    // Every step is a node in one of its kernel's three lanes; the user-space relocation is 2.4's, apply_relocations 6.1's.
    await expect(page.locator('[data-testid="compare-node"][data-version="2.4"][data-fn="obj_relocate"][data-stage="relocate"]')).toHaveCount(2);
    await expect(page.locator('[data-testid="compare-node"][data-version="6.1"][data-fn="apply_relocations"]')).toHaveCount(1);
    for (const v of ['2.4', '6.1'])
      for (const side of ['user', 'syscall', 'kernel']) await expect(page.getByTestId(`lane-${v}-${side}`)).toHaveCount(1);

    // Each kernel's path reads left to right in step order (present.spec.ts covers the stages).
    for (const v of ['2.4', '6.1']) {
      const xs = await page
        .locator(`[data-testid="compare-node"][data-version="${v}"] circle`)
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
      for (let i = 1; i < xs.length; i++) expect(xs[i], `${v} step ${i + 1}`).toBeGreaterThan(xs[i - 1]);
    }

    // Start: both at their first step.
    expect(await litIndex(page, '2.4')).toBe(0);
    expect(await litIndex(page, '6.1')).toBe(0);
    await expect(page.getByTestId('caption-fn-2.4')).toHaveText('INSMOD_MAIN()');
    await shot(page, '01-start');

    // Lockstep by stage: "reserve memory" puts each kernel on its first reserve step.
    await page.getByTestId('stage-reserve').click();
    await expect(page.getByTestId('stage-reserve')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('caption-fn-2.4')).toHaveText('obj_load_size()');
    await expect(page.getByTestId('caption-fn-6.1')).toHaveText('layout_and_allocate()');
    const a24 = await litIndex(page, '2.4');
    const a61 = await litIndex(page, '6.1');
    expect(a24).toBeGreaterThan(0);
    expect(a61).toBeGreaterThan(0);

    // → (keyboard): the next stage, both move.
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('stage-symbols')).toHaveAttribute('aria-pressed', 'true');
    expect(await litIndex(page, '2.4')).not.toBe(a24);
    expect(await litIndex(page, '6.1')).not.toBe(a61);
    await expect(page.getByTestId('caption-fn-6.1')).toHaveText('simplify_symbols()');

    // Relocate: the 2.4 image is relocated in insmod's user-space buffer; the struct module strip shows.
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('stage-relocate')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('caption-fn-2.4')).toHaveText('obj_relocate()');
    await expect(page.getByTestId('caption-fn-6.1')).toHaveText('apply_relocations()');
    const strip24 = page.getByTestId('memory-strip-2.4');
    await expect(strip24).toContainText('0xffffffffa0000000');
    await expect(strip24).toContainText('0x0000555555600000');
    await expect(strip24.getByTestId('struct-module').first()).toBeVisible();
    await expect(strip24).toContainText('struct module');
    const strip61 = page.getByTestId('memory-strip-6.1');
    await expect(strip61.locator('[data-kind="module-core"]')).toHaveCount(1);
    await expect(strip61.locator('[data-kind="module-init"]')).toHaveCount(1);
    await shot(page, '02-relocate');

    // Per kernel: Shift+→ moves only 2.4, Alt+→ only 6.1.
    const b24 = await litIndex(page, '2.4');
    const b61 = await litIndex(page, '6.1');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => litIndex(page, '2.4')).toBe(b24 + 1);
    expect(await litIndex(page, '6.1')).toBe(b61);
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => litIndex(page, '6.1')).toBe(b61 + 1);
    expect(await litIndex(page, '2.4')).toBe(b24 + 1);
    // Alt+← is the browser's "back" too: the view keeps it.
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => litIndex(page, '6.1')).toBe(b61);
    await expect(page.getByTestId('compare-view')).toBeVisible();
    await page.getByTestId('step-next-6.1').click();
    await expect.poll(() => litIndex(page, '6.1')).toBe(b61 + 1);
    await page.getByTestId('step-prev-6.1').click();
    await expect.poll(() => litIndex(page, '6.1')).toBe(b61);
    // Clicking a node moves that kernel there.
    await page.locator('[data-testid="compare-node"][data-version="2.4"][data-fn="sys_create_module"]').click();
    await expect(page.getByTestId('caption-fn-2.4')).toHaveText('sys_create_module()');
    expect(await litIndex(page, '6.1')).toBe(b61);

    // Copy image: 2.4's sys_init_module copies the finished image; 6.1's move_module the sections.
    await page.getByTestId('stage-copy').click();
    await expect(page.getByTestId('caption-fn-6.1')).toHaveText('kernel_read_file_from_fd()');
    await page.getByTestId('stage-init').click();
    await expect(page.getByTestId('caption-title-2.4')).toContainText('hello_init');
    await expect(page.getByTestId('caption-title-6.1')).toContainText('hello_init');
    await expect(page.locator('[data-testid="syscall-arrow"][data-version="2.4"][data-syscall="init_module"]')).toBeVisible();
    await page.mouse.move(5, 500);
    await shot(page, '03-init');

    // The table of syscalls.
    const table = page.getByTestId('syscall-table');
    for (const s of ['create_module', 'init_module', 'finit_module', 'delete_module', 'query_module'])
      await expect(table.locator(`[data-syscall="${s}"]`)).toHaveCount(1);
    await expect(table.locator('[data-syscall="create_module"]')).toContainText('gone in 2.6');
    await expect(table.locator('[data-syscall="finit_module"]')).toContainText('3.8');
    await expect(page.getByTestId('moved-table')).toContainText('signing');
    await page.getByTestId('syscall-table').scrollIntoViewIfNeeded();
    await shot(page, '04-table');
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('stage-relocate').click();
    await page.mouse.move(5, 500);
    await page.getByTestId('compare-view').evaluate((el) => el.closest('main')?.scrollTo(0, 0));
    await shot(page, '05-other-theme');

    expect(errors).toEqual([]);
  });

  test('after an insmod in the Load view: the comparison loads the module again in both kernels', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await bootAndInsmod(page);
    await page.getByTestId('tab-compare').click();
    await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 45_000 });
    await expect(page.getByTestId('compare-results')).toContainText('2.4: loaded in 19 steps');
    await expect(page.getByTestId('compare-results')).toContainText('6.1: loaded in 31 steps');
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
});
