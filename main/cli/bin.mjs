#!/usr/bin/env node
// The package "bin": runs out/cli/modscope.mjs, building it first (esbuild) when it is missing.
// `relocs FILE` runs out/cli/relocs.mjs instead: the same code path without loading the rest
// of the CLI (the kernel model, the CPU), which is most of its start-up time.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(root, 'out', 'cli', 'modscope.mjs');
const lean = join(root, 'out', 'cli', 'relocs.mjs');
const argv = process.argv.slice(2);

if (!existsSync(bundle) || !existsSync(lean)) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(bundle)) {
    process.stderr.write('modscope: error BUILD: could not build out/cli/modscope.mjs (run: npm run build:cli)\n');
    process.exit(2);
  }
}

if (argv.length === 2 && argv[0] === 'relocs' && !argv[1].startsWith('-') && existsSync(lean)) {
  const { relocsMain } = await import(pathToFileURL(lean).href);
  process.exitCode = await relocsMain(argv[1]);
} else {
  process.stdout.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(0);
  });
  const { run } = await import(pathToFileURL(bundle).href);
  process.exitCode = await run(argv);
}
