/**
 * The memory map's zoom, flight and freed init on hello.ko count=3: zoom from the modules area into
 * the core allocation, its code (.exit.text: hello's .text is empty) and its bytes (read with
 * kernel.memory, the bytes the step wrote highlighted), back out by the breadcrumb; move_module's sections in flight from their
 * file offsets to their addresses; the init allocation greyed and labelled "freed" at do_init_module.
 */
import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { bootAndInsmod, shooter, SHOTS } from './support';

const shot = shooter('memory');

async function pickFn(page: Page, fn: string) {
  const row = page.getByTestId('steps-list').locator(`[data-fn="${fn}"]`).first();
  await row.scrollIntoViewIfNeeded().catch(() => {});
  await row.click();
  await expect(page.getByTestId('step-fn')).toHaveText(`${fn}()`);
}

const scrollToMap = (page: Page) => page.getByTestId('load-center').evaluate((el) => (el.scrollTop = el.scrollHeight));

test.describe('Memory map', () => {
  test('zoom to the bytes of the core code and back; sections fly at move_module; init returns on free', async ({ page }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await bootAndInsmod(page);
    const svg = page.getByTestId('memory-map-svg');
    const crumbs = page.getByTestId('memory-zoom-crumbs');

    // After move_module: zoom into the core allocation, then its code, then its bytes.
    await pickFn(page, 'add_unformed_module');
    await scrollToMap(page);
    await expect(crumbs.locator('button.crumb')).toHaveCount(1);
    const allocCount = await svg.locator('g.alloc').count();
    expect(allocCount).toBeGreaterThanOrEqual(2);
    await svg.locator('g.alloc[data-kind="module-core"] rect.bar').click({ position: { x: 3, y: 1 } });
    await expect(svg).toHaveAttribute('data-zoom', '1');
    await expect(crumbs.locator('button.crumb')).toHaveCount(2);
    await expect(crumbs.locator('button.crumb[data-level="1"]')).toContainText('hello core');
    // Only the core allocation is left, with an axis of offsets.
    await expect(svg.locator('g.alloc')).toHaveCount(1);
    await expect(svg.locator('g.alloc .axis .tick').first()).toBeVisible();
    await page.waitForTimeout(400);
    // hello's .text is empty (its code is hello_init and hello_exit): core's code is .exit.text.
    await expect(svg.locator('rect.sec[data-name=".text"]')).toHaveCount(1);
    await svg.locator('rect.sec[data-name=".exit.text"]').hover();
    const size = Number(
      (await page.getByTestId('memory-map-tooltip').locator('div').nth(1).textContent())?.match(/^([\d,]+) bytes/)?.[1].replace(/,/g, ''),
    );
    expect(size).toBeGreaterThan(0);
    await svg.locator('rect.sec[data-name=".exit.text"]').click();
    await expect(svg).toHaveAttribute('data-zoom', '2');
    await expect(crumbs.locator('button.crumb[data-level="2"]')).toHaveText('.exit.text');
    await page.waitForTimeout(400);
    // .exit.text fills the zoomed span.
    const box = await svg.locator('rect.sec[data-name=".exit.text"]').boundingBox();
    const bar = await svg.locator('g.alloc rect.bar').boundingBox();
    expect(box && bar && box.width > bar.width * 0.9).toBe(true);
    await page.getByTestId('memory-zoom-in').click();
    await expect(svg).toHaveAttribute('data-zoom', '3');
    // Three levels below the area: the allocation, the section, its bytes.
    await expect(crumbs.locator('button.crumb[data-level]')).toHaveCount(4);
    await expect(crumbs.locator('button.crumb.current')).toHaveText('bytes');
    const bytes = page.getByTestId('memory-bytes');
    await expect(bytes).toContainText('.exit.text');
    const n = Number(await bytes.getAttribute('data-count'));
    expect(n).toBe(Math.min(256, size));
    // Before apply_relocations the copy is the file's: objdump -d -j .exit.text hello.ko shows
    // 48 c7 c7 00 00 00 00 (mov $0,%rdi, R_X86_64_32S) and e9 00 00 00 00 (jmp, R_X86_64_PLT32 _printk).
    const hexOf = async () => (await bytes.locator('g.byte text').allTextContents()).map((t) => t.slice(0, 2)).join(' ');
    expect(await hexOf()).toBe('48 c7 c7 00 00 00 00 e9 00 00 00 00');
    expect(await bytes.locator('g.byte').count()).toBe(n);
    await shot(page, '01-bytes-of-exit-text');

    // apply_relocations writes into the code: the patched bytes are highlighted at a relocation step.
    // The zoom stays on .exit.text while seeking: at the first relocation the bytes it patched are lit.
    await pickFn(page, 'apply_relocations');
    await expect(svg).toHaveAttribute('data-zoom', '3');
    await expect(bytes).toHaveAttribute('data-pos', /\d+/);
    const relocated = async () => (await bytes.locator('g.byte text').allTextContents()).map((t) => t.slice(0, 2)).join(' ');
    // Walk the relocation items until the one that patches .exit.text: its bytes are lit, the immediate filled in.
    for (let i = 0; i < 40 && (await bytes.getAttribute('data-now')) === '0'; i++) {
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(150);
    }
    await expect(bytes.locator('g.byte.now')).toHaveCount(4);
    expect(await relocated()).not.toBe('48 c7 c7 00 00 00 00 e9 00 00 00 00');
    await scrollToMap(page);
    await shot(page, '02-relocated-bytes');

    // Back out, one level at a time, then to the whole area.
    await pickFn(page, 'add_unformed_module');
    await expect(svg).toHaveAttribute('data-zoom', '3');
    await expect.poll(hexOf).toBe('48 c7 c7 00 00 00 00 e9 00 00 00 00');
    await crumbs.locator('button.crumb[data-level="1"]').click();
    await expect(svg).toHaveAttribute('data-zoom', '1');
    await expect(page.getByTestId('memory-bytes')).toHaveCount(0);
    await crumbs.locator('button.crumb[data-level="0"]').click();
    await expect(svg).toHaveAttribute('data-zoom', '0');
    await expect(svg.locator('g.alloc')).toHaveCount(allocCount);

    // move_module: the sections leave their file offsets for their addresses; caught mid-flight.
    await pickFn(page, 'module_alloc');
    await scrollToMap(page);
    await page.waitForTimeout(500);
    const row = page.getByTestId('steps-list').locator('[data-fn="move_module"]').first();
    const flights = async () => Number(await svg.getAttribute('data-flights'));
    const before = await flights();
    await row.click();
    await expect.poll(flights, { intervals: [20] }).toBe(before + 1);
    await scrollToMap(page);
    await page.waitForTimeout(180);
    await page.screenshot({ path: join(SHOTS, 'memory-03-move-module-in-flight.png') });
    await expect(svg).toHaveAttribute('data-flying', 'no');
    await expect(svg.locator('rect.sec[data-name=".init.text"]')).toBeVisible();
    await shot(page, '04-move-module-landed');
    const initText = svg.locator('rect.sec[data-name=".init.text"]');
    const landed = [await initText.getAttribute('x'), await initText.getAttribute('y')];

    // A new position cancels the flight: stepping on during it ends with the sections where that step has them.
    await pickFn(page, 'module_alloc');
    await page.waitForTimeout(400);
    await row.click();
    await expect.poll(flights, { intervals: [20] }).toBe(before + 2);
    await page.keyboard.press('ArrowDown');
    await expect(svg).toHaveAttribute('data-flying', 'no');
    await expect(page.getByTestId('step-fn')).not.toHaveText('move_module()');
    // The interrupted flight still ends with .init.text at its address (the next step keeps the layout).
    await expect.poll(async () => [await initText.getAttribute('x'), await initText.getAttribute('y')]).toEqual(landed);

    // do_init_module frees init: the allocation stays one step, greyed and labelled "freed".
    await page.keyboard.press('End');
    await expect(page.getByTestId('step-title')).toContainText('insmod exits 0');
    await page.keyboard.press('ArrowUp');
    await expect(page.getByTestId('step-title')).toContainText('init memory freed');
    await scrollToMap(page);
    const ghost = svg.locator('g.alloc[data-freed="yes"]');
    await expect(ghost).toHaveAttribute('data-kind', 'module-init');
    await expect(ghost.locator('text.freed-label')).toHaveText('freed · 12.0 KiB back to the modules area');
    await expect(svg.locator('rect.sec.freed[data-name=".init.text"]')).toBeVisible();
    await shot(page, '05-init-freed');
    // One step on, it is gone.
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('step-title')).toContainText('insmod exits 0');
    await expect(svg.locator('g.alloc[data-kind="module-init"]')).toHaveCount(0);
    expect(errors).toEqual([]);
  });
});
