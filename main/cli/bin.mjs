#!/usr/bin/env node
// The package "bin": runs out/cli/modscope.mjs, building it first (esbuild) when it is missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = join(root, 'out', 'cli', 'modscope.mjs');

if (!existsSync(bundle)) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(bundle)) {
    process.stderr.write('modscope: error BUILD: could not build out/cli/modscope.mjs (run: npm run build:cli)\n');
    process.exit(2);
  }
}

process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(0);
});

const { run } = await import(pathToFileURL(bundle).href);
process.exitCode = await run(process.argv.slice(2));
