/**
 * A module tree the user points the app at (a lib/modules/<ver> folder), as the shell's modprobe reads it:
 * the file list and modules.dep / modules.softdep up front, each module's bytes only when a command needs
 * them (kernel.modtree, then kernel.shell's `needs`). In the browser the folder comes from a directory
 * input (<input webkitdirectory>): File objects are references, nothing is read until asked for.
 */
import type { ModuleTreeRequest } from '../../../engine/api-types';

export interface ModuleTreeSource {
  /** The folder's name ("6.1.0-50-amd64"). */
  label: string;
  request: ModuleTreeRequest;
  /** The bytes of a file of the tree (path relative to its root), or null when it cannot be read. */
  read(path: string): Promise<Uint8Array | null>;
}

export class ModuleTreePickError extends Error {}

/**
 * The tree in a directory input's files. Its root is the folder holding modules.dep or kernel/ (the user may
 * pick lib/modules/<ver>, or lib/modules, or the folder above lib/: the shallowest such root wins).
 */
export async function treeFromFiles(files: ArrayLike<File>): Promise<ModuleTreeSource> {
  const all = Array.from(files);
  const rel = (f: File): string => f.webkitRelativePath || f.name;
  let root: string | null = null;
  for (const f of all) {
    const p = rel(f);
    const m = /^(.*?\/)?(modules\.dep|kernel\/.*\.ko(\.xz|\.zst|\.gz)?)$/.exec(p);
    if (!m) continue;
    const r = m[1] ?? '';
    if (root === null || r.length < root.length) root = r;
  }
  if (root === null) throw new ModuleTreePickError('no modules.dep and no kernel/…/*.ko in that folder: pick a lib/modules/<version> folder');
  const byPath = new Map<string, File>();
  for (const f of all) {
    const p = rel(f);
    if (p.startsWith(root)) byPath.set(p.slice(root.length), f);
  }
  const text = async (name: string): Promise<string | undefined> => (byPath.has(name) ? await byPath.get(name)?.text() : undefined);
  const label = root.replace(/\/$/, '').split('/').pop() || 'modules';
  const request: ModuleTreeRequest = { paths: [...byPath.keys()], label };
  const dep = await text('modules.dep');
  if (dep !== undefined) request.modulesDep = dep;
  const soft = await text('modules.softdep');
  if (soft !== undefined) request.modulesSoftdep = soft;
  return {
    label,
    request,
    async read(path) {
      const f = byPath.get(path);
      return f ? new Uint8Array(await f.arrayBuffer()) : null;
    },
  };
}

/**
 * A tree served over HTTP (`modscope serve --modules DIR`, `npm start -- --modules DIR`): base/index.json holds the
 * request (paths, modules.dep), base/<path> each module, fetched when kernel.shell needs it.
 */
export async function treeFromUrl(base: string): Promise<ModuleTreeSource> {
  const root = base.endsWith('/') ? base : `${base}/`;
  const res = await fetch(`${root}index.json`);
  if (!res.ok) throw new ModuleTreePickError(`${root}index.json: HTTP ${res.status}`);
  const request = (await res.json()) as ModuleTreeRequest;
  if (!Array.isArray(request.paths)) throw new ModuleTreePickError(`${root}index.json has no paths`);
  const label = request.label ?? root;
  return {
    label,
    request,
    async read(path) {
      const r = await fetch(root + path.split('/').map(encodeURIComponent).join('/'));
      return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
    },
  };
}

/** ?modules=/modtree/ in the page's address: the served tree, or null. Only a same-origin path is taken. */
export function treeUrlFromLocation(search: string): string | null {
  const v = new URLSearchParams(search).get('modules');
  return v && v.startsWith('/') && !v.startsWith('//') ? v : null;
}
