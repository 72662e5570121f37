/**
 * The browser build of the app (renderer/ + the engine worker), in one place for the three things that
 * serve it: `modscope export`/`deck` (headless Chromium), `modscope serve` and `npm start` where no
 * Electron binary exists. Built into out/cli/web at install (package.json "prepare") and again only
 * when the renderer or engine sources are newer than the build, then served from loopback with the
 * repository's samples/ (the kernel profile) and, read-only, the module files named by the caller.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { CliError } from './errors';

/** The repository (or installed package) root: the folder holding renderer/ or out/cli/web. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (
      existsSync(join(dir, 'package.json')) &&
      (existsSync(join(dir, 'renderer', 'vite.web.config.ts')) || existsSync(join(dir, 'out', 'cli', 'web', 'index.html')))
    )
      return dir;
    dir = dirname(dir);
  }
  throw new CliError('NO_WEB_APP', `cannot find the Modscope web app above ${fileURLToPath(import.meta.url)}`);
}

function newestMtime(dir: string, skip: (name: string) => boolean): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (skip(e.name)) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when out/cli/web exists and is at least as new as every renderer and engine source. */
export function webAppFresh(root: string): boolean {
  const web = join(root, 'out', 'cli', 'web');
  const stamp = join(web, '.built');
  if (!existsSync(stamp) || !existsSync(join(web, 'index.html'))) return false;
  if (!existsSync(join(root, 'renderer', 'vite.web.config.ts'))) return true;
  const skip = (n: string) => n === 'node_modules' || n.endsWith('.test.ts');
  const sources = Math.max(newestMtime(join(root, 'renderer'), skip), newestMtime(join(root, 'engine'), skip));
  return statSync(stamp).mtimeMs >= sources;
}

/** out/cli/web, (re)built with vite when missing or older than the renderer and engine sources. */
export async function webApp(root: string, err: (s: string) => void): Promise<string> {
  const web = join(root, 'out', 'cli', 'web');
  const config = join(root, 'renderer', 'vite.web.config.ts');
  if (webAppFresh(root)) return web;
  if (!existsSync(config)) throw new CliError('NO_WEB_APP', `no web app at ${web} and no renderer sources to build it from`);
  const stamp = join(web, '.built');
  err(`modscope: building the web app into ${web} (${existsSync(stamp) ? 'sources changed' : 'first use'})…\n`);
  const { build } = (await import('vite')) as typeof import('vite');
  // Built beside and then swapped in, so a concurrent export never serves a half-written folder.
  const tmp = `${web}.tmp-${process.pid}`;
  await build({ configFile: config, logLevel: 'error', build: { outDir: tmp, emptyOutDir: true } });
  writeFileSync(join(tmp, '.built'), new Date().toISOString() + '\n');
  try {
    rmSync(web, { recursive: true, force: true });
    renameSync(tmp, web);
  } catch (e) {
    // Another build swapped its folder in first: use that one.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(web, 'index.html'))) throw e;
  }
  return web;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function inside(dir: string, rel: string): string | null {
  const p = resolve(dir, rel);
  return p.startsWith(dir + sep) && existsSync(p) && statSync(p).isFile() ? p : null;
}

export interface ServeOptions {
  /** The built app (webApp()). */
  web: string;
  /** The repository's samples/: the kernel profile and the bundled modules. */
  samples: string;
  /** Extra files by URL path: bytes, or a path on disk read at each request (read-only). */
  files: ReadonlyMap<string, Buffer | string>;
  host?: string;
  /** 0: a free port. */
  port?: number;
}

/** Serves the app, samples/ and the named files; GET and HEAD only, nothing outside those folders. */
export function serve(o: ServeOptions): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    let url: string;
    try {
      url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.end();
      return;
    }
    let body: Buffer | null = null;
    let type = 'application/octet-stream';
    const extra = o.files.get(url);
    if (extra !== undefined) body = typeof extra === 'string' ? (existsSync(extra) ? readFileSync(extra) : null) : extra;
    else {
      const rel = url === '/' ? 'index.html' : url.slice(1);
      const file = inside(o.web, rel) ?? (url.startsWith('/samples/') ? inside(o.samples, url.slice('/samples/'.length)) : null);
      if (file) {
        body = readFileSync(file);
        type = TYPES[extname(file)] ?? type;
      }
    }
    if (!body) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', String(body.length));
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const host = o.host ?? '127.0.0.1';
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, host, () => ok({ server, origin: `http://${host}:${(server.address() as AddressInfo).port}` }));
  });
}
