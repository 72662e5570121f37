/**
 * A module tree the host points the shell at (a lib/modules/<ver> folder: the fetched corpus, or a real
 * machine's), read lazily: the host gives the tree's file list and, when it has them, depmod's
 * modules.dep and modules.softdep; the bytes of a module come only when a command needs them.
 *
 * Which files a command needs is found the way the command itself will look: `modprobe NAME` through
 * modules.dep (kmod's probe list) or, without one, through modprobePlan() — the engine's entry that
 * `modscope load --modprobe` uses: the module's undefined symbols looked up in Module.symvers, recursively.
 * That walk needs each module's bytes to see its symbols, so the host answers in rounds: it reads what
 * needs() names, hands it over, and asks again until nothing is missing (amdgpu: 4 rounds, 13 files).
 */
import type { KernelProfile } from '../kernel/profile';
import { modprobePlan } from '../load/modprobe';
import { parseLine } from './parse';
import type { ModulesDep } from './types';

/** Most paths a tree may list (Debian's 6.1 tree has about 4,000 modules). */
export const MAX_TREE_FILES = 200_000;
/** Most bytes of modules.dep / modules.softdep accepted. */
export const MAX_DEP_TEXT = 32 << 20;
const MAX_PATH = 4096;

export class ModuleTreeError extends Error {
  constructor(
    message: string,
    /** The argument at fault: "paths[12]", "modulesDep line 7". */
    readonly field: string,
  ) {
    super(message);
    this.name = 'ModuleTreeError';
  }
}

const MODULE_FILE = /\.ko(\.xz|\.zst|\.gz)?$/;

/** modname from a path as kmod's path_to_modname(): the base name without .ko[.xz…], '-' as '_'. */
function modname(path: string): string {
  return (path.split('/').pop() ?? path).replace(MODULE_FILE, '').replace(/-/g, '_');
}

function checkPath(p: unknown, field: string): string {
  if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PATH) throw new ModuleTreeError('a path must be a non-empty string', field);
  if (p.startsWith('/') || p.split('/').some((s) => s === '..' || s === '.' || s === ''))
    throw new ModuleTreeError(`"${p}" is not a plain relative path inside the tree`, field);
  return p;
}

/**
 * depmod's modules.dep ("kernel/fs/fat/vfat.ko: kernel/fs/fat/fat.ko") and modules.softdep
 * ("softdep crc32c_generic pre: crc32c_intel"), as kmod reads them: module names, dependencies in line order.
 */
export function parseModulesDep(depText: string, softdepText = ''): { dep: ModulesDep; paths: Map<string, string> } {
  const deps = new Map<string, string[]>();
  const paths = new Map<string, string>();
  depText.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ModuleTreeError(`expected "path.ko: dependencies…", got "${line.slice(0, 80)}"`, `modulesDep line ${i + 1}`);
    const path = checkPath(line.slice(0, colon), `modulesDep line ${i + 1}`);
    const ds = line
      .slice(colon + 1)
      .split(/\s+/)
      .filter(Boolean)
      .map((d) => checkPath(d, `modulesDep line ${i + 1}`));
    const name = modname(path);
    if (!paths.has(name)) paths.set(name, path);
    deps.set(
      name,
      ds.map((d) => modname(d)),
    );
  });
  const softdeps = new Map<string, { pre: string[]; post: string[] }>();
  softdepText.split('\n').forEach((raw) => {
    const w = raw.trim().split(/\s+/);
    // kmod_module_get_softdeps() (libkmod-module.c) takes the first line naming the module, no other.
    if (w[0] !== 'softdep' || w.length < 2 || softdeps.has(w[1].replace(/-/g, '_'))) return;
    const s = { pre: [] as string[], post: [] as string[] };
    let into: string[] | null = null;
    for (const x of w.slice(2)) {
      if (x === 'pre:') into = s.pre;
      else if (x === 'post:') into = s.post;
      else into?.push(x.replace(/-/g, '_'));
    }
    softdeps.set(w[1].replace(/-/g, '_'), s);
  });
  return { dep: { deps, softdeps }, paths };
}

export interface ModuleTreeInput {
  /** Every file of the tree, relative to its root (e.g. "kernel/fs/fat/fat.ko"); other files are ignored. */
  paths: string[];
  /** The tree's modules.dep, when it has one (a fetched package tree has none: depmod writes it at install). */
  modulesDep?: string;
  modulesSoftdep?: string;
}

export class ModuleTree {
  /** Module name → path relative to the tree root. */
  readonly index = new Map<string, string>();
  readonly depmod: ModulesDep | null;
  private readonly bytes = new Map<string, Uint8Array>();
  /** Every module file the tree lists. */
  private readonly modules = new Set<string>();

  constructor(
    input: ModuleTreeInput,
    /** Where the shell sees the tree: /lib/modules/<release>. */
    readonly root: string,
  ) {
    if (!Array.isArray(input.paths)) throw new ModuleTreeError('paths must be a list of relative paths', 'paths');
    if (input.paths.length > MAX_TREE_FILES) throw new ModuleTreeError(`at most ${MAX_TREE_FILES} paths`, 'paths');
    input.paths.forEach((p, i) => {
      checkPath(p, `paths[${i}]`);
      if (!MODULE_FILE.test(p)) return;
      this.modules.add(p);
      const n = modname(p);
      // depmod keeps the first of two modules with one name (search order aside): the first listed here.
      if (!this.index.has(n)) this.index.set(n, p);
    });
    for (const [f, t] of [
      ['modulesDep', input.modulesDep],
      ['modulesSoftdep', input.modulesSoftdep],
    ] as const)
      if (t !== undefined && (typeof t !== 'string' || t.length > MAX_DEP_TEXT)) throw new ModuleTreeError(`${f} must be text of at most 32 MiB`, f);
    if (input.modulesDep !== undefined) {
      const { dep, paths } = parseModulesDep(input.modulesDep, input.modulesSoftdep ?? '');
      this.depmod = dep;
      // modules.dep names where kmod finds each module.
      for (const [n, p] of paths) if (this.modules.has(p)) this.index.set(n, p);
    } else this.depmod = null;
  }

  /** Name → absolute path, as the shell's moduleIndex (modprobe NAME, modinfo NAME). */
  shellIndex(): Map<string, string> {
    return new Map([...this.index].map(([n, p]) => [n, `${this.root}/${p}`]));
  }

  /** Module count. */
  get size(): number {
    return this.index.size;
  }

  /** The bytes the host handed over, by absolute path (the shell's file callback); null when not (yet) read. */
  file(path: string): Uint8Array | null {
    return path.startsWith(this.root + '/') ? (this.bytes.get(path.slice(this.root.length + 1)) ?? null) : null;
  }

  /** Bytes of a tree file read by the host (already decompressed if it was compressed). */
  provide(rel: string, bytes: Uint8Array): void {
    const p = checkPath(rel, 'files.path');
    if (!this.modules.has(p)) throw new ModuleTreeError(`${p} is not a module of the tree`, 'files.path');
    this.bytes.set(p, bytes);
  }

  /**
   * The tree files `line` will read that the host has not handed over yet (relative paths). Empty: run it.
   * modprobe/modinfo NAME and paths under the tree root; without modules.dep the dependency walk sees
   * only what has been read so far, so the host asks again after providing these.
   */
  needs(line: string, profile: KernelProfile): string[] {
    const parsed = parseLine(line);
    if (!parsed.ok) return [];
    const want = new Set<string>();
    for (const pipeline of parsed.list)
      for (const cmd of pipeline.commands) {
        const [prog, ...args] = cmd.argv;
        const words = args.filter((a) => !a.startsWith('-'));
        if (prog === 'modprobe' || prog === 'modinfo') {
          // modprobe -a/-r take several names; otherwise the first word is the module and the rest its parameters.
          const names = prog === 'modinfo' || args.includes('-a') || args.includes('-r') ? words : words.slice(0, 1);
          for (const n of names) {
            const rel = this.index.get(n.replace(/-/g, '_'));
            if (!rel) continue;
            if (prog === 'modinfo') want.add(rel);
            else for (const p of this.probeFiles(rel, profile)) want.add(p);
          }
        }
        for (const w of words) if (w.startsWith(this.root + '/')) want.add(w.slice(this.root.length + 1));
      }
    return [...want].filter((p) => !this.bytes.has(p) && this.modules.has(p));
  }

  /** The modules modprobe will read for the module at rel: modules.dep's closure, or modprobePlan() over what is read so far. */
  private probeFiles(rel: string, profile: KernelProfile): string[] {
    const dep = this.depmod;
    if (dep) {
      const out: string[] = [];
      const seen = new Set<string>();
      const visit = (name: string): void => {
        if (seen.has(name)) return;
        seen.add(name);
        const p = this.index.get(name);
        if (p) out.push(p);
        for (const d of dep.deps.get(name) ?? []) visit(d);
        const s = dep.softdeps.get(name);
        for (const d of [...(s?.pre ?? []), ...(s?.post ?? [])]) visit(d);
      };
      visit(modname(rel));
      return out;
    }
    // Module.symvers names in-tree modules by their path under kernel/ without .ko: "fs/fat/fat".
    const base = rel.startsWith('kernel/') ? 'kernel/' : '';
    const read: string[] = [];
    // A distribution may ship its modules compressed (fat.ko.xz) where Module.symvers says fat.
    const inTree = (p: string): string => ['', '.xz', '.zst', '.gz'].map((x) => base + p + x).find((f) => this.modules.has(f)) ?? base + p;
    const target = rel.slice(base.length).replace(/\.(xz|zst|gz)$/, '');
    const plan = modprobePlan(profile, target, (p) => {
      const full = p === target ? rel : inTree(p);
      read.push(full);
      return this.bytes.get(full) ?? null;
    });
    return [...new Set([...read, ...plan.order.map((p) => (p === target ? rel : inTree(p)))])];
  }
}
