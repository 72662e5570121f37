/**
 * main/cli/cdp.ts on the real Chromium (outside CI, skipped where /usr/bin/chromium is absent): the page export drives has the
 * viewport and colour scheme playwright's newPage gave it, evaluates and waits, reports uncaught errors, and the
 * browser builds no omnibox popup pages at start (the switch that saves ~1.4 s of CPU).
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { missing } from '../../scripts/test-support/prereq';
import { launch, PLAYWRIGHT_SWITCHES, profileRoot } from './cdp';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--single-process', '--no-zygote'];
const profiles = () => readdirSync(profileRoot()).filter((f) => f.startsWith('modscope-chromium-'));

describe.skipIf(missing('chromium', existsSync(CHROMIUM)))('cdp: headless Chromium over the DevTools pipe', () => {
  it('gives the page 1400×860 at 1×, light colours; evaluates, waits, reports errors; leaves no profile behind', async () => {
    const before = new Set(profiles());
    const b = await launch({ executablePath: CHROMIUM, args: ARGS, viewport: { width: 1400, height: 860 }, colorScheme: 'light' });
    try {
      const seen = await b.page.evaluate(() => {
        const w = globalThis as unknown as {
          innerWidth: number;
          innerHeight: number;
          devicePixelRatio: number;
          matchMedia(q: string): { matches: boolean };
        };
        return [w.innerWidth, w.innerHeight, w.devicePixelRatio, w.matchMedia('(prefers-color-scheme: light)').matches];
      });
      // Without the emulation Chromium's own window gives 1400×773 and no focus: the app would lay out otherwise.
      expect(seen).toEqual([1400, 860, 1, true]);
      expect(await b.page.evaluate((a) => a.x * 2, { x: 21 })).toBe(42);
      expect(await b.page.evaluate(() => Promise.resolve('later'))).toBe('later');
      await expect(b.page.evaluate(() => (null as unknown as { x: number }).x)).rejects.toThrow(/null/);
      await b.page.evaluate(() => void setTimeout(() => ((globalThis as unknown as { flag: boolean }).flag = true), 30));
      await b.page.waitFor(() => (globalThis as unknown as { flag?: boolean }).flag === true, 5000);
      await expect(b.page.waitFor(() => false, 200)).rejects.toThrow(/timed out/);
      await b.page.evaluate(
        () =>
          void setTimeout(() => {
            throw new Error('boom in the page');
          }, 0),
      );
      await b.page.waitFor(() => true, 1000);
      await new Promise((r) => setTimeout(r, 100));
      expect(b.page.errors).toContain('boom in the page');
      const { targetInfos } = await b.cdp.send<{ targetInfos: { type: string; url: string }[] }>('Target.getTargets');
      expect(targetInfos.filter((t) => t.url.startsWith('chrome://'))).toEqual([]);
    } finally {
      await b.close();
    }
    expect(profiles().filter((f) => !before.has(f))).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('leaves neither profile nor browser behind when the process is ended by %s', async (signal) => {
    // A process that launches the browser and waits: what `modscope export` is while Chromium draws.
    const dir = mkdtempSync(join(tmpdir(), 'modscope-cdp-signal-'));
    const script = join(dir, 'hold.cjs');
    const entry =
      `require('./cdp').launch({ executablePath: ${JSON.stringify(CHROMIUM)}, args: ${JSON.stringify(ARGS)}, ` +
      `viewport: { width: 800, height: 600 }, colorScheme: 'light' }).then(() => { console.log('up'); setInterval(() => {}, 1000); });`;
    buildSync({
      stdin: { contents: entry, resolveDir: __dirname, loader: 'js' },
      bundle: true,
      platform: 'node',
      outfile: script,
      logLevel: 'error',
    });
    const before = new Set(profiles());
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((ok, fail) => {
        child.stdout.on('data', (d: Buffer) => void (String(d).includes('up') && ok()));
        child.once('exit', (code) => fail(new Error(`exited ${code} before the browser was up`)));
      });
      const made = profiles().filter((f) => !before.has(f));
      expect(made).toHaveLength(1);
      const exited = new Promise<NodeJS.Signals | null>((ok) => child.once('exit', (_code, sig) => ok(sig)));
      child.kill(signal);
      // It dies of the same signal (a shell sees 128 + n), after removing the profile and killing Chromium.
      expect(await exited).toBe(signal);
      expect(profiles().filter((f) => !before.has(f))).toEqual([]);
      expect(spawnSync('pgrep', ['-f', made[0]]).status).toBe(1); // no process has that profile any more
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its throwaway profile on a tmpfs where there is one (removing it from /tmp took 0.3 s of each export)', () => {
    expect(profileRoot()).toBe(existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  });

  it("passes playwright's disabled features and ours in one --disable-features (Chromium keeps only the last one given)", () => {
    const disable = PLAYWRIGHT_SWITCHES.filter((s) => s.startsWith('--disable-features='));
    expect(disable).toHaveLength(1);
    expect(disable[0].split('=')[1].split(',')).toEqual(expect.arrayContaining(['PaintHolding', 'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup']));
  });
});
