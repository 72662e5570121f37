/**
 * What the kernel shows user space about modules, formatted as Linux 6.1 does: /proc/modules
 * (kernel/module/procfs.c), /proc/kallsyms module lines (kernel/kallsyms.c s_show), the
 * /sys/module/<m> attributes (kernel/module/sysfs.c, main.c modinfo_attrs). The kernfs directory order
 * (readdir, kmod's holders lists) is engine/kernel/kernfs.ts.
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { moduleTaintLetters } from '../kernel/taint';

/** "%px": 16 lower-case hex digits, no prefix. */
export function px(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** Modules as /proc/modules lists them: newest first, UNFORMED ones skipped. */
export function visibleModules(k: ModelKernel): LoadedModule[] {
  return k.modules.filter((m) => m.state !== 'UNFORMED');
}

/** module_refcount(): atomic_read(&mod->refcnt) - MODULE_REF_BASE. */
export function moduleRefcount(m: LoadedModule): number {
  return m.refcnt - 1;
}

/** The modules using m, as the kernel's source_list holds them: newest user first (list_add). */
export function sourceList(m: LoadedModule): string[] {
  // LoadedModule.usedBy is in load order (oldest first): add_module_usage() list_add()s at the head.
  return [...m.usedBy].reverse();
}

/** mod->init != NULL && mod->exit == NULL: only a forced unload can remove it. */
export function isPermanent(m: LoadedModule): boolean {
  return m.initFn !== null && m.exitFn === null;
}

/** core_layout.size + init_layout.size; init_layout is zeroed once init has succeeded. */
export function procModulesSize(m: LoadedModule): number {
  return m.coreLayout.size + (m.state === 'LIVE' ? 0 : m.initLayout.size);
}

/** One line of /proc/modules: "%s %u %i %s %s 0x%px[ (taints)]" (m_show + print_unload_info). */
export function procModulesLine(m: LoadedModule, showAddresses: boolean): string {
  let deps = sourceList(m)
    .map((n) => `${n},`)
    .join('');
  if (isPermanent(m)) deps += '[permanent],';
  if (deps === '') deps = '-';
  const state = m.state === 'GOING' ? 'Unloading' : m.state === 'COMING' ? 'Loading' : 'Live';
  const base = showAddresses && m.core ? m.core.base : 0n;
  // module_flags(mod, buf, true): taint letters, then '-' while GOING or '+' while COMING (kernel/module/main.c).
  const mark = m.state === 'GOING' ? '-' : m.state === 'COMING' ? '+' : '';
  const taints = m.taints || mark ? ` (${moduleTaintLetters(m.taints)}${mark})` : '';
  return `${m.name} ${procModulesSize(m)} ${moduleRefcount(m)} ${deps} ${state} 0x${px(base)}${taints}`;
}

export function procModules(k: ModelKernel, showAddresses = true): string {
  return visibleModules(k)
    .map((m) => procModulesLine(m, showAddresses) + '\n')
    .join('');
}

/** Module lines of /proc/kallsyms: "%px %c %s\t[%s]" for every module, newest first. */
export function procKallsymsModules(k: ModelKernel, showAddresses = true): string {
  let out = '';
  for (const m of visibleModules(k)) {
    for (const s of m.kallsyms) out += `${px(showAddresses ? s.address : 0n)} ${s.type} ${s.name}\t[${m.name}]\n`;
  }
  return out;
}

/** /sys/module/<m>/initstate. */
export function initstate(m: LoadedModule): string {
  return m.state === 'LIVE' ? 'live' : m.state === 'COMING' ? 'coming' : 'going';
}

/**
 * Sections with a file in /sys/module/<m>/sections: SHF_ALLOC and non-empty (add_sect_attrs), init
 * ones included (their addresses stay after init is freed), and .symtab/.strtab, which
 * layout_symtab() marked SHF_ALLOC.
 */
export function sysfsSections(m: LoadedModule): { name: string; address: bigint }[] {
  const seen = new Set<string>();
  const out: { name: string; address: bigint }[] = [];
  for (const s of m.allSections) {
    if (s.size === 0 || s.name === '' || seen.has(s.name)) continue;
    seen.add(s.name);
    out.push({ name: s.name, address: s.address });
  }
  return out;
}

/** The /sys/module/<m> attribute files (no directories), as a name → content map. */
export function moduleAttributes(m: LoadedModule): Map<string, string> {
  const a = new Map<string, string>();
  a.set('coresize', `${m.coreLayout.size}\n`);
  a.set('initsize', `${m.state === 'LIVE' ? 0 : m.initLayout.size}\n`);
  a.set('initstate', `${initstate(m)}\n`);
  a.set('refcnt', `${moduleRefcount(m)}\n`);
  a.set('taint', `${moduleTaintLetters(m.taints)}\n`);
  if (m.srcversion !== null) a.set('srcversion', `${m.srcversion}\n`);
  if (m.version !== null) a.set('version', `${m.version}\n`);
  return a;
}

/** Parameters with a sysfs file: those declared with a non-zero perm (module_param_sysfs_setup). */
export function sysfsParams(m: LoadedModule): { name: string; perm: number }[] {
  return m.params.filter((p) => p.perm !== 0).map((p) => ({ name: p.name, perm: p.perm }));
}
