#!/usr/bin/env node
// Ground truth on real Debian modules: boot the real 6.1.0-50-amd64 kernel under QEMU (the machine of
// machine.mjs) and `modprobe` a seeded sample of the corpus, recording per target the modprobe outcome,
// the kernel log lines and /proc/modules, then unloading what it loaded.
//
//   node scripts/qemu/record-modules.mjs [--count 400] [--seed 12] [--batch 20] [--out FILE.json.gz]
//                                        [--only a,b,c] [--timeout 600] [--jobs 1]
//
// Isolation (see README.md): one fresh boot per batch of targets; inside a batch, after each target
// `rmmod` removes the target and every module of its modprobe closure (target first, then its
// modules.dep dependencies, then soft dependencies), and /proc/modules is read again so a leak shows
// in the recording. The initramfs module tree holds the batch's closures only (the whole corpus does
// not fit in 512 MiB), with modules.* indexes made by depmod over the whole corpus. If the guest
// dies or hangs, the targets done so far are kept, the one that was running is recorded as
// `crashed` with the console's last lines, and the rest of the batch goes on in a new boot.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildInitramfs, ensureVmlinuz, parseTranscript, runQemu } from './run-scenario.mjs';

const RELEASE = '6.1.0-50-amd64';
const CACHE = process.env.MODSCOPE_CACHE || join(homedir(), '.cache', 'modscope');
const CORPUS_ROOT = join(CACHE, 'corpus');
const MODDIR = join(CORPUS_ROOT, 'lib', 'modules', RELEASE);
const LEAK_CHECK = 'grep -q . /proc/modules && poweroff -f; true';
const PER_TARGET = 5;
/** Modules the sample must contain (the biggest and most asked-for). */
const MUST = ['amdgpu', 'i915', 'nouveau', 'mlx5_core', 'btrfs', 'xfs'];

function args(argv) {
  const o = { count: 400, seed: 12, batch: 20, out: null, only: null, timeout: 900, jobs: 1, from: 0, to: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--count') o.count = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--batch') o.batch = Number(argv[++i]);
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--timeout') o.timeout = Number(argv[++i]);
    else if (a === '--jobs') o.jobs = Number(argv[++i]);
    else if (a === '--from')
      o.from = Number(argv[++i]); // first batch (0-based): split a recording over processes
    else if (a === '--to')
      o.to = Number(argv[++i]); // batch to stop before
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** depmod over the whole corpus (hard-linked into a scratch root, so the cache stays as fetched). */
function depmodIndex() {
  const root = join(tmpdir(), 'modscope-depmod');
  const dir = join(root, 'lib', 'modules', RELEASE);
  if (!existsSync(join(dir, 'modules.dep'))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'lib', 'modules'), { recursive: true });
    execFileSync('cp', ['-al', MODDIR, dir]); // hard links: no copy of the 400 MB
    execFileSync('depmod', ['-b', root, RELEASE], { stdio: 'inherit' });
  }
  return dir;
}

/** mulberry32: the sample is the same for the same seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const modname = (path) =>
  path
    .replace(/^.*\//, '')
    .replace(/\.ko(\.\w+)?$/, '')
    .replace(/-/g, '_');
/** Subsystem of a module path: kernel/drivers/net/… → drivers/net; kernel/fs/… → fs. */
const subsystem = (path) => {
  const p = path.replace(/^kernel\//, '').split('/');
  return p[0] === 'drivers' || p[0] === 'net' || p[0] === 'sound' ? `${p[0]}/${p[1]}` : p[0];
};

function readIndex(dir) {
  const deps = new Map(); // name -> { path, deps: [paths] }
  for (const line of readFileSync(join(dir, 'modules.dep'), 'utf8').split('\n')) {
    if (!line) continue;
    const [path, rest] = line.split(':');
    deps.set(modname(path), { path, deps: rest.trim() ? rest.trim().split(/\s+/) : [] });
  }
  const aliases = new Map();
  for (const line of readFileSync(join(dir, 'modules.alias'), 'utf8').split('\n')) {
    const m = /^alias (\S+) (\S+)$/.exec(line);
    if (m && !/[*?[]/.test(m[1])) aliases.set(m[1], [...(aliases.get(m[1]) ?? []), m[2]]);
  }
  const softdeps = new Map();
  for (const line of readFileSync(join(dir, 'modules.softdep'), 'utf8').split('\n')) {
    const m = /^softdep (\S+) (.*)$/.exec(line);
    if (!m) continue;
    const names = m[2].split(/\s+/).filter((w) => w && !w.endsWith(':'));
    const resolved = names.flatMap((n) => (deps.has(n.replace(/-/g, '_')) ? [n.replace(/-/g, '_')] : (aliases.get(n) ?? [])));
    softdeps.set(m[1].replace(/-/g, '_'), [...(softdeps.get(m[1]) ?? []), ...resolved]);
  }
  return { deps, softdeps };
}

/**
 * The part of depmod's output the replay needs (the corpus has no modules.dep: depmod makes it at
 * install time): for every module of the recorded closures, its modules.dep line (dependency names in
 * line order) and its soft dependencies resolved through modules.alias (in that file's order).
 */
function depmodSection(dir, index, names) {
  const aliases = new Map();
  for (const line of readFileSync(join(dir, 'modules.alias'), 'utf8').split('\n')) {
    const m = /^alias (\S+) (\S+)$/.exec(line);
    if (m && !/[*?[]/.test(m[1])) aliases.set(m[1], [...(aliases.get(m[1]) ?? []), m[2]]);
  }
  const resolve = (n) => (index.deps.has(n.replace(/-/g, '_')) ? [n.replace(/-/g, '_')] : (aliases.get(n) ?? []));
  // kmod_module_get_softdeps() (libkmod-module.c) uses the first softdep line that names the module and no other
  // ("find only the first command, as modprobe from module-init-tools does"): ksmbd's twelve MODULE_SOFTDEP()s
  // give twelve lines, and modprobe loads only the first one's (crc32). kmod_config_add_softdep()
  // (libkmod-config.c) skips the words before the first pre:/post: ("softdep cifs gcm" gives no dependency).
  const soft = new Map();
  for (const line of readFileSync(join(dir, 'modules.softdep'), 'utf8').split('\n')) {
    const m = /^softdep (\S+) (.*)$/.exec(line);
    if (!m) continue;
    const name = m[1].replace(/-/g, '_');
    if (soft.has(name)) continue;
    const e = { pre: [], post: [] };
    let kind = null;
    for (const w of m[2].split(/\s+/).filter(Boolean)) {
      if (w === 'pre:') kind = 'pre';
      else if (w === 'post:') kind = 'post';
      else if (kind) e[kind].push(...resolve(w));
    }
    soft.set(name, e);
  }
  const deps = {};
  const softdeps = {};
  for (const n of [...names].sort()) {
    deps[n] = index.deps.get(n).deps.map(modname);
    if (soft.has(n)) softdeps[n] = soft.get(n);
  }
  return { deps, softdeps };
}

/** The modules `modprobe NAME` may load: modules.dep's line plus soft dependencies (and theirs). */
function closure(index, name) {
  const out = new Set();
  const visit = (n) => {
    const e = index.deps.get(n);
    if (!e || out.has(n)) return;
    out.add(n);
    for (const d of e.deps) visit(modname(d));
    for (const s of index.softdeps.get(n) ?? []) visit(s);
  };
  visit(name);
  return [...out];
}

/** A seeded sample spread over subsystems: each subsystem in proportion to its size, at least one. */
function sample(index, count, seed) {
  const rnd = prng(seed);
  const bySub = new Map();
  for (const [name, e] of index.deps) {
    const s = subsystem(e.path);
    bySub.set(s, [...(bySub.get(s) ?? []), name]);
  }
  const total = index.deps.size;
  const picked = new Set(MUST.filter((m) => index.deps.has(m)));
  const subs = [...bySub.keys()].sort();
  for (const s of subs) {
    const names = bySub.get(s).sort();
    const want = Math.max(1, Math.round((names.length / total) * (count - MUST.length)));
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [names[i], names[j]] = [names[j], names[i]];
    }
    for (const n of names.slice(0, want)) picked.add(n);
  }
  // Rounding: trim or fill from a seeded shuffle of everything.
  const all = [...index.deps.keys()].sort();
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  for (const n of all) if (picked.size < count) picked.add(n);
  const list = [...picked];
  while (list.length > count) list.splice(MUST.length + Math.floor(rnd() * (list.length - MUST.length)), 1);
  // Recording order shuffled too, so that any prefix of the batches is itself spread over subsystems.
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

function targetLines(index, name) {
  const e = index.deps.get(name);
  const deps = e.deps.map(modname);
  const soft = closure(index, name).filter((n) => n !== name && !deps.includes(n));
  // The last line powers the guest off when a module could not be removed (state would leak into the
  // next target): the recorder then goes on in a fresh boot.
  return [`modprobe ${name}`, 'cat /proc/modules', `rmmod ${[name, ...deps, ...soft].join(' ')}`, 'cat /proc/modules', LEAK_CHECK];
}

async function runBatch(dir, index, vmlinuz, targets, timeout) {
  const files = new Map();
  for (const f of readdirSync(dir)) if (f.startsWith('modules.')) files.set(`lib/modules/${RELEASE}/${f}`, join(dir, f));
  for (const t of targets) {
    for (const n of closure(index, t)) {
      const p = index.deps.get(n).path;
      files.set(`lib/modules/${RELEASE}/${p}`, join(dir, p));
    }
  }
  const steps = targets.flatMap((t) => targetLines(index, t)).map((cmd) => ({ cmd, source: cmd }));
  const scenario = { steps, modules: new Map(), files: [...files].sort() };
  const initrd = buildInitramfs(scenario);
  const append = 'console=ttyS0 quiet panic=-1 nokaslr rdinit=/init';
  const r = await runQemu({ vmlinuz, initrd, append, timeout });
  const t = parseTranscript(r.transcript ?? '', scenario);
  rmSync(r.work, { recursive: true, force: true });
  return { t, error: r.error ?? null, console: (r.console ?? '').split('\n').filter(Boolean), ms: r.ms ?? timeout * 1000 };
}

/** Group a batch transcript's steps back into per-target records. */
function records(index, targets, steps) {
  const out = [];
  for (let i = 0; i < targets.length; i++) {
    const s = steps.slice(i * PER_TARGET, i * PER_TARGET + PER_TARGET);
    if (s.length < 4) break;
    const [probe, mods, rm, after] = s;
    const strip = (k) => k.map((m) => ({ level: m.level, text: m.text }));
    out.push({
      target: targets[i],
      path: index.deps.get(targets[i]).path,
      closure: closure(index, targets[i]),
      modprobe: { cmd: probe.cmd, output: probe.output, rc: probe.rc, kmsg: strip(probe.kmsg) },
      modules: mods.output.split('\n').filter(Boolean),
      rmmod: { cmd: rm.cmd, output: rm.output, rc: rm.rc, kmsg: strip(rm.kmsg) },
      after: after.output.split('\n').filter(Boolean),
    });
    if (s.length < PER_TARGET) break; // the leak check powered the guest off
  }
  return out;
}

async function main() {
  if (process.argv[2] === '--finish') {
    // Add (or refresh) the depmod section of an existing recording.
    const file = process.argv[3];
    const raw = readFileSync(file);
    const rec = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
    const dir = depmodIndex();
    rec.depmod = depmodSection(dir, readIndex(dir), new Set(rec.modules.flatMap((m) => m.closure)));
    const json = JSON.stringify(rec);
    writeFileSync(file, file.endsWith('.gz') ? gzipSync(json, { level: 9 }) : json);
    return;
  }
  const o = args(process.argv.slice(2));
  const dir = depmodIndex();
  const index = readIndex(dir);
  const vmlinuz = ensureVmlinuz();
  const targets = o.only ?? sample(index, o.count, o.seed);
  const batches = [];
  for (let i = 0; i < targets.length; i += o.batch) batches.push(targets.slice(i, i + o.batch));
  batches.splice(0, o.from);
  batches.splice(o.to - o.from);
  const out = {
    format: 'modscope-module-recordings',
    version: 1,
    kernel: RELEASE,
    seed: o.seed,
    count: targets.length,
    batch: o.batch,
    cmdline: null,
    machine: null,
    boots: 0,
    modules: [],
  };
  const partial = o.out ? `${o.out}.partial.json` : null;
  const started = Date.now();
  let next = 0;
  const results = new Array(batches.length);
  const worker = async () => {
    while (next < batches.length) {
      const bi = next++;
      let todo = batches[bi];
      const recs = [];
      while (todo.length) {
        const r = await runBatch(dir, index, vmlinuz, todo, o.timeout);
        out.boots++;
        out.cmdline ??= r.t.header.cmdline ?? null;
        const got = records(index, todo, r.t.steps);
        for (const g of got) g.boot = out.boots;
        recs.push(...got);
        if (got.length === todo.length) break;
        // A module stayed loaded: the leak check powered the guest off; the rest goes on in a new boot.
        if (r.t.steps.length === got.length * PER_TARGET - 1 && got.at(-1)?.after.length) {
          todo = todo.slice(got.length);
          continue;
        }
        // The guest died or hung during todo[got.length]: record it as such and go on with the rest.
        const dead = todo[got.length];
        const step = r.t.steps.length - got.length * PER_TARGET;
        recs.push({
          target: dead,
          path: index.deps.get(dead).path,
          closure: closure(index, dead),
          crashed: r.error ?? 'the guest stopped',
          stepReached: step,
          console: r.console.slice(-60),
          boot: out.boots,
        });
        todo = todo.slice(got.length + 1);
      }
      results[bi] = recs;
      const done = results.filter(Boolean).reduce((n, x) => n + x.length, 0);
      process.stderr.write(
        `record-modules: batch ${bi + 1}/${batches.length} (${batches[bi].length} targets) done; ${done}/${targets.length} ` +
          `targets, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
      );
      if (partial) writeFileSync(partial, JSON.stringify({ ...out, modules: results.filter(Boolean).flat() }));
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  out.modules = results.flat();
  out.depmod = depmodSection(dir, index, new Set(out.modules.flatMap((m) => m.closure)));
  const json = JSON.stringify(out);
  if (o.out) writeFileSync(o.out, o.out.endsWith('.gz') ? gzipSync(json, { level: 9 }) : json);
  else process.stdout.write(`${json}\n`);
  process.stderr.write(`record-modules: ${out.modules.length} targets in ${out.boots} boots, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

export { closure, readIndex, sample, subsystem, depmodIndex, depmodSection, modname };
if (process.argv[1] && process.argv[1].endsWith('record-modules.mjs'))
  main().catch((e) => {
    process.stderr.write(`record-modules: ${e.stack || e}\n`);
    process.exit(1);
  });
