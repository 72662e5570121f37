#!/usr/bin/env node
// The package "bin": runs out/cli/modscope.mjs, building it first (esbuild) when it is missing.
// `relocs FILE` runs out/cli/relocs.cjs instead: the same code path without loading the rest
// of the CLI (the kernel model, the CPU), which is most of its start-up time.
// CommonJS on purpose: Node starts a CommonJS entry without its ES module loader, and
// require('node:fs') without the ES module facade of fs — about 15 ms of `modscope relocs`.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

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
 * iced-x86 (the CPU's decoder) for a run that decodes a few thousand instructions, once each (the CPU caches them):
 * - its WebAssembly in Liftoff code only: V8 otherwise recompiles the hot decoder functions with TurboFan on
 *   background threads, ~50 ms of CPU a few thousand decodes never earn back (init-all, which runs every module's
 *   init, keeps the default). Wasm tiering flags are read when a module is compiled, so setting them here is enough.
 * - its 900 KB of JavaScript glue compiled from V8's code cache (out/cli/iced-x86.cache, written at the first run
 *   and again whenever V8 rejects it: another Node, other flags, a new iced-x86), not parsed afresh (~45 ms).
 * The bundle's require('iced-x86') then finds the module in require.cache.
 */
function preloadIced() {
  if (argv[0] !== 'init-all') require('node:v8').setFlagsFromString('--liftoff-only');
  let filename;
  try {
    filename = require.resolve('iced-x86', { paths: [root] });
  } catch {
    return; // the bundle reports it
  }
  if (require.cache[filename]) return;
  const { readFileSync, writeFileSync } = require('node:fs');
  const { dirname } = require('node:path');
  const Module = require('node:module');
  const vm = require('node:vm');
  const cacheFile = join(root, 'out', 'cli', 'iced-x86.cache');
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
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // a read-only install: compile each time
    }
  }
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
  if (process.env.MODSCOPE_NO_ICED_CACHE === undefined) preloadIced();
  const { pathToFileURL } = require('node:url');
  import(pathToFileURL(bundle).href).then(({ run }) => run(argv)).then(done);
}
