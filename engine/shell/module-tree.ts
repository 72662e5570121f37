/**
 * A module tree the shell can modprobe from: a lib/modules/<version>/kernel folder the host reads
 * (the dev server's /modtree/ endpoint, a folder the user picked, or the disk in Electron and the
 * CLI). The shell runs synchronously, so before a `modprobe`/`modinfo` line the engine fetches what
 * that line will need — the named module and, as depmod would find them, everything it depends on
 * (engine/load/modprobe.ts) — into a cache the shell's file lookup answers from.
 */
import { detectCompression, decompress } from '../compress/index';
import type { KernelProfile } from '../kernel/profile';
import { modprobePlan } from '../load/modprobe';

/** What a host provides: the .ko paths under the tree (relative, "drivers/gpu/drm/drm.ko") and their bytes. */
export interface ModuleTreeSource {
  /** Shown to the user: "the dev server's corpus", "/home/me/lib/modules/6.1.0-50-amd64/kernel". */
  label: string;
  list(): Promise<string[]>;
  read(relPath: string): Promise<Uint8Array | null>;
}

/** kmod's modname: the file name up to the first '.', '-' as '_'. */
function modname(rel: string): string {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return (dot < 0 ? base : base.slice(0, dot)).replace(/-/g, '_');
}

export class ModuleTree {
  /** Module name → path in the shell's file system (/lib/modules/<release>/kernel/<rel>). */
  readonly index = new Map<string, string>();
  private readonly relByName = new Map<string, string>();
  /** Fetched files by shell path (raw, as stored) and, for planning, decompressed. */
  private readonly raw = new Map<string, Uint8Array>();
  private readonly plain = new Map<string, Uint8Array>();

  private constructor(
    readonly source: ModuleTreeSource,
    readonly root: string,
  ) {}

  static async open(source: ModuleTreeSource, release: string): Promise<ModuleTree> {
    const t = new ModuleTree(source, `/lib/modules/${release}/kernel/`);
    for (const rel of (await source.list()).sort()) {
      if (!/\.ko(\.(xz|zst|gz))?$/.test(rel)) continue;
      const name = modname(rel);
      if (t.relByName.has(name)) continue;
      t.relByName.set(name, rel);
      t.index.set(name, t.root + rel);
    }
    return t;
  }

  get size(): number {
    return this.index.size;
  }

  /** The shell's file lookup: a fetched module by its /lib/modules path. */
  file(path: string): Uint8Array | null {
    return this.raw.get(path) ?? null;
  }

  private async fetch(rel: string): Promise<Uint8Array | null> {
    const path = this.root + rel;
    const have = this.plain.get(path);
    if (have) return have;
    const bytes = await this.source.read(rel);
    if (!bytes) return null;
    this.raw.set(path, bytes);
    const plain = detectCompression(bytes) ? await decompress(bytes) : bytes;
    this.plain.set(path, plain);
    return plain;
  }

  /**
   * Fetch what `modprobe NAME…`/`modinfo NAME` will read: each named module and its dependencies
   * (Module.symvers of the kernel profile says who exports each symbol, as depmod does).
   */
  async prefetch(profile: KernelProfile, names: string[]): Promise<void> {
    for (const n of names) {
      const rel = this.relByName.get(n.replace(/-/g, '_'));
      if (!rel) continue;
      // modprobePlan() reads synchronously: run it, fetch what it missed, until nothing is missing.
      for (let round = 0; round < 64; round++) {
        const misses: string[] = [];
        modprobePlan(profile, rel, (p) => {
          const known = this.plain.get(this.root + this.resolve(p));
          if (!known) misses.push(p);
          return known ?? null;
        });
        if (misses.length === 0) break;
        let got = 0;
        for (const m of misses) if (await this.fetch(this.resolve(m))) got++;
        if (got === 0) break;
      }
    }
  }

  /** Module.symvers paths have no compression suffix; the tree's file may have one. */
  private resolve(symversRel: string): string {
    return this.relByName.get(modname(symversRel)) ?? symversRel;
  }
}

/** The module names a shell line will look up in the tree (modprobe's and modinfo's operands). */
export function treeNamesOf(line: string): string[] {
  const words = line.trim().split(/\s+/);
  const cmd = words[0]?.split('/').pop();
  if (cmd !== 'modprobe' && cmd !== 'modinfo') return [];
  const operands = words.slice(1).filter((w) => !w.startsWith('-') && !w.includes('='));
  return cmd === 'modinfo' || words.includes('-a') || words.includes('--all') ? operands : operands.slice(0, 1);
}
