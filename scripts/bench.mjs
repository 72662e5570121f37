#!/usr/bin/env node
// Benchmark: reading amdgpu.ko (the corpus' biggest module) with Modscope vs GNU readelf.
//   (a) whole process: `node main/cli/bin.mjs info amdgpu.ko --json >/dev/null`
//       vs `readelf -r -W amdgpu.ko >/dev/null` — median of 5 runs each
//   (b) engine alone: readElf() on the already-read bytes, in process — median of 10 runs
//       vs the readelf process
// Peak RSS via /usr/bin/time -f %M when available.
//
//   node scripts/bench.mjs [--module REL/PATH.ko] [--runs N] [--engine-runs N] [--json FILE]
// Fetches the corpus first if it is absent (scripts/fetch-corpus.sh).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const jsonOut = opt('json', '');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
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

/** Run cmd once; returns { ms, status, stderr }. stdout goes to /dev/null. */
function timeRun(cmd, argv) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const t = performance.now() - t0;
  return { ms: t, status: r.status, stderr: r.stderr?.toString() ?? '' };
}
/** Peak RSS (kB) of one run, via /usr/bin/time. */
function peakRss(cmd, argv) {
  if (!haveTime) return null;
  const o = join(tmp, 'rss');
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', o, cmd, ...argv], { stdio: 'ignore' });
  if (r.status !== 0 || !existsSync(o)) return null;
  const kb = Number(readFileSync(o, 'utf8').trim().split('\n').pop());
  return Number.isFinite(kb) ? kb : null;
}
function bench(cmd, argv, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = timeRun(cmd, argv);
    if (r.status !== 0) return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    times.push(r.ms);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), times, rss: peakRss(cmd, argv) };
}

// ---- subjects -------------------------------------------------------------------------------
const node = process.execPath;
const cliBin = join(ROOT, 'main', 'cli', 'bin.mjs');
let subject = null;
if (existsSync(cliBin)) {
  // warm-up run (also builds out/cli/modscope.mjs if it is missing) and sanity check
  const w = timeRun(node, [cliBin, 'info', file, '--json']);
  if (w.status === 0) subject = { label: 'modscope CLI info --json', cmd: node, argv: [cliBin, 'info', file, '--json'] };
  else console.error(`bench: CLI failed (exit ${w.status}): ${w.stderr.trim().split('\n').slice(-2).join(' | ')} — using the engine script instead`);
} else console.error('bench: main/cli/bin.mjs not found — using the engine script instead');
if (!subject) {
  subject = {
    label: 'node + readElf (engine script)',
    cmd: node,
    argv: [join(ROOT, 'scripts', 'bench', 'parse-file.mjs'), engineUrl, file],
  };
  timeRun(subject.cmd, subject.argv); // warm-up
}
const readelfArgv = ['-r', '-W', file];
timeRun('readelf', readelfArgv); // warm the page cache

console.error(`bench: ${MODULE} — ${RUNS} runs per process, ${ENGINE_RUNS} in-process engine runs…`);
const a = bench(subject.cmd, subject.argv, RUNS);
const re = bench('readelf', readelfArgv, RUNS);

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
const rows = [
  ['(a) ' + subject.label, a.error ? 'FAILED' : ms(a.median), a.error ? '' : `${ms(a.min)} … ${ms(a.max)}`, String(RUNS), a.error ? '' : mb(a.rss)],
  ['(a) readelf -r -W', re.error ? 'FAILED' : ms(re.median), re.error ? '' : `${ms(re.min)} … ${ms(re.max)}`, String(RUNS), re.error ? '' : mb(re.rss)],
  ['    ratio modscope / readelf', a.error || re.error ? 'n/a' : ratio(a.median, re.median), '', '', ''],
  ['(b) engine readElf (in process)', ms(eng.median), `${ms(eng.min)} … ${ms(eng.max)}`, String(ENGINE_RUNS), ''],
  ['(b) readelf -r -W (whole process)', re.error ? 'FAILED' : ms(re.median), '', '', ''],
  ['    ratio engine / readelf', re.error ? 'n/a' : ratio(eng.median, re.median), '', '', ''],
];
const head = ['', 'median', 'min … max', 'runs', 'peak RSS'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const fmtRow = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

console.log(
  `bench: ${MODULE}: ${fmtInt(buf.length)} bytes (ELF ${fmtInt(bytes.length)}), ` +
    `${fmtInt(elf.sections.length)} sections, ${fmtInt(elf.symtab?.symbols.length ?? 0)} symbols, ${fmtInt(relocs)} relocations`,
);
console.log(fmtRow(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(fmtRow(r));
if (a.error) console.log(`(a) ${subject.label}: ${a.error}`);
if (re.error) console.log(`readelf: ${re.error}`);
console.log(`node ${process.version}, readelf ${spawnSync('readelf', ['--version']).stdout.toString().split('\n')[0].replace(/^GNU readelf /, '')}`);

if (jsonOut) {
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(
    jsonOut,
    JSON.stringify({ module: MODULE, bytes: buf.length, elfBytes: bytes.length, relocations: relocs, subject: subject.label, process: a, readelf: re, engine: { ...eng, times: engTimes } }, null, 2),
  );
}
rmSync(tmp, { recursive: true, force: true });
process.exit(a.error || re.error ? 1 : 0);
