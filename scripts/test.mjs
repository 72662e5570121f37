#!/usr/bin/env node
// `npm test`: lint + types, unit tests, the Debian corpus comparison, browser e2e.
// Ends with one plain line "N passed, N failed[, N skipped]" (tests across all stages).
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = join(root, 'out', 'test-results');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

let passed = 0, failed = 0, skipped = 0;
const stages = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  stages.push({ name, ok, seconds: (Date.now() - t0) / 1000 });
  return ok;
}

// 1. Static checks: each counts as one test.
for (const [name, cmd, args] of [
  ['lint (engine boundary + rules)', 'npx', ['eslint', '.']],
  ['typecheck engine (no DOM, no Node)', 'npx', ['tsc', '-p', 'tsconfig.engine.json', '--noEmit']],
  ['typecheck node (main, CLI, scripts)', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']],
  ['typecheck web (renderer)', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']],
]) {
  if (run(name, cmd, args)) passed++; else failed++;
}

// 2. Unit tests (vitest).
const vitestJson = join(tmp, 'vitest.json');
run('unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const j = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += j.numPassedTests; failed += j.numFailedTests + (j.numFailedTestSuites ?? 0); skipped += j.numPendingTests + (j.numTodoTests ?? 0);
} else failed++;

// 3. The corpus: every Debian 6.1 module against readelf.
const corpusOk = run('corpus vs readelf', 'node', ['scripts/corpus-test.mjs']);
if (corpusOk) passed++; else failed++;

// 4. e2e in Chromium through the browser (worker) host; Electron e2e skips itself without a binary.
const pwJson = join(tmp, 'playwright.json');
run('e2e (Playwright, Chromium)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
if (existsSync(pwJson)) {
  const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
  passed += s.expected + (s.flaky ?? 0); failed += s.unexpected; skipped += s.skipped;
} else failed++;

console.log('\n=== summary');
for (const s of stages) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds.toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && stages.every((s) => s.ok) ? 0 : 1);
