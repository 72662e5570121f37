/**
 * modprobe's plan: the modules that must be loaded before `target`, found as depmod finds them —
 * every undefined symbol that vmlinux does not export is looked up among the in-tree modules'
 * exports (Module.symvers, in the kernel profile), recursively. Dependencies come first.
 */
import { readRelocListing, SHN_UNDEF, SHT_SYMTAB, STB_WEAK } from '../elf/index';
import type { KernelProfile } from '../kernel/profile';
import { splitSignature } from '../kmod/signature';
import { DEBIAN_6_1_SOFTDEPS } from '../kernel/softdeps-debian-6.1.0-50';

export interface ModprobePlan {
  /** Paths relative to the modules directory (e.g. "drivers/gpu/drm/drm.ko"), dependencies first, target last. */
  order: string[];
  /** Symbols no vmlinux or module export provides: module path → names. */
  missing: Map<string, string[]>;
  /**
   * Soft dependencies (and what they need) that modprobe loads but does not require: kmod_module_probe_insert_module()
   * (libkmod-module.c) ignores their errors (crc32c-intel.ko fails with ENODEV on the qemu64 CPU, which lacks SSE4.2).
   */
  optional: Set<string>;
  /** The target's post: soft dependencies, which modprobe loads after it (Modscope's plan ends with the target). */
  after: string[];
}

/** The in-tree path of a module as Module.symvers names it ("fs/fat/fat") → "fs/fat/fat.ko". */
export function symversPath(module: string): string {
  return `${module}.ko`;
}

/**
 * The named SHN_UNDEF symbols of the module's .symtab (readElf()'s symtab), read without decoding the rest:
 * only st_shndx is looked at for each entry (amdgpu has 26,000 symbols and 320,000 relocations this does not need).
 */
export function undefinedSymbols(image: Uint8Array): { name: string; weak: boolean }[] {
  const elf = readRelocListing(splitSignature(image).elf);
  const index = [...elf.symbolTables.keys()].find((i) => elf.sections[i].type === SHT_SYMTAB);
  const table = index === undefined ? undefined : elf.symbolTables.get(index);
  if (!table) return [];
  const { dv, little } = table.view;
  const shndxAt = table.is64 ? 6 : 14; // st_shndx in Elf64_Sym / Elf32_Sym
  const out: { name: string; weak: boolean }[] = [];
  for (let i = 0, o = table.base + shndxAt; i < table.count; i++, o += table.entSize) {
    if (dv.getUint16(o, little) !== SHN_UNDEF) continue;
    const s = table.symbol(i);
    if (s.name !== '') out.push({ name: s.name, weak: s.bind === STB_WEAK });
  }
  return out;
}

/**
 * The module tree's modules.softdep, resolved (the Debian tree the profile describes has none until depmod runs: the
 * engine carries depmod's answer for that release, engine/kernel/softdeps-debian-6.1.0-50.ts).
 */
function softdepsFor(profile: KernelProfile): Readonly<Record<string, { readonly pre: readonly string[]; readonly post: readonly string[] }>> {
  return profile.release === '6.1.0-50-amd64' ? DEBIAN_6_1_SOFTDEPS : {};
}

export function modprobePlan(profile: KernelProfile, target: string, read: (relPath: string) => Uint8Array | null): ModprobePlan {
  const order: string[] = [];
  const missing = new Map<string, string[]>();
  const optional = new Set<string>();
  const seen = new Set<string>();
  const softdeps = softdepsFor(profile);
  // __kmod_module_get_probe_list() (libkmod-module.c): a module's dependencies, then its pre: soft dependencies, the
  // module, its post: soft dependencies; soft ones (and what only they need) are not required.
  const visit = (path: string, required: boolean): void => {
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
      if (dep !== path) visit(dep, required);
    }
    const soft = softdeps[path];
    for (const p of soft?.pre ?? []) visit(p, false);
    order.push(path);
    if (!required) optional.add(path);
    if (path === target) after.push(...(soft?.post ?? []));
    else for (const p of soft?.post ?? []) visit(p, false);
  };
  const after: string[] = [];
  visit(target, true);
  return { order, missing, optional, after };
}
