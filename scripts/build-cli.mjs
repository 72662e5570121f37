#!/usr/bin/env node
// Bundle the CLI (main/cli/modscope.ts + the engine) into out/cli/modscope.mjs with esbuild, and
// the lean `relocs` entry (main/cli/relocs-main.ts: the ELF reader and the readelf text writer
// only) into out/cli/relocs.cjs: CommonJS, which main/cli/bin.cjs requires without Node's ES
// module loader (its decompressors are only compiled when a module is compressed: V8 compiles lazily).
// Also the package's "prepare" script: there a failure only warns (bin.cjs rebuilds on demand),
// so `npm install` never breaks because the engine is mid-edit.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * iced-x86 is CommonJS: imported from an ES module, Node first guesses its format by compiling it, then scans
 * its 900 KB for export names (cjs-module-lexer), about 150 ms of every CLI start. require() skips both: the
 * bundle imports a tiny ES module that require()s it (the banner defines require) and re-exports its names.
 */
const icedViaRequire = {
  name: 'iced-via-require',
  setup(b) {
    b.onResolve({ filter: /^iced-x86$/ }, (a) =>
      a.kind === 'require-call' ? { path: 'iced-x86', external: true } : { path: 'iced-x86', namespace: 'iced-via-require' },
    );
    b.onLoad({ filter: /.*/, namespace: 'iced-via-require' }, () => {
      const src = readFileSync(join(root, 'node_modules', 'iced-x86', 'iced_x86.js'), 'utf8');
      const names = [...new Set([...src.matchAll(/^module\.exports\.(\w+) =/gm)].map((m) => m[1]))];
      return { contents: `const m = require('iced-x86');\nexport const { ${names.join(', ')} } = m;\n`, loader: 'js' };
    });
  },
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');
const lenient = process.env.npm_lifecycle_event === 'prepare';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  // iced-x86 reads its .wasm next to its own file: load it from node_modules at run time.
  // playwright-core and vite (export/deck: Chromium, and the web app's build) load from there too.
  external: ['playwright-core', 'vite'],
  plugins: [icedViaRequire],
  logLevel: quiet ? 'error' : 'warning',
  define: { __MODSCOPE_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    // Bundled CJS deps (if any) may call require(); give them one.
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __modscopeCreateRequire } from 'node:module';",
      'const require = __modscopeCreateRequire(import.meta.url);',
    ].join('\n'),
  },
};

try {
  rmSync(join(root, 'out/cli/chunks'), { recursive: true, force: true }); // no stale chunks
  // Split: a command's own code (quiz's PDF writer, export's web build, the shell) is a chunk imported when it runs,
  // so `modscope load` compiles the engine and not 1.5 MB of jspdf.
  await build({
    ...common,
    entryPoints: { modscope: join(root, 'main/cli/modscope.ts') },
    outdir: join(root, 'out/cli'),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  rmSync(join(root, 'out/cli/relocs.mjs'), { force: true }); // the ES module build of earlier versions
  await build({
    ...common,
    format: 'cjs',
    banner: {},
    entryPoints: [join(root, 'main/cli/relocs-main.ts')],
    outfile: join(root, 'out/cli/relocs.cjs'),
  });
  // `load` as CommonJS (main/cli/load-main.ts): bin.cjs compiles it through V8's code cache. import.meta.url (the
  // package root is found from it) is this file's URL. The caches of the previous build are stale now.
  for (const f of readdirSync(join(root, 'out/cli'))) if (/\.cache(\.weight)?$/.test(f)) rmSync(join(root, 'out/cli', f), { force: true });
  await build({
    ...common,
    format: 'cjs',
    banner: { js: "var __modscopeModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { ...common.define, 'import.meta.url': '__modscopeModuleUrl' },
    entryPoints: [join(root, 'main/cli/load-main.ts')],
    outfile: join(root, 'out/cli/load.cjs'),
  });
  // `export` and `deck` (main/cli/export-main.ts): the web app's server and Chromium's pipe, without the engine (the
  // page runs it), which bin.cjs then does not load.
  await build({
    ...common,
    format: 'cjs',
    banner: { js: "var __modscopeModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { ...common.define, 'import.meta.url': '__modscopeModuleUrl' },
    entryPoints: [join(root, 'main/cli/export-main.ts')],
    outfile: join(root, 'out/cli/export.cjs'),
  });
  // The kernel profile as its precomputed binary table (engine/kernel/profile-binary.ts), made once here from the
  // committed JSON: main/cli/kernel-files.ts loadProfile() reads it while it is newer than the .gz.
  const gz = join(root, 'samples/kernel/debian-6.1.0-50-amd64.json.gz');
  const encoder = await build({
    ...common,
    plugins: [],
    banner: {},
    entryPoints: [join(root, 'engine/kernel/profile-binary.ts')],
    write: false,
    logLevel: 'error',
  });
  const { encodeProfileBinary } = await import(`data:text/javascript;base64,${Buffer.from(encoder.outputFiles[0].contents).toString('base64')}`);
  writeFileSync(join(root, 'out/cli/kernel-profile.bin'), encodeProfileBinary(JSON.parse(gunzipSync(readFileSync(gz)).toString('utf8'))));
  rmSync(join(root, 'out/cli/kernel-profile.json'), { force: true }); // the decompressed JSON of earlier versions
  if (!quiet) {
    const built = ['modscope.mjs', 'relocs.cjs', 'load.cjs', 'export.cjs', 'kernel-profile.bin'].map((f) => `out/cli/${f}`);
    console.log(`modscope: built ${built.slice(0, -1).join(', ')} and ${built[built.length - 1]}`);
  }
} catch (e) {
  if (lenient) {
    console.warn(`modscope: warning: CLI not built yet (${e instanceof Error ? e.message.split('\n')[0] : e}); it builds on first use.`);
  } else {
    process.exitCode = 1;
  }
}
