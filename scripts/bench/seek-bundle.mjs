// The engine for in-process benchmarks: scripts/bench/seek-entry.ts of a checkout (this one, or --tree DIR for a
// before/after) bundled with esbuild and imported, and the committed kernel profile parsed by that engine.
// Shared by scripts/bench/load.mjs, cpu.mjs and browser.mjs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ROOT } from '../corpus/common.mjs';

/**
 * Bundle `tree`'s seek-entry.ts to out/bench/<name>[-<tree tag>].mjs and import it. iced-x86 stays external and
 * resolves from this checkout's node_modules (another tree may have none).
 */
export async function bundleSeekEntry(tree = ROOT, name = 'seek') {
  const esbuild = await import('esbuild');
  const tag = tree === ROOT ? name : `${name}-${Buffer.from(tree).toString('hex').slice(-12)}`;
  const out = join(ROOT, 'out', 'bench', `${tag}.mjs`);
  mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
  const b = await esbuild.build({
    entryPoints: [join(tree, 'scripts', 'bench', 'seek-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['iced-x86'],
    write: false,
    logLevel: 'error',
    nodePaths: [join(ROOT, 'node_modules')],
  });
  writeFileSync(out, b.outputFiles[0].contents);
  return import(pathToFileURL(out).href);
}

/** The Debian 6.1.0-50 profile (samples/kernel), parsed by the bundled engine E. */
export function benchProfile(E) {
  return E.parseProfile(JSON.parse(gunzipSync(readFileSync(join(ROOT, 'samples', 'kernel', 'debian-6.1.0-50-amd64.json.gz'))).toString('utf8')));
}
