/**
 * Issue 18: a student alone, from the bytes in the file to the bytes in memory. The route: the
 * Relocations tab (filter, a type explained) → "see it applied" (boots and insmods by itself) → the
 * relocation card with its legend → the card's slider → the shell's lsmod and dmesg against the
 * lsmod pane. On hello.ko and on a Debian module from the corpus. Screenshots at each step.
 */
import { test, expect, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { shooter } from './support';

const CORPUS = join(homedir(), '.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel');
const DEBIAN = join(CORPUS, 'drivers/input/misc/pcspkr.ko');

async function pickRelaSection(page: Page, name: string): Promise<void> {
  const sel = page.getByTestId('reloc-section-select');
  const value = await sel
    .locator('option', { hasText: `${name} →` })
    .first()
    .getAttribute('value');
  expect(value, `${name} in the section list`).not.toBeNull();
  await sel.selectOption(value as string);
}

/** The shell's lsmod at the end agrees with the lsmod pane (cursor at the end): same names, sizes, Used by. */
async function lsmodAgrees(page: Page, module: string): Promise<void> {
  await page.getByTestId('load-view').focus();
  await page.keyboard.press('End');
  const input = page.getByTestId('shell-input');
  await input.fill('lsmod');
  await input.press('Enter');
  const transcript = page.getByTestId('shell-transcript');
  await expect(transcript).toContainText('Module                  Size  Used by');
  const text = (await transcript.textContent()) ?? '';
  const m = new RegExp(`${module}\\s+(\\d+)\\s+(\\d+)`).exec(text.slice(text.lastIndexOf('Module                  Size')));
  expect(m, `${module} in the shell's lsmod`).not.toBeNull();
  const row = page.getByTestId('lsmod').locator(`tr[data-module="${module}"]`);
  await expect(row).toBeVisible();
  const paneSize = ((await row.locator('td').nth(1).textContent()) ?? '').replace(/,/g, '').trim();
  expect(paneSize).toBe(m![1]);
  await expect(row.getByTestId('used-by')).toHaveText(new RegExp(`^${m![2]}\\b`));
  await expect(page.getByTestId('modules-clock')).toHaveText('at the cursor');
  await expect(page.getByTestId('shell-clock')).toHaveText('now');
}

test.describe('a student alone (issue 18)', () => {
  test.use({ viewport: { width: 1280, height: 720 } });
  // Boot + insmod + CPU-run init on a shared 2-core machine: minutes at worst.
  test.setTimeout(240_000);

  test('hello.ko: relocation row → see it applied → card → slider → lsmod/dmesg', async ({ page }) => {
    const shot = shooter('student-hello');
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('tab-relocations').click();
    await pickRelaSection(page, '.rela.init.text');
    await page.getByTestId('relocations-filter').fill('printk');
    const rows = page.getByTestId('relocations-table').locator('[role="row"][aria-rowindex]');
    await expect(page.getByTestId('relocations-count')).toContainText(' of ');
    await expect(rows.first()).toContainText('_printk');
    // Every row shown is a _printk relocation.
    for (const r of await rows.all()) await expect(r).toContainText('_printk');
    // A type name explains itself, from the loader's own rules.
    await rows.first().getByTestId('reloc-type-link').click();
    const info = page.getByTestId('reloc-type-info');
    await expect(info).toContainText('R_X86_64_PLT32');
    await expect(info.getByTestId('type-width')).toHaveText('4 bytes at P');
    await expect(info.getByTestId('type-pcrel')).toContainText('yes');
    await expect(info.getByTestId('type-formula')).toHaveText('S + A − P');
    await shot(page, '01-relocations');

    // One click: no kernel booted, nothing loaded — the app does both and lands on the card.
    await rows.first().getByTestId('see-applied').click();
    const card = page.getByTestId('relocation-detail');
    await expect(card).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('see-landing')).toContainText('booted the default kernel, then ran insmod hello.ko');
    await expect(card).toContainText('.rela.init.text');
    await expect(card).toContainText('_printk');
    await expect(page.getByTestId('item-status').first()).toHaveText(/applied/);
    // S, A, P mean something on the card itself, not only on hover.
    await expect(card).toContainText("S = the symbol's final address");
    await expect(card).toContainText('A = the addend');
    await expect(card).toContainText('P = the address of the field being patched');
    await expect(page.getByTestId('reloc-type-line')).toContainText('PC-relative');
    await expect(page.getByTestId('phase-legend')).toContainText('relocations');
    await card.scrollIntoViewIfNeeded();
    await shot(page, '02-card');

    // The card's slider: the next relocation of the same section.
    const first = await page.getByTestId('reloc-P').textContent();
    const scrub = page.getByTestId('reloc-scrub');
    await scrub.focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('reloc-P')).not.toHaveText(first ?? '');
    await shot(page, '03-slider');

    // Go to address: P of this relocation is in hello's .init.text, written by this step.
    const P = (await page.getByTestId('reloc-P').textContent()) ?? '';
    await page.getByTestId('goto-address-input').fill(P);
    await page.getByTestId('goto-address-input').press('Enter');
    await expect(page.getByTestId('goto-result')).toContainText('module hello, section .init.text');
    await expect(page.getByTestId('goto-symbol')).toContainText('hello_init+0x');

    // The shell: lsmod as kmod prints it agrees with the pane at the end; dmesg shows hello's lines.
    await lsmodAgrees(page, 'hello');
    await page.getByTestId('shell-input').fill('dmesg | tail -3');
    await page.getByTestId('shell-input').press('Enter');
    await expect(page.getByTestId('shell-transcript')).toContainText('Hello');
    await shot(page, '04-shell');
    // Positions count from 1, like steps: the last one reads as the total.
    const total = ((await page.getByTestId('position-total').textContent()) ?? '').replace(/[^\d]/g, '');
    await expect(page.getByTestId('position-input')).toHaveValue(total);
  });

  test('a Debian module (pcspkr.ko): undefined symbol → see it resolved; relocation → see it applied; lsmod/dmesg', async ({ page }) => {
    test.skip(!existsSync(DEBIAN) && !process.env.CI, `no corpus module at ${DEBIAN} (npm run corpus:fetch)`);
    const shot = shooter('student-debian');
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('open-file-input').setInputFiles(DEBIAN);
    await expect(page.getByTestId('module-name')).toContainText('pcspkr.ko', { timeout: 30_000 });

    // Symbols: the undefined ones, then one of them resolved in the load.
    await page.getByTestId('tab-symbols').click();
    await page.getByTestId('symbols-section').fill('UND');
    await page.getByTestId('symbols-filter').fill('__platform_driver_register');
    const sym = page.getByTestId('symbols-table').locator('[role="row"][aria-rowindex]').first();
    await expect(sym).toContainText('__platform_driver_register');
    await shot(page, '01-symbols');
    await sym.getByTestId('see-resolved').click();
    const symCard = page.getByTestId('symbol-detail');
    await expect(symCard).toBeVisible({ timeout: 120_000 });
    await expect(symCard).toContainText('__platform_driver_register');
    await expect(symCard).toContainText('vmlinux');
    await shot(page, '02-symbol-card');

    // Relocations: the call to it in .rela.init.text, applied.
    await page.getByTestId('tab-relocations').click();
    await pickRelaSection(page, '.rela.init.text');
    await page.getByTestId('relocations-filter').fill('__platform_driver_register');
    const row = page.getByTestId('relocations-table').locator('[role="row"][aria-rowindex]').first();
    await expect(row).toContainText('__platform_driver_register');
    await shot(page, '03-relocations');
    await row.getByTestId('see-applied').click();
    const card = page.getByTestId('relocation-detail');
    await expect(card).toBeVisible({ timeout: 120_000 });
    await expect(card).toContainText('__platform_driver_register');
    // Already loaded: nothing was booted or inserted again.
    await expect(page.getByTestId('see-landing')).toContainText('in the load already in the timeline');
    await card.scrollIntoViewIfNeeded();
    await shot(page, '04-card');
    const scrub = page.getByTestId('reloc-scrub');
    const P = await page.getByTestId('reloc-P').textContent();
    await scrub.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('reloc-P')).not.toHaveText(P ?? '');

    await lsmodAgrees(page, 'pcspkr');
    await page.getByTestId('shell-input').fill('dmesg | tail -2');
    await page.getByTestId('shell-input').press('Enter');
    await shot(page, '05-shell');
  });
});
