/**
 * The Load view in the browser build: boot the modelled kernel, insmod hello count=3, walk the
 * steps (mouse and keyboard), look at one relocation and the bytes it patches, and see hello in lsmod.
 */
import { test, expect } from '@playwright/test';
import { bootAndInsmod, shooter } from './support';

const shot = shooter('load');

test.describe('Load view', () => {
  test('boot, insmod hello count=3, walk the steps and a relocation', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await bootAndInsmod(page);

    const list = page.getByTestId('steps-list');
    // The list is virtualised: collect the functions shown while scrolling through it.
    const fns = new Set<string>();
    const scroller = list.locator('.virtual-scroll');
    for (let i = 0; i < 40; i++) {
      for (const fn of await list.locator('[data-fn]').evaluateAll((els) => els.map((e) => e.getAttribute('data-fn') ?? ''))) fns.add(fn);
      const atEnd = await scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1);
      if (atEnd) break;
      await scroller.evaluate((el) => (el.scrollTop += el.clientHeight - 40));
      await page.waitForTimeout(100);
    }
    for (const fn of ['simplify_symbols', 'apply_relocations', 'do_init_module']) expect([...fns], `steps: ${[...fns].join(', ')}`).toContain(fn);
    await expect(page.getByTestId('step-fn')).toBeVisible();
    await shot(page, '01-start');

    // Into apply_relocations: its first relocation.
    await list
      .locator('[data-fn="apply_relocations"]')
      .scrollIntoViewIfNeeded()
      .catch(() => {});
    await list.locator('[data-fn="apply_relocations"]').click();
    await expect(page.getByTestId('step-fn')).toHaveText('apply_relocations()');
    const reloc = page.getByTestId('relocation-detail');
    await expect(reloc).toBeVisible();
    await expect(page.getByTestId('reloc-type')).toContainText('R_X86_64_');
    for (const id of ['reloc-S', 'reloc-P']) await expect(page.getByTestId(id)).toHaveText(/^0x[0-9a-f]+$/);
    await expect(page.getByTestId('reloc-A')).not.toBeEmpty();
    await expect(page.getByTestId('reloc-before')).toHaveText(/^([0-9a-f]{2} ?)+$/);
    await expect(page.getByTestId('reloc-after')).toHaveText(/^([0-9a-f]{2} ?)+$/);
    await expect(page.getByTestId('mem-before').locator('.hb.hl').first()).toBeVisible();
    await expect(page.getByTestId('mem-after').locator('.hb.hl').first()).toBeVisible();
    await expect(page.getByTestId('step-item')).toContainText('item 1 of');

    // The keyboard: → is the next relocation, PageDown the next step, Home/End the ends.
    const P1 = await page.getByTestId('reloc-P').textContent();
    await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('step-item')).toContainText('item 2 of');
    await expect(page.getByTestId('reloc-P')).not.toHaveText(P1 ?? '');
    // The memory map's marker points at P: it glides after a lone seek and jumps on quick ones (key repeat), on a
    // layer of its own over the map (a CSS transform the compositor applies).
    const marker = page.getByTestId('memory-map-marker');
    await expect(marker).toBeVisible();
    await expect(marker).toHaveAttribute('data-at', /^[\d.]+,[\d.]+$/);
    await page.waitForTimeout(300);
    const at2 = await marker.getAttribute('data-at');
    const [x2, y2] = (at2 ?? '').split(',').map(Number);
    await expect(marker).toHaveCSS('transform', `matrix(1, 0, 0, 1, ${x2}, ${y2})`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('step-item')).toContainText('item 4 of');
    await expect(marker).not.toHaveAttribute('data-at', at2 ?? '');
    await expect(page.getByTestId('mem-after').locator('.hb.hl').first()).toBeVisible();
    await shot(page, '02-relocation');

    await page.keyboard.press('PageDown');
    await expect(page.getByTestId('step-fn')).not.toHaveText('apply_relocations()');
    await page.keyboard.press('PageUp');
    await expect(page.getByTestId('step-fn')).toHaveText('apply_relocations()');
    await expect(page.getByTestId('step-item')).toContainText('item 1 of');
    await page.keyboard.press('ArrowUp');
    await expect(page.getByTestId('step-fn')).toHaveText('simplify_symbols()');
    await expect(page.getByTestId('symbol-detail')).toBeVisible();
    await shot(page, '03-symbol');

    await page.keyboard.press('End');
    await expect(page.getByTestId('lsmod').locator('tr[data-module="hello"]')).toContainText('LIVE');
    await expect(page.getByTestId('kernel-taints')).toContainText('O');
    await expect(page.getByTestId('kernel-log')).toContainText('hello');
    await shot(page, '04-end');

    await page.keyboard.press('Home');
    await expect(page.getByTestId('position-input')).toHaveValue('1');
    await expect(page.getByTestId('lsmod')).not.toContainText('hello');

    // module_alloc: core and init exist, the sections are still in the temporary copy of the file.
    await list.locator('[data-fn="module_alloc"]').click();
    await expect(page.getByTestId('step-fn')).toHaveText('module_alloc()');
    await expect(page.getByTestId('memory-map-svg').locator('g.alloc[data-kind="module-init"]')).toBeVisible();
    await expect(page.getByTestId('memory-map-svg').locator('rect.sec').first()).toBeVisible();
    await page.getByTestId('load-center').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await shot(page, '05-module-alloc');

    // move_module: the sections are in core and init; hover one.
    await list.locator('[data-fn="move_module"]').click();
    await expect(page.getByTestId('memory-map-svg').locator('rect.sec').first()).toBeVisible();
    await page.waitForTimeout(600);
    await page.getByTestId('memory-map-svg').locator('rect.sec[data-name=".init.text"]').hover();
    await expect(page.getByTestId('memory-map-tooltip')).toContainText('.init.text');
    await shot(page, '06-move-module');
    expect(errors).toEqual([]);
  });

  test('engine errors show in the banner and keep the view', async ({ page }) => {
    await bootAndInsmod(page);
    // End seeks to the last position; retried because the view's own seek after the operation may land after it.
    await expect(async () => {
      await page.keyboard.press('End');
      await expect(page.getByTestId('lsmod').locator('tr[data-module="hello"]')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    // Loading the same module twice fails in the kernel (-EEXIST): a failed operation, not an engine error.
    await page.getByTestId('insmod-button').click();
    await expect(page.getByTestId('steps-list').locator('.op-head.failed')).toBeVisible();
    // A shell line: either the engine answers, or its error is shown (code + message) in the banner.
    await page.getByTestId('shell-input').fill('lsmod');
    await page.getByTestId('shell-input').press('Enter');
    await expect(page.getByTestId('shell-transcript')).toContainText('# lsmod');
    const banner = page.getByTestId('error-banner');
    if (await banner.isVisible()) await expect(page.getByTestId('error-code')).not.toBeEmpty();
    // rmmod of a module that is not loaded.
    await page.getByTestId('rmmod-name').fill('nosuchmodule');
    await page.getByTestId('rmmod-button').click();
    await expect(page.getByTestId('shell-transcript')).toContainText('rmmod nosuchmodule');
    await expect(page.getByTestId('step-row').first()).toBeVisible();
    await shot(page, '07-errors');
  });
});
