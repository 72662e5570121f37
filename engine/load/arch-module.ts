/**
 * arch/x86/kernel/module.c (6.1): module_alloc() in the modules area, and what module_finalize()
 * patches after relocation. apply_relocate_add() is in relocate.ts, over the one relocation table.
 */
import { thousands } from '../base/thousands';
import type { ElfFile } from '../elf/types';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import type { LoadInfo } from './context';
import { ENOMEM } from './errno';
import { hx, MAIN } from './step-text';

export const ARCH_MODULE_C = 'arch/x86/kernel/module.c';

/** module_alloc() for the core and (when there is one) the init region. */
export function moduleAlloc(info: LoadInfo): number {
  const { k, rec } = info;
  const lay = info.layout;
  const name = info.modName;
  // The init areas earlier modules queued for do_free_init(): freed if the worker has run by now.
  k.initFreeWorker.beforeModuleAlloc(info.image.length);
  // What if…: a fault makes module_alloc() return NULL for the core or the init region.
  const coreFault =
    info.fault.alloc('module_alloc:core', 'move_module', 'module_alloc', `${name} core`, lay.core.size, -ENOMEM) ||
    info.fault.call('module_alloc') !== 0;
  const coreBase = coreFault ? null : k.moduleAlloc(lay.core.size, `${name} core`);
  const initFault =
    coreBase !== null &&
    lay.init.size > 0 &&
    info.fault.alloc('module_alloc:init', 'move_module', 'module_alloc', `${name} init`, lay.init.size, -ENOMEM);
  const initBase = lay.init.size && coreBase !== null && !initFault ? k.moduleAlloc(lay.init.size, `${name} init`) : null;
  if (coreFault || initFault) return moduleAllocFault(info, coreFault ? 'core' : 'init', coreBase);
  if (coreBase === null || (lay.init.size && initBase === null)) {
    rec.step({
      phase: 'allocate',
      fn: 'module_alloc',
      file: ARCH_MODULE_C,
      title: 'No room in the modules area',
      text: `module_alloc(${lay.core.size}) found no free range in the 1008 MiB modules area: -ENOMEM.`,
      errno: -ENOMEM,
    });
    return -ENOMEM;
  }
  k.initFreeWorker.afterModuleAlloc();
  const pos = rec.pos;
  const core = k.memory.allocate(coreBase, lay.core.size, 'module-core', `${name} core (text, rodata, data, symbols)`, name, pos);
  const init = initBase === null ? null : k.memory.allocate(initBase, lay.init.size, 'module-init', `${name} init (.init.*, full symtab)`, name, pos);
  info.core = core;
  info.init = init;
  const effects: Effect[] = [{ kind: 'alloc', allocation: core.id, base: hex64(coreBase), size: lay.core.size, label: core.label }];
  if (init && initBase !== null) effects.push({ kind: 'alloc', allocation: init.id, base: hex64(initBase), size: lay.init.size, label: init.label });
  const kaslr = k.as.kaslr ? ` (MODULES_VADDR + this boot's random ${hx(k.as.moduleLoadOffset)})` : '';
  rec.step({
    phase: 'allocate',
    fn: 'module_alloc',
    file: ARCH_MODULE_C,
    title: 'Memory in the modules area',
    text:
      `__vmalloc_node_range() takes the lowest free range above ${hx(k.modulesArea.start)}${kaslr}: ` +
      `core ${hx(BigInt(lay.core.size))} bytes at ${hx(coreBase)}${init ? `, init ${hx(BigInt(lay.init.size))} bytes at ${hx(initBase ?? 0n)}` : ''}, ` +
      'each followed by a guard page; both zeroed. The pages are not executable yet.',
    effects,
  });
  return 0;
}

/**
 * move_module() when module_alloc() returns NULL (a what-if fault): for the init region, the core
 * already allocated is given back at once (module_memfree(mod->core_layout.base)); either way
 * layout_and_allocate() returns ERR_PTR(-ENOMEM) and load_module() jumps to free_copy.
 */
function moduleAllocFault(info: LoadInfo, which: 'core' | 'init', coreBase: bigint | null): number {
  const { k, rec } = info;
  const lay = info.layout;
  const effects: Effect[] = [];
  if (coreBase !== null) {
    const pos = rec.pos;
    const core = k.memory.allocate(coreBase, lay.core.size, 'module-core', `${info.modName} core (text, rodata, data, symbols)`, info.modName, pos);
    effects.push({ kind: 'alloc', allocation: core.id, base: hex64(coreBase), size: lay.core.size, label: core.label });
    k.memory.free(core, pos);
    k.moduleFree(coreBase);
    effects.push({ kind: 'free', allocation: core.id, base: hex64(coreBase), size: lay.core.size, label: core.label });
  }
  const size = which === 'core' ? lay.core.size : lay.init.size;
  rec.step({
    phase: 'allocate',
    fn: 'move_module',
    file: MAIN,
    title: `module_alloc() of the ${which} region fails`,
    text:
      `module_alloc(${size}) returns NULL (what if…: a fault put here). ` +
      (coreBase !== null
        ? `The core region (${lay.core.size} bytes at ${hx(coreBase)}) was allocated just before; move_module() frees it itself (module_memfree()) `
        : 'Nothing of the module was allocated yet; ') +
      'and returns -ENOMEM: layout_and_allocate() fails and load_module() jumps to free_copy.',
    effects,
    errno: -ENOMEM,
  });
  return -ENOMEM;
}

/** The x86 fix-up tables module_finalize() walks, with their entry sizes. */
const FIXUPS: [string, number, string][] = [
  ['.parainstructions', 16, 'paravirt call sites patched for bare metal (apply_paravirt)'],
  ['.retpoline_sites', 4, 'indirect calls rewritten for the Spectre v2 mitigation in use (apply_retpolines)'],
  ['.return_sites', 4, 'returns pointed at the return thunk (apply_returns)'],
  ['.altinstructions', 12, 'alternative instructions chosen for this CPU (apply_alternatives)'],
  ['.ibt_endbr_seal', 4, 'unused ENDBR64 instructions sealed (apply_ibt_endbr)'],
  ['.smp_locks', 4, 'LOCK prefixes registered for SMP (alternatives_smp_module_add)'],
  ['.orc_unwind_ip', 4, 'ORC unwind tables sorted and registered (unwind_module_init)'],
  ['__ex_table', 12, 'exception table sorted (module_sort_extable)'],
  ['__jump_table', 16, 'static keys registered'],
  ['.static_call_sites', 8, 'static calls registered'],
];

/**
 * post_relocation() → module_finalize(): the x86 fix-ups that patch the relocated code in place,
 * named with this module's real counts; the patching itself (which depends on the CPU's features)
 * is not modelled byte by byte.
 */
export function moduleFinalizeSummary(elf: ElfFile): string {
  const parts: string[] = [];
  for (const [name, entsize, what] of FIXUPS) {
    const s = elf.sections.find((x) => x.name === name);
    if (s && s.size) parts.push(`${name}: ${thousands(Math.floor(s.size / entsize))} entries, ${what}`);
  }
  return parts.length
    ? `module_finalize(): ${parts.join('; ')}. (Shown for what they are; Modscope does not patch these bytes.)`
    : 'module_finalize() has nothing to patch.';
}
