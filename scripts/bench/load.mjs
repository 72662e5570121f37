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
//   node scripts/bench/load.mjs [--runs N] [--seeks N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ROOT, ensureCorpus, listModules, fmtInt } from '../corpus/common.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 5));
const SEEKS = Number(opt('seeks', 2000));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pctl = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const corpus = ensureCorpus({ quiet: true });
const kdir = join(corpus, 'kernel');
const amdgpu = join(kdir, 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko');
const cli = join(ROOT, 'main', 'cli', 'bin.cjs');

function timed(cmd, argv) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !(cmd === process.execPath && r.status === 1)) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status} ${r.stderr}`);
  return ms;
}

// (d) amdgpu with its dependencies, alternating with readelf.
timed(process.execPath, [cli, 'load', amdgpu, '--modprobe', kdir]); // builds the CLI bundle if needed, warms caches
const dT = [];
const rT = [];
for (let i = 0; i < RUNS; i++) {
  dT.push(timed(process.execPath, [cli, 'load', amdgpu, '--modprobe', kdir]));
  rT.push(timed('readelf', ['-r', '-W', amdgpu]));
}

// (e) the whole corpus.
const files = listModules(kdir).map((f) => join(kdir, f));
const eT = [];
const reT = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  eT.push(timed(process.execPath, [cli, 'load-all', kdir]));
  let sum = 0;
  for (let j = 0; j < files.length; j += 500) sum += timed('readelf', ['-r', '-W', ...files.slice(j, j + 500)]);
  reT.push(sum);
}

// (f) seek, in process.
const esbuild = await import('esbuild');
const out = join(ROOT, 'out', 'bench', 'seek.mjs');
mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
const b = await esbuild.build({
  entryPoints: [join(ROOT, 'scripts', 'bench', 'seek-entry.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  external: ['iced-x86'],
  write: false,
  logLevel: 'error',
});
writeFileSync(out, b.outputFiles[0].contents);
const E = await import(pathToFileURL(out).href);
const profile = E.parseProfile(
  JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz'))).toString('utf8')),
);
const k = new E.ModelKernel(profile, {});
const rel = 'drivers/gpu/drm/amd/amdgpu/amdgpu.ko';
const plan = E.modprobePlan(profile, rel, (p) => (existsSync(join(kdir, p)) ? new Uint8Array(readFileSync(join(kdir, p))) : null));
let op;
const tl0 = performance.now();
for (const p of plan.order)
  op = E.loadModule(k, { fileName: p, image: new Uint8Array(readFileSync(join(kdir, p))), args: '', syscall: 'finit_module' }).op;
const loadMs = performance.now() - tl0;
let relocStep = null;
for (let i = 0; i < k.timeline.stepCount(); i++) {
  const s = k.timeline.step(i);
  if (s.op === op.index && s.block === 'relocations') relocStep = s;
}
const sT = [];
let x = 12345;
const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
for (let i = 0; i < SEEKS; i++) {
  const pos = relocStep.pos + Math.floor(rnd() * relocStep.span);
  const t0 = performance.now();
  const v = E.seek(k, pos);
  if (v.item?.kind === 'relocation' && v.item.P) E.memoryAt(k, BigInt(v.item.P) - 32n, 64, pos);
  sT.push(performance.now() - t0);
}

// (g) the CPU: instructions per second on a long-running init (libcurve25519's self-test).
const curve = 'lib/crypto/libcurve25519.ko';
let ips = null;
if (existsSync(join(kdir, curve))) {
  const kc = new E.ModelKernel(profile, {});
  E.attachCpu(kc, E.createIcedDecoder(), 200_000_000);
  const inner = kc.runInit;
  let initMs = 0;
  kc.runInit = (mod, pos) => {
    const t0 = performance.now();
    const r = inner(mod, pos);
    initMs = performance.now() - t0;
    return r;
  };
  const cplan = E.modprobePlan(profile, curve, (p) => (existsSync(join(kdir, p)) ? new Uint8Array(readFileSync(join(kdir, p))) : null));
  for (const p of cplan.order)
    E.loadModule(kc, { fileName: p, image: new Uint8Array(readFileSync(join(kdir, p))), args: '', syscall: 'finit_module' });
  let executed = 0;
  for (let i = 0; i < kc.timeline.stepCount(); i++) {
    const m = /ran ([\d,]+) instructions/.exec(kc.timeline.step(i).text);
    if (m) executed = Number(m[1].replace(/,/g, ''));
  }
  ips = { executed, ms: initMs };
}

// (h) init-all over every 10th module with an init function.
const tI = performance.now();
const ia = spawnSync(process.execPath, [cli, 'init-all', kdir, '--every', '10', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
const initAllMs = performance.now() - tI;
if (ia.status !== 0) throw new Error(`modscope init-all: exit ${ia.status} ${ia.stderr}`);
const initAll = JSON.parse(ia.stdout.toString('utf8'));

const ms = (v) => `${v.toFixed(1)} ms`;
console.log(`\nbench: the modelled load path (node ${process.version})`);
console.log(
  `(d) modscope load amdgpu.ko --modprobe (13 modules, ${fmtInt(relocStep.span)} amdgpu relocations)  median ${ms(median(dT))}  ` +
    `vs readelf -r -W amdgpu.ko ${ms(median(rT))}  → ratio ${(median(dT) / median(rT)).toFixed(2)}× (target ≤ 1.0)`,
);
console.log(
  `(e) modscope load-all (${fmtInt(files.length)} modules, one process)  median ${ms(median(eT))}  ` +
    `vs readelf -r -W over the corpus ${ms(median(reT))}  → ratio ${(median(eT) / median(reT)).toFixed(2)}× (target ≤ 1.0)`,
);
console.log(
  `(f) seek in amdgpu's trace (${fmtInt(SEEKS)} random relocation steps, seek + 64-byte memory window): ` +
    `p50 ${sT.length ? pctl(sT, 50).toFixed(3) : 'n/a'} ms, p99 ${pctl(sT, 99).toFixed(3)} ms, max ${Math.max(...sT).toFixed(3)} ms ` +
    `(target p99 < 16 ms); in-process load of the 13 modules ${ms(loadMs)}`,
);
if (ips)
  console.log(
    `(g) CPU: libcurve25519's init ran ${fmtInt(ips.executed)} instructions in ${ms(ips.ms)} ` +
      `→ ${(((ips.executed / ips.ms) * 1000) / 1e6).toFixed(1)} M instructions/s (decode cache, kernel-call models, permissions included)`,
  );
{
  const c = initAll.counts;
  const done = c['returned 0'] + c['returned <0'] + c['returned >0'];
  console.log(
    `(h) modscope init-all --every 10: ${fmtInt(initAll.ran)} of ${fmtInt(initAll.withInit)} inits in ${ms(initAllMs)} — ` +
      `completed ${fmtInt(done)} (returned 0: ${fmtInt(c['returned 0'])}, <0: ${fmtInt(c['returned <0'])}; ` +
      `${fmtInt(initAll.completedWithNotModelled)} called not-modelled functions), ` +
      `oops ${fmtInt(c.oops)}, soft lockup ${fmtInt(c['soft lockup (budget)'])}, ` +
      `other stops ${fmtInt(c['BUG/trap'] + c['unsupported instruction'] + c['model error'] + c['dependency failed'] + c['load failed before init'])}, ` +
      `tool errors ${fmtInt(c['tool error'])}; ${fmtInt(initAll.instructions)} instructions at ${fmtInt(initAll.instructionsPerSecond)}/s ` +
      `(per-run setup included) — no peer: no other tool executes module inits outside a kernel, so there is no ratio`,
  );
}
