#!/usr/bin/env node
// npm start [-- path.ko] [--dev]
// With an Electron binary: build (electron-vite) and launch the app on the file.
// Without one (it downloads from GitHub; not possible everywhere): serve the same UI in the
// browser — the built web bundle through `modscope serve` (--dev: the Vite dev server of
// renderer/vite.web.config.ts), with the given file served read-only at /local/<n>/<name> and
// opened via ?file=.
// Never require('electron') here: its index.js tries to download the binary and throws.
import { electronBinary } from './electron-binary.mjs';
import { existsSync, statSync, createReadStream } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2).filter((a) => a !== '--');
// --modules DIR: a module tree (lib/modules/<version>) the shell pane's modprobe reads (modscope serve --modules).
const mi = argv.indexOf('--modules');
const modules = mi >= 0 ? (argv[mi + 1] ?? null) : null;
if (mi >= 0 && !modules) {
  console.error('modscope: error USAGE: --modules needs a lib/modules/<version> folder');
  process.exit(1);
}
const args = mi >= 0 ? argv.filter((_, i) => i !== mi && i !== mi + 1) : argv;
const fileArg = args.find((a) => !a.startsWith('-')) ?? null;
const file = fileArg ? resolve(process.cwd(), fileArg) : null;

if (file && !(existsSync(file) && statSync(file).isFile())) {
  console.error(`modscope: error ENOENT: ${file}: no such file`);
  process.exit(2);
}

function run(cmd, argv, opts = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveRun(signal ? 130 : (code ?? 1));
    });
  });
}

async function startElectron(bin) {
  const evite = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const built = await run(evite, ['build'], { shell: process.platform === 'win32' });
  if (built !== 0) {
    console.error('modscope: error BUILD: electron-vite build failed');
    process.exit(built);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  process.exit(await run(bin, ['.', ...(file ? [file] : [])], { env }));
}

/**
 * No Electron: `modscope serve` — the built web bundle (out/cli/web: built at `npm install`, rebuilt only
 * when the renderer or engine changed) on a loopback port, the file read-only at /local/0/<name>.
 * `npm start -- --dev` runs the Vite dev server instead (hot reload while working on the UI).
 */
async function startBrowser() {
  console.log('modscope: no Electron binary here (it downloads from GitHub) — serving the same UI in your browser instead');
  if (args.includes('--dev')) return startDevServer();
  const tree = modules ? ['--modules', resolve(process.cwd(), modules)] : [];
  process.exit(await run(process.execPath, [join(root, 'main', 'cli', 'bin.cjs'), 'serve', ...(file ? [file] : []), ...tree]));
}

/** Serves exactly the files named on the command line, read-only, at /local/<n>/<name>. */
function localFilesPlugin(files) {
  return {
    name: 'modscope-local-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/local\/(\d+)\/[^/?]+(\?.*)?$/.exec(req.url ?? '');
        if (!m) return next();
        const path = files[Number(m[1])];
        if (!path || (req.method !== 'GET' && req.method !== 'HEAD')) {
          res.statusCode = 404;
          res.end('not found');
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Content-Length', String(statSync(path).size));
        if (req.method === 'HEAD') return void res.end();
        createReadStream(path).pipe(res);
      });
    },
  };
}

async function startDevServer() {
  const configFile = join(root, 'renderer', 'vite.web.config.ts');
  if (!existsSync(configFile)) {
    console.error('modscope: error NO_WEB_CONFIG: renderer/vite.web.config.ts is missing');
    process.exit(2);
  }
  const { createServer } = await import('vite');
  const files = file ? [file] : [];
  const server = await createServer({
    configFile,
    plugins: [localFilesPlugin(files)],
    server: { host: 'localhost', port: Number(process.env.PORT) || 5173, strictPort: false, open: false },
    clearScreen: false,
    logLevel: 'warn',
  });
  await server.listen();
  const base = (server.resolvedUrls?.local?.[0] ?? 'http://localhost:5173/').replace(/\/?$/, '/');
  const query = file ? `?file=/local/0/${encodeURIComponent(basename(file))}` : '';
  console.log(`modscope: open ${base}${query}${file ? '' : '  (opens samples/hello/hello.ko)'}   — Ctrl+C to stop`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const bin = electronBinary(root);
if (bin) await startElectron(bin);
else await startBrowser();
