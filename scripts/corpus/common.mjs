// Shared helpers for the corpus test and the benchmark:
// locating / fetching the corpus, bundling the engine, stripping module signatures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.MODSCOPE_CACHE || join(homedir(), '.cache', 'modscope');

/** Directory lib/modules/<ver> inside the extracted corpus, or null. */
function findModDir() {
  const base = join(CACHE, 'corpus', 'lib', 'modules');
  if (!existsSync(join(CACHE, 'corpus', '.stamp')) || !existsSync(base)) return null;
  const vers = readdirSync(base).sort();
  return vers.length ? join(base, vers[vers.length - 1]) : null;
}

/** Return the corpus module directory, running scripts/fetch-corpus.sh first if it is absent. */
export function ensureCorpus({ quiet = false } = {}) {
  if (process.env.MODSCOPE_CORPUS_DIR) return process.env.MODSCOPE_CORPUS_DIR;
  let dir = findModDir();
  if (dir) return dir;
  if (!quiet) console.error('corpus not found; running scripts/fetch-corpus.sh …');
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'fetch-corpus.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`fetch-corpus.sh failed (exit ${r.status})`);
  const m = /^CORPUS_DIR=(.*)$/m.exec(r.stdout);
  dir = m ? m[1] : findModDir();
  if (!dir || !existsSync(dir)) throw new Error('fetch-corpus.sh did not produce a corpus');
  return dir;
}

/** All module files below dir (relative paths, sorted). */
export function listModules(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile() && e.name.endsWith('.ko')) out.push(r);
    }
  };
  walk(dir, '');
  out.sort();
  return out;
}

export function fileSize(p) {
  return statSync(p).size;
}

const MARKER = '~Module signature appended~\n';
const MARKER_BYTES = new TextEncoder().encode(MARKER);

/** Length of the ELF part of a module file (strips an appended PKCS#7 module signature). */
export function elfLength(bytes) {
  const n = bytes.length;
  const m = MARKER_BYTES.length; // 28
  if (n < m + 12) return n;
  for (let i = 0; i < m; i++) if (bytes[n - m + i] !== MARKER_BYTES[i]) return n;
  const info = n - m - 12; // struct module_signature
  const sigLen = ((bytes[info + 8] << 24) | (bytes[info + 9] << 16) | (bytes[info + 10] << 8) | bytes[info + 11]) >>> 0;
  const len = n - m - 12 - sigLen;
  return len > 0 ? len : n;
}

/**
 * Bundle engine/elf/index.ts (readElf and friends) to out/corpus/elf-engine.mjs with esbuild
 * and return its file URL, or null when the engine reader does not exist yet.
 */
export async function bundleEngine() {
  const entry = join(ROOT, 'engine', 'elf', 'index.ts');
  if (!existsSync(entry)) return null;
  const outDir = join(ROOT, 'out', 'corpus');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'elf-engine.mjs');
  const esbuild = await import('esbuild');
  // readElf & co, plus the engine's own signature splitter when it exists (cross-checked)
  const sig = join(ROOT, 'engine', 'kmod', 'signature.ts');
  let contents = "export * from './engine/elf/index.ts';\n";
  if (existsSync(sig)) contents += "export { splitSignature } from './engine/kmod/signature.ts';\n";
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'corpus-engine-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    write: false,
    logLevel: 'error',
    sourcemap: false,
  });
  // write-then-rename so concurrent runs (test + bench) never import a half-written bundle
  const tmp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outfile);
  return pathToFileURL(outfile).href;
}

export function fmtInt(n) {
  return n.toLocaleString('en-US');
}

export function pct(a, b) {
  return b === 0 ? '100.000%' : `${((100 * a) / b).toFixed(3)}%`;
}
