/**
 * Issue 16, item 4: What if… in the app. The module loaded as it is and as mutated, side by side up to
 * the first step where they part, with the kernel's answer as the real kernel gave it (the messages
 * below are those of scripts/qemu/scenarios/bad-crc.qemu.json and the elf_validity_check() recording);
 * the mutation is in the link (a reload and a pasted link come back); a mutation that does not fit the
 * module says why; presenting (F5) steps the rows with the clicker and keeps the answer on screen.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, pdfContent } from './support';

test.use({ viewport: { width: 1280, height: 720 } });

async function ready(page: Page) {
  await expect(page.getByTestId('whatif-page')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
  await expect(page.getByTestId('whatif-view')).toBeVisible({ timeout: 90_000 });
}

async function inViewport(page: Page, testid: string) {
  const box = await page.getByTestId(testid).first().boundingBox();
  expect(box, `${testid} has a box`).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${testid} bottom`).toBeLessThanOrEqual(720 - 40);
  expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
}

test('a wrong CRC from a link: both loads side by side, parted at simplify_symbols() as on the real kernel', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/#view=whatif&sample=hello/hello.ko&mutation=crc:_printk&args=count=3');
  await ready(page);
  await expect(page.getByTestId('tab-whatif')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('whatif-change')).toContainText('_printk');
  const d = page.getByTestId('whatif-divergence');
  await expect(d).toContainText('simplify_symbols()');
  await expect(d).toContainText('→ -22');
  await expect(page.getByTestId('whatif-base-tail')).toHaveText(/as it is\s*insmod: ok/);
  await expect(page.getByTestId('whatif-tail')).toContainText('insmod: ERROR: could not insert module hello.ko: Invalid parameters');
  await expect(page.getByTestId('whatif-log')).toContainText('hello: disagrees about version of symbol _printk');
  await expect(page.getByTestId('whatif-log')).toContainText('hello: Unknown symbol _printk (err -22)');
  const diverge = page.locator('[data-testid="whatif-row"][data-kind="diverge"]');
  await expect(diverge).toHaveCount(1);
  await expect(diverge).toContainText('simplify_symbols()');
  // The rest of each path: the unmodified load goes on (apply_relocations, do_init_module …), the what-if unwinds.
  const after = page.locator('[data-testid="whatif-row"][data-kind="after"]');
  expect(await after.count()).toBeGreaterThan(3);
  await expect(page.getByTestId('whatif-steps')).toContainText('apply_relocations()');
  await page.screenshot({ path: join(SHOTS, 'whatif-crc.png') });

  // Presenting: the clicker steps the rows from the divergence; the answer stays on screen.
  await page.keyboard.press('F5');
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  const at = Number(await diverge.getAttribute('data-index'));
  await expect(page.locator('[data-testid="whatif-row"].current')).toHaveAttribute('data-index', String(at));
  await page.keyboard.press('PageDown');
  await expect(page.locator('[data-testid="whatif-row"].current')).toHaveAttribute('data-index', String(at + 1));
  await expect(page.getByTestId('present-strip')).toContainText(`step ${at + 2} /`);
  for (const id of ['whatif-divergence', 'whatif-tail', 'whatif-base-tail']) await inViewport(page, id);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'readme', 'whatif-present-720p.png') });
  await page.keyboard.press('Escape');
});

test('the form: another ELF machine, kept in the link across a reload; a mutation that does not fit says why', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  await page.getByTestId('tab-whatif').click();
  await ready(page);
  // The tab's first mutation on hello.ko is a wrong CRC of its first import.
  await expect(page.getByTestId('whatif-kind')).toHaveValue('crc');
  await page.getByTestId('whatif-kind').selectOption('field');
  await page.getByTestId('whatif-arg').fill('e_machine=3');
  await page.getByTestId('whatif-run').click();
  await ready(page);
  await expect(page.getByTestId('whatif-divergence')).toContainText('elf_validity_check()');
  await expect(page.getByTestId('whatif-log')).toContainText('Invalid architecture in ELF header: 3');
  await expect(page.getByTestId('whatif-tail')).toContainText('Invalid module format');
  await expect.poll(() => page.evaluate<string>('location.hash')).toContain('mutation=field:e_machine=3');
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('whatif-divergence')).toContainText('elf_validity_check()');
  await expect(page.getByTestId('whatif-arg')).toHaveValue('e_machine=3');

  await page.getByTestId('whatif-kind').selectOption('crc');
  await page.getByTestId('whatif-arg').fill('no_such_symbol');
  await page.getByTestId('whatif-run').click();
  await expect(page.getByTestId('whatif-problem')).toContainText('no_such_symbol has no __versions entry');

  // A pasted link moves the open app.
  await page.evaluate("location.hash = '#view=whatif&sample=hello/hello.ko&mutation=licence:Proprietary&args=count=3'");
  await ready(page);
  await expect(page.getByTestId('whatif-change')).toContainText('Proprietary');
  await expect(page.getByTestId('whatif-log')).toContainText("module license 'Proprietary' taints kernel");
  await page.screenshot({ path: join(SHOTS, 'whatif-licence.png') });
});

interface Recorded {
  steps: { cmd: string; output: string; rc: number; kmsg: { level: number; text: string }[] }[];
}
const recording = (name: string): Recorded =>
  JSON.parse(readFileSync(join(process.cwd(), 'scripts', 'qemu', 'scenarios', `${name}.qemu.json`), 'utf8')) as Recorded;
/** What the real insmod of hello.ko printed and logged right after the kprobe helper was armed with `# whatif NAME`. */
function realFault(name: string) {
  const steps = recording('kernel-faults').steps;
  return steps[steps.findIndex((s) => s.cmd.endsWith(`# whatif ${name}`)) + 1];
}

test('kernel faults from a link: a failed module_alloc and a failed mod_sysfs_setup, unwound label by label as on the real kernel', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/#view=whatif&sample=hello/hello.ko&mutation=fail-alloc:module_alloc:init&args=count=3');
  await ready(page);
  const init = realFault('fail-alloc:module_alloc:init');
  await expect(page.getByTestId('whatif-kind')).toHaveValue('fail-alloc');
  await expect(page.getByTestId('whatif-fault')).toContainText('allocation #3 of 11: move_module() → module_alloc() returns NULL');
  await expect(page.getByTestId('whatif-fault')).toContainText('nothing the load allocated is left');
  await expect(page.getByTestId('whatif-divergence')).toContainText('move_module()');
  await expect(page.getByTestId('whatif-tail')).toContainText(init.output.trim());
  await expect(page.getByTestId('whatif-base-tail')).toHaveText(/as it is\s*insmod: ok/);
  // move_module() freed the core itself: the only label is free_copy, and it says what it frees.
  const unwind = page.getByTestId('whatif-unwind');
  await expect(unwind.first()).toContainText('free_copy(): vfree(info->hdr)');
  // The sites the unmodified load reaches are offered by name and by number.
  await expect(page.locator('#whatif-suggest option[value="module_alloc:core"]')).toHaveCount(1);
  await expect(page.locator('#whatif-suggest option[value="11"]')).toHaveCount(1);

  await page.evaluate("location.hash = '#view=whatif&sample=hello/hello.ko&mutation=fail:mod_sysfs_setup&args=count=3'");
  await expect(page.getByTestId('whatif-change')).toContainText('mod_sysfs_setup() returns -12');
  await ready(page);
  const sysfs = realFault('fail:mod_sysfs_setup');
  await expect(page.getByTestId('whatif-tail')).toContainText(sysfs.output.trim());
  // 6.1's labels from coming_cleanup down to free_copy, in the kernel's order, each with what it frees, then the return.
  const labels = await page.locator('.whatif-cell.unwind .whatif-label').allTextContents();
  expect(labels).toEqual([
    'goto coming_cleanup',
    'bug_cleanup:',
    'ddebug_cleanup:',
    'free_arch_cleanup:',
    'free_modinfo:',
    'free_unload:',
    'unlink_mod:',
    'free_module:',
    'free_copy:',
  ]);
  await expect(unwind.filter({ hasText: 'free_module:' })).toContainText('module_deallocate()');
  await expect(unwind.last()).toContainText('Everything done so far was undone in reverse order');
  // The real kernel logged nothing of its own for this fault (the taint lines are the first out-of-tree load's).
  const logged = (await page.getByTestId('whatif-log').locator('.mono').allTextContents()).filter((l) => !/out-of-tree|verification failed/.test(l));
  expect(logged).toEqual(sysfs.kmsg.map((m) => `<${m.level}>${m.text}`));
  await expect.poll(() => page.evaluate<string>('location.hash')).toContain('mutation=fail:mod_sysfs_setup');
  await page.locator('[data-testid="whatif-row"][data-kind="after"]').last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'whatif-fault-sysfs.png') });
});

test('a consumer with its provider loaded first: without:provider and unexport:provider_greet as the real kernel answered', async ({ page }) => {
  test.setTimeout(180_000);
  const real = recording('whatif-module').steps.filter((s) => s.cmd === 'insmod consumer.ko');
  await page.goto('/#view=whatif&sample=consumer/consumer.ko&with=provider/provider.ko&mutation=without:provider');
  await ready(page);
  await expect(page.getByTestId('whatif-with')).toHaveValue('provider/provider.ko');
  await expect(page.getByTestId('whatif-change')).toContainText('provider.ko loaded first');
  await expect(page.getByTestId('whatif-base-tail')).toHaveText(/as it is\s*insmod: ok/);
  await expect(page.getByTestId('whatif-tail')).toContainText(real[0].output.trim());
  for (const m of real[0].kmsg) await expect(page.getByTestId('whatif-log')).toContainText(m.text);
  // The form: the provider's exports are offered for unexport:.
  await page.getByTestId('whatif-kind').selectOption('unexport');
  await expect(page.locator('#whatif-suggest option[value="provider_greet"]')).toHaveCount(1);
  await page.getByTestId('whatif-arg').fill('provider_greet');
  await page.getByTestId('whatif-run').click();
  await ready(page);
  await expect(page.getByTestId('whatif-divergence')).toContainText('simplify_symbols()');
  await expect(page.getByTestId('whatif-tail')).toContainText(real[1].output.trim());
  await expect(page.getByTestId('whatif-log')).toContainText(real[1].kmsg[0].text);
  await expect.poll(() => page.evaluate<string>('location.hash')).toContain('with=provider/provider.ko&mutation=unexport:provider_greet');
  await page.screenshot({ path: join(SHOTS, 'whatif-unexport.png') });
});

test('the what-if tour plays stop by stop in the Lessons tab and exports as a PDF deck', async ({ page }) => {
  test.setTimeout(300_000);
  const tour = JSON.parse(readFileSync(join(process.cwd(), 'samples', 'hello', 'tour-whatif.json'), 'utf8')) as {
    stops: { at: { fn: string }; caption: string; concepts: string[] }[];
  };
  const n = tour.stops.length;
  await page.goto('/#view=lessons&tour=whatif&stop=1');
  const view = page.getByTestId('lessons-view');
  const at = async (stop: number) => {
    await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-stop', String(stop), { timeout: 60_000 });
    await expect(view).toHaveAttribute('data-busy', 'no');
    await expect(view.getByTestId('lesson-count')).toHaveText(`stop ${stop + 1} of ${n}`);
    await expect(view.getByTestId('step-fn')).toHaveText(`${tour.stops[stop].at.fn}()`);
    await expect(view.getByTestId('lesson-caption')).toHaveText(tour.stops[stop].caption);
  };
  await expect(view.getByTestId('tour-stage')).toHaveAttribute('data-tour', 'whatif', { timeout: 60_000 });
  await at(0);
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(SHOTS, 'whatif-tour-01-crc.png') });
  for (let s = 1; s < n; s++) {
    await view.getByTestId('lesson-next').click();
    await at(s);
    if (s === 2 || s === 8) {
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(SHOTS, `whatif-tour-0${s + 1}.png`) });
    }
  }
  // The lesson index sends C13, C21, C23, C24 and C25 here (among other places).
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 280_000 }), view.getByTestId('tour-export-pdf').click()]);
  expect(d.suggestedFilename()).toBe('whatif-tour.pdf');
  const bytes = readFileSync(await d.path());
  expect(bytes.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length).toBe(n);
  await expect(view.getByTestId('tour-export-status')).toHaveText(`saved whatif-tour.pdf (${n} pages)`);
  const text = pdfContent(bytes);
  expect(text).toContain(`(stop ${n} / ${n}) Tj`);
  expect(text).toContain('(What if the CRC were wrong?');
});
