/**
 * The Electron app end to end. Runs only where an Electron binary exists: it cannot be
 * downloaded everywhere (no GitHub access), and importing 'electron' would try to. Elsewhere it
 * reports itself skipped.
 */
import { test, expect, _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../scripts/electron-binary.mjs';
import { ALLOWED_SKIPS } from '../scripts/prereqs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const bin = electronBinary(root);

test.describe('Electron app', () => {
  // The one allowed skip of the suite (scripts/prereqs.mjs ALLOWED_SKIPS); scripts/test.mjs checks it is the only one.
  test.skip(!bin, `${ALLOWED_SKIPS[0].name}: ${ALLOWED_SKIPS[0].why}`);

  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    if (!existsSync(join(root, 'out', 'main', 'index.js')) || process.env.MODSCOPE_E2E_REBUILD) {
      execFileSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    }
    app = await electron.launch({
      executablePath: bin!,
      args: ['.', join(root, 'samples', 'hello', 'hello.ko')],
      cwd: root,
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('is served from app:// and shows the sample’s sections', async () => {
    expect(page.url()).toMatch(/^app:\/\/modscope\//);
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await expect(page.getByText('.text', { exact: false }).first()).toBeVisible();
    await expect(page.getByText('.modinfo', { exact: false }).first()).toBeVisible();
  });

  test('renderer has no Node and only the bridge', async () => {
    const r = await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown>;
      return {
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        bridge: typeof w.modscope,
        ipc: typeof (w.modscope as Record<string, unknown> | undefined)?.ipcRenderer,
      };
    });
    expect(r).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', bridge: 'object', ipc: 'undefined' });
  });

  test('window.open is denied and navigation away is blocked', async () => {
    const before = app.windows().length;
    const opened = await page.evaluate(() => (globalThis as unknown as { open: (u: string) => unknown }).open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(app.windows().length).toBe(before);
    const url = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(url);
  });

  test('the engine answers over IPC and rejects bad arguments', async () => {
    const r = await page.evaluate(async () => {
      const api = (globalThis as unknown as { modscope: { call: (m: string, a: unknown) => Promise<{ ok: boolean; error?: { code: string } }> } })
        .modscope;
      return [await api.call('nope', {}), await api.call('bytes', { id: 'x', offset: -1, length: 1 })];
    });
    expect(r[0].ok).toBe(false);
    expect(r[0].error?.code).toBe('BAD_REQUEST');
    expect(r[1].error?.code).toBe('BAD_REQUEST');
  });
});
