/**
 * The printk buffer pane in the browser build: boot, insmod hello (out-of-tree, unsigned → taint
 * messages), look at the records in 6.1's ring, then at 2.4's char ring with a 4096-byte log_buf.
 */
import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { bootAndInsmod, SHOTS as shots } from './support';

async function shot(page: Page, name: string) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(shots, `ring-${name}.png`) });
  await page.getByTestId('ring-pane').screenshot({ path: join(shots, `ring-${name}-pane.png`) });
}

test('printk buffer pane: 6.1 records and the 2.4 char ring', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await bootAndInsmod(page);
  await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('End');
  await expect(page.getByTestId('kernel-log')).toContainText('taints kernel');

  await page.getByTestId('log-tab-ring').click();
  const pane = page.getByTestId('ring-pane');
  await expect(pane).toBeVisible();
  await expect(pane).toHaveAttribute('data-design', 'record');
  const dmesg = page.getByTestId('ring-dmesg');
  await expect(dmesg).toContainText('hello: loading out-of-tree module taints kernel.');
  await expect(dmesg).toContainText('module verification failed');
  await expect(dmesg).toContainText(/\[\s+\d+\.\d{6}\] hello: loading out-of-tree/);
  // Each record is a data block (an arc) and a descriptor; seq 0 is the first taint message.
  const svg = page.getByTestId('ring-svg');
  expect(await svg.locator('path.seg.rb-lvl-4').count()).toBeGreaterThan(0);
  expect(await svg.locator('path.seg.rb-st-finalized').count()).toBeGreaterThanOrEqual(2);
  await expect(svg.locator('[data-marker="head"]')).toHaveCount(1);
  await expect(page.getByTestId('ring-stats')).toContainText('128.0 KiB');
  await expect(page.getByTestId('ring-stats')).toContainText('4096');
  // console_loglevel 7: warnings reach the console; at 4 (quiet) they stay in the buffer only.
  await expect(dmesg.locator('[data-console="yes"]').first()).toBeVisible();
  await shot(page, '01-record');
  await page.getByTestId('ring-console-level').selectOption('4');
  await expect(dmesg.locator('.log-line', { hasText: 'out-of-tree' })).toHaveAttribute('data-console', 'no');

  // A small record ring, to see the blocks at scale.
  await page.getByTestId('ring-size').selectOption('10');
  await expect(page.getByTestId('ring-stats')).toContainText('1.0 KiB');
  await shot(page, '02-record-1k');

  // The 2.4 char ring, 4096 bytes: levels are in the text as "<n>".
  await page.getByTestId('ring-design-classic').click();
  await expect(pane).toHaveAttribute('data-design', 'classic');
  await page.getByTestId('ring-size').selectOption('4096');
  await expect(page.getByTestId('ring-stats')).toContainText('4096');
  await expect(dmesg).toContainText('<4>hello: loading out-of-tree module taints kernel.');
  await expect(svg.locator('[data-marker="log_end"]')).toHaveCount(1);
  await expect(svg.locator('[data-marker="con_start"]')).toHaveCount(1);
  await shot(page, '03-classic-4096');

  // Fill it: 45 lines written to /dev/kmsg wrap the 4096-byte log_buf; the oldest text is overwritten.
  const lines = Array.from(
    { length: 45 },
    (_, i) => `echo "<6>filler ${String(i).padStart(2, '0')}: ${'the quick brown fox jumps over the lazy dog '.repeat(2).trim()}" > /dev/kmsg`,
  );
  // (rmmod afterwards: records written outside an operation only show once the timeline moves past them.)
  await page.getByTestId('shell-input').fill([...lines, 'rmmod hello'].join('; '));
  await page.getByTestId('shell-input').press('Enter');
  await expect(page.getByTestId('shell-transcript')).toContainText('filler 44');
  await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');
  await page.getByTestId('load-center').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('End');
  await expect(dmesg).toContainText('filler 44');
  await expect(page.getByTestId('ring-stats')).toContainText(/lost\s*\d+ chars/);
  await expect(dmesg).not.toContainText('<4>hello: loading out-of-tree');
  await expect(dmesg.locator('.log-line').first()).toContainText('…');
  await shot(page, '04-classic-wrapped');

  // The 1 KiB record ring wrapped too: only the newest records are left, the rest made reusable.
  await page.getByTestId('ring-design-record').click();
  await expect(page.getByTestId('ring-stats')).toContainText('1.0 KiB');
  await expect(dmesg).not.toContainText('hello: loading');
  await expect(dmesg).toContainText('filler 44');
  expect(await svg.locator('path.seg.rb-st-reusable').count()).toBeGreaterThan(0);
  await shot(page, '05-record-1k-wrapped');

  // Back to dmesg: the original pane is intact.
  await page.getByTestId('log-tab-dmesg').click();
  await expect(page.getByTestId('kernel-log')).toContainText('taints kernel');
  expect(errors).toEqual([]);
});
