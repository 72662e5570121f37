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

const done = (code) => {
  process.exitCode = code;
};
if (argv.length === 2 && argv[0] === 'relocs' && !argv[1].startsWith('-') && existsSync(lean)) {
  require(lean).relocsMain(argv[1]).then(done);
} else {
  process.stdout.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(0);
  });
  const { pathToFileURL } = require('node:url');
  import(pathToFileURL(bundle).href).then(({ run }) => run(argv)).then(done);
}
