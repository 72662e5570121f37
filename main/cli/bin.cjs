#!/usr/bin/env node
// The package "bin": runs out/cli/modscope.mjs, building it first (esbuild) when it is missing.
// `relocs FILE` runs out/cli/relocs.cjs instead: the same code path without loading the rest
// of the CLI (the kernel model, the CPU), which is most of its start-up time.
// CommonJS on purpose: Node starts a CommonJS entry without its ES module loader, and
// require('node:fs') without the ES module facade of fs — about 15 ms of `modscope relocs`.
'use strict';
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..', '..');
const bundle = join(root, 'out', 'cli', 'modscope.mjs');
const lean = join(root, 'out', 'cli', 'relocs.cjs');
const argv = process.argv.slice(2);

if (!existsSync(bundle) || !existsSync(lean)) {
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(bundle)) {
    process.stderr.write('modscope: error BUILD: could not build out/cli/modscope.mjs (run: npm run build:cli)\n');
    process.exit(2);
  }
}

/**
 * Load a CommonJS file through V8's code cache (`cacheFile`, next to the bundle) and put it in require.cache: V8 then
 * deserialises the code a previous run compiled instead of parsing and compiling it again. The cache is written when
 * missing or rejected (another Node, other V8 flags, another source), by `save()` once the run has compiled what it
 * uses; scripts/build-cli.mjs deletes the caches of an earlier build. The file name holds the source's size and
 * mtime: V8 checks only the length of the source it was made from.
 * `grow`: the cache holds only the functions its run compiled, so a first run that loads one small module leaves out
 * most of what amdgpu's load runs (each later load compiled those again, ~150 ms of CPU). The user CPU time of the run
 * that wrote it is kept beside it (`.cache.weight`), and a run that took 1.5× more writes it again, with what both ran.
 */
function requireCached(filename, name, grow = false) {
  const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
  const Module = require('node:module');
  const vm = require('node:vm');
  const st = statSync(filename);
  const cacheFile = join(root, 'out', 'cli', `${name}-${st.size}-${Math.floor(st.mtimeMs)}.cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(dirname(filename));
  script.runInThisContext().call(m.exports, m.exports, (id) => m.require(id), m, filename, dirname(filename));
  m.loaded = true;
  require.cache[filename] = m;
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  const weightFile = `${cacheFile}.weight`;
  const save = () => {
    const used = process.cpuUsage().user;
    if (!stale) {
      if (!grow) return;
      let weight = 0;
      try {
        weight = Number(readFileSync(weightFile, 'latin1')) || 0;
      } catch {
        // no weight: a cache written before weights were kept, or by a run that did not grow it
      }
      if (used <= weight * 1.5) return;
    }
    try {
      // Written aside and renamed: a run starting meanwhile reads the old cache or the new one, never half of one.
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
      if (grow) writeFileSync(weightFile, String(used));
    } catch {
      // a read-only install: compile each time
    }
  };
  return { exports: m.exports, save };
}

/**
 * iced-x86 (the CPU's decoder) for a run that decodes a few thousand instructions, once each (the CPU caches them):
 * - its WebAssembly in Liftoff code only (tuneV8): V8 otherwise recompiles the hot decoder functions with TurboFan on
 *   background threads, ~50 ms of CPU a few thousand decodes never earn back (init-all, which runs every module's
 *   init, keeps the default). Wasm tiering flags are read when a module is compiled, so setting them first is enough.
 * - its 900 KB of JavaScript glue from V8's code cache (~45 ms of parsing otherwise).
 * The bundle's require('iced-x86') then finds the module in require.cache.
 */
function preloadIced() {
  let filename;
  try {
    filename = require.resolve('iced-x86', { paths: [root] });
  } catch {
    return; // the bundle reports it
  }
  if (!require.cache[filename]) requireCached(filename, 'iced-x86').save();
}

/**
 * V8 flags for a short run, set before anything is compiled (the code caches are made, and checked, with them):
 * - --liftoff-only: iced-x86's WebAssembly stays in Liftoff code (see preloadIced), except for init-all.
 * - `load` --interrupt-budget=1000000 (V8's default is 132 KB of bytecode executed): a function is sent to TurboFan
 *   only after ~8× more work. `load` runs most of its code a few times (13 modules), and TurboFan, compiling on a
 *   second thread, was a fifth of the process's CPU time; the hot loops (320,000 relocations) still get optimised.
 */
function tuneV8() {
  const flags = [];
  if (argv[0] !== 'init-all') flags.push('--liftoff-only');
  if (isLoad()) flags.push('--interrupt-budget=1000000');
  if (flags.length) require('node:v8').setFlagsFromString(flags.join(' '));
}

/** What run() in modscope.ts does with `load` (its --help is the full CLI's): argv[0] is "load" and no -h/--help before "--". */
function isLoad() {
  return runs('load');
}

/** run() in modscope.ts runs `command` (not the full CLI's --help): argv[0] is one of `commands`, no -h/--help before "--". */
function runs(...commands) {
  if (!commands.includes(argv[0])) return false;
  for (const a of argv) {
    if (a === '--') break;
    if (a === '--help' || a === '-h') return false;
  }
  return true;
}

const done = (code) => {
  process.exitCode = code;
};
if (argv.length === 2 && argv[0] === 'relocs' && !argv[1].startsWith('-') && existsSync(lean)) {
  require(lean).relocsMain(argv[1]).then(done);
} else {
  process.stdout.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(0);
  });
  tuneV8();
  const exportBundle = join(root, 'out', 'cli', 'export.cjs');
  // export and deck drive Chromium over its DevTools pipe (main/cli/cdp.ts) and decode nothing in this process.
  if (argv[0] !== 'export' && argv[0] !== 'deck') preloadIced();
  const loadBundle = join(root, 'out', 'cli', 'load.cjs');
  if (runs('export', 'deck') && existsSync(exportBundle)) {
    require(exportBundle).exportMain(argv).then(done);
  } else if (isLoad() && existsSync(loadBundle)) {
    const { exports, save } = requireCached(loadBundle, 'load', true);
    exports.loadMain(argv).then((code) => {
      save();
      done(code);
    });
  } else {
    const { pathToFileURL } = require('node:url');
    import(pathToFileURL(bundle).href)
      .then(({ run }) => run(argv))
      .then(done);
  }
}
