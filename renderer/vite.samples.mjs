// Node-side helpers for renderer/vite.web.config.ts (kept in .mjs: renderer/ TypeScript is
// browser-only and may not import node:*). Serves the project's samples/ directory at
// /samples/… in dev, copies it into the build, and exposes /samples/index.json.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const paths = {
  root: here,
  projectRoot: resolve(here, '..'),
  samples: resolve(here, '..', 'samples'),
  outDir: resolve(here, '..', 'out', 'cli', 'web'),
};

const MODULE_RE = /\.ko(\.(xz|zst|gz))?$/;

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function sampleIndex(dir) {
  const modules = listFiles(dir)
    .filter((f) => MODULE_RE.test(f))
    .map((f) => '/samples/' + relative(dir, f).split(sep).join('/'))
    .sort();
  return JSON.stringify({ samples: modules });
}

/** @returns {import('vite').Plugin} */
export function samplesPlugin(dir = paths.samples) {
  return {
    name: 'modscope-samples',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        if (!url.startsWith('/samples/')) return next();
        if (url === '/samples/index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Control', 'no-store');
          res.end(sampleIndex(dir));
          return;
        }
        const rel = decodeURIComponent(url.slice('/samples/'.length));
        const file = resolve(dir, rel);
        if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
          res.statusCode = 404;
          res.end('not found');
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Cache-Control', 'no-store');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      // The modules, and the kernel profile the Load view boots from (samples/kernel/*.json.gz).
      for (const f of listFiles(dir).filter((f) => MODULE_RE.test(f) || /[\\/]kernel[\\/][^\\/]+\.json\.gz$/.test(f))) {
        this.emitFile({ type: 'asset', fileName: 'samples/' + relative(dir, f).split(sep).join('/'), source: readFileSync(f) });
      }
      this.emitFile({ type: 'asset', fileName: 'samples/index.json', source: sampleIndex(dir) });
    },
  };
}

/** DEV ONLY: MODSCOPE_FAKE_ENGINE=1 aliases the worker's engine import to renderer/dev/fake-engine.ts. */
export function devResolve() {
  if (!process.env.MODSCOPE_FAKE_ENGINE) return undefined;
  return { alias: [{ find: /^\.\.\/\.\.\/\.\.\/engine\/engine$/, replacement: join(here, 'dev', 'fake-engine.ts') }] };
}

/**
 * Dev server only: the strict CSP (script-src 'self') forbids inline scripts, but the React
 * refresh preamble is injected inline. Move every inline module script into a served file.
 * @returns {import('vite').Plugin}
 */
export function cspInlineScripts() {
  const scripts = new Map();
  return {
    name: 'modscope-csp-inline-scripts',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        let i = 0;
        return html.replace(/<script type="module">([\s\S]*?)<\/script>/g, (_m, code) => {
          const url = `/@modscope-inline/${i++}.js`;
          scripts.set(url, code);
          return `<script type="module" src="${url}"></script>`;
        });
      },
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const code = scripts.get((req.url ?? '').split('?')[0]);
        if (code === undefined) return next();
        res.setHeader('Content-Type', 'text/javascript');
        res.end(code);
      });
    },
  };
}
