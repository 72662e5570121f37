#!/usr/bin/env node
// Benchmark of starting the app where no Electron binary exists, peer measured in the same run:
//   (n) `npm start` (node scripts/start.mjs → `modscope serve`: the web bundle built at install) vs
//       `npm start -- --dev` (the Vite dev server, what npm start served before): process start until
//       the URL is printed, then a fresh Chromium context navigating to it until hello.ko is shown.
//       Runs alternate between the two; medians. Target: first paint ≤ 1.5 s.
//   (o) `modscope export hello.ko --view memory --format svg`, first use after `npm install` (the web
//       bundle is built by the package's prepare script) vs the same export when the bundle had to be
//       built first (what first use cost before: a vite build, measured here into a temporary folder,
//       plus the export). Target: ≤ 3 s.
//   node scripts/bench/start.mjs [--runs N] [--json FILE]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../corpus/common.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 3));
const jsonOut = opt('json', join(ROOT, 'bench-results', 'start.json'));
const CHROMIUM = '/usr/bin/chromium';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const s1 = (v) => `${(v / 1000).toFixed(2)} s`;
const load0 = loadavg()[0];

// The bundle as `npm install` leaves it (fresh: not rebuilt during the measurement).
const built = spawnSync(process.execPath, [join(ROOT, 'main', 'cli', 'bin.cjs'), 'serve', '--build-only'], { cwd: ROOT, stdio: 'inherit' });
if (built.status !== 0) {
  console.error('bench/start: the web bundle could not be built');
  process.exit(2);
}

const { chromium } = await import('@playwright/test');
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });

/** Starts `node scripts/start.mjs [--dev]`, opens its URL in a fresh context; times to URL and to hello.ko shown. */
async function startOnce(dev, port) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), ...(dev ? ['--dev'] : [])], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  try {
    const url = await new Promise((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`no URL within 120 s: ${out}`)), 120_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /open (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      });
      child.on('exit', (c) => fail(new Error(`start exited ${c}: ${out}`)));
    });
    const tUrl = performance.now() - t0;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await ctx.newPage();
    const tNav = performance.now();
    await page.goto(url);
    await page.getByTestId('module-name').filter({ hasText: 'hello.ko' }).waitFor({ timeout: 120_000 });
    const tShown = performance.now();
    await ctx.close();
    return { toUrl: tUrl, firstPaint: tShown - tNav, total: tShown - t0 };
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
}

const results = { built: [], dev: [] };
let failed = false;
try {
  for (let i = 0; i < RUNS; i++) {
    results.built.push(await startOnce(false, 5321));
    results.dev.push(await startOnce(true, 5322));
  }
} catch (e) {
  failed = true;
  console.error(`bench/start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
}
await browser.close();

// (o) export, bundle already built vs built on first use (a vite build into a temporary folder + the export).
const tmp = mkdtempSync(join(tmpdir(), 'modscope-bench-start-'));
const timed = (argv) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.slice(1).join(' ')}: ${r.stderr}`);
  return performance.now() - t0;
};
const exp = { exportMs: [], buildMs: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    const out = join(tmp, `hello-${i}.svg`);
    exp.exportMs.push(
      timed([join(ROOT, 'main', 'cli', 'bin.cjs'), 'export', 'samples/hello/hello.ko', '--view', 'memory', '--format', 'svg', '--out', out]),
    );
    exp.buildMs.push(
      timed([
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'renderer/vite.web.config.ts',
        '--outDir',
        join(tmp, 'web'),
        '--emptyOutDir',
        '--logLevel',
        'error',
      ]),
    );
  }
} catch (e) {
  failed = true;
  console.error(`bench/start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
}
rmSync(tmp, { recursive: true, force: true });

const load1 = loadavg()[0];
console.log(`\nbench: starting the app without Electron (load average ${load0.toFixed(2)} → ${load1.toFixed(2)}, ${RUNS} runs each, alternating)`);
if (results.built.length && results.dev.length) {
  const b = (k) => median(results.built.map((r) => r[k]));
  const d = (k) => median(results.dev.map((r) => r[k]));
  console.log(
    `(n) npm start (built bundle) vs npm start -- --dev (Vite dev server, the peer): URL printed ${s1(b('toUrl'))} vs ${s1(d('toUrl'))}; ` +
      `first paint (navigation → hello.ko shown) ${s1(b('firstPaint'))} vs ${s1(d('firstPaint'))}, ratio ${(b('firstPaint') / d('firstPaint')).toFixed(2)}× ` +
      `(target ≤ 1.5 s: ${b('firstPaint') <= 1500 ? 'met' : 'NOT met'}); start to shown ${s1(b('total'))} vs ${s1(d('total'))}`,
  );
}
if (exp.exportMs.length) {
  const e = median(exp.exportMs);
  const bld = median(exp.buildMs);
  console.log(
    `(o) modscope export hello.ko (memory, SVG), first use after npm install: ${s1(e)} (target ≤ 3 s: ${e <= 3000 ? 'met' : 'NOT met'}) ` +
      `vs first use when the bundle was built on demand (vite build ${s1(bld)} + export): ${s1(bld + e)}, ratio ${(e / (bld + e)).toFixed(2)}×`,
  );
}
if (jsonOut) {
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), loadavg: [load0, load1], start: results, export: exp }, null, 2));
}
process.exit(failed || !existsSync(join(ROOT, 'out', 'cli', 'web', 'index.html')) ? 1 : 0);
