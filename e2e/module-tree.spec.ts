/**
 * The shell pane over a module tree: point the app at the corpus's lib/modules/6.1.0-50-amd64 (a directory
 * input: the page lists the folder, reads modules.dep if any and only the modules modprobe needs), run
 * `modprobe amdgpu`, and hold lsmod and dmesg to what `modscope load amdgpu.ko --modprobe …` does: the same
 * dependencies loaded in the same order, the same kernel log.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shooter } from './support';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TREE = join(
  process.env.MODSCOPE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'modscope'),
  'corpus',
  'lib',
  'modules',
  '6.1.0-50-amd64',
);
const AMDGPU = join(TREE, 'kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
const shot = shooter('module-tree');

async function run(page: Page, line: string, timeout = 30_000): Promise<string> {
  const entries = page.getByTestId('shell-transcript').locator('.shell-entry');
  const before = await entries.count();
  await page.getByTestId('shell-input').fill(line);
  await page.getByTestId('shell-input').press('Enter');
  await expect(entries).toHaveCount(before + 1, { timeout });
  await expect(page.getByTestId('load-view')).toHaveAttribute('data-busy', 'no', { timeout });
  const last = entries.nth(before);
  await expect(last.locator('.shell-cmd')).toHaveText(`# ${line}`);
  return (await last.locator('.shell-out').count()) ? ((await last.locator('.shell-out').textContent()) ?? '') : '';
}

/** `modscope load amdgpu.ko --modprobe TREE/kernel`: the insmod commands in order and the kernel log (<level>[time] text). */
function cliModprobe(): { loaded: string[]; log: string[]; exit: number } {
  let out = '';
  let exit = 0;
  try {
    out = execFileSync(process.execPath, [join(ROOT, 'main/cli/bin.mjs'), 'load', AMDGPU, '--modprobe', join(TREE, 'kernel')], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
  } catch (e) {
    const err = e as { status: number; stdout: string };
    exit = err.status;
    out = err.stdout;
  }
  const loaded = [...out.matchAll(/^# insmod (\S+)$/gm)].map((m) => (m[1].split('/').pop() ?? '').replace(/\.ko$/, '').replace(/-/g, '_'));
  const from = out.indexOf('\nKernel log (');
  const log = out
    .slice(out.indexOf('\n', from + 1) + 1)
    .split('\n')
    .filter((l) => /^<\d>\[/.test(l));
  return { loaded, log, exit };
}

test.describe(() => {
  test.skip(missing(CORPUS_WHAT, existsSync(AMDGPU)), CORPUS_WHAT);

  test('modprobe amdgpu in the shell pane over the corpus tree loads what modscope load --modprobe loads', async ({ page }) => {
    test.setTimeout(300_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('tab-load').click();
    await expect(page.getByTestId('module-tree-button')).toBeDisabled();
    await page.getByTestId('boot-button').click();
    await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 30_000 });

    await page.getByTestId('module-tree-input').setInputFiles(TREE);
    const info = page.getByTestId('module-tree-info');
    await expect(info).toContainText('6.1.0-50-amd64', { timeout: 60_000 });
    expect(Number(await info.getAttribute('data-modules'))).toBeGreaterThan(4000);
    await expect(info).toHaveAttribute('data-deps', 'Module.symvers');

    expect(await run(page, 'modprobe amdgpu', 240_000)).toBe('');
    const lsmod = await run(page, 'lsmod');
    const dmesg = await run(page, 'dmesg -r');
    // The transcript from the modprobe on: lsmod's rows in the pane.
    await page
      .getByTestId('shell-transcript')
      .locator('.shell-entry')
      .nth(-3)
      .evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, '01-modprobe-amdgpu');

    const cli = cliModprobe();
    expect(cli.exit).toBe(0);
    expect(cli.loaded.length).toBe(13);
    // lsmod: newest first, so the CLI's load order reversed; amdgpu itself with 0 users.
    const rows = lsmod.trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual([...cli.loaded].reverse());
    expect(rows[0]).toMatch(/^amdgpu\s+\d+\s+0$/);
    // dmesg -r: the same lines as the CLI's kernel log (after whatever the boot printed here).
    const lines = dmesg.trim().split('\n');
    const text = (l: string) => l.replace(/^<(\d)>\[[ \d.]+\] /, '<$1>');
    expect(lines.slice(lines.length - cli.log.length).map(text)).toEqual(cli.log.map(text));
    expect(cli.log.some((l) => l.includes('amdgpu'))).toBe(true);
    expect(errors).toEqual([]);
  });

  test('modscope serve --modules TREE (npm start -- --modules TREE): the page takes the served tree; modprobe vfat loads fat first', async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const child = spawn(process.execPath, [join(ROOT, 'main', 'cli', 'bin.cjs'), 'serve', '--modules', TREE, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /open (http:\/\/\S+)/.exec(out);
          if (m) ok(m[1]);
        });
        child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (c) => fail(new Error(`serve exited ${c}: ${out}`)));
      });
      expect(url).toMatch(/\/\?modules=\/modtree\/$/);
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.goto(url);
      await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 60_000 });
      await page.getByTestId('tab-load').click();
      await page.getByTestId('boot-button').click();
      await expect(page.getByTestId('kernel-summary')).toContainText('6.1.0', { timeout: 30_000 });
      await expect(page.getByTestId('module-tree-info')).toContainText('6.1.0-50-amd64', { timeout: 60_000 });
      expect(await run(page, 'modprobe vfat', 120_000)).toBe('');
      const lsmod = await run(page, 'lsmod');
      expect(lsmod).toBe('Module                  Size  Used by\nvfat                   24576  0\nfat                    90112  1 vfat\n');
      await shot(page, '02-served-tree-vfat');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
