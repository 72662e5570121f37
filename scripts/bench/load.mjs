#!/usr/bin/env node
// Benchmark of the modelled load path against GNU readelf, both measured in this run:
//   (d) `modscope load amdgpu.ko --modprobe DIR` (whole process: parse amdgpu and its 12 dependencies,
//       load them all, every relocation applied and checked, steps printed) vs `readelf -r -W amdgpu.ko`;
//   (e) `modscope load-all DIR` (all 4,022 modules in one process, dependency order) vs
//       `readelf -r -W` over the whole corpus (500 files per process, summed);
//   (f) seeking amdgpu's trace (~320,000 relocation steps) at random positions in process:
//       kernel.seek + a 64-byte memory window at the relocation, p50 / p99.
//   (g) the CPU's instructions per second on libcurve25519's init;
//   (h) `modscope init-all DIR --every 10`: every 10th module's init on the modelled CPU, counted
//       (no peer: nothing else executes module inits outside a kernel).
//   node scripts/bench/load.mjs [--runs N] [--seeks N] [--parts r,d,e,f,g,h] [--json FILE] [--tree DIR]
//   (--tree: run the CLI and bundle the engine of another checkout, e.g. a base commit with its CLI built, for before/after)
// Every figure is written to --json (default bench-results/load.json) with its peer, the ratio, wall and user CPU
// time of each process (/usr/bin/time), and the load average before and after: the machine is shared, so
// read the ratios of one run together, not times across runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, ensureCorpus, listModules, fmtInt } from '../corpus/common.mjs';
import { benchProfile, bundleSeekEntry } from './seek-bundle.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 5));
const SEEKS = Number(opt('seeks', 2000));
const TREE = opt('tree', ROOT);
const PARTS = new Set(opt('parts', 'r,d,e,f,g,h').split(','));
const jsonOut = opt('json', join(ROOT, 'bench-results', 'load.json')); // bench-results/ is gitignored
const load0 = loadavg();
const results = { date: new Date().toISOString(), node: process.version, tree: TREE, loadavgBefore: load0 };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pctl = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const corpus = ensureCorpus({ quiet: true });
const kdir = join(corpus, 'kernel');
const amdgpu = join(kdir, 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
const cli = join(TREE, 'main', 'cli', 'bin.cjs');

const haveTime = existsSync('/usr/bin/time');
const timeFile = join(tmpdir(), `modscope-bench-load-${process.pid}`);
/** Run a process (stdout to /dev/null): wall ms, and user / system CPU ms and peak RSS from /usr/bin/time when present. */
function timedRun(cmd, argv) {
  const [c, a] = haveTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, cmd, ...argv]] : [cmd, argv];
  const t0 = performance.now();
  const r = spawnSync(c, a, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !(cmd === process.execPath && r.status === 1)) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status} ${r.stderr}`);
  let userMs = null;
  let sysMs = null;
  let rssKb = null;
  if (haveTime && existsSync(timeFile)) {
    const v = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    if (v.length === 3 && v.every(Number.isFinite)) [rssKb, userMs, sysMs] = [v[0], v[1] * 1000, v[2] * 1000];
    rmSync(timeFile, { force: true });
  }
  return { ms, userMs, sysMs, rssKb };
}
const timed = (cmd, argv) => timedRun(cmd, argv).ms;
const summary = (runs) => ({
  wallMs: median(runs.map((r) => r.ms)),
  userMs: runs[0].userMs === null ? null : median(runs.map((r) => r.userMs)),
  sysMs: runs[0].sysMs === null ? null : median(runs.map((r) => r.sysMs)),
  peakRssKb: runs[0].rssKb === null ? null : Math.max(...runs.map((r) => r.rssKb)),
  runs: runs.length,
});
const ratioOf = (a, b) => (a === null || b === null || !b ? null : a / b);
const fx = (v) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);

// (d) amdgpu with its dependencies, alternating with readelf.
let dT = [];
let rT = [];
if (PARTS.has('d')) {
  timed(process.execPath, [cli, 'load', amdgpu, '--modprobe', kdir]); // builds the CLI bundle if needed, warms caches
  const dR = [];
  const rR = [];
  for (let i = 0; i < RUNS; i++) {
    dR.push(timedRun(process.execPath, [cli, 'load', amdgpu, '--modprobe', kdir]));
    rR.push(timedRun('readelf', ['-r', '-W', amdgpu]));
  }
  dT = dR.map((r) => r.ms);
  rT = rR.map((r) => r.ms);
  const d = summary(dR);
  const peer = summary(rR);
  results.loadModprobe = {
    what: 'modscope load amdgpu.ko --modprobe DIR (13 modules, relocations, kallsyms, inits on the CPU)',
    peer: 'readelf -r -W amdgpu.ko',
    modscope: d,
    readelf: peer,
    ratioWall: ratioOf(d.wallMs, peer.wallMs),
    ratioUser: ratioOf(d.userMs, peer.userMs),
    target: 2.0,
    loadavg: loadavg(),
  };
}

// (r) `modscope relocs amdgpu.ko` vs `readelf -r -W amdgpu.ko`: the same text (sha256 compared), alternating.
if (PARTS.has('r')) {
  const { createHash } = await import('node:crypto');
  const sha = (cmd, argv) => createHash('sha256').update(spawnSync(cmd, argv, { maxBuffer: 1 << 30 }).stdout).digest('hex');
  const same = sha(process.execPath, [cli, 'relocs', amdgpu]) === sha('readelf', ['-r', '-W', amdgpu]);
  const mR = [];
  const rR = [];
  for (let i = 0; i < RUNS; i++) {
    mR.push(timedRun(process.execPath, [cli, 'relocs', amdgpu]));
    rR.push(timedRun('readelf', ['-r', '-W', amdgpu]));
  }
  const m = summary(mR);
  const peer = summary(rR);
  results.relocs = {
    what: 'modscope relocs amdgpu.ko',
    peer: 'readelf -r -W amdgpu.ko',
    sameOutput: same,
    modscope: m,
    readelf: peer,
    ratioWall: ratioOf(m.wallMs, peer.wallMs),
    ratioUser: ratioOf(m.userMs, peer.userMs),
    target: 1.0,
    loadavg: loadavg(),
  };
}

// (e) the whole corpus.
const files = listModules(kdir).map((f) => join(kdir, f));
const eT = [];
const reT = [];
if (PARTS.has('e')) {
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    eT.push(timed(process.execPath, [cli, 'load-all', kdir]));
    let sum = 0;
    for (let j = 0; j < files.length; j += 500) sum += timed('readelf', ['-r', '-W', ...files.slice(j, j + 500)]);
    reT.push(sum);
  }
  results.loadAll = { modscopeWallMs: median(eT), readelfWallMs: median(reT), ratioWall: median(eT) / median(reT), target: 2.0, loadavg: loadavg() };
}

// The engine in process, for (f) and (g).
let E = null;
let profile = null;
if (PARTS.has('f') || PARTS.has('g')) {
  E = await bundleSeekEntry(TREE, 'seek');
  profile = benchProfile(E);
}
const readIn = (p) => (existsSync(join(kdir, p)) ? new Uint8Array(readFileSync(join(kdir, p))) : null);

// (f) seek, in process.
const sT = [];
let loadMs = 0;
let relocStep = null;
if (PARTS.has('f')) {
  const k = new E.ModelKernel(profile, {});
  const plan = E.modprobePlan(profile, 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko', readIn);
  let op;
  const tl0 = performance.now();
  for (const p of plan.order) op = E.loadModule(k, { fileName: p, image: readIn(p), args: '', syscall: 'finit_module' }).op;
  loadMs = performance.now() - tl0;
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (s.op === op.index && s.block === 'relocations') relocStep = s;
  }
  let x = 12345;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < SEEKS; i++) {
    const pos = relocStep.pos + Math.floor(rnd() * relocStep.span);
    const t0 = performance.now();
    const v = E.seek(k, pos);
    if (v.item?.kind === 'relocation' && v.item.P) E.memoryAt(k, BigInt(v.item.P) - 32n, 64, pos);
    sT.push(performance.now() - t0);
  }
  results.seek = { seeks: SEEKS, p50Ms: pctl(sT, 50), p99Ms: pctl(sT, 99), maxMs: Math.max(...sT), inProcessLoadMs: loadMs, loadavg: loadavg() };
}

// (g) the CPU: instructions per second on a long-running init (libcurve25519's self-test), with the step recording the UI uses.
const curve = 'lib/crypto/libcurve25519.ko';
const CPU_TARGET = 20e6;
let ips = null;
if (PARTS.has('g') && existsSync(join(kdir, curve))) {
  const kc = new E.ModelKernel(profile, {});
  E.attachCpu(kc, E.createIcedDecoder(), 200_000_000);
  const inner = kc.runInit;
  let initMs = 0;
  let initUserMs = 0;
  kc.runInit = (mod, pos) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = inner(mod, pos);
    initMs = performance.now() - t0;
    initUserMs = process.cpuUsage(c0).user / 1000;
    return r;
  };
  const cplan = E.modprobePlan(profile, curve, readIn);
  for (const p of cplan.order) E.loadModule(kc, { fileName: p, image: readIn(p), args: '', syscall: 'finit_module' });
  let executed = 0;
  let text = '';
  for (let i = 0; i < kc.timeline.stepCount(); i++) {
    const st = kc.timeline.step(i).text;
    const m = /ran ([\d,]+) instructions|within ([\d,]+) instructions/.exec(st);
    if (m) {
      executed = Number((m[1] ?? m[2]).replace(/,/g, ''));
      text = st;
    }
  }
  ips = { executed, ms: initMs, userMs: initUserMs };
  const perSec = (executed / initMs) * 1000;
  results.cpu = {
    what: "libcurve25519's init (curve25519_init → curve25519_selftest) on the modelled CPU, steps recorded as the UI needs",
    peer: `the target, ${CPU_TARGET / 1e6} M instructions/s (no other tool runs module inits outside a kernel)`,
    executed,
    wallMs: initMs,
    userMs: initUserMs,
    instructionsPerSecond: perSec,
    instructionsPerUserSecond: (executed / initUserMs) * 1000,
    ratioToTarget: perSec / CPU_TARGET,
    stoppedBecause: text.slice(0, 300),
    loadavg: loadavg(),
  };
}

// (h) init-all over every 10th module with an init function.
let initAll = null;
let initAllMs = 0;
if (PARTS.has('h')) {
  const tI = performance.now();
  const ia = spawnSync(process.execPath, [cli, 'init-all', kdir, '--every', '10', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  initAllMs = performance.now() - tI;
  if (ia.status !== 0) throw new Error(`modscope init-all: exit ${ia.status} ${ia.stderr}`);
  initAll = JSON.parse(ia.stdout.toString('utf8'));
  results.initAll = { ms: initAllMs, ran: initAll.ran, instructions: initAll.instructions, counts: initAll.counts, loadavg: loadavg() };
}

const ms = (v) => `${v.toFixed(1)} ms`;
const cpuOf = (r) => (r.userMs === null ? '' : `, user ${ms(r.userMs)} + sys ${ms(r.sysMs)}`);
console.log(`\nbench: the modelled load path (node ${process.version}), load average ${load0.map((v) => v.toFixed(2)).join(' ')} at the start`);
if (results.relocs) {
  const r = results.relocs;
  console.log(
    `(r) modscope relocs amdgpu.ko median ${ms(r.modscope.wallMs)}${cpuOf(r.modscope)}  vs readelf -r -W ${ms(r.readelf.wallMs)}${cpuOf(r.readelf)}` +
      `  → ratio ${fx(r.ratioWall)} wall, ${fx(r.ratioUser)} user ` +
        `(target ≤ 1.0; output ${r.sameOutput ? 'identical' : 'DIFFERENT'}; load ${r.loadavg[0].toFixed(2)})`,
  );
}
if (results.loadModprobe) {
  const r = results.loadModprobe;
  console.log(
    `(d) modscope load amdgpu.ko --modprobe (13 modules) median ${ms(r.modscope.wallMs)}${cpuOf(r.modscope)}  ` +
      `vs readelf -r -W amdgpu.ko ${ms(r.readelf.wallMs)}${cpuOf(r.readelf)}  → ratio ${fx(r.ratioWall)} wall, ${fx(r.ratioUser)} user ` +
      `(target ≤ 2.0; load ${r.loadavg[0].toFixed(2)})`,
  );
}
if (PARTS.has('e'))
  console.log(
    `(e) modscope load-all (${fmtInt(files.length)} modules, one process)  median ${ms(median(eT))}  ` +
      `vs readelf -r -W over the corpus ${ms(median(reT))}  → ratio ${(median(eT) / median(reT)).toFixed(2)}× (target ≤ 2.0)`,
  );
if (PARTS.has('f'))
  console.log(
    `(f) seek in amdgpu's trace (${fmtInt(SEEKS)} random relocation steps of ${fmtInt(relocStep.span)}, seek + 64-byte memory window): ` +
      `p50 ${sT.length ? pctl(sT, 50).toFixed(3) : 'n/a'} ms, p99 ${pctl(sT, 99).toFixed(3)} ms, max ${Math.max(...sT).toFixed(3)} ms ` +
      `(target p99 < 16 ms); in-process load of the 13 modules ${ms(loadMs)}`,
  );
if (ips)
  console.log(
    `(g) CPU: libcurve25519's init ran ${fmtInt(ips.executed)} instructions in ${ms(ips.ms)} (user ${ms(ips.userMs)}) ` +
      `→ ${(((ips.executed / ips.ms) * 1000) / 1e6).toFixed(2)} M instructions/s, ` +
      `${(((ips.executed / ips.userMs) * 1000) / 1e6).toFixed(2)} M per CPU-second ` +
      `(peer: the 20 M/s target → ratio ${results.cpu.ratioToTarget.toFixed(3)}; load ${results.cpu.loadavg[0].toFixed(2)})`,
  );
if (initAll) {
  const c = initAll.counts;
  const done = c['returned 0'] + c['returned <0'] + c['returned >0'];
  console.log(
    `(h) modscope init-all --every 10: ${fmtInt(initAll.ran)} of ${fmtInt(initAll.withInit)} inits in ${ms(initAllMs)} — ` +
      `completed ${fmtInt(done)} (returned 0: ${fmtInt(c['returned 0'])}, <0: ${fmtInt(c['returned <0'])}; ` +
      `${fmtInt(initAll.completedWithNotModelled)} called not-modelled functions), ` +
      `oops ${fmtInt(c.oops)}, soft lockup ${fmtInt(c['soft lockup'])}, budget ran out (cannot say) ${fmtInt(c['budget ran out (cannot say)'])}, ` +
      `other stops ${fmtInt(c['BUG/trap'] + c['unsupported instruction'] + c['model error'] + c['dependency failed'] + c['load failed before init'])}, ` +
      `tool errors ${fmtInt(c['tool error'])}; ${fmtInt(initAll.instructions)} instructions at ${fmtInt(initAll.instructionsPerSecond)}/s ` +
      `(per-run setup included) — no peer: no other tool executes module inits outside a kernel, so there is no ratio`,
  );
}
results.loadavgAfter = loadavg();
console.log(`load average after: ${results.loadavgAfter.map((v) => v.toFixed(2)).join(' ')}`);
if (jsonOut) {
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify(results, null, 2));
  console.log(`written: ${jsonOut}`);
}
