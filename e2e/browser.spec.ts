/**
 * The browser build end to end (engine in a Web Worker): the hello sample loads by default,
 * every view shows real data, and a corrupt file shows the engine's typed error while the
 * previously open module stays on screen.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = join(root, 'e2e', 'screenshots');
mkdirSync(shots, { recursive: true });

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function openHello(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
}

test.describe('Modscope in the browser', () => {
  test('loads the hello sample and shows its overview', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openHello(page);
    await expect(page.getByTestId('header-summary')).not.toBeEmpty();
    await expect(page.getByTestId('header-table')).toContainText('e_machine');
    await expect(page.getByTestId('this-module')).toContainText('hello');
    const theme = async () => page.locator('html').getAttribute('data-theme');
    await shot(page, `01-overview-${await theme()}`);
    await page.getByTestId('theme-toggle').click();
    await shot(page, `01-overview-${await theme()}`);
    await page.getByTestId('theme-toggle').click();
    expect(errors).toEqual([]);
  });

  test('sections, symbols, relocations, file map, hex, modinfo', async ({ page }) => {
    await openHello(page);

    await page.getByTestId('tab-sections').click();
    const sections = page.getByTestId('sections-table');
    await expect(sections).toContainText('.text');
    await expect(sections).toContainText('.modinfo');
    await expect(sections).toContainText('.gnu.linkonce.this_module');
    await shot(page, '02-sections');

    await page.getByTestId('tab-symbols').click();
    const symbols = page.getByTestId('symbols-table');
    await expect(symbols).toContainText('init_module');
    await page.getByTestId('symbols-filter').fill('hello_init');
    await expect(symbols).toContainText('hello_init');
    await shot(page, '03-symbols-filtered');
    await page.getByTestId('symbols-filter').fill('');
    await expect(symbols).toContainText('init_module');
    await shot(page, '03-symbols');

    await page.getByTestId('tab-relocations').click();
    const relocs = page.getByTestId('relocations-table');
    // Pick a relocation section with PLT32 calls (.rela.text / .rela.init.text / .rela.exit.text).
    const select = page.getByTestId('reloc-section-select');
    const options = await select.locator('option').allTextContents();
    let found = false;
    for (let i = 0; i < options.length && !found; i++) {
      await select.selectOption({ index: i });
      await expect(relocs.locator('[role=row]').first()).toBeVisible();
      await expect(relocs.locator('.loading-cell')).toHaveCount(0);
      found = ((await relocs.textContent()) ?? '').includes('R_X86_64_PLT32');
    }
    expect(found, `no relocation section shows R_X86_64_PLT32 (sections: ${options.join(', ')})`).toBe(true);
    await expect(relocs).toContainText('R_X86_64_PLT32');
    await shot(page, '04-relocations');

    // A relocation row → the bytes it patches, highlighted in the target section's hex.
    await relocs.locator('[role=row][aria-rowindex="1"]').click();
    await expect(page.getByTestId('hex-view')).toBeVisible();
    await expect(page.getByTestId('hex-scroll').locator('.hb.hl').first()).toBeVisible();
    await shot(page, '04b-relocation-patched-bytes');

    await page.getByTestId('tab-filemap').click();
    const svg = page.getByTestId('file-map-svg');
    await expect(svg.locator('rect.seg').first()).toBeVisible();
    await svg.locator('rect.seg').nth(1).hover();
    await expect(page.getByTestId('file-map-tooltip')).toBeVisible();
    await shot(page, '05-file-map');

    // Sections → hex of .modinfo (hello's .text is empty: its code is in .init.text/.exit.text)
    await page.getByTestId('tab-sections').click();
    const textRow = sections.locator('tr[data-section-name=".modinfo"]');
    await textRow.getByRole('button', { name: 'Hex' }).click();
    await expect(page.getByTestId('hex-view')).toBeVisible();
    await expect(page.getByTestId('hex-range-info')).toContainText('.modinfo');
    await expect(page.getByTestId('hex-scroll').locator('[role=row]').first()).toBeVisible();
    await shot(page, '06-hex-modinfo');

    await page.getByTestId('tab-modinfo').click();
    await expect(page.getByTestId('modinfo-table')).toContainText('license');
    await shot(page, '07-modinfo');
  });

  test('a corrupt file shows the typed error and keeps the open module', async ({ page }) => {
    await openHello(page);
    await page.getByTestId('tab-sections').click();
    await expect(page.getByTestId('sections-table')).toContainText('.gnu.linkonce.this_module');

    // Bad magic.
    await page.getByTestId('open-file-input').setInputFiles({
      name: 'bad-magic.ko',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('This is not an ELF file at all, just text padding to 64 bytes.....'),
    });
    const banner = page.getByTestId('error-banner');
    await expect(banner).toBeVisible();
    await expect(page.getByTestId('error-code')).toHaveText('BAD_MAGIC');
    await expect(page.getByTestId('error-offset')).toContainText('0x0');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko');
    await expect(page.getByTestId('sections-table')).toContainText('.gnu.linkonce.this_module');
    await shot(page, '08-error-bad-magic');

    // Truncated ELF: a valid 64-bit little-endian x86-64 ident, then nothing.
    const trunc = Buffer.alloc(40);
    trunc.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    await page.getByTestId('open-file-input').setInputFiles({ name: 'truncated.ko', mimeType: 'application/octet-stream', buffer: trunc });
    await expect(page.getByTestId('error-code')).toHaveText('TRUNCATED');
    await expect(page.getByTestId('error-offset')).toBeVisible();
    await expect(banner).toContainText('truncated.ko');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko');
    await expect(page.getByTestId('sections-table')).toContainText('.text');
    await shot(page, '09-error-truncated');

    // The banner can be dismissed; the module is still there.
    await page.getByTestId('error-dismiss').click();
    await expect(banner).toHaveCount(0);
    await expect(page.getByTestId('sections-table')).toContainText('.modinfo');
  });

  test('a decompression bomb is refused at the 256 MiB cap, with the typed error, keeping the open module', async ({ page }) => {
    test.setTimeout(120_000);
    await openHello(page);
    // An ELF header, then 260 MiB of zeros, zstd-compressed (≈8 KB): past the cap for any module.
    const bomb = execFileSync(
      'bash',
      ['-c', `{ head -c 64 ${join(root, 'samples', 'hello', 'hello.ko')}; head -c ${260 << 20} /dev/zero; } | zstd -1 -q -c`],
      { maxBuffer: 1 << 26 },
    );
    await page.getByTestId('open-file-input').setInputFiles({ name: 'bomb.ko.zst', mimeType: 'application/octet-stream', buffer: bomb });
    await expect(page.getByTestId('error-code')).toHaveText('DECOMPRESS_TOO_LARGE', { timeout: 60_000 });
    await expect(page.getByTestId('error-banner')).toContainText('256 MiB cap');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko');
    await shot(page, '09b-error-bomb');
  });

  test('dropping a file on the window opens it (a bad one shows the error)', async ({ page }) => {
    await openHello(page);
    const dt = await page.evaluateHandle(() => {
      // (This file is typechecked without the DOM lib: reach the browser globals untyped.)
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(f: unknown): void } };
        File: new (parts: unknown[], name: string) => unknown;
      };
      const d = new g.DataTransfer();
      d.items.add(new g.File([new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 9, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])], 'dropped.ko'));
      return d;
    });
    await page.dispatchEvent('.app', 'dragover', { dataTransfer: dt });
    await expect(page.getByTestId('drop-overlay')).toBeVisible();
    await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
    await expect(page.getByTestId('error-banner')).toContainText('dropped.ko');
    await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
    await expect(page.getByTestId('module-name')).toContainText('hello.ko');
    await shot(page, '10-error-dropped');
  });

  test('a big module (amdgpu, ~320k relocations) opens and its relocation table scrolls', async ({ page }) => {
    const ko =
      process.env.MODSCOPE_BIG_KO ?? join(homedir(), '.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
    test.skip(missing(CORPUS_WHAT, existsSync(ko)), `no big module at ${ko} (npm run corpus:fetch)`);
    await openHello(page);
    await page.getByTestId('open-file-input').setInputFiles(ko);
    await expect(page.getByTestId('module-name')).toContainText('amdgpu.ko', { timeout: 60_000 });
    await page.getByTestId('tab-relocations').click();
    // Choose the largest relocation section.
    const select = page.getByTestId('reloc-section-select');
    const options = await select.locator('option').allTextContents();
    const counts = options.map((o) => Number((o.match(/\(([\d,]+)\)$/)?.[1] ?? '0').replace(/,/g, '')));
    await select.selectOption({ index: counts.indexOf(Math.max(...counts)) });
    const scroller = page.getByTestId('relocations-table-scroll');
    const loading = page.getByTestId('relocations-table').locator('.loading-cell');
    for (const frac of [0.5, 0.999, 0.25]) {
      const t0 = Date.now();
      await scroller.evaluate((el, f) => {
        el.scrollTop = f * (el.scrollHeight - el.clientHeight);
      }, frac);
      await expect(loading).toHaveCount(0);
      expect(Date.now() - t0).toBeLessThan(3000);
    }
    await expect(page.getByTestId('relocations-table')).toContainText('R_X86_64_');
    await shot(page, '11-amdgpu-relocations');
  });

  test('?file= opens the named sample', async ({ page }) => {
    await page.goto('/?file=/samples/hello/hello.ko');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  });
});
