/**
 * The Lessons tab in the browser build: the lesson index lists C01–C34; C10 opens the hello tour
 * (a fresh 6.1 kernel, insmod hello.ko count=3 …) at its copy_and_check stop; ←, → and Next move
 * between stops, each showing its caption, large, and the step's kernel function.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pdfContent } from './support';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

async function openHelloTour(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  await page.getByTestId('tab-lessons').click();
  const view = page.getByTestId('lessons-view');
  await view.getByTestId('concept-C10').click();
  await atStop(page, 2, 'elf_validity_check()', /^The checks 2.6 called copy_and_check/);
  return view;
}

async function shot(page: Page, name: string) {
  await page.waitForTimeout(600); // let d3 transitions settle
  await page.screenshot({ path: join(shots, `lessons-${name}.png`) });
}

async function atStop(page: Page, stop: number, fn: string, caption: RegExp) {
  const view = page.getByTestId('lessons-view');
  await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-stop', String(stop), { timeout: 30_000 });
  await expect(view).toHaveAttribute('data-busy', 'no');
  await expect(view.getByTestId('lesson-count')).toHaveText(`stop ${stop + 1} of 19`);
  await expect(view.getByTestId('step-fn')).toHaveText(fn);
  await expect(view.getByTestId('lesson-caption')).toHaveText(caption);
}

test.describe('Lessons', () => {
  test('C10 opens the hello tour; three stops by keyboard and button', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('tab-lessons').click();
    const view = page.getByTestId('lessons-view');
    await expect(view).toBeVisible();
    // The index: all 34 concepts, grouped as in the course material.
    await expect(view.locator('[data-testid^="concept-C"]')).toHaveCount(34);
    await expect(view.getByTestId('lesson-index')).toContainText('Loading, both generations');
    await expect(view.getByTestId('tour-problems')).toHaveCount(0);
    await expect(view.getByTestId('concept-C10')).toContainText('load_module');

    await view.getByTestId('concept-C10').click();
    await expect(view.getByTestId('concept-entries')).toBeVisible();
    await atStop(page, 2, 'elf_validity_check()', /^The checks 2.6 called copy_and_check: the file is an ELF relocatable object \(ET_REL\)/);
    await expect(view.getByTestId('lesson-concept').first()).toContainText('C10');
    await shot(page, '01-c10-copy-and-check');

    // → : the next stop (where struct module comes from).
    await page.keyboard.press('ArrowRight');
    await atStop(page, 3, 'setup_load_info()', /modpost generated hello\.mod\.c/);
    await shot(page, '02-setup-load-info');

    // PageDown twice and ← once: check_modinfo, then back to check_modstruct_version.
    await page.keyboard.press('PageDown');
    await atStop(page, 4, 'check_modstruct_version()', /__versions carries a CRC/);
    await page.keyboard.press('PageDown');
    await atStop(page, 5, 'check_modinfo()', /vermagic/);
    await page.keyboard.press('ArrowLeft');
    await atStop(page, 4, 'check_modstruct_version()', /module_layout/);

    // The Next button, on to the stop that resolves _printk: its caption is filled from the step.
    for (const [stop, fn] of [
      [5, 'check_modinfo()'],
      [6, 'layout_sections()'],
      [7, 'module_alloc()'],
    ] as const) {
      await view.getByTestId('lesson-next').click();
      await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-stop', String(stop), { timeout: 30_000 });
      await expect(view.getByTestId('step-fn')).toHaveText(fn);
    }
    await view.getByTestId('lesson-next').click();
    await atStop(
      page,
      8,
      'simplify_symbols()',
      /the module needs _printk, which it does not define\. The kernel finds it in its own export table \(vmlinux\) at 0xffffffff[0-9a-f]{8}/,
    );
    await expect(view.getByTestId('step-item')).toContainText('item');
    await shot(page, '03-simplify-symbols-printk');

    expect(errors).toEqual([]);
  });

  test('a concept outside the trace shows its sample file; a 2.4 tour plays on the 2.4 model', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('tab-lessons').click();
    const view = page.getByTestId('lessons-view');
    // C33 opens the multi-file tour; its entries also list the Kbuild files, shown with a note.
    await view.getByTestId('concept-C33').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-tour', 'multi-file', { timeout: 30_000 });
    await expect(view.getByTestId('step-fn')).toHaveText('setup_load_info()');
    await view.getByTestId('concept-entry').filter({ hasText: 'hello/Kbuild' }).click();
    await expect(view.getByTestId('lesson-note')).toContainText('obj-m := hello.o');
    await expect(view.getByTestId('lesson-caption')).toContainText('make -C /lib/modules');
    await view.getByTestId('concept-C07').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-tour', 'hello-2.4', { timeout: 30_000 });
    await expect(view.getByTestId('step-fn')).toHaveText('create_module_ksymtab()');
    await expect(view.getByTestId('lesson-caption')).toContainText('struct module');
    await shot(page, '04-c07-linux24-struct-module');

    // C12: legacy-names, on the CPU: init_module() reaching printk.
    await view.getByTestId('concept-C12').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-tour', 'legacy-names', { timeout: 30_000 });
    await expect(view.getByTestId('step-fn')).toHaveText('do_one_initcall()');
    await expect(view.getByTestId('cpu-panel')).toBeVisible();
    await expect(view.getByTestId('cpu-kernel-call')).toContainText('_printk');
    await shot(page, '05-c12-legacy-names-cpu');

    // C30: ring-flood, 3,000 lines (24,009 instructions) in the printk buffer pane.
    await view.getByTestId('concept-C30').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-tour', 'ring-flood', { timeout: 60_000 });
    await expect(view.getByTestId('ring-pane')).toBeVisible();
    await view.getByTestId('lesson-next').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-stop', '1', { timeout: 30_000 });
    await expect(view.getByTestId('step-fn')).toHaveText('do_init_module()');
    await shot(page, '06-c30-ring-flood');

    // C02 via the hello tour's layout stop: the memory map.
    await view.getByTestId('concept-C02').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-stop', '6', { timeout: 30_000 });
    await expect(view.getByTestId('memory-map')).toBeVisible();
    await shot(page, '07-c02-memory');

    // C32: the oops sample; its second stop shows the Oops in the log.
    await view.getByTestId('concept-C32').click();
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-tour', 'oops', { timeout: 30_000 });
    await page.keyboard.press('ArrowRight');
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-stop', '1', { timeout: 30_000 });
    await expect(view.getByTestId('step-fn')).toHaveText('do_init_module()');
    await expect(view.getByTestId('lesson-caption')).toContainText('Kernel panic - not syncing');
    await expect(view.locator('.tour-side')).toContainText('BUG: kernel NULL pointer dereference');
    await shot(page, '08-c32-oops');
  });

  test('the hello tour exported as a PDF deck: a page a stop, captions as text, back at the stop', async ({ page }, info) => {
    test.setTimeout(240_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const view = await openHelloTour(page);
    const tour = JSON.parse(readFileSync(join(here, '../samples/hello/tour.json'), 'utf8')) as { stops: { caption: string; concepts: string[] }[] };
    expect(tour.stops.length).toBe(19);

    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 200_000 }), view.getByTestId('tour-export-pdf').click()]);
    expect(d.suggestedFilename()).toBe('hello-tour.pdf');
    const bytes = readFileSync(await d.path());
    writeFileSync(info.outputPath('hello-tour.pdf'), bytes);
    const raw = bytes.toString('latin1');
    expect(raw.match(/\/Type \/Page\b(?!s)/g)?.length).toBe(19);
    expect(raw).toMatch(/\/Count 19\b/);
    await expect(view.getByTestId('tour-export-status')).toHaveText('saved hello-tour.pdf (19 pages)');
    // Text stays text: the first stop's caption (its first words), its label and its concepts.
    const text = pdfContent(bytes);
    const firstWords = tour.stops[0].caption.split(/\s+/).slice(0, 5).join(' ');
    expect(firstWords).toBe('We type insmod hello.ko count=3');
    expect(text).toContain(`(${firstWords}`);
    expect(text).toContain('(stop 1 / 19) Tj');
    expect(text).toContain('(stop 19 / 19) Tj');
    expect(text).toContain(tour.stops[0].concepts.join(' · ').replace(/·/g, '\xb7'));
    expect(text).toContain('(hello.ko: one load, start to finish) Tj');
    // The tour is back on the stop it was at.
    await atStop(page, 2, 'elf_validity_check()', /^The checks 2.6 called copy_and_check/);
    expect(errors).toEqual([]);
  });

  test('after a tour, the Load view shows the rebooted kernel and the tour’s trace, not its old one', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    // A trace of the Load view's own: boot, then a shell line the tour never types.
    await page.getByTestId('tab-load').click();
    await page.getByTestId('boot-button').click();
    await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 30_000 });
    await page.getByTestId('insmod-button').click();
    await expect(page.getByTestId('shell-transcript')).toContainText('insmod hello.ko count=3', { timeout: 30_000 });
    await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');
    const steps = page.getByTestId('steps-list');
    await expect(steps).toContainText('# insmod hello.ko count=3');
    await expect(steps).not.toContainText('# rmmod hello');
    const before = Number(((await page.getByTestId('position-total').textContent()) ?? '').replace(/[^\d]/g, ''));
    expect(before).toBeGreaterThan(0);
    // The comparison's runs, before the tour reboots 6.1 under them.
    await page.getByTestId('tab-compare').click();
    await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 45_000 });
    await expect(page.getByTestId('compare-results')).toContainText('6.1: loaded in 31 steps');

    // The hello tour reboots 6.1 and runs insmod, lsmod, dmesg, rmmod hello.
    await page.getByTestId('tab-lessons').click();
    await page.getByTestId('lessons-view').getByTestId('concept-C10').click();
    await atStop(page, 2, 'elf_validity_check()', /^The checks 2.6 called copy_and_check/);

    await page.getByTestId('tab-load').click();
    await expect(page.getByTestId('shell-transcript')).toContainText('again from another tab', { timeout: 30_000 });
    await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0');
    // The tour's trace: its rmmod is the last operation, and the cursor is at its end.
    await expect(steps).toContainText('# rmmod hello', { timeout: 30_000 });
    await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');
    const total = async () => Number(((await page.getByTestId('position-total').textContent()) ?? '').replace(/[^\d]/g, ''));
    const after = await total();
    expect(after).toBeGreaterThan(before);
    await expect(page.getByTestId('position-input')).toHaveValue(String(after));

    // The comparison still finds (or loads again) its 6.1 run on the rebooted kernel.
    await page.getByTestId('tab-compare').click();
    await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 45_000 });
    await expect(page.getByTestId('compare-results')).toContainText('2.4: loaded in 19 steps');
    await expect(page.getByTestId('compare-results')).toContainText('6.1: loaded in 31 steps');
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
  });
});
