#!/usr/bin/env node
// The CPU model's speed on a long-running init: libcurve25519's self-test (curve25519_init →
// curve25519_selftest(), tens of millions of instructions), run in process with the step recording the
// UI uses (attachCpu), instructions per second. (g) of scripts/bench/load.mjs, on its own:
//   node scripts/bench/cpu.mjs [--runs N] [--budget N] [--tree DIR]   (--tree: bundle the engine from another checkout, e.g. a base commit)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { ROOT, ensureCorpus, fmtInt } from '../corpus/common.mjs';
import { benchProfile, bundleSeekEntry } from './seek-bundle.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const RUNS = Number(opt('runs', 3));
const tree = opt('tree', ROOT);
/** Instruction budget (the self-test runs ~42.6 M; a smaller budget stops it early as a soft lockup: for profiling). */
const BUDGET = Number(opt('budget', 200_000_000));
const kdir = join(ensureCorpus({ quiet: true }), 'kernel');
const curve = 'lib/crypto/libcurve25519.ko';
if (!existsSync(join(kdir, curve))) throw new Error(`${curve} is not in the corpus (${kdir})`);

const E = await bundleSeekEntry(tree, 'cpu');
const profile = benchProfile(E);

export function runCurve() {
  const kc = new E.ModelKernel(profile, {});
  E.attachCpu(kc, E.createIcedDecoder(), BUDGET);
  const inner = kc.runInit;
  let initMs = 0;
  let initCpuMs = 0;
  kc.runInit = (mod, pos) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = inner(mod, pos);
    initMs = performance.now() - t0;
    initCpuMs = process.cpuUsage(c0).user / 1000;
    return r;
  };
  const plan = E.modprobePlan(profile, curve, (p) => (existsSync(join(kdir, p)) ? new Uint8Array(readFileSync(join(kdir, p))) : null));
  for (const p of plan.order)
    E.loadModule(kc, { fileName: p, image: new Uint8Array(readFileSync(join(kdir, p))), args: '', syscall: 'finit_module' });
  let executed = 0;
  let text = '';
  for (let i = 0; i < kc.timeline.stepCount(); i++) {
    const s = kc.timeline.step(i).text;
    const m = /ran ([\d,]+) instructions|within ([\d,]+) instructions/.exec(s);
    if (m) {
      executed = Number((m[1] ?? m[2]).replace(/,/g, ''));
      text = s;
    }
  }
  return { executed, ms: initMs, cpuMs: initCpuMs, text };
}

const rs = [];
for (let i = 0; i < RUNS; i++) rs.push(runCurve());
const best = rs.reduce((a, r) => (r.executed / r.ms > a.executed / a.ms ? r : a));
const mips = (r) => ((r.executed / r.ms) * 1000) / 1e6;
const userMips = (r) => ((r.executed / r.cpuMs) * 1000) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = median(rs.map(mips));
console.log(
  `CPU: libcurve25519's init ${fmtInt(best.executed)} instructions; ${rs.map((r) => `${r.ms.toFixed(0)} ms (user ${r.cpuMs.toFixed(0)})`).join(', ')} ` +
    `→ median ${med.toFixed(2)} M instructions/s (best ${mips(best).toFixed(2)}), ${median(rs.map(userMips)).toFixed(2)} M per CPU-second; ` +
    `target 20 M/s → ratio ${(med / 20).toFixed(3)}; load ${loadavg()[0].toFixed(2)} (${tree === ROOT ? 'this tree' : tree})`,
);
console.log(`  ${best.text.slice(0, 200)}`);
