/**
 * From add_unformed_module() to check_module_license_and_versions() (kernel/module/main.c, 6.1):
 * the module joins the list (still invisible), gets per-CPU memory and its reference count, and its
 * special sections are found.
 */
import { KERN_WARNING } from '../kernel/log';
import type { LoadedModule } from '../kernel/module-record';
import { taintBit } from '../kernel/taint';
import { MODULE_REF_BASE, PERCPU_MAX_ALIGN } from '../kmod/constants';
import type { LoadInfo } from './context';
import { EBUSY, EEXIST, EINVAL, ENOMEM } from './errno';
import { hx, MAIN } from './step-text';
import { MODULE_STATE, STRUCT_MODULE, u32, writeField } from './struct-module';
import { utf8Bytes } from '../base/utf8';
import { moduleKmalloc } from './module-kmallocs';
import { tryToForceLoad } from './symbols';

/** add_unformed_module(): refuse a name already on the list, else link struct module at its head as UNFORMED. */
export function addUnformedModule(info: LoadInfo): number {
  const { k, rec, facts } = info;
  const lay = info.layout;
  const name = info.modName;
  const existing = k.findModule(name);
  if (existing) {
    const errno = existing.state === 'LIVE' ? EEXIST : EBUSY;
    rec.step({
      phase: 'formation',
      fn: 'add_unformed_module',
      file: MAIN,
      title: `"${name}" is already loaded`,
      text: `A module named ${name} is ${existing.state}: -${errno === EEXIST ? 'EEXIST' : 'EBUSY'}. Nothing is printed.`,
      errno: -errno,
    });
    return -errno;
  }
  const mod: LoadedModule = {
    name,
    state: 'UNFORMED',
    refcnt: MODULE_REF_BASE,
    core: info.core,
    init: info.init,
    coreLayout: { size: lay.core.size, textSize: lay.core.textSize, roSize: lay.core.roSize, roAfterInitSize: lay.core.roAfterInitSize },
    initLayout: { size: lay.init.size, textSize: lay.init.textSize, roSize: lay.init.roSize, roAfterInitSize: lay.init.roAfterInitSize },
    structModule: info.secs[info.index.mod].addr,
    initFn: null,
    exitFn: null,
    initName: null,
    exitName: null,
    exports: [],
    kallsyms: [],
    sections: info.placed,
    allSections: info.placed,
    symbolTable: [],
    uses: [],
    usedBy: [],
    taints: info.pendingTaints.v,
    args: info.args,
    percpu: null,
    percpuSize: 0,
    version: facts.modinfo.find((e) => e.key === 'version')?.value ?? null,
    srcversion: facts.modinfo.find((e) => e.key === 'srcversion')?.value ?? null,
    params: [],
    fileName: info.fileName,
    loadedAt: rec.pos,
    relocationCount: 0,
  };
  info.mod = mod;
  k.addModule(mod);
  writeField(info, STRUCT_MODULE.state, u32(MODULE_STATE.UNFORMED), 'state = MODULE_STATE_UNFORMED');
  rec.step({
    phase: 'formation',
    fn: 'add_unformed_module',
    file: MAIN,
    title: 'On the module list, still invisible',
    text:
      `No other module is called ${name}. It joins the head of the modules list as MODULE_STATE_UNFORMED: ` +
      'symbol lookups and /proc/modules skip it until it is formed.',
    effects: [
      { kind: 'list', module: name, action: 'add' },
      { kind: 'state', module: name, from: '-', to: 'UNFORMED' },
    ],
  });
  return 0;
}

/** percpu_modalloc(): per-CPU storage for .data..percpu from the reserved chunk. */
export function percpuModalloc(info: LoadInfo): number {
  const { k, rec, elf } = info;
  const mod = info.module;
  const name = mod.name;
  if (!info.index.pcpu) return 0;
  const s = elf.sections[info.index.pcpu];
  const align = Math.min(s.addralign || 1, PERCPU_MAX_ALIGN);
  if ((s.addralign || 1) > PERCPU_MAX_ALIGN) rec.printk(KERN_WARNING, `${name}: per-cpu alignment ${s.addralign} > ${PERCPU_MAX_ALIGN}`);
  // What if…: __alloc_reserved_percpu() returns NULL (a fault), as when the reserved chunk is full.
  const fault =
    info.fault.alloc('percpu_modalloc', 'percpu_modalloc', '__alloc_reserved_percpu', `${name} per-CPU data`, s.size, -ENOMEM) ||
    info.fault.call('percpu_modalloc') !== 0;
  const base = fault ? null : k.percpuAlloc(s.size, align);
  if (base === null) {
    rec.printk(KERN_WARNING, `${name}: Could not allocate ${s.size} bytes percpu data`);
    rec.step({
      phase: 'allocate',
      fn: 'percpu_modalloc',
      file: MAIN,
      title: fault ? '__alloc_reserved_percpu() fails' : 'Per-CPU reserve exhausted',
      text: fault
        ? `__alloc_reserved_percpu(${s.size}, ${align}) returns NULL (what if…: a fault put here): -ENOMEM.`
        : `The ${s.size} bytes of .data..percpu do not fit in what is left of the 8 KiB reserved per-CPU chunk: -ENOMEM.`,
      errno: -ENOMEM,
    });
    return -ENOMEM;
  }
  mod.percpu = base;
  mod.percpuSize = s.size;
  rec.step({
    phase: 'allocate',
    fn: 'percpu_modalloc',
    file: MAIN,
    title: 'Per-CPU data',
    text:
      `${s.size} bytes of .data..percpu get per-CPU storage from the reserved chunk; symbols in it will be offset ${hx(base)} (every CPU reaches ` +
      `its copy through %gs).`,
  });
  return 0;
}

/** module_unload_init(): the base reference plus the one held while init runs; empty use lists. */
export function moduleUnloadInit(info: LoadInfo): number {
  const mod = info.module;
  mod.refcnt = MODULE_REF_BASE + 1;
  writeField(info, STRUCT_MODULE.refcnt, u32(mod.refcnt), `refcnt = ${mod.refcnt}`);
  info.rec.step({
    phase: 'formation',
    fn: 'module_unload_init',
    file: MAIN,
    title: `Reference count ${mod.refcnt}`,
    text:
      `refcnt starts at MODULE_REF_BASE (${MODULE_REF_BASE}) plus one reference held while init runs; the lists of users (source_list) and used ` +
      `modules (target_list) start empty.`,
  });
  return 0;
}

/** The sections find_module_sections() records in struct module, as the step names them. */
const SPECIAL_SECTIONS = [
  '__param',
  '__ksymtab',
  '__kcrctab',
  '__ksymtab_gpl',
  '__kcrctab_gpl',
  '__ex_table',
  '__jump_table',
  '__mcount_loc',
  '.static_call_sites',
  '__dyndbg',
  '_ftrace_events',
  '__bug_table',
  '.init_array',
  '.ctors',
];

/** find_module_sections(): where the module's tables are; .ctors and .init_array together are refused. */
export function findModuleSections(info: LoadInfo): number {
  const { rec, elf } = info;
  const name = info.module.name;
  const found = SPECIAL_SECTIONS.map((n) => elf.sections.find((s) => s.name === n))
    .filter((s) => s !== undefined)
    .map((s) => `${s.name} (${s.size} bytes)`);
  if (elf.sections.some((s) => s.name === '.ctors') && elf.sections.some((s) => s.name === '.init_array')) {
    rec.printk(KERN_WARNING, `${name}: has both .ctors and .init_array.`);
    rec.step({
      phase: 'formation',
      fn: 'find_module_sections',
      file: MAIN,
      title: 'Two kinds of constructors',
      text: '.ctors and .init_array both present: -EINVAL.',
      errno: -EINVAL,
    });
    return -EINVAL;
  }
  rec.step({
    phase: 'formation',
    fn: 'find_module_sections',
    file: MAIN,
    title: 'Special sections located',
    text: found.length ? `struct module records where its tables are: ${found.join(', ')}.` : 'No special tables beyond code and data.',
  });
  return 0;
}

/** check_module_license_and_versions(): exports without CRCs on a MODVERSIONS kernel force-load (taint F). */
export function checkModuleLicenseAndVersions(info: LoadInfo): number {
  const { k, rec, facts } = info;
  const mod = info.module;
  const withCrc = facts.exports.some((e) => e.crc !== undefined);
  if (facts.exports.length && !withCrc && k.profile.configEnabled('MODVERSIONS')) {
    const addModuleTaint = (l: string): void => {
      k.addTaint(l, rec.pos);
      mod.taints |= taintBit('F');
    };
    tryToForceLoad(
      { modName: mod.name, kernelTainted: (l) => k.tainted(l), printk: (l, t) => rec.printk(l, t), addModuleTaint },
      'no versions for exported symbols',
      0,
    );
  }
  rec.step({
    phase: 'formation',
    fn: 'check_module_license_and_versions',
    file: MAIN,
    title: 'Licence and export CRCs',
    text:
      (facts.exports.length
        ? `${facts.exports.length} exported symbols${withCrc ? ', each with a CRC in __kcrctab' : ', without CRCs'}`
        : 'No exports') + '; the licence was already checked.',
  });
  return 0;
}

/**
 * setup_modinfo(): each MODINFO_ATTR's setup, mod->version = kstrdup(version) and mod->srcversion =
 * kstrdup(srcversion) (kstrdup(NULL) allocates nothing). The result is not checked: when the kstrdup
 * fails (a what-if fault) the field stays NULL, /sys/module/NAME/version (or srcversion) does not
 * appear, and the load goes on. free_modinfo() frees the strings at the label of that name.
 * Records a step only when a fault fires there; the normal load keeps the strings silently.
 */
export function setupModinfo(info: LoadInfo): void {
  const { k, rec } = info;
  const mod = info.module;
  for (const field of ['version', 'srcversion'] as const) {
    const value = mod[field];
    if (value === null) continue;
    const size = utf8Bytes(value).length + 1;
    const id = field === 'version' ? 'setup_modinfo_version' : 'setup_modinfo_srcversion';
    if (info.fault.alloc(id, id, 'kstrdup', `mod->${field} ("${value}")`, size, 0)) {
      mod[field] = null;
      rec.step({
        phase: 'formation',
        fn: 'setup_modinfo',
        file: MAIN,
        title: `kstrdup() of the ${field} fails; nobody checks`,
        text:
          `setup_modinfo_${field}(): mod->${field} = kstrdup("${value}") returns NULL (what if…: a fault put here). ` +
          `The result is not checked: the load goes on, and /sys/module/${mod.name}/${field} will not exist.`,
      });
      continue;
    }
    moduleKmalloc(k, mod.name, 'modinfo', size, `${mod.name}: mod->${field}`, rec.pos);
  }
}
