#!/usr/bin/env node
// Benchmark: reading amdgpu.ko (the corpus' biggest module) with Modscope vs GNU readelf.
//   (a) whole process, same output: `node main/cli/bin.cjs relocs amdgpu.ko >/dev/null`
//       vs `readelf -r -W amdgpu.ko >/dev/null` — the two print byte-identical text (checked
//       first); runs alternate between the two so machine load hits both alike; median of N.
//   (b) engine alone: readElf() on the already-read bytes, in process — median of M runs,
//       next to the readelf process (which includes process start-up and printing).
//   (c) `node main/cli/bin.cjs info amdgpu.ko --json >/dev/null` — reported on its own line:
//       it prints far more than readelf -r (every section, symbol and relocation as JSON).
// Peak RSS and CPU time (user+sys) of every process run via /usr/bin/time when available.
//
//   node scripts/bench.mjs [--module REL/PATH.ko] [--runs N] [--engine-runs N] [--json FILE] [--no-load] [--no-browser] [--no-start]
// then runs scripts/bench/load.mjs (the modelled load path) unless --no-load,
// scripts/bench/browser.mjs (the browser host in Chromium) unless --no-browser, and
// scripts/bench/start.mjs (npm start and export's first use) unless --no-start, then scripts/bench/filter.mjs and
// scripts/bench/decoder.mjs (the CPU model's x86 decoder against objdump -d).
// Fetches the corpus first if it is absent (scripts/fetch-corpus.sh).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { ROOT, ensureCorpus, bundleEngine, elfLength, fmtInt } from './corpus/common.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const MODULE = opt('module', 'kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
const RUNS = Number(opt('runs', 5));
const ENGINE_RUNS = Number(opt('engine-runs', 10));
const jsonOut = opt('json', join(ROOT, 'bench-results', 'bench.json')); // bench-results/ is gitignored

const median = (xs) => {
  const s = [...xs].filter((x) => x != null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x == null ? 'n/a' : `${x.toFixed(1)} ms`);
const mb = (kb) => (kb == null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);

let dir;
try {
  dir = ensureCorpus();
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exit(2);
}
const file = join(dir, MODULE);
if (!existsSync(file)) {
  console.error(`bench: ${file} not found in the corpus`);
  process.exit(2);
}
if (spawnSync('readelf', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench: readelf (GNU binutils) is required');
  process.exit(2);
}

const engineUrl = await bundleEngine();
if (!engineUrl) {
  console.error('bench: engine/elf/index.ts not found — nothing to benchmark');
  process.exit(2);
}

const haveTime = existsSync('/usr/bin/time');
const tmp = mkdtempSync(join(tmpdir(), 'modscope-bench-'));
const node = process.execPath;
const cliBin = join(ROOT, 'main', 'cli', 'bin.cjs');

/**
 * Run cmd once with stdout to /dev/null; returns { ms, status, stderr, rssKb, cpuMs }.
 * Wall time is measured around the spawn; peak RSS and CPU come from /usr/bin/time (same
 * wrapper for every subject, so its small cost is shared alike).
 */
function timeRun(cmd, argv) {
  const o = join(tmp, 'time');
  rmSync(o, { force: true });
  const [c, a] = haveTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', o, cmd, ...argv]] : [cmd, argv];
  const t0 = performance.now();
  const r = spawnSync(c, a, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const t = performance.now() - t0;
  let rssKb = null;
  let cpuMs = null;
  if (haveTime && existsSync(o)) {
    const last = readFileSync(o, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    if (last.length === 3 && last.every(Number.isFinite)) {
      rssKb = last[0];
      cpuMs = (last[1] + last[2]) * 1000;
    }
  }
  return { ms: t, status: r.status, stderr: r.stderr?.toString() ?? '', rssKb, cpuMs };
}

/** Run several subjects in alternation, `runs` times each; per subject median/min/max/RSS. */
function benchAlternating(subjects, runs) {
  const acc = subjects.map(() => ({ times: [], rss: [], cpu: [], error: null }));
  for (let i = 0; i < runs; i++) {
    subjects.forEach((s, k) => {
      if (acc[k].error) return;
      const r = timeRun(s.cmd, s.argv);
      if (r.status !== 0) acc[k].error = `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      acc[k].times.push(r.ms);
      acc[k].rss.push(r.rssKb);
      acc[k].cpu.push(r.cpuMs);
    });
  }
  return acc.map((x) =>
    x.error
      ? { error: x.error }
      : {
          median: median(x.times),
          min: Math.min(...x.times),
          max: Math.max(...x.times),
          times: x.times,
          rss: x.rss.every((v) => v == null) ? null : Math.max(...x.rss.filter((v) => v != null)),
          cpu: median(x.cpu),
        },
  );
}

/** sha256 + size of a command's stdout. */
function outputDigest(cmd, argv) {
  const r = spawnSync(cmd, argv, { maxBuffer: 1 << 30 });
  if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr?.toString().trim().split('\n').slice(-2).join(' | ')}` };
  return { sha: createHash('sha256').update(r.stdout).digest('hex'), bytes: r.stdout.length };
}

// ---- subjects -------------------------------------------------------------------------------
const relocsSubject = { label: 'modscope relocs', cmd: node, argv: [cliBin, 'relocs', file] };
const readelfSubject = { label: 'readelf -r -W', cmd: 'readelf', argv: ['-r', '-W', file] };
const jsonSubject = { label: 'modscope info --json', cmd: node, argv: [cliBin, 'info', file, '--json'] };
if (!existsSync(cliBin)) {
  console.error('bench: main/cli/bin.cjs not found');
  process.exit(2);
}

// Same output? (this also builds out/cli/modscope.mjs if missing, and warms the page cache)
const dm = outputDigest(relocsSubject.cmd, relocsSubject.argv);
const dr = outputDigest(readelfSubject.cmd, readelfSubject.argv);
if (dm.error) {
  console.error(`bench: modscope relocs failed (${dm.error})`);
  process.exit(2);
}
const sameOutput = !dr.error && dm.sha === dr.sha;
timeRun(jsonSubject.cmd, jsonSubject.argv); // warm-up

console.error(`bench: ${MODULE} — ${RUNS} runs per process (alternating), ${ENGINE_RUNS} in-process engine runs…`);
const loadBefore = loadavg()[0];
const [a, re, js] = benchAlternating([relocsSubject, readelfSubject, jsonSubject], RUNS);

// ---- (b) engine alone, in process --------------------------------------------------------------
const engine = await import(engineUrl);
const buf = readFileSync(file);
const bytes = new Uint8Array(buf.buffer, buf.byteOffset, elfLength(buf));
let elf = engine.readElf(bytes); // warm-up (JIT)
engine.readElf(bytes);
const engTimes = [];
for (let i = 0; i < ENGINE_RUNS; i++) {
  const t0 = performance.now();
  elf = engine.readElf(bytes);
  engTimes.push(performance.now() - t0);
}
const eng = { median: median(engTimes), min: Math.min(...engTimes), max: Math.max(...engTimes) };
let relocs = 0;
for (const r of elf.relocSections) relocs += r.count;

// ---- report -----------------------------------------------------------------------------------
const ratio = (x, y) => (x == null || y == null || y === 0 ? 'n/a' : `${(x / y).toFixed(2)}×`);
const proc = (label, r) =>
  r.error ? [label, 'FAILED', '', String(RUNS), '', ''] : [label, ms(r.median), `${ms(r.min)} … ${ms(r.max)}`, String(RUNS), ms(r.cpu), mb(r.rss)];
const rows = [
  proc(`(a) ${relocsSubject.label}  (whole process)`, a),
  proc(`(a) ${readelfSubject.label}  (whole process)`, re),
  proc(`(c) ${jsonSubject.label}  (whole process)`, js),
  ['(b) engine readElf  (in process)', ms(eng.median), `${ms(eng.min)} … ${ms(eng.max)}`, String(ENGINE_RUNS), '', ''],
  ['ratio (a) modscope relocs / readelf — wall time', a.error || re.error ? 'n/a' : ratio(a.median, re.median), '', '', '', ''],
  ['ratio (a) modscope relocs / readelf — CPU time', a.error || re.error ? 'n/a' : ratio(a.cpu, re.cpu), '', '', '', ''],
  ['ratio (a) modscope relocs / readelf — peak RSS', a.error || re.error ? 'n/a' : ratio(a.rss, re.rss), '', '', '', ''],
  ['ratio (c) info --json / readelf -r -W — wall time', js.error || re.error ? 'n/a' : ratio(js.median, re.median), '', '', '', ''],
  ['ratio (b) engine readElf / readelf process — wall time', re.error ? 'n/a' : ratio(eng.median, re.median), '', '', '', ''],
];
const head = ['', 'median', 'min … max', 'runs', 'CPU (median)', 'peak RSS'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmtRow = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

console.log(
  `bench: ${MODULE}: ${fmtInt(buf.length)} bytes (ELF ${fmtInt(bytes.length)}), ` +
    `${fmtInt(elf.sections.length)} sections, ${fmtInt(elf.symtab?.symbols.length ?? 0)} symbols, ${fmtInt(relocs)} relocations`,
);
console.log(
  `output: modscope relocs ${fmtInt(dm.bytes)} bytes, readelf -r -W ${dr.error ? `FAILED (${dr.error})` : `${fmtInt(dr.bytes)} bytes`} — ` +
    (sameOutput ? 'identical (sha256)' : 'DIFFERENT: (a) does not compare like with like'),
);
console.log(fmtRow(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
rows.forEach((r, i) => {
  if (i === 4) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  console.log(fmtRow(r));
});
for (const [label, r] of [
  ['(a) modscope relocs', a],
  ['(a) readelf', re],
  ['(c) modscope info --json', js],
])
  if (r.error) console.log(`${label}: ${r.error}`);
console.log(
  `node ${process.version}, readelf ${spawnSync('readelf', ['--version'])
    .stdout.toString()
    .split('\n')[0]
    .replace(/^GNU readelf /, '')}, ` +
    `load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}${haveTime ? '' : ' (no /usr/bin/time: no RSS/CPU)'}`,
);

if (jsonOut) {
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        loadavg: [loadBefore, loadavg()[0]],
        node: process.version,
        module: MODULE,
        bytes: buf.length,
        elfBytes: bytes.length,
        relocations: relocs,
        sameOutput,
        relocs: a,
        readelf: re,
        infoJson: js,
        engine: { ...eng, times: engTimes },
      },
      null,
      2,
    ),
  );
}
rmSync(tmp, { recursive: true, force: true });
// (d)–(f): the modelled load path (amdgpu with its dependencies, the whole corpus, seeking).
const loadBench = args.includes('--no-load')
  ? { status: 0 }
  : spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'load.mjs'), '--runs', String(RUNS)], { stdio: 'inherit' });
// (i)–(l): the browser host in Chromium (cold start, seek + render, scrolling, a step transition).
const browserBench = args.includes('--no-browser')
  ? { status: 0 }
  : spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'browser.mjs')], { stdio: 'inherit' });
// (n)–(o): starting the app without Electron (built bundle vs the Vite dev server) and export's first use.
const startBench = args.includes('--no-start')
  ? { status: 0 }
  : spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'start.mjs')], { stdio: 'inherit' });
// (m): the Relocations filter while typing, in the engine vs filtering in the view.
const filterBench = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'filter.mjs'), '--runs', String(RUNS)], { stdio: 'inherit' });
// The x86 decoder behind the CPU model vs objdump -d on the same .text.
const decoderBench = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'decoder.mjs'), '--runs', String(RUNS)], { stdio: 'inherit' });
process.exit(
  a.error ||
    re.error ||
    js.error ||
    !sameOutput ||
    loadBench.status !== 0 ||
    browserBench.status !== 0 ||
    startBench.status !== 0 ||
    filterBench.status !== 0 ||
    decoderBench.status !== 0
    ? 1
    : 0,
);
