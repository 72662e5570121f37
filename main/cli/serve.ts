/**
 * `modscope serve [FILE.ko …] [--modules DIR] [--port N] [--host ADDR]`: the app in your browser, from its built web
 * bundle (web-app.ts), with the named modules served read-only at /local/<n>/<name>; the first opens
 * at start (?file=…). --modules: a lib/modules/<version> tree at /modtree/ (?modules=/modtree/), which the
 * shell pane's modprobe reads file by file as it needs them. `npm start` runs this where no Electron binary exists. Serves until Ctrl+C.
 * `--build-only`: (re)build the bundle when it is missing or stale, then exit (npm's prepare, build:web).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { optionValue } from './args';
import { CliError } from './errors';
import { servedProfileBinary } from './kernel-files';
import { packageRoot, serve, webApp } from './web-app';
import { scanModuleTree, TreeScanError } from '../module-tree';

/** Where a --modules tree is served: MODTREE/index.json (its list, modules.dep), MODTREE/<path> each file. */
export const MODTREE = '/modtree/';

/** The URL paths of a module tree: its index (label, paths, modules.dep) and each module file and depmod file, read at each request. */
export async function moduleTreeFiles(dir: string): Promise<Map<string, Buffer | string>> {
  let tree;
  try {
    tree = await scanModuleTree(dir);
  } catch (e) {
    if (e instanceof TreeScanError) throw new CliError('USAGE', e.message, undefined, 1);
    throw new CliError('ENOENT', `${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const served = tree.request.paths.filter((p) => /\.ko(\.xz|\.zst|\.gz)?$/.test(p));
  const out = new Map<string, Buffer | string>([[`${MODTREE}index.json`, Buffer.from(JSON.stringify({ ...tree.request, paths: served }))]]);
  for (const p of served) out.set(MODTREE + p, join(tree.root, p));
  return out;
}

export interface ServeOptions {
  files: string[];
  /** --modules DIR: a module tree for the shell pane's modprobe, served at /modtree/. */
  modules: string | null;
  port: number;
  host: string;
  buildOnly: boolean;
}

export function parseServeArgs(argv: readonly string[]): ServeOptions {
  const o: ServeOptions = { files: [], modules: null, port: Number(process.env.PORT) || 5173, host: '127.0.0.1', buildOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--build-only') o.buildOnly = true;
    else if (a === '--modules') {
      const v = argv[++i];
      if (v === undefined) throw new CliError('USAGE', '--modules needs a lib/modules/<version> folder', undefined, 1);
      o.modules = resolve(v);
    } else if (a === '--port' || a === '--host') {
      const v = optionValue(argv, ++i, a);
      if (a === '--host') o.host = v;
      else if (!/^\d+$/.test(v) || Number(v) > 65535) throw new CliError('USAGE', `--port ${v} is not a port (0–65535)`, undefined, 1);
      else o.port = Number(v);
    } else if (a.startsWith('-')) throw new CliError('USAGE', `unknown option ${a} (see modscope --help)`, undefined, 1);
    else o.files.push(resolve(a));
  }
  for (const f of o.files) if (!existsSync(f) || !statSync(f).isFile()) throw new CliError('ENOENT', `${f}: no such file`);
  return o;
}

export async function serveCommand(o: ServeOptions, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  const root = packageRoot();
  const web = await webApp(root, io.err);
  if (o.buildOnly) {
    io.out(`modscope: the web app is built in ${web}\n`);
    return 0;
  }
  const files = new Map<string, Buffer | string>(o.files.map((f, n) => [`/local/${n}/${basename(f)}`, f] as const));
  if (o.modules) for (const [u, f] of await moduleTreeFiles(o.modules)) files.set(u, f);
  const bin = servedProfileBinary(root);
  if (bin) files.set(...bin);
  let served;
  try {
    served = await serve({ web, samples: join(root, 'samples'), files, host: o.host, port: o.port });
  } catch (e) {
    const x = e as NodeJS.ErrnoException;
    if (x.code !== 'EADDRINUSE' || o.port === 0) throw new CliError(x.code ?? 'EIO', `cannot listen on ${o.host}:${o.port}: ${x.message}`);
    served = await serve({ web, samples: join(root, 'samples'), files, host: o.host, port: 0 });
  }
  const first = [...files.keys()].find((u) => u.startsWith('/local/'));
  const query = [first ? `file=${encodeURIComponent(first).replace(/%2F/g, '/')}` : '', o.modules ? `modules=${MODTREE}` : '']
    .filter(Boolean)
    .join('&');
  const url = `${served.origin}/${query ? `?${query}` : ''}`;
  io.out(`modscope: open ${url}${first ? '' : '  (opens samples/hello/hello.ko)'}   — Ctrl+C to stop\n`);
  return await new Promise<number>((done) => {
    const stop = () => {
      served.server.close(() => done(0));
      served.server.closeAllConnections(); // the browser's keep-alive connections would hold close() open
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
