/** get_kernel_info(K_SYMBOLS) (modutils util/modstat.c): what is loaded, and every exported symbol. */
import { sysQueryModule } from './sys-module';
import { QM_INFO, QM_MODULES, QM_SYMBOLS } from './struct-module';
import type { InsmodRun } from './insmod-run24';

export function getKernelInfo(f: InsmodRun): boolean {
  const { K } = f;
  const mods = sysQueryModule(K, null, QM_MODULES).names ?? [];
  f.stat = mods.map((m) => ({ name: m, info: sysQueryModule(K, m, QM_INFO).info ?? null, syms: sysQueryModule(K, m, QM_SYMBOLS).symbols ?? [] }));
  f.ksyms = sysQueryModule(K, null, QM_SYMBOLS).symbols ?? [];
  const { ksyms } = f;
  f.versioned = ksyms.some((s) => s.name === 'Using_Versions');
  const example = ksyms.find((s) => s.name.startsWith('printk_R') || s.name.startsWith('_printk_R'))?.name ?? ksyms[1]?.name;
  K.step({
    stage: 'symbols',
    side: 'syscall',
    fn: 'sys_query_module',
    file: 'kernel/module.c (2.4)',
    title: `${ksyms.length.toLocaleString('en-US')} kernel symbols fetched`,
    text:
      `query_module(NULL, QM_MODULES) → ${mods.length ? mods.join(', ') : 'no modules'}; ${mods.length ? 'QM_INFO and QM_SYMBOLS for each; ' : ''}` +
      "query_module(NULL, QM_SYMBOLS) → the kernel's table of {value, name} pairs, names as /proc/ksyms shows them" +
      `${f.versioned ? ` (versioned, e.g. "${example}")` : ''}. (Modelled: the symbols are the Debian 6.1 kernel's exports.)`,
  });
  return true;
}
