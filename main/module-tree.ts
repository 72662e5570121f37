/**
 * Electron main's side of a module tree (the folder the user picked in the native dialog): list it, hand the
 * list and modules.dep to the engine (kernel.modtree), and answer kernel.shell's `needs` by reading those files
 * here, so the renderer never names a path on disk. Only paths the engine accepted as modules of the tree are
 * read, joined under the picked folder (relative, no "..": engine/shell/module-tree.ts checks them).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { EngineArg, EngineMethod, EngineValue, ModuleTreeRequest, Result, ShellAnswer } from '../engine/api-types';

/** Most files listed (Debian's tree: ~4,000 modules and a few other files). */
const MAX_FILES = 200_000;

export class TreeScanError extends Error {}

/** The tree under dir: the folder holding modules.dep or kernel/ (dir itself, or lib/modules/<one version> below it). */
export async function scanModuleTree(dir: string): Promise<{ root: string; request: ModuleTreeRequest }> {
  let root = dir;
  const has = async (p: string): Promise<boolean> =>
    stat(p).then(
      () => true,
      () => false,
    );
  if (!(await has(join(root, 'modules.dep'))) && !(await has(join(root, 'kernel')))) {
    // Picked lib/modules (or /): take its single version folder.
    const base = (await has(join(dir, 'lib', 'modules'))) ? join(dir, 'lib', 'modules') : dir;
    const versions = (await readdir(base, { withFileTypes: true })).filter((e) => e.isDirectory());
    const found = [];
    for (const v of versions) if ((await has(join(base, v.name, 'kernel'))) || (await has(join(base, v.name, 'modules.dep')))) found.push(v.name);
    if (found.length !== 1)
      throw new TreeScanError(
        found.length
          ? `${dir} holds several trees (${found.join(', ')}): pick one of them`
          : `${dir} has no modules.dep and no kernel/ folder: pick a lib/modules/<version> folder`,
      );
    root = join(base, found[0]);
  }
  const paths: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (paths.length >= MAX_FILES) throw new TreeScanError(`more than ${MAX_FILES} files under ${root}`);
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) paths.push(relative(root, p).split(sep).join('/'));
    }
  };
  await walk(root);
  const label = root.split(sep).filter(Boolean).pop() ?? root;
  const request: ModuleTreeRequest = { paths, label };
  const text = async (name: string): Promise<string | undefined> => (paths.includes(name) ? readFile(join(root, name), 'utf8') : undefined);
  const dep = await text('modules.dep');
  if (dep !== undefined) request.modulesDep = dep;
  const soft = await text('modules.softdep');
  if (soft !== undefined) request.modulesSoftdep = soft;
  return { root, request };
}

type Call = <M extends EngineMethod>(method: M, arg: EngineArg<M>) => Promise<Result<EngineValue<M>>>;

/** kernel.shell with the picked tree's files read here, round by round, until the line ran. */
export async function shellOverTree(call: Call, root: string | null, arg: EngineArg<'kernel.shell'>): Promise<Result<ShellAnswer>> {
  let r = await call('kernel.shell', arg);
  for (let round = 0; root !== null && round < 64 && r.ok && r.value.needs; round++) {
    const files: { path: string; bytes: Uint8Array }[] = [];
    for (const path of r.value.needs) {
      if (path.split('/').some((s) => s === '..' || s === '') || path.startsWith('/'))
        return { ok: false, error: { code: 'BAD_REQUEST', message: `${path} is not inside the module tree`, field: 'files' } };
      try {
        files.push({ path, bytes: new Uint8Array(await readFile(join(root, path))) });
      } catch (e) {
        return {
          ok: false,
          error: { code: 'BAD_REQUEST', message: `${join(root, path)}: ${e instanceof Error ? e.message : String(e)}`, field: 'files' },
        };
      }
    }
    r = await call('kernel.shell', { ...arg, files });
  }
  return r;
}
