/**
 * The 2.4 kernel's module syscalls (kernel/module.c, 2.4.27): sys_create_module, sys_init_module,
 * sys_delete_module (with free_module and autoclean reaping), sys_query_module, sys_get_kernel_syms.
 * Each records its kernel-side steps on the timeline.
 */
import type { LoadedModule, PlacedSection } from '../kernel/module-record';
import { EBUSY, EEXIST, EINVAL, ENAMETOOLONG, ENOENT, ENOMEM } from './errno24';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import { type KSym, type Kernel24, type Module24 } from './kernel24';
import { runModuleCode } from './run-code';
import {
  getU32,
  getU64,
  M24,
  MOD_AUTOCLEAN,
  MOD_DELETED,
  MOD_INITIALIZING,
  MOD_JUST_FREED,
  MOD_RUNNING,
  MOD_USED_ONCE,
  MOD_VISITED,
  putU64,
  QM_DEPS,
  QM_INFO,
  QM_MODULES,
  QM_REFS,
  QM_SYMBOLS,
  SIZEOF_MODULE24,
  SIZEOF_MODULE_REF,
  flagNames,
} from './struct-module';

const FILE = 'kernel/module.c (2.4)';
const hx = (v: bigint): string => '0x' + v.toString(16);
const MODULE_NAME_MAX = 64;

/** sys_create_module(name, size): reserve the image, put an "uninitialized" header at its start, link it at the head of module_list. */
export function sysCreateModule(K: Kernel24, name: string, size: number): { errno: number; addr: bigint } {
  const step = (title: string, text: string, errno: number, effects: Effect[] = []): void => {
    K.step({ stage: 'reserve', side: 'syscall', fn: 'sys_create_module', file: FILE, title, text, errno, effects });
  };
  if (name.length === 0) {
    step('Bad name', 'get_mod_name() found an empty name: -EINVAL.', -EINVAL);
    return { errno: -EINVAL, addr: 0n };
  }
  if (name.length >= MODULE_NAME_MAX) {
    step('Name too long', `get_mod_name() copies at most ${MODULE_NAME_MAX - 1} characters: -ENAMETOOLONG.`, -ENAMETOOLONG);
    return { errno: -ENAMETOOLONG, addr: 0n };
  }
  if (size < SIZEOF_MODULE24 + name.length + 1) {
    step('Size too small', `${size} bytes cannot hold struct module (${SIZEOF_MODULE24}) and the name: -EINVAL.`, -EINVAL);
    return { errno: -EINVAL, addr: 0n };
  }
  if (K.find(name)) {
    step(`"${name}" already exists`, `find_module("${name}") found a module of that name: -EEXIST.`, -EEXIST);
    return { errno: -EEXIST, addr: 0n };
  }
  const addr = K.area.alloc(size, name);
  if (addr === null) {
    step('No room in the modules area', `module_map(${size}) found no free range in [${hx(K.area.start)}, ${hx(K.area.end)}): -ENOMEM.`, -ENOMEM);
    return { errno: -ENOMEM, addr: 0n };
  }
  const pos = K.timeline.position;
  const alloc = K.k.memory.allocate(addr, size, 'module-core', `${name} (2.4 module image, struct module first)`, name, pos);
  const hdr = new Uint8Array(SIZEOF_MODULE24 + name.length + 1);
  putU64(hdr, M24.sizeOfStruct, BigInt(SIZEOF_MODULE24));
  putU64(hdr, M24.next, K.modules[0]?.addr ?? 0n);
  putU64(hdr, M24.name, addr + BigInt(SIZEOF_MODULE24));
  putU64(hdr, M24.size, BigInt(size));
  for (let i = 0; i < name.length; i++) hdr[SIZEOF_MODULE24 + i] = name.charCodeAt(i);
  K.k.memory.writeAt(alloc, 0, hdr, pos, 'struct module header (sys_create_module)');
  const m: Module24 = {
    name,
    addr,
    size,
    alloc,
    flags: 0,
    usecount: 0,
    syms: [],
    deps: [],
    refs: [],
    init: 0n,
    cleanup: 0n,
    sections: [],
    record: null,
  };
  K.modules.unshift(m);
  step(
    `${size.toLocaleString('en-US')} bytes reserved at ${hx(addr)}`,
    `module_map() (on x86-64 a first-fit allocator over MODULES_VADDR..MODULES_END with a guard page) reserves ${size} bytes at ${hx(addr)}. The ` +
      `kernel zeroes a header there (size_of_struct ${SIZEOF_MODULE24}, size ${size}, the name "${name}" just after it, flags 0 = uninitialized), ` +
      `links it at the head of module_list and returns the address to insmod.`,
    0,
    [
      { kind: 'alloc', allocation: alloc.id, base: hex64(addr), size, label: alloc.label },
      { kind: 'write', address: hex64(addr), length: hdr.length, what: 'struct module header' },
      { kind: 'list', module: name, action: 'add' },
      { kind: 'state', module: name, from: '-', to: 'uninitialized' },
    ],
  );
  return { errno: 0, addr };
}

/** mod_bound(): [p, p+n] inside the image after the header. */
function inBounds(p: bigint, n: number, base: bigint, sizeOfStruct: number, size: number): boolean {
  return p >= base + BigInt(sizeOfStruct) && p + BigInt(n) <= base + BigInt(size);
}

/** sys_init_module(name, image): check the finished image's header, copy it over the reservation, link deps, run init. */
export function sysInitModule(K: Kernel24, name: string, image: Uint8Array, sections: PlacedSection[]): number {
  const fail = (title: string, text: string, errno: number, lines: string[] = []): number => {
    for (const l of lines) K.printk(3, l);
    K.step({ stage: 'copy', side: 'syscall', fn: 'sys_init_module', file: FILE, title, text, errno });
    return errno;
  };
  const mod = K.find(name);
  if (!mod) return fail(`No module "${name}"`, `find_module("${name}") finds nothing: create_module was not called: -ENOENT.`, -ENOENT);
  if (image.length < M24.persistStart)
    return fail('Image too short', `The image (${image.length} bytes) is shorter than the part of struct module the kernel needs: -EFAULT.`, -14);
  const sos = Number(getU64(image, M24.sizeOfStruct));
  if (sos < M24.persistStart || sos > SIZEOF_MODULE24 + 16 * 8) {
    return fail(
      'Invalid module header size',
      `size_of_struct is ${sos}; the kernel accepts ${M24.persistStart}..${SIZEOF_MODULE24 + 16 * 8}: -EINVAL.`,
      -EINVAL,
      ['init_module: Invalid module header size.', 'A new version of the modutils is likely needed.'],
    );
  }
  const f = (off: number): bigint => (off + 8 <= sos ? getU64(image, off) : 0n);
  const size = Number(f(M24.size));
  const base = mod.addr;
  const bad = (what: string): number =>
    fail(
      `mod->${what} rejected`,
      `The header's ${what} does not point inside the image after the header [${hx(base + BigInt(sos))}, ${hx(base + BigInt(mod.size))}): -EINVAL.`,
      -EINVAL,
      [`init_module: mod->${what} out of bounds.`],
    );
  if (size > mod.size)
    return fail('Image larger than reserved', `mod->size ${size} exceeds the ${mod.size} bytes create_module reserved: -EINVAL.`, -EINVAL, [
      'init_module: Size of initialized module exceeds size of created module.',
    ]);
  const chk = { base, sos, size };
  const namePtr = f(M24.name);
  if (!inBounds(namePtr, name.length, chk.base, chk.sos, chk.size)) return bad('name');
  const nsyms = getU32(image, M24.nsyms);
  const ndeps = getU32(image, M24.ndeps);
  if (nsyms && !inBounds(f(M24.syms), nsyms * 16, base, sos, size)) return bad('syms');
  if (ndeps && !inBounds(f(M24.deps), ndeps * SIZEOF_MODULE_REF, base, sos, size)) return bad('deps');
  const init = f(M24.init);
  const cleanup = f(M24.cleanup);
  if (init && !inBounds(init, 0, base, sos, size)) return bad('init');
  if (cleanup && !inBounds(cleanup, 0, base, sos, size)) return bad('cleanup');
  const exS = f(M24.exTableStart);
  const exE = f(M24.exTableEnd);
  if (exS > exE || (exS && !(exS >= base + BigInt(sos) && exE < base + BigInt(size))) || (exE - exS) % 8n) {
    return fail(
      'mod->ex_table_* rejected',
      'The exception table bounds are reversed, outside the image or not a whole number of entries: -EINVAL.',
      -EINVAL,
      ['init_module: mod->ex_table_* invalid.'],
    );
  }
  const flags = Number(f(M24.flags));
  if (flags & ~MOD_AUTOCLEAN)
    return fail('mod->flags rejected', `flags ${flagNames(flags)}: user space may set only MOD_AUTOCLEAN: -EINVAL.`, -EINVAL, [
      'init_module: mod->flags invalid.',
    ]);
  if (f(M24.canUnload) && !inBounds(f(M24.canUnload), 0, base, sos, size)) return bad('can_unload');
  if (f(M24.kernelData))
    return fail('mod->kernel_data rejected', 'kernel_data is reserved for the kernel and must be zero: -EINVAL.', -EINVAL, [
      'init_module: mod->kernel_data must be zero.',
    ]);
  const nameOff = Number(namePtr - base);
  let given = '';
  for (let i = nameOff; i < image.length && image[i] !== 0; i++) given += String.fromCharCode(image[i]);
  if (given !== name)
    return fail('Name changed', `The image names itself "${given}", but it was created as "${name}": -EINVAL.`, -EINVAL, [
      `init_module: changed module name to \`${given}' from \`${name}'`,
    ]);
  // The deps: each module_ref's dep must be a module on the list, not this one.
  const depAddrs: bigint[] = [];
  const depOff = Number(f(M24.deps) - base);
  for (let i = 0; i < ndeps; i++) depAddrs.push(getU64(image, depOff + i * SIZEOF_MODULE_REF));
  K.step({
    stage: 'check',
    side: 'syscall',
    fn: 'sys_init_module',
    file: FILE,
    title: 'The header passes the sanity checks',
    text:
      `size_of_struct ${sos}, size ${size} ≤ ${mod.size} reserved; name, ${nsyms} syms, ${ndeps} deps, init ${init ? hx(init) : 'NULL'} and ` +
      `cleanup ${cleanup ? hx(cleanup) : 'NULL'} all point inside [${hx(base + BigInt(sos))}, ${hx(base + BigInt(size))}) (mod_bound); flags ` +
      `${flagNames(flags)}; kernel_data 0; the name is still "${name}". The kernel never sees ELF: it only bounds-checks this flat image.`,
  });
  for (const d of depAddrs) {
    if (d === base)
      return fail('Self-referential dependency', 'A module_ref in mod->deps points at the module itself: -EINVAL.', -EINVAL, [
        'init_module: self-referential dependency in mod->deps.',
      ]);
    if (!K.modules.some((m) => m.addr === d && m !== mod))
      return fail('Dependency is not a module', `mod->deps names ${hx(d)}, which is not on module_list: -ENOENT.`, -ENOENT, [
        'init_module: found dependency that is (no longer?) a module.',
      ]);
  }
  // Copy the whole image over the reservation (the header first, keeping the kernel's own `next`).
  const pos = K.timeline.position;
  const copy = image.slice(0, size);
  putU64(copy, M24.next, getU64(mod.alloc.bytes, M24.next));
  K.k.memory.writeAt(mod.alloc, 0, copy, pos, `init_module: the image from insmod`);
  mod.size = size;
  mod.flags = flags;
  mod.init = init;
  mod.cleanup = cleanup;
  mod.sections = sections;
  const symOff = Number(f(M24.syms) - base);
  mod.syms = [];
  for (let i = 0; i < nsyms; i++) {
    const value = getU64(copy, symOff + i * 16);
    const np = getU64(copy, symOff + i * 16 + 8);
    let s = '';
    for (let j = Number(np - base); j >= 0 && j < copy.length && copy[j] !== 0; j++) s += String.fromCharCode(copy[j]);
    mod.syms.push({ name: s, value });
  }
  K.step({
    stage: 'copy',
    side: 'syscall',
    fn: 'sys_init_module',
    file: FILE,
    title: `The finished image is copied to ${hx(base)}`,
    text:
      `copy_from_user() copies the header (keeping the kernel's next pointer) and then the other ${size - sos} bytes of already-relocated code ` +
      `and data over the reservation; module_arch_init() and flush_icache_range() follow. ${nsyms} exported symbols are now visible through mod->syms.`,
    effects: [{ kind: 'write', address: hex64(base), length: size, what: 'the module image' }],
  });
  // Link the references: each dep's refs list gets this module; the dep is marked USED_ONCE.
  const effects: Effect[] = [];
  for (const d of depAddrs) {
    const t = K.modules.find((m) => m.addr === d);
    if (!t) continue;
    t.refs.unshift(name);
    t.flags |= MOD_USED_ONCE;
    mod.deps.push(t.name);
    effects.push({ kind: 'ref', from: name, to: t.name, action: 'get' });
  }
  mod.record = registerRecord(K, mod);
  mod.usecount = 1;
  mod.flags |= MOD_INITIALIZING;
  putU64(mod.alloc.bytes, M24.usecount, 1n);
  putU64(mod.alloc.bytes, M24.flags, BigInt(mod.flags));
  K.step({
    stage: 'link',
    side: 'kernel',
    fn: 'sys_init_module',
    file: FILE,
    title: depAddrs.length ? `References: ${mod.deps.join(', ')}` : 'No module dependencies',
    text:
      (depAddrs.length
        ? `Each module_ref of mod->deps is linked into its target's refs list (${mod.deps.join(', ')} can no longer be removed) ` +
          'and the target gets MOD_USED_ONCE. '
        : '') + 'usecount = 1 and MOD_INITIALIZING while init runs.',
    effects: [...effects, { kind: 'state', module: name, from: 'uninitialized', to: 'initializing' }],
  });
  // Call init.
  let ret = 0;
  let note = 'No init function.';
  let block = null;
  let killed = false;
  if (init) {
    if (K.decoder) {
      const r = runModuleCode(K, K.decoder, init, `${mod.record?.initName ?? 'init_module'}()`, K.timeline.position);
      ret = r.ret;
      note = r.note;
      block = r.block;
      if (!r.returned) {
        // The oops kills insmod inside the syscall (do_exit from die()): nothing is undone.
        killed = true;
        const a = r.faultAddress;
        K.printk(
          1,
          a === null
            ? 'Kernel BUG: the module code did not return'
            : `Unable to handle kernel ${a < 4096n ? 'NULL pointer dereference' : 'paging request'} at virtual address ${a.toString(16).padStart(16, '0')}`,
          K.timeline.position + Math.max(0, r.block.count - 1),
        );
      }
    } else note = 'Modscope records the call; no decoder was given, so the code is not executed.';
  }
  K.step(
    {
      stage: 'init',
      side: 'kernel',
      fn: 'sys_init_module',
      file: FILE,
      title: init ? `init is called: ${mod.record?.initName ?? 'init_module'}()` : 'No init function',
      text: init ? `mod->init() at ${hx(init)}. ${note}` : note,
      effects: init ? [{ kind: 'call', fn: mod.record?.initName ?? 'init_module', address: hex64(init), result: String(ret) }] : [],
    },
    block,
  );
  if (killed) {
    K.step({
      stage: 'init',
      side: 'kernel',
      fn: 'sys_init_module',
      file: FILE,
      title: 'Oops: insmod is killed',
      text:
        `The fault oopses; the kernel kills insmod inside init_module(), so the syscall never returns. ${name} stays on module_list with usecount ` +
        `1 and MOD_INITIALIZING: "(initializing)" in /proc/modules, and it can never be removed.`,
      errno: -9,
    });
    return -9;
  }
  if (ret !== 0) {
    mod.usecount = 0;
    mod.flags &= ~MOD_INITIALIZING;
    const err = ret > 0 ? -EBUSY : ret;
    K.step({
      stage: 'init',
      side: 'kernel',
      fn: 'sys_init_module',
      file: FILE,
      title: `init failed: ${ret}`,
      text:
        `usecount 0, MOD_INITIALIZING cleared; ${ret > 0 ? 'a positive return is turned into -EBUSY; ' : ''}the module stays on the list, ` +
        `uninitialized, and the syscall returns ${err}. insmod will delete it.`,
      errno: err,
      effects: [{ kind: 'state', module: name, from: 'initializing', to: 'uninitialized' }],
    });
    return err;
  }
  mod.usecount = 0;
  mod.flags = (mod.flags | MOD_RUNNING) & ~MOD_INITIALIZING;
  putU64(mod.alloc.bytes, M24.usecount, 0n);
  putU64(mod.alloc.bytes, M24.flags, BigInt(mod.flags));
  K.step({
    stage: 'init',
    side: 'kernel',
    fn: 'sys_init_module',
    file: FILE,
    title: 'MOD_RUNNING',
    text: 'init returned 0: usecount drops back to 0 and the flags become MOD_RUNNING. 2.4 never frees init code: the whole image stays.',
    effects: [{ kind: 'state', module: name, from: 'initializing', to: 'running' }],
  });
  return 0;
}

/** A 6.1-shaped record of the module, so the CPU model knows its code and the symbol names (never used for 2.4 logic). */
function registerRecord(K: Kernel24, m: Module24): LoadedModule {
  const sizes = { size: m.size, textSize: 0, roSize: 0, roAfterInitSize: 0 };
  const rec: LoadedModule = {
    name: m.name,
    state: 'COMING',
    refcnt: 1,
    core: m.alloc,
    init: null,
    coreLayout: sizes,
    initLayout: { size: 0, textSize: 0, roSize: 0, roAfterInitSize: 0 },
    structModule: m.addr,
    initFn: m.init || null,
    exitFn: m.cleanup || null,
    initName: null,
    exitName: null,
    exports: [],
    kallsyms: [],
    sections: m.sections,
    allSections: m.sections,
    symbolTable: K.pendingSymbols.get(m.name) ?? [],
    uses: [...m.deps],
    usedBy: [],
    taints: 0,
    args: '',
    percpu: null,
    percpuSize: 0,
    version: null,
    srcversion: null,
    params: [],
    fileName: m.name,
    loadedAt: K.timeline.position,
    relocationCount: 0,
  };
  const named = (a: bigint, alias: string): string | null =>
    rec.symbolTable.find(
      (s) => s.name && s.value === a && s.name !== alias && s.name !== 'init_module' && s.name !== 'cleanup_module' && !s.name.startsWith('__pfx_'),
    )?.name ?? (a ? alias : null);
  rec.initName = named(m.init, 'init_module');
  rec.exitName = named(m.cleanup, 'cleanup_module');
  K.k.addModule(rec);
  return rec;
}

/** __MOD_IN_USE(): can_unload() if the module has one, else usecount. */
function inUse(m: Module24): boolean {
  return m.usecount > 0;
}

/** free_module(): cleanup if RUNNING, unlink from the deps' refs and from module_list, module_unmap(). */
function freeModule(K: Kernel24, m: Module24, tagFreed: boolean): void {
  let note = '';
  let block = null;
  if (m.flags & MOD_RUNNING) {
    if (m.cleanup && K.decoder) {
      const r = runModuleCode(K, K.decoder, m.cleanup, `${m.record?.exitName ?? 'cleanup_module'}()`, K.timeline.position);
      note = r.note;
      block = r.block;
    } else note = m.cleanup ? 'cleanup is recorded, not executed (no decoder).' : 'No cleanup function.';
    m.flags &= ~MOD_RUNNING;
  } else note = 'The module never ran (not MOD_RUNNING): cleanup is not called.';
  K.step(
    {
      stage: 'unload',
      side: 'kernel',
      fn: 'free_module',
      file: FILE,
      title: m.cleanup ? `cleanup: ${m.record?.exitName ?? 'cleanup_module'}()` : 'No cleanup function',
      text: note,
      effects: m.cleanup ? [{ kind: 'call', fn: m.record?.exitName ?? 'cleanup_module', address: hex64(m.cleanup), result: 'void' }] : [],
    },
    block,
  );
  const effects: Effect[] = [];
  for (const d of m.deps) {
    const t = K.modules.find((x) => x.name === d);
    if (!t) continue;
    t.refs = t.refs.filter((r) => r !== m.name);
    if (tagFreed && t.refs.length === 0) t.flags |= MOD_JUST_FREED;
    effects.push({ kind: 'ref', from: m.name, to: d, action: 'put' });
  }
  K.modules.splice(K.modules.indexOf(m), 1);
  if (m.record) K.k.removeModule(m.record);
  K.k.memory.free(m.alloc, K.timeline.position);
  K.area.free(m.addr);
  effects.push(
    { kind: 'list', module: m.name, action: 'remove' },
    { kind: 'free', allocation: m.alloc.id, base: hex64(m.addr), size: m.alloc.size, label: m.alloc.label },
  );
  K.step({
    stage: 'unload',
    side: 'kernel',
    fn: 'free_module',
    file: FILE,
    title: `${m.name} is freed`,
    text:
      `Unlinked from ${m.deps.length ? `the refs lists of ${m.deps.join(', ')} and from ` : ''}module_list; module_unmap() frees the ` +
      `${m.alloc.size.toLocaleString('en-US')} bytes at ${hx(m.addr)}.`,
    effects,
  });
}

/** sys_delete_module(name), or (null) reap unused autoclean modules. */
export function sysDeleteModule(K: Kernel24, name: string | null): number {
  const step = (title: string, text: string, errno = 0): void => {
    K.step({ stage: 'unload', side: 'syscall', fn: 'sys_delete_module', file: FILE, title, text, errno });
  };
  if (name !== null) {
    const m = K.find(name);
    if (!m) {
      step(`No module "${name}"`, `find_module("${name}") finds nothing: -ENOENT.`, -ENOENT);
      return -ENOENT;
    }
    if (m.refs.length) {
      step(`${name} is referenced`, `mod->refs is not NULL: ${m.refs.join(', ')} depend${m.refs.length === 1 ? 's' : ''} on it: -EBUSY.`, -EBUSY);
      return -EBUSY;
    }
    if (inUse(m)) {
      step(`${name} is in use`, `__MOD_IN_USE(): usecount is ${m.usecount} (MOD_INC_USE_COUNT without a matching DEC): -EBUSY.`, -EBUSY);
      return -EBUSY;
    }
    m.flags |= MOD_DELETED;
    step(`${name} is unused: MOD_DELETED`, `No refs and usecount 0: MOD_DELETED is set (find_module() skips it from now on) and free_module() runs.`);
    freeModule(K, m, false);
    return 0;
  }
  // Automatic reaping (rmmod -a, kmod's periodic cleanup): two passes through VISITED.
  const reaped: string[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const m of [...K.modules]) {
      const f = m.flags;
      if (m.refs.length || !(f & MOD_AUTOCLEAN) || !(f & MOD_RUNNING) || f & MOD_DELETED || !(f & MOD_USED_ONCE) || inUse(m)) continue;
      if (f & MOD_VISITED && !(f & MOD_JUST_FREED)) {
        m.flags &= ~MOD_VISITED;
      } else {
        m.flags |= MOD_DELETED;
        reaped.push(m.name);
        freeModule(K, m, true);
        changed = true;
      }
    }
  }
  for (const m of K.modules) m.flags &= ~MOD_JUST_FREED;
  step(
    reaped.length ? `Reaped: ${reaped.join(', ')}` : 'Nothing to reap',
    'delete_module(NULL) removes every module that is RUNNING, AUTOCLEAN and USED_ONCE, unreferenced and not in use; one used since the last pass ' +
      '(VISITED) only loses VISITED and survives this round.',
  );
  return 0;
}

/** __MOD_INC_USE_COUNT / __MOD_DEC_USE_COUNT (what a module does while a device of it is open). */
export function modUseCount(K: Kernel24, name: string, delta: 1 | -1): boolean {
  const m = K.find(name);
  if (!m) return false;
  m.usecount = Math.max(0, m.usecount + delta);
  m.flags |= delta > 0 ? MOD_VISITED | MOD_USED_ONCE : MOD_VISITED;
  putU64(m.alloc.bytes, M24.usecount, BigInt(m.usecount));
  putU64(m.alloc.bytes, M24.flags, BigInt(m.flags));
  return true;
}

export interface QueryAnswer {
  /** 0 or -errno. */
  ret: number;
  names?: string[];
  symbols?: KSym[];
  info?: { addr: bigint; size: number; flags: number; usecount: number };
}

/** sys_query_module(name, which): QM_MODULES, QM_DEPS, QM_REFS, QM_SYMBOLS (NULL name: the kernel's), QM_INFO. */
export function sysQueryModule(K: Kernel24, name: string | null, which: number): QueryAnswer {
  if (which === 0) return { ret: 0 };
  if (name === null) {
    if (which === QM_MODULES) return { ret: 0, names: K.modules.map((m) => m.name) };
    if (which === QM_SYMBOLS) return { ret: 0, symbols: K.kernelSymbols() };
    if (which === QM_INFO || which === QM_DEPS || which === QM_REFS) return { ret: 0, names: [] };
    return { ret: -EINVAL };
  }
  const m = K.find(name);
  if (!m) return { ret: -ENOENT };
  // MOD_CAN_QUERY: RUNNING or INITIALIZING, and not DELETED.
  const canQuery = (m.flags & (MOD_RUNNING | MOD_INITIALIZING)) !== 0 && !(m.flags & MOD_DELETED);
  switch (which) {
    case QM_MODULES:
      return { ret: 0, names: K.modules.map((x) => x.name) };
    case QM_DEPS:
      return { ret: 0, names: canQuery ? [...m.deps] : [] };
    case QM_REFS:
      return { ret: 0, names: canQuery ? [...m.refs] : [] };
    case QM_SYMBOLS:
      return { ret: 0, symbols: canQuery ? [...m.syms] : [] };
    case QM_INFO:
      return { ret: 0, info: { addr: m.addr, size: m.size, flags: m.flags, usecount: m.usecount } };
    default:
      return { ret: -EINVAL };
  }
}

/** sys_get_kernel_syms(): struct kernel_sym { value; char name[60]; }, "#module" pseudo-entries before each module's symbols. */
export function sysGetKernelSyms(K: Kernel24): KSym[] {
  const out: KSym[] = [];
  for (const m of K.modules) {
    if (!(m.flags & MOD_RUNNING) || m.flags & MOD_DELETED) continue;
    out.push({ name: `#${m.name}`, value: m.addr });
    for (const s of m.syms) out.push({ name: s.name.slice(0, 59), value: s.value });
  }
  out.push({ name: '#', value: 0n });
  for (const s of K.kernelSymbols()) out.push({ name: s.name.slice(0, 59), value: s.value });
  return out;
}
