/**
 * What simplify_symbols(), check_version() and try_to_force_load() see of the kernel and of the
 * module being loaded, as one object (the kernel passes struct module and struct load_info).
 */
import type { LoadedModule } from '../kernel/module-record';
import { taintBit } from '../kernel/taint';
import type { LoadInfo } from './context';
import { ENOMEM } from './errno';
import { moduleKmalloc } from './module-kmallocs';
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
    // ref_module() → add_module_usage(): kmalloc(sizeof(struct module_use)) (48 bytes), then the two list links.
    refModule: (owner) => {
      if (!mod || mod.uses.includes(owner.name)) return 0;
      if (info.fault.alloc('add_module_usage', 'add_module_usage', 'kmalloc', `${mod.name} uses ${owner.name} (struct module_use)`, 48, -ENOMEM))
        return -ENOMEM;
      moduleKmalloc(k, mod.name, 'use', 48, `${mod.name}: struct module_use → ${owner.name}`, rec.pos);
      mod.uses.push(owner.name);
      owner.usedBy.push(mod.name);
      owner.refcnt++;
      return 0;
    },
    resolveFault: (name) => info.fault.call('simplify_symbols', name),
    printk: (level, text, item) => k.printkAt(level, text, base + item),
    waited: (seconds) => void k.tick(seconds * 1e9),
  };
}
