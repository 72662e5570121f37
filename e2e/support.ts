/** What the browser e2e share: screenshots into e2e/screenshots, and booting + insmod of the bundled hello.ko. */
import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** A screenshot named `<prefix>-<name>.png`, after D3 transitions settle. */
export function shooter(prefix: string, settleMs = 600): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    await page.waitForTimeout(settleMs);
    await page.screenshot({ path: join(SHOTS, `${prefix}-${name}.png`) });
  };
}

/** Open the app on hello.ko, boot the 6.1 model in the Load view, insmod with the default count=3, and wait until the view has moved to it. */
export async function bootAndInsmod(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
  await page.getByTestId('tab-load').click();
  await expect(page.getByTestId('load-view')).toBeVisible();
  await page.getByTestId('boot-button').click();
  await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 30_000 });
  await expect(page.getByTestId('module-args')).toHaveValue('count=3');
  await page.getByTestId('insmod-button').click();
  // Done when the command is in the transcript and the view is no longer busy moving to the operation.
  await expect(page.getByTestId('shell-transcript')).toContainText('insmod hello.ko count=3', { timeout: 30_000 });
  await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no');
  await expect(page.getByTestId('step-row').first()).toBeVisible();
}

/** The text of a PDF with its Flate streams inflated (jsPDF compresses page content). */
export function pdfContent(bytes: Buffer): string {
  const raw = bytes.toString('latin1');
  const out = [raw];
  const re = /stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      out.push(inflateSync(bytes.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream
    }
  }
  return out.join('\n');
}
