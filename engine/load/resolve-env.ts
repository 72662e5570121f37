/**
 * What simplify_symbols(), check_version() and try_to_force_load() see of the kernel and of the
 * module being loaded, as one object (the kernel passes struct module and struct load_info).
 */
import type { LoadedModule } from '../kernel/module-record';
import { taintBit } from '../kernel/taint';
import type { LoadInfo } from './context';
import type { ResolveEnv } from './symbols';

export function resolveEnvFor(info: LoadInfo, mod: LoadedModule | null): ResolveEnv {
  const { k, rec, elf, facts } = info;
  const versions = info.index.vers ? new Map(facts.versions.map((v) => [v.name, v.crc])) : null;
  const base = rec.pos;
  const localTaints = (): number => mod?.taints ?? info.pendingTaints.v;
  return {
    modName: info.modName,
    infoName: info.infoName,
    gplok: () => !(localTaints() & taintBit('P')),
    find: (n, gplok) => k.findSymbol(n, gplok),
    versions,
    importNs: facts.modinfo.filter((e) => e.key === 'import_ns').map((e) => e.value),
    sectionAddr: (i) => info.secs[i]?.addr ?? 0n,
    sectionCount: elf.sections.length,
    pcpuIndex: info.index.pcpu,
    percpuBase: mod?.percpu ?? 0n,
    sectionName: (i) => elf.sections[i]?.name ?? `[${i}]`,
    moduleTaints: localTaints,
    addModuleTaint: (l, item) => {
      k.addTaint(l, base + item);
      if (mod) mod.taints |= taintBit(l);
      else info.pendingTaints.v |= taintBit(l);
    },
    kernelTainted: (l) => k.tainted(l),
    refModule: (owner) => {
      if (!mod || mod.uses.includes(owner.name)) return;
      mod.uses.push(owner.name);
      owner.usedBy.push(mod.name);
      owner.refcnt++;
    },
    printk: (level, text, item) => k.printkAt(level, text, base + item),
  };
}
