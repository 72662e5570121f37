/**
 * `npm start -- x.ko` where no Electron binary exists: `modscope serve` serves the built web app and
 * the module, and the page opens that module (not the default sample), boots and loads it.
 */
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shooter } from './support';
import { servedUrl } from '../scripts/test-support/served-url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const shot = shooter('start');
let child: ChildProcess;
let url = '';

test.beforeAll(async () => {
  child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), join(ROOT, 'samples', 'params', 'params.ko')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  url = await servedUrl(child);
});

test.afterAll(() => {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    /* already gone */
  }
});

test('npm start -- params.ko opens params.ko from the built bundle and loads it', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  expect(url).toMatch(/\?file=\/local\/0\/params\.ko$/);
  await page.goto(url);
  await expect(page.getByTestId('module-name')).toContainText('params.ko', { timeout: 60_000 });
  await page.getByTestId('tab-load').click();
  await page.getByTestId('boot-button').click();
  await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 60_000 });
  await page.getByTestId('insmod-button').click();
  await expect(page.getByTestId('shell-transcript')).toContainText('insmod params.ko', { timeout: 60_000 });
  await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no', { timeout: 60_000 });
  await shot(page, 'params-loaded');
});
