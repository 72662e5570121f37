/**
 * modprobe's plan: the modules that must be loaded before `target`, found as depmod finds them —
 * every undefined symbol that vmlinux does not export is looked up among the in-tree modules'
 * exports (Module.symvers, in the kernel profile), recursively. Dependencies come first.
 */
import { readElf, SHN_UNDEF, STB_WEAK } from '../elf/index';
import type { KernelProfile } from '../kernel/profile';
import { splitSignature } from '../kmod/signature';

export interface ModprobePlan {
  /** Paths relative to the modules directory (e.g. "drivers/gpu/drm/drm.ko"), dependencies first, target last. */
  order: string[];
  /** Symbols no vmlinux or module export provides: module path → names. */
  missing: Map<string, string[]>;
}

/** The in-tree path of a module as Module.symvers names it ("fs/fat/fat") → "fs/fat/fat.ko". */
export function symversPath(module: string): string {
  return `${module}.ko`;
}

export function undefinedSymbols(image: Uint8Array): { name: string; weak: boolean }[] {
  const elf = readElf(splitSignature(image).elf);
  return (elf.symtab?.symbols ?? []).filter((s) => s.rawShndx === SHN_UNDEF && s.name !== '').map((s) => ({ name: s.name, weak: s.bind === STB_WEAK }));
}

export function modprobePlan(profile: KernelProfile, target: string, read: (relPath: string) => Uint8Array | null): ModprobePlan {
  const order: string[] = [];
  const missing = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const image = read(path);
    if (!image) return;
    for (const u of undefinedSymbols(image)) {
      const e = profile.lookup(u.name);
      if (e?.module === 'vmlinux') continue;
      if (!e) {
        if (!u.weak) missing.set(path, [...(missing.get(path) ?? []), u.name]);
        continue;
      }
      const dep = symversPath(e.module);
      if (dep !== path) visit(dep);
    }
    order.push(path);
  };
  visit(target);
  return { order, missing };
}
