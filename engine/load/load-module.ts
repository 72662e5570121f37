/**
 * load_module() of Linux 6.1 (kernel/module/main.c) as a sequence of recorded steps, run against the
 * modelled kernel with this module's real bytes: signature, ELF checks, setup_load_info, modversions
 * and vermagic, licence and taints, layout, allocation and copy, the module list, symbol resolution,
 * relocation, finalisation, parameters, sysfs and the init call. Every failure returns the errno the
 * real syscall returns and prints the real kernel's log lines.
 */
import { isElfError } from '../elf/errors';
import { readElf } from '../elf/index';
import { hexOffset, utf8Bytes } from './format';
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule, PlacedSection } from '../kernel/module-record';
import { readModuleFacts } from '../kmod/facts';
import { isGplCompatible } from '../kmod/license';
import { splitSignature } from '../kmod/signature';
import { hex64 } from '../session/hex';
import type { Effect, OperationInfo } from '../trace/types';
import { StepRecorder, type LoadContext } from './context';
import { EBUSY, EEXIST, EINVAL, ENOEXEC, ENOMEM, SyscallFailure } from './errno';
import { buildCoreKallsyms } from './kallsyms';
import { layoutModule, SHF_ALLOC, SHF_EXECINSTR, SHF_RO_AFTER_INIT, SHF_WRITE, type ModuleLayoutResult } from './layout';
import { applyModuleParams } from './params-step';
import { applyRelocations, relocationSectionsToApply, type SectionTarget } from './relocate';
import { layoutBytes, MODULE_STATE, STRUCT_MODULE, u32, u64 } from './struct-module';
import { checkVersion, simplifySymbols, tryToForceLoad, type ResolveEnv } from './symbols';
import { finalizeSummary } from './finalize';
import { tagLanes61 } from '../linux24/lanes-61';

export const MODULE_INIT_IGNORE_MODVERSIONS = 1;
export const MODULE_INIT_IGNORE_VERMAGIC = 2;
export const MODULE_INIT_COMPRESSED_FILE = 4;

const MAIN = 'kernel/module/main.c';
const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;

export interface LoadRequest {
  fileName: string;
  /** The file's bytes as user space read them (kmod 30 decompresses .ko.xz itself). */
  image: Uint8Array;
  args: string;
  syscall: 'finit_module' | 'init_module';
  flags?: number;
  /** The command line shown for this operation. */
  command?: string;
}

export interface LoadResult {
  /** 0, or the negative errno the syscall returned. */
  errno: number;
  module: LoadedModule | null;
  op: OperationInfo;
}

export function loadModule(k: ModelKernel, req: LoadRequest): LoadResult {
  const op = k.timeline.beginOp(req.command ?? `insmod ${req.fileName}${req.args ? ' ' + req.args : ''}`);
  const rec = new StepRecorder(k, op);
  let errno = 0;
  let ctx: LoadContext | null = null;
  try {
    ctx = syscallEntry(k, rec, req);
    runLoad(ctx);
  } catch (e) {
    if (!(e instanceof SyscallFailure)) throw e;
    errno = -e.errno;
    // -9: the task was killed (an oops in init); the kernel unwinds nothing.
    if (ctx && e.message !== 'killed') unwind(ctx, errno);
  }
  k.timeline.endOp(op, errno);
  // Comparison lanes (stage, side) on this operation's steps.
  tagLanes61(k.timeline, op.index);
  return { errno, module: errno === 0 && ctx ? ctx.mod : null, op };
}

function fail(errno: number, why: string): never {
  throw new SyscallFailure(errno, why);
}

const hx = (v: bigint): string => '0x' + v.toString(16);

/** may_init_module(), the copy into kernel memory (init_module) or kernel_read_file (finit_module). */
function syscallEntry(k: ModelKernel, rec: StepRecorder, req: LoadRequest): LoadContext {
  const flags = req.flags ?? 0;
  const len = req.image.length;
  rec.step({
    phase: 'user',
    fn: req.syscall === 'finit_module' ? 'insmod: open() + finit_module()' : 'insmod: read() + init_module()',
    file: 'kmod tools/insmod.c',
    title: 'User space asks the kernel to load the module',
    text:
      req.syscall === 'finit_module'
        ? `insmod opens ${req.fileName} (${len.toLocaleString('en-US')} bytes) and calls finit_module(fd, "${req.args}", ${flags}): the kernel reads the file itself.`
        : `insmod reads ${req.fileName} (${len.toLocaleString('en-US')} bytes) into its own memory and calls init_module(buf, ${len}, "${req.args}").`,
  });
  if (flags & ~7) {
    rec.step({ phase: 'syscall', fn: 'finit_module', file: MAIN, title: 'Unknown flags', text: `Flags ${flags} include bits other than IGNORE_MODVERSIONS, IGNORE_VERMAGIC and COMPRESSED_FILE: -EINVAL.`, errno: -EINVAL });
    fail(EINVAL, 'bad flags');
  }
  if (flags & 4) {
    rec.step({ phase: 'syscall', fn: 'module_decompress', file: 'kernel/module/internal.h', title: 'In-kernel decompression is off', text: 'MODULE_INIT_COMPRESSED_FILE asks the kernel to decompress, but Debian 12 builds without CONFIG_MODULE_DECOMPRESS: -EOPNOTSUPP.', errno: -95 });
    fail(95, 'decompress');
  }
  if (req.syscall === 'init_module' && len < 64) {
    rec.step({ phase: 'syscall', fn: 'copy_module_from_user', file: MAIN, title: 'Too short to be ELF', text: `${len} bytes is less than sizeof(Elf64_Ehdr) (64): -ENOEXEC.`, errno: -ENOEXEC });
    fail(ENOEXEC, 'short');
  }
  // The temporary copy: vmalloc'd (init_module) or read by kernel_read_file (finit_module).
  const tempBase = k.vmallocAlloc(len);
  const temp = k.memory.allocate(tempBase, Math.max(len, 1), 'vmalloc', `temporary copy of ${req.fileName} (struct load_info .hdr)`, null, rec.pos);
  k.memory.writeAt(temp, 0, req.image, rec.pos, `copy of ${req.fileName}`, true);
  rec.step({
    phase: 'syscall',
    fn: req.syscall === 'finit_module' ? 'kernel_read_file_from_fd' : 'copy_module_from_user',
    file: req.syscall === 'finit_module' ? 'fs/kernel_read_file.c' : MAIN,
    title: 'The module file is copied into kernel memory',
    text: `may_init_module() checks CAP_SYS_MODULE (root has it). The ${len.toLocaleString('en-US')} bytes land in a vmalloc'd buffer at ${hx(tempBase)}: the kernel works on this copy ("load_info") until the module is laid out.`,
    effects: [
      { kind: 'alloc', allocation: temp.id, base: hex64(tempBase), size: len, label: temp.label },
      { kind: 'write', address: hex64(tempBase), length: len, what: 'the file' },
    ],
  });
  return {
    k,
    rec,
    fileName: req.fileName,
    args: req.args,
    flags,
    elf: null as unknown as LoadContext['elf'],
    facts: null as unknown as LoadContext['facts'],
    infoName: '',
    secs: [],
    index: { sym: 0, str: 0, mod: 0, vers: 0, info: 0, pcpu: 0 },
    tempBase,
    imageLength: len,
    mod: null,
  };
}

function runLoad(ctx: LoadContext): void {
  const { k, rec } = ctx;
  const image = (k.memory.live(ctx.tempBase)?.bytes ?? new Uint8Array()).subarray(0, ctx.imageLength);
  // 1. module_sig_check()
  const mangled = (ctx.flags & 3) !== 0;
  const { elf: elfBytes, signature } = mangled ? { elf: image, signature: null } : splitSignature(image);
  const sigOk = signature !== null && signature.idType === 2;
  rec.step({
    phase: 'signature',
    fn: 'module_sig_check',
    file: 'kernel/module/signing.c',
    title: signature ? 'An appended signature is found and stripped' : 'No signature: allowed, but the kernel will be tainted',
    text: mangled
      ? 'insmod --force asked to ignore versions or vermagic: a mangled module is never treated as signed.'
      : signature
        ? `The file ends with "~Module signature appended~": ${signature.idTypeName}, ${signature.sigLen} bytes. The ELF image is the first ${signature.elfLength.toLocaleString('en-US')} bytes. Modscope does not check the PKCS#7 signature itself; it treats Debian's signature as valid (the kernel holds Debian's key).`
        : 'No "~Module signature appended~" marker (-ENODATA, "unsigned module"). CONFIG_MODULE_SIG_FORCE is off and the kernel is not locked down, so loading continues with sig_ok = false.',
  });
  // 2. elf_validity_check()
  let elf;
  try {
    elf = readElf(elfBytes);
  } catch (e) {
    if (!isElfError(e)) throw e;
    const line = kernelMessageForElfError(e.code, elfBytes);
    rec.printk(3, line);
    rec.step({ phase: 'elf', fn: 'elf_validity_check', file: MAIN, title: 'The ELF image is rejected', text: `${e.message} (at byte ${hexOffset(e.offset)}${e.field ? ', ' + e.field : ''}). The kernel answers -ENOEXEC.`, errno: -ENOEXEC });
    fail(ENOEXEC, e.message);
  }
  if (elf.header.machine !== 62 || elf.header.class !== 64) {
    rec.printk(3, `Invalid architecture in ELF header: ${elf.header.machine}`);
    rec.step({ phase: 'elf', fn: 'elf_validity_check', file: MAIN, title: 'Wrong architecture', text: `e_machine is ${elf.header.machine}; an x86-64 kernel loads only EM_X86_64 (62) ELF64 modules: -ENOEXEC.`, errno: -ENOEXEC });
    fail(ENOEXEC, 'arch');
  }
  if (elf.header.type !== 1) {
    rec.printk(3, `Invalid ELF header type: ${elf.header.type} != 1`);
    rec.step({ phase: 'elf', fn: 'elf_validity_check', file: MAIN, title: 'Not a relocatable object', text: `e_type is ${elf.header.type}; modules are ET_REL (1): -ENOEXEC.`, errno: -ENOEXEC });
    fail(ENOEXEC, 'type');
  }
  ctx.elf = elf;
  ctx.facts = readModuleFacts(elf, signature);
  rec.step({
    phase: 'elf',
    fn: 'elf_validity_check',
    file: MAIN,
    title: 'ELF header and section table checked',
    text: `ELF64, little-endian, ET_REL, EM_X86_64; ${elf.sections.length} section headers of 64 bytes at ${hexOffset(elf.header.shoff)}, every section inside the ${elfBytes.length.toLocaleString('en-US')}-byte image, names NUL-terminated.`,
  });
  setupLoadInfo(ctx, sigOk);
}

function setupLoadInfo(ctx: LoadContext, sigOk: boolean): void {
  const { k, rec, elf, facts } = ctx;
  // 3. setup_load_info()
  const modinfoName = facts.name;
  ctx.infoName = modinfoName ?? '(missing .modinfo section or name field)';
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  const thisMod = elf.sections.find((s) => s.name === '.gnu.linkonce.this_module');
  const find = (n: string): number => elf.sections.findIndex((s) => s.name === n && s.flags & SHF_ALLOC);
  if (!symtab) {
    rec.printk(4, `${ctx.infoName}: module has no symbols (stripped?)`);
    rec.step({ phase: 'elf', fn: 'setup_load_info', file: MAIN, title: 'No symbol table', text: 'A module needs .symtab to be linked: -ENOEXEC.', errno: -ENOEXEC });
    fail(ENOEXEC, 'nosym');
  }
  if (!thisMod || !(thisMod.flags & SHF_ALLOC)) {
    rec.printk(4, `${ctx.infoName}: No module found in object`);
    rec.step({ phase: 'elf', fn: 'setup_load_info', file: MAIN, title: 'No struct module', text: 'There is no allocatable .gnu.linkonce.this_module section: -ENOEXEC.', errno: -ENOEXEC });
    fail(ENOEXEC, 'nomod');
  }
  const vers = elf.sections.findIndex((s) => s.name === '__versions');
  const info = elf.sections.findIndex((s) => s.name === '.modinfo');
  ctx.index = {
    sym: symtab.index,
    str: symtab.link,
    mod: thisMod.index,
    vers: ctx.flags & 1 || vers < 0 ? 0 : vers,
    info: info < 0 ? 0 : info,
    pcpu: Math.max(0, find('.data..percpu')),
  };
  const structName = facts.thisModule?.name ?? ctx.infoName;
  rec.step({
    phase: 'elf',
    fn: 'setup_load_info',
    file: MAIN,
    title: `The module calls itself "${structName}"`,
    text: `.modinfo says name=${modinfoName ?? '(none)'}; the symbol table is section ${symtab.index} (${elf.symtab?.symbols.length ?? 0} symbols, strings in section ${symtab.link}); struct module is .gnu.linkonce.this_module (section ${thisMod.index}, ${thisMod.size} bytes); __versions is ${ctx.index.vers ? 'section ' + ctx.index.vers + ` (${facts.versions.length} CRCs)` : 'absent or ignored'}${ctx.index.pcpu ? `; per-CPU data in section ${ctx.index.pcpu}` : ''}.`,
  });
  // 5. rewrite_section_headers(): sh_addr = address inside the temporary copy.
  ctx.secs = elf.sections.map((s) => ({ flags: s.flags, addr: s.index === 0 ? 0n : ctx.tempBase + BigInt(s.offset) }));
  if (ctx.index.vers) ctx.secs[ctx.index.vers].flags &= ~SHF_ALLOC;
  else if (vers >= 0) ctx.secs[vers].flags &= ~SHF_ALLOC;
  if (ctx.index.info) ctx.secs[ctx.index.info].flags &= ~SHF_ALLOC;
  rec.step({
    phase: 'elf',
    fn: 'rewrite_section_headers',
    file: MAIN,
    title: 'Section addresses point into the temporary copy',
    text: `Every sh_addr becomes ${hx(ctx.tempBase)} + sh_offset. __versions and .modinfo lose SHF_ALLOC: they are read from the copy but never copied into the module's memory.`,
  });
  // 6. check_modstruct_version()
  const ml = k.findSymbol('module_layout', true);
  const env = resolveEnvFor(ctx, null);
  const r = checkVersion(env, 'module_layout', ml?.crc ?? null, 0);
  if (!r.ok) {
    rec.step({ phase: 'modinfo', fn: 'check_modstruct_version', file: 'kernel/module/version.c', title: 'struct module layout disagrees', text: `This module was built against a different struct module: its module_layout CRC ${r.moduleCrc === null ? 'is missing' : hx(r.moduleCrc)} vs the kernel's ${hx(BigInt(ml?.crc ?? 0))}: -ENOEXEC.`, errno: -ENOEXEC });
    fail(ENOEXEC, 'modstruct');
  }
  rec.step({
    phase: 'modinfo',
    fn: 'check_modstruct_version',
    file: 'kernel/module/version.c',
    title: 'Same struct module as the kernel',
    text: ctx.index.vers
      ? `__versions lists module_layout with CRC ${r.moduleCrc === null ? '?' : hx(r.moduleCrc)}, equal to this kernel's (${hx(BigInt(ml?.crc ?? 0))}): the module was built against the same struct module.`
      : 'No __versions section: the check is forced (taint F) instead.',
  });
  checkModinfo(ctx);
  layoutAndAllocate(ctx, sigOk);
}

function checkModinfo(ctx: LoadContext): void {
  const { k, rec, facts } = ctx;
  const get = (key: string): string | null => facts.modinfo.find((e) => e.key === key)?.value ?? null;
  const name = facts.thisModule?.name ?? ctx.infoName;
  const tmpTaints = { v: 0 };
  ctx.pendingTaints = tmpTaints;
  const addTaint = (letter: string): void => {
    k.addTaint(letter, rec.pos);
    tmpTaints.v |= 1 << ['P', 'F', 'S', 'R', 'M', 'B', 'U', 'D', 'A', 'W', 'C', 'I', 'O', 'E', 'L', 'K', 'X', 'T', 'N'].indexOf(letter);
  };
  const kernelTainted = (l: string): boolean => (k.taints & (1 << ['P', 'F', 'S', 'R', 'M', 'B', 'U', 'D', 'A', 'W', 'C', 'I', 'O', 'E', 'L', 'K', 'X', 'T', 'N'].indexOf(l))) !== 0;
  const notes: string[] = [];
  let modmagic = get('vermagic');
  if (ctx.flags & 2) modmagic = null;
  if (modmagic === null) {
    tryToForceLoad({ modName: name, kernelTainted, printk: (l, t) => rec.printk(l, t), addModuleTaint: (l) => addTaint(l) }, 'bad vermagic', 0);
    notes.push('no vermagic (or --force): forced, taint F');
  } else {
    const kernelMagic = k.profile.vermagic;
    const strip = (s: string): string => (ctx.index.vers ? s.slice(s.indexOf(' ') < 0 ? s.length : s.indexOf(' ')) : s);
    if (strip(modmagic) !== strip(kernelMagic)) {
      rec.printk(3, `${ctx.infoName}: version magic '${modmagic}' should be '${kernelMagic}'`);
      rec.step({ phase: 'modinfo', fn: 'check_modinfo', file: MAIN, title: 'vermagic mismatch', text: `The module's vermagic "${modmagic}" differs from the kernel's "${kernelMagic}"${ctx.index.vers ? ' (after the release, which modversions lets differ)' : ''}: -ENOEXEC.`, errno: -ENOEXEC });
      fail(ENOEXEC, 'vermagic');
    }
    notes.push(`vermagic "${modmagic.trim()}" matches${ctx.index.vers ? ' (the release part is not compared when __versions exists)' : ''}`);
  }
  if (get('livepatch')) {
    rec.printk(3, `${name}: module is marked as livepatch module, but livepatch support is disabled`);
  }
  if (!get('intree')) {
    if (!kernelTainted('O')) rec.printk(4, `${name}: loading out-of-tree module taints kernel.`);
    addTaint('O');
    notes.push('no intree=Y: out-of-tree, taint O');
  }
  if (get('retpoline') === null) {
    // retpoline_module_ok() only complains when the CPU relies on retpolines (spectre_v2 mitigation).
    notes.push('not built with a retpoline compiler (the kernel warns only when retpolines are the Spectre v2 mitigation in use)');
  }
  if (get('staging')) {
    addTaint('C');
    rec.printk(4, `${name}: module is from the staging directory, the quality is unknown, you have been warned.`);
  }
  const license = get('license') ?? 'unspecified';
  if (!isGplCompatible(license)) {
    if (!kernelTainted('P')) rec.printk(4, `${name}: module license '${license}' taints kernel.`);
    addTaint('P');
    notes.push(`license "${license}" is not GPL-compatible: taint P, GPL-only exports hidden`);
  } else notes.push(`license "${license}" is GPL-compatible`);
  if (get('test')) {
    if (!kernelTainted('N')) rec.printk(4, `${name}: loading test module taints kernel.`);
    addTaint('N');
  }
  rec.step({ phase: 'modinfo', fn: 'check_modinfo', file: MAIN, title: 'vermagic, origin and licence', text: notes.join('; ') + '.', effects: taintEffects(tmpTaints.v, name) });
}

function taintEffects(mask: number, module: string): Effect[] {
  const letters = ['P', 'F', 'S', 'R', 'M', 'B', 'U', 'D', 'A', 'W', 'C', 'I', 'O', 'E', 'L', 'K', 'X', 'T', 'N'];
  return letters.filter((_, i) => mask & (1 << i)).map((letter) => ({ kind: 'taint', letter, module }) as Effect);
}

function layoutAndAllocate(ctx: LoadContext, sigOk: boolean): void {
  const { rec, elf } = ctx;
  const name = ctx.facts.thisModule?.name ?? ctx.infoName;
  // module_enforce_rwx_sections()
  for (const s of elf.sections) {
    const f = ctx.secs[s.index].flags;
    if (f & SHF_WRITE && f & SHF_EXECINSTR) {
      rec.printk(3, `${name}: section ${s.name} (index ${s.index}) has invalid WRITE|EXEC flags`);
      rec.step({ phase: 'layout', fn: 'module_enforce_rwx_sections', file: 'kernel/module/strict_rwx.c', title: 'Writable and executable section', text: `Section ${s.name} is both writable and executable, which STRICT_MODULE_RWX forbids: -ENOEXEC.`, errno: -ENOEXEC });
      fail(ENOEXEC, 'wx');
    }
  }
  if (ctx.index.pcpu) ctx.secs[ctx.index.pcpu].flags &= ~SHF_ALLOC;
  const roai: string[] = [];
  for (const n of ['.data..ro_after_init', '__jump_table']) {
    const i = elf.sections.findIndex((s) => s.name === n && ctx.secs[s.index].flags & SHF_ALLOC);
    if (i > 0) {
      ctx.secs[i].flags |= SHF_RO_AFTER_INIT;
      roai.push(n);
    }
  }
  rec.step({
    phase: 'layout',
    fn: 'layout_and_allocate',
    file: MAIN,
    title: 'Flags adjusted before layout',
    text: `No section is both writable and executable. ${ctx.index.pcpu ? '.data..percpu loses SHF_ALLOC (it gets per-CPU memory instead). ' : ''}${roai.length ? roai.join(' and ') + ' get SHF_RO_AFTER_INIT: writable during init, read-only after.' : 'No .data..ro_after_init or __jump_table section.'}`,
  });
  // layout_sections() + layout_symtab()
  const symbols = elf.symtab?.symbols ?? [];
  const lay = layoutModule(
    elf.sections.map((s) => ({ index: s.index, name: s.name, type: s.type, flags: ctx.secs[s.index].flags, size: s.size, addralign: s.addralign })),
    { index: ctx.index.sym, strIndex: ctx.index.str },
    symbols.map((s) => ({ nameOffset: s.nameOffset, name: s.name, shndx: s.rawShndx === 0xffff ? s.shndx : s.rawShndx })),
    ctx.index.pcpu,
  );
  ctx.layout = lay;
  const secPlacements = lay.placements.filter((p) => p.group !== 'symtab' && p.group !== 'strtab');
  rec.step({
    phase: 'layout',
    fn: 'layout_sections',
    file: MAIN,
    title: 'Sections sorted into core and init memory',
    text: `${secPlacements.filter((p) => !p.init).length} sections go to core (text ${hx(BigInt(lay.core.textSize))}, read-only up to ${hx(BigInt(lay.core.roSize))}, ro-after-init up to ${hx(BigInt(lay.core.roAfterInitSize))}) and ${secPlacements.filter((p) => p.init).length} to init (names starting ".init"). Each pass takes sections in index order, aligned to sh_addralign; STRICT_MODULE_RWX page-aligns each group.`,
    effects: secPlacements.map((p) => ({ kind: 'place', section: p.index, name: p.name, region: p.init ? 'init' : 'core', group: p.group, offset: p.offset, size: p.size, align: p.align }) as Effect),
  });
  for (const p of lay.placements) if (p.group === 'symtab' || p.group === 'strtab') ctx.secs[p.index].flags |= SHF_ALLOC;
  rec.step({
    phase: 'layout',
    fn: 'layout_symtab',
    file: 'kernel/module/kallsyms.c',
    title: 'Room for the symbol tables',
    text: `The full .symtab (${symbols.length} symbols) and .strtab go to the end of init, for use during init; ${lay.kallsyms.coreCount} core symbols (with ${lay.kallsyms.coreStrSize} bytes of names) will be kept after the core data at offset ${hx(BigInt(lay.kallsyms.coreSymOffset))}. Core is ${hx(BigInt(lay.core.size))} bytes, init ${hx(BigInt(lay.init.size))}.`,
    effects: lay.placements.filter((p) => p.group === 'symtab' || p.group === 'strtab').map((p) => ({ kind: 'place', section: p.index, name: p.name, region: 'init', group: p.group, offset: p.offset, size: p.size, align: p.align }) as Effect),
  });
  moveModule(ctx, lay, name);
  addUnformed(ctx, lay, name, sigOk);
}

function moveModule(ctx: LoadContext, lay: ModuleLayoutResult, name: string): void {
  const { k, rec, elf } = ctx;
  const coreBase = k.moduleAlloc(lay.core.size, `${name} core`);
  const initBase = lay.init.size ? k.moduleAlloc(lay.init.size, `${name} init`) : null;
  if (coreBase === null || (lay.init.size && initBase === null)) {
    rec.step({ phase: 'allocate', fn: 'module_alloc', file: 'arch/x86/kernel/module.c', title: 'No room in the modules area', text: `module_alloc(${lay.core.size}) found no free range in the 1008 MiB modules area: -ENOMEM.`, errno: -ENOMEM });
    fail(ENOMEM, 'alloc');
  }
  // The previous module's init area: its do_free_init() worker has run by now.
  k.runDeferredFrees();
  const pos = rec.pos;
  const core = k.memory.allocate(coreBase, lay.core.size, 'module-core', `${name} core (text, rodata, data, symbols)`, name, pos);
  const init = initBase === null ? null : k.memory.allocate(initBase, lay.init.size, 'module-init', `${name} init (.init.*, full symtab)`, name, pos);
  ctx.core = core;
  ctx.init = init;
  const effects: Effect[] = [{ kind: 'alloc', allocation: core.id, base: hex64(coreBase), size: lay.core.size, label: core.label }];
  if (init && initBase !== null) effects.push({ kind: 'alloc', allocation: init.id, base: hex64(initBase), size: lay.init.size, label: init.label });
  rec.step({
    phase: 'allocate',
    fn: 'module_alloc',
    file: 'arch/x86/kernel/module.c',
    title: 'Memory in the modules area',
    text: `__vmalloc_node_range() takes the lowest free range above ${hx(k.modulesArea.start)}${k.as.kaslr ? ` (MODULES_VADDR + this boot's random ${hx(k.as.moduleLoadOffset)})` : ''}: core ${hx(BigInt(lay.core.size))} bytes at ${hx(coreBase)}${init ? `, init ${hx(BigInt(lay.init.size))} bytes at ${hx(initBase ?? 0n)}` : ''}, each followed by a guard page; both zeroed. The pages are not executable yet.`,
    effects,
  });
  const copied: Effect[] = [];
  const placedSections: PlacedSection[] = [];
  for (const p of lay.placements) {
    const s = elf.sections[p.index];
    const a = p.init ? init : core;
    if (!a) continue;
    const dest = a.base + BigInt(p.offset);
    if (s.type !== SHT_NOBITS && s.size > 0) {
      k.memory.writeAt(a, p.offset, elf.bytes.subarray(s.offset, s.offset + s.size), rec.pos, `copy of ${s.name}`, true);
      copied.push({ kind: 'write', address: hex64(dest), length: s.size, what: s.name });
    }
    ctx.secs[p.index].addr = dest;
    copied.push({ kind: 'address', section: p.index, name: s.name, address: hex64(dest) });
    placedSections.push({ index: p.index, name: s.name, address: dest, size: s.size, init: p.init, group: p.group, nobits: s.type === SHT_NOBITS });
  }
  ctx.placed = placedSections;
  const nobits = lay.placements.filter((p) => elf.sections[p.index].type === SHT_NOBITS).map((p) => p.name);
  rec.step({
    phase: 'allocate',
    fn: 'move_module',
    file: MAIN,
    title: 'Sections copied to their final addresses',
    text: `${lay.placements.length} sections copied from the temporary image${nobits.length ? `; ${nobits.join(', ')} (NOBITS) not copied: already zero` : ''}. From now on every sh_addr is the final address; struct module lives at ${hx(ctx.secs[ctx.index.mod].addr)}.`,
    effects: copied,
  });
}

function addUnformed(ctx: LoadContext, lay: ModuleLayoutResult, name: string, sigOk: boolean): void {
  const { k, rec, elf, facts } = ctx;
  const existing = k.findModule(name);
  if (existing) {
    const errno = existing.state === 'LIVE' ? EEXIST : EBUSY;
    rec.step({ phase: 'formation', fn: 'add_unformed_module', file: MAIN, title: `"${name}" is already loaded`, text: `A module named ${name} is ${existing.state}: -${errno === EEXIST ? 'EEXIST' : 'EBUSY'}. Nothing is printed.`, errno: -errno });
    fail(errno, 'exists');
  }
  const structAddr = ctx.secs[ctx.index.mod].addr;
  const mod: LoadedModule = {
    name,
    state: 'UNFORMED',
    refcnt: 1,
    core: ctx.core ?? null,
    init: ctx.init ?? null,
    coreLayout: { size: lay.core.size, textSize: lay.core.textSize, roSize: lay.core.roSize, roAfterInitSize: lay.core.roAfterInitSize },
    initLayout: { size: lay.init.size, textSize: lay.init.textSize, roSize: lay.init.roSize, roAfterInitSize: lay.init.roAfterInitSize },
    structModule: structAddr,
    initFn: null,
    exitFn: null,
    initName: null,
    exitName: null,
    exports: [],
    kallsyms: [],
    sections: ctx.placed ?? [],
    allSections: ctx.placed ?? [],
    symbolTable: [],
    uses: [],
    usedBy: [],
    taints: ctx.pendingTaints?.v ?? 0,
    args: ctx.args,
    percpu: null,
    percpuSize: 0,
    version: facts.modinfo.find((e) => e.key === 'version')?.value ?? null,
    srcversion: facts.modinfo.find((e) => e.key === 'srcversion')?.value ?? null,
    params: [],
    fileName: ctx.fileName,
    loadedAt: rec.pos,
    relocationCount: 0,
  };
  ctx.mod = mod;
  k.addModule(mod);
  writeField(ctx, STRUCT_MODULE.state, u32(MODULE_STATE.UNFORMED), 'state = MODULE_STATE_UNFORMED');
  rec.step({
    phase: 'formation',
    fn: 'add_unformed_module',
    file: MAIN,
    title: 'On the module list, still invisible',
    text: `No other module is called ${name}. It joins the head of the modules list as MODULE_STATE_UNFORMED: symbol lookups and /proc/modules skip it until it is formed.`,
    effects: [
      { kind: 'list', module: name, action: 'add' },
      { kind: 'state', module: name, from: '-', to: 'UNFORMED' },
    ],
  });
  if (!sigOk) {
    if (!k.once.has('sig')) {
      k.once.add('sig');
      rec.printk(5, `${name}: module verification failed: signature and/or required key missing - tainting kernel`);
    }
    k.addTaint('E', rec.pos);
    mod.taints |= 1 << 13;
    rec.step({ phase: 'signature', fn: 'load_module', file: MAIN, title: 'Unsigned: taint E', text: 'sig_ok is false, so the module and the kernel are tainted E (unsigned module). The notice is printed once per boot.', effects: [{ kind: 'taint', letter: 'E', module: name }] });
  }
  // percpu_modalloc()
  if (ctx.index.pcpu) {
    const s = elf.sections[ctx.index.pcpu];
    const align = Math.min(s.addralign || 1, 4096);
    if ((s.addralign || 1) > 4096) rec.printk(4, `${name}: per-cpu alignment ${s.addralign} > 4096`);
    const base = k.percpuAlloc(s.size, align);
    if (base === null) {
      rec.printk(4, `${name}: Could not allocate ${s.size} bytes percpu data`);
      rec.step({ phase: 'allocate', fn: 'percpu_modalloc', file: MAIN, title: 'Per-CPU reserve exhausted', text: `The ${s.size} bytes of .data..percpu do not fit in what is left of the 8 KiB reserved per-CPU chunk: -ENOMEM.`, errno: -ENOMEM });
      fail(ENOMEM, 'percpu');
    }
    mod.percpu = base;
    mod.percpuSize = s.size;
    rec.step({ phase: 'allocate', fn: 'percpu_modalloc', file: MAIN, title: 'Per-CPU data', text: `${s.size} bytes of .data..percpu get per-CPU storage from the reserved chunk; symbols in it will be offset ${hx(base)} (every CPU reaches its copy through %gs).` });
  }
  // module_unload_init()
  mod.refcnt = 2;
  writeField(ctx, STRUCT_MODULE.refcnt, u32(2), 'refcnt = 2');
  rec.step({ phase: 'formation', fn: 'module_unload_init', file: MAIN, title: 'Reference count 2', text: 'refcnt starts at MODULE_REF_BASE (1) plus one reference held while init runs; the lists of users (source_list) and used modules (target_list) start empty.' });
  // find_module_sections()
  const found = ['__param', '__ksymtab', '__kcrctab', '__ksymtab_gpl', '__kcrctab_gpl', '__ex_table', '__jump_table', '__mcount_loc', '.static_call_sites', '__dyndbg', '_ftrace_events', '__bug_table', '.init_array', '.ctors']
    .map((n) => elf.sections.find((s) => s.name === n))
    .filter((s) => s !== undefined)
    .map((s) => `${s.name} (${s.size} bytes)`);
  if (elf.sections.some((s) => s.name === '.ctors') && elf.sections.some((s) => s.name === '.init_array')) {
    rec.printk(4, `${name}: has both .ctors and .init_array.`);
    rec.step({ phase: 'formation', fn: 'find_module_sections', file: MAIN, title: 'Two kinds of constructors', text: '.ctors and .init_array both present: -EINVAL.', errno: -EINVAL });
    fail(EINVAL, 'ctors');
  }
  rec.step({ phase: 'formation', fn: 'find_module_sections', file: MAIN, title: 'Special sections located', text: found.length ? `struct module records where its tables are: ${found.join(', ')}.` : 'No special tables beyond code and data.' });
  // check_module_license_and_versions()
  if (facts.exports.length && !facts.exports.some((e) => e.crc !== undefined) && k.profile.configEnabled('MODVERSIONS')) {
    tryToForceLoad({ modName: name, kernelTainted: (l) => k.tainted(l), printk: (l, t) => rec.printk(l, t), addModuleTaint: (l) => { k.addTaint(l, rec.pos); mod.taints |= 1 << 1; } }, 'no versions for exported symbols', 0);
  }
  rec.step({ phase: 'formation', fn: 'check_module_license_and_versions', file: MAIN, title: 'Licence and export CRCs', text: `${facts.exports.length ? `${facts.exports.length} exported symbols${facts.exports.some((e) => e.crc !== undefined) ? ', each with a CRC in __kcrctab' : ', without CRCs'}` : 'No exports'}; the licence was already checked.` });
  simplifyAndRelocate(ctx, lay, name);
}

function writeField(ctx: LoadContext, offset: number, bytes: Uint8Array, what: string): void {
  const a = ctx.core;
  if (!a || !ctx.mod) return;
  const off = Number(ctx.mod.structModule - a.base) + offset;
  const size = ctx.elf.sections[ctx.index.mod].size;
  if (offset + bytes.length > size || off + bytes.length > a.size) return;
  ctx.k.memory.writeAt(a, off, bytes, ctx.rec.pos, `struct module: ${what}`);
}

export function resolveEnvFor(ctx: LoadContext, mod: LoadedModule | null): ResolveEnv {
  const { k, rec, elf, facts } = ctx;
  const name = facts.thisModule?.name ?? ctx.infoName;
  const versions = ctx.index.vers ? new Map(facts.versions.map((v) => [v.name, v.crc])) : null;
  const base = rec.pos;
  const localTaints = (): number => mod?.taints ?? ctx.pendingTaints?.v ?? 0;
  return {
    modName: name,
    infoName: ctx.infoName,
    gplok: () => !(localTaints() & 1),
    find: (n, gplok) => k.findSymbol(n, gplok),
    versions,
    importNs: facts.modinfo.filter((e) => e.key === 'import_ns').map((e) => e.value),
    sectionAddr: (i) => ctx.secs[i]?.addr ?? 0n,
    sectionCount: elf.sections.length,
    pcpuIndex: ctx.index.pcpu,
    percpuBase: mod?.percpu ?? 0n,
    sectionName: (i) => elf.sections[i]?.name ?? `[${i}]`,
    moduleTaints: localTaints,
    addModuleTaint: (l, item) => {
      k.addTaint(l, base + item);
      const bit = 1 << ['P', 'F'].indexOf(l);
      if (mod) mod.taints |= bit;
      else if (ctx.pendingTaints) ctx.pendingTaints.v |= bit;
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

function simplifyAndRelocate(ctx: LoadContext, lay: ModuleLayoutResult, name: string): void {
  const { k, rec, elf } = ctx;
  const mod = ctx.mod as LoadedModule;
  const symbols = elf.symtab?.symbols ?? [];
  const env = resolveEnvFor(ctx, mod);
  const usesBefore = mod.uses.length;
  const simp = simplifySymbols(symbols, env);
  const undef = symbols.filter((s) => s.rawShndx === 0 && s.name !== '').length;
  const providers = new Map<string, number>();
  for (let i = 0; i < simp.block.count; i++) {
    const p = simp.block.provider[i];
    if (p && simp.block.status[i] === 'resolved') providers.set(p, (providers.get(p) ?? 0) + 1);
  }
  rec.step(
    {
      phase: 'symbols',
      fn: 'simplify_symbols',
      file: MAIN,
      title: simp.errno ? 'Some symbols cannot be resolved' : 'Every symbol has its final value',
      text: `${symbols.length - 1} symbols: ${undef} undefined ones looked up (${[...providers].map(([p, n]) => `${n} from ${p}`).join(', ') || 'none found'}), each CRC compared with __versions; the others get their section's final address added.${simp.errno ? ` Failed with ${simp.errno}.` : ''}`,
      effects: mod.uses.slice(usesBefore).map((u) => ({ kind: 'ref', from: name, to: u, action: 'get' }) as Effect),
      ...(simp.errno ? { errno: simp.errno } : {}),
    },
    simp.block,
  );
  if (simp.errno) fail(-simp.errno, 'symbols');
  // apply_relocations()
  const byIndex = new Map(lay.placements.map((q) => [q.index, q]));
  const targets: (SectionTarget | null)[] = elf.sections.map((s) => {
    const p = byIndex.get(s.index);
    const a = p ? (p.init ? ctx.init : ctx.core) : null;
    if (!p || !a) return null;
    const addr = a.base + BigInt(p.offset);
    return { lo: Number(addr & 0xffffffffn), hi: Number(addr >> 32n), alloc: a, offset: p.offset, size: s.size };
  });
  const relsecs = relocationSectionsToApply(elf, (i) => ctx.secs[i].flags);
  const firstPos = rec.pos;
  const out = applyRelocations(
    { elf, modName: name, symLo: simp.block.lo, symHi: simp.block.hi, symNames: (i) => symbolDisplayName(elf, i), targets, firstPos },
    relsecs,
  );
  if (out.error) for (const line of out.error.lines) k.printkAt(4, line, firstPos + out.error.item);
  const skipped = elf.relocSections.filter((r) => !relsecs.includes(r)).map((r) => r.name);
  rec.step(
    {
      phase: 'relocate',
      fn: 'apply_relocations',
      file: 'arch/x86/kernel/module.c',
      title: out.error ? 'A relocation is refused' : `${out.applied.toLocaleString('en-US')} relocations applied`,
      text: `${out.sections.map((s) => `${s.name} → ${s.target} (${s.count})`).join(', ') || 'No relocation sections'}${skipped.length ? `; skipped (target not allocated): ${skipped.join(', ')}` : ''}. Each writes S + A (absolute) or S + A − P (PC-relative) into the copied bytes, which must still be zero.`,
      ...(out.error ? { errno: -out.error.errno } : {}),
    },
    out.block,
  );
  if (out.error) fail(out.error.errno, 'relocation');
  ctx.relocBlock = out.block;
  mod.relocationCount = out.applied;
  ctx.symbolBlock = simp.block;
  lazy(mod, 'symbolTable', () => symbols.map((s, i) => ({ index: i, name: s.name, value: simp.block.value(i) })));
  postRelocation(ctx, lay, name);
}

/** Section symbols are shown by their section's name, as readelf does. */
function symbolDisplayName(elf: LoadContext['elf'], i: number): string {
  const s = elf.symtab?.symbols[i];
  if (!s) return `#${i}`;
  if (s.type === 3 && s.name === '') return elf.sections[s.shndx]?.name ?? `#${i}`;
  return s.name;
}

function postRelocation(ctx: LoadContext, lay: ModuleLayoutResult, name: string): void {
  const { k, rec, elf, facts } = ctx;
  const mod = ctx.mod as LoadedModule;
  const symbols = elf.symtab?.symbols ?? [];
  const block = ctx.symbolBlock;
  const value = (i: number): bigint => (block ? block.value(i) : symbols[i].value);
  // add_kallsyms()
  // s_show() upper-cases a module symbol when is_exported() finds it, and 6.1's is_exported() looks
  // only at mod->syms (EXPORT_SYMBOL), not gpl_syms: a GPL-only export stays lower case.
  const exported = new Set(facts.exports.filter((e) => !e.gplOnly).map((e) => e.symbol));
  const ks = buildCoreKallsyms(elf, symbols, lay.coreSymbols, value, (i) => ctx.secs[i]?.flags ?? 0, ctx.index.pcpu, exported);
  const core = ctx.core;
  if (core) {
    k.memory.writeAt(core, lay.kallsyms.coreSymOffset, ks.symtab, rec.pos, 'core kallsyms: symtab');
    k.memory.writeAt(core, lay.kallsyms.coreStrOffset, ks.strtab, rec.pos, 'core kallsyms: strtab');
    k.memory.writeAt(core, lay.kallsyms.coreTypeOffset, ks.typetab, rec.pos, 'core kallsyms: typetab');
  }
  lazy(mod, 'kallsyms', ks.entries);
  // Exports as other modules will see them: __ksymtab entries resolve to these symbols.
  const symByName = new Map<string, number>();
  symbols.forEach((s, i) => {
    if (s.name && s.rawShndx !== 0 && !symByName.has(s.name)) symByName.set(s.name, i);
  });
  mod.exports = facts.exports.map((e) => ({
    name: e.name,
    address: symByName.has(e.symbol) ? value(symByName.get(e.symbol) as number) : 0n,
    crc: e.crc === undefined ? null : Number(e.crc),
    gpl: e.gplOnly,
    namespace: e.namespace || null,
  }));
  const initAt = readPtr(ctx, STRUCT_MODULE.init);
  const exitAt = readPtr(ctx, STRUCT_MODULE.exit);
  mod.initFn = initAt;
  mod.exitFn = exitAt;
  mod.initName = initAt === null ? null : functionAt(ctx, initAt);
  mod.exitName = exitAt === null ? null : functionAt(ctx, exitAt);
  const fin = finalizeSummary(elf);
  rec.step({
    phase: 'finalize',
    fn: 'post_relocation',
    file: MAIN,
    title: 'Symbols for kallsyms, and x86 fix-ups',
    text: `add_kallsyms() writes ${lay.kallsyms.coreCount} core symbols at ${hx((core?.base ?? 0n) + BigInt(lay.kallsyms.coreSymOffset))}. ${fin}`,
    effects: core ? [{ kind: 'write', address: hex64(core.base + BigInt(lay.kallsyms.coreSymOffset)), length: ks.symtab.length + ks.strtab.length + ks.typetab.length, what: 'core kallsyms' }] : [],
  });
  // mod->args
  const argsBase = k.kmalloc(ctx.args.length + 1, `${name} args`, name, rec.pos);
  k.memory.write(argsBase, utf8Bytes(ctx.args + '\0'), rec.pos, 'mod->args');
  writeField(ctx, STRUCT_MODULE.args, u64(argsBase), 'args');
  rec.step({ phase: 'finalize', fn: 'strndup_user', file: MAIN, title: 'The argument string is kept', text: `mod->args = "${ctx.args}" (kmalloc'd at ${hx(argsBase)}); parse_args() will read it once the module is formed.` });
  completeFormation(ctx, lay, name);
}

/** The name of the function at `addr` (a FUNC symbol), preferring the real name over init_module/cleanup_module. */
function functionAt(ctx: LoadContext, addr: bigint): string | null {
  const block = ctx.symbolBlock;
  const symbols = ctx.elf.symtab?.symbols ?? [];
  if (!block) return null;
  const lo = Number(addr & 0xffffffffn);
  const hi = Number(addr >> 32n);
  let alias: string | null = null;
  for (let i = 1; i < symbols.length; i++) {
    if (symbols[i].type !== 2 || block.lo[i] !== lo || block.hi[i] !== hi) continue;
    const n = symbols[i].name;
    if (n === 'init_module' || n === 'cleanup_module') alias = n;
    else return n;
  }
  return alias;
}

/** A field computed on first read (big modules have 100,000 symbols; most loads never list them). */
function lazy<K extends 'symbolTable' | 'kallsyms'>(mod: LoadedModule, key: K, make: () => LoadedModule[K]): void {
  let v: LoadedModule[K] | null = null;
  Object.defineProperty(mod, key, { get: () => (v ??= make()), configurable: true, enumerable: true });
}

function readPtr(ctx: LoadContext, offset: number): bigint | null {
  const a = ctx.core;
  if (!a || !ctx.mod) return null;
  const off = Number(ctx.mod.structModule - a.base) + offset;
  if (offset + 8 > ctx.elf.sections[ctx.index.mod].size) return null;
  const v = new DataView(a.bytes.buffer, a.bytes.byteOffset).getBigUint64(off, true);
  return v === 0n ? null : v;
}

function completeFormation(ctx: LoadContext, lay: ModuleLayoutResult, name: string): void {
  const { k, rec } = ctx;
  const mod = ctx.mod as LoadedModule;
  // verify_exported_symbols()
  for (const e of mod.exports) {
    const owner = k.exportOwner(e.name, mod);
    if (owner !== null) {
      rec.printk(3, `${name}: exports duplicate symbol ${e.name} (owned by ${owner})`);
      rec.step({ phase: 'formation', fn: 'verify_exported_symbols', file: MAIN, title: 'Duplicate export', text: `${e.name} is already exported by ${owner}: -ENOEXEC.`, errno: -ENOEXEC });
      fail(ENOEXEC, 'dup');
    }
  }
  k.indexExports(mod);
  const core = ctx.core;
  const init = ctx.init;
  if (core) writeField(ctx, STRUCT_MODULE.coreLayout, layoutBytes(core.base, lay.core.size, lay.core.textSize, lay.core.roSize, lay.core.roAfterInitSize), 'core_layout');
  if (init) writeField(ctx, STRUCT_MODULE.initLayout, layoutBytes(init.base, lay.init.size, lay.init.textSize, lay.init.roSize, lay.init.roAfterInitSize), 'init_layout');
  mod.state = 'COMING';
  writeField(ctx, STRUCT_MODULE.state, u32(MODULE_STATE.COMING), 'state = MODULE_STATE_COMING');
  writeField(ctx, STRUCT_MODULE.taints, u64(BigInt(mod.taints)), 'taints');
  rec.step({
    phase: 'formation',
    fn: 'complete_formation',
    file: MAIN,
    title: 'Formed: MODULE_STATE_COMING',
    text: `${mod.exports.length ? `Its ${mod.exports.length} exports clash with nothing already loaded. ` : ''}Page permissions are set: text [${hx(core?.base ?? 0n)}, +${hx(BigInt(lay.core.textSize))}) read-only and executable, rodata read-only, data non-executable. The module is now visible (state COMING): others can see its exports.`,
    effects: [{ kind: 'state', module: name, from: 'UNFORMED', to: 'COMING' }],
  });
  rec.step({ phase: 'formation', fn: 'prepare_coming_module', file: MAIN, title: 'COMING notifiers', text: 'ftrace enables its call sites, livepatch is told, and the MODULE_STATE_COMING notifier chain runs (nothing objects).' });
  // parse_args()
  const perr = applyModuleParams(ctx, name);
  if (perr) fail(-perr, 'params');
  // mod_sysfs_setup()
  const visible = mod.params.filter((p) => p.perm !== 0);
  rec.step({
    phase: 'sysfs',
    fn: 'mod_sysfs_setup',
    file: 'kernel/module/sysfs.c',
    title: `/sys/module/${name} appears`,
    text: `The directory gets coresize, initsize, initstate, refcnt, taint, holders/, sections/ (${mod.sections.length} files) and notes/${visible.length ? `, and parameters/ with ${visible.map((p) => `${p.name} (${p.perm.toString(8).padStart(4, '0')})`).join(', ')}` : ''}.`,
  });
  // free_copy()
  const temp = k.memory.live(ctx.tempBase);
  if (temp) {
    k.memory.free(temp, rec.pos);
    k.vmallocFree(ctx.tempBase);
  }
  rec.step({ phase: 'formation', fn: 'free_copy', file: MAIN, title: 'The temporary copy is freed', text: `The vmalloc'd file image at ${hx(ctx.tempBase)} is no longer needed.`, effects: temp ? [{ kind: 'free', allocation: temp.id, base: hex64(temp.base), size: temp.size, label: temp.label }] : [] });
  ctx.tempFreed = true;
  doInitModule(ctx, name);
}

function doInitModule(ctx: LoadContext, name: string): void {
  const { k, rec } = ctx;
  const mod = ctx.mod as LoadedModule;
  const sym = mod.initName !== null ? { name: mod.initName } : undefined;
  const result = k.runInit ? k.runInit(mod, rec.pos) : { ret: 0, note: 'Modscope records the call; executing the code is the CPU model\'s part.' };
  rec.step({
    phase: 'init',
    fn: 'do_one_initcall',
    file: 'init/main.c',
    title: mod.initFn ? `init is called: ${sym?.name ?? 'init_module'}()` : 'No init function',
    text: mod.initFn ? `do_init_module() calls mod->init at ${hx(mod.initFn)}${sym ? ` (${sym.name})` : ''}. ${result.note}` : 'The module has no init function; loading goes on.',
    effects: mod.initFn ? [{ kind: 'call', fn: sym?.name ?? 'init', address: hex64(mod.initFn), result: String(result.ret) }] : [],
  }, 'block' in result && result.block ? result.block : null);
  if (result.killed) {
    // The oops killed insmod in the middle of the syscall: nothing unwinds, the module stays COMING.
    rec.step({ phase: 'init', fn: 'do_init_module', file: MAIN, title: 'insmod is killed', text: `The fault killed the insmod task inside init_module(): the syscall never returns, nothing is undone, and ${name} stays in MODULE_STATE_COMING ("Loading" in /proc/modules) with its init memory.`, errno: -9 });
    throw new SyscallFailure(9, 'killed');
  }
  if (result.ret < 0) {
    mod.state = 'GOING';
    rec.step({ phase: 'init', fn: 'do_init_module', file: MAIN, title: `init failed: ${result.ret}`, text: `init returned ${result.ret}: the module goes to MODULE_STATE_GOING and is freed. The loader prints nothing; the syscall returns ${result.ret}.`, errno: result.ret, effects: [{ kind: 'state', module: name, from: 'COMING', to: 'GOING' }] });
    fail(-result.ret, 'init');
  }
  if (result.ret > 0) {
    rec.printk(4, `do_init_module: '${name}'->init suspiciously returned ${result.ret}, it should follow 0/-E convention`);
    rec.printk(4, `do_init_module: loading module anyway...`);
  }
  mod.state = 'LIVE';
  mod.refcnt -= 1;
  writeField(ctx, STRUCT_MODULE.state, u32(MODULE_STATE.LIVE), 'state = MODULE_STATE_LIVE');
  writeField(ctx, STRUCT_MODULE.refcnt, u32(mod.refcnt), 'refcnt');
  const effects: Effect[] = [{ kind: 'state', module: name, from: 'COMING', to: 'LIVE' }];
  const init = mod.init;
  if (init) {
    k.memory.free(init, rec.pos);
    k.deferInitFree(init.base);
    effects.push({ kind: 'free', allocation: init.id, base: hex64(init.base), size: init.size, label: init.label });
  }
  writeField(ctx, STRUCT_MODULE.initLayout, layoutBytes(0n, 0, 0, 0, 0), 'init_layout cleared');
  mod.init = null;
  mod.initLayout = { size: 0, textSize: 0, roSize: 0, roAfterInitSize: 0 };
  mod.sections = mod.sections.filter((s) => !s.init);
  rec.step({
    phase: 'init',
    fn: 'do_init_module',
    file: MAIN,
    title: 'LIVE; init memory freed',
    text: `State MODULE_STATE_LIVE; the init reference is dropped (refcnt ${mod.refcnt}, so lsmod shows ${mod.refcnt - 1} users). .data..ro_after_init becomes read-only. ${init ? `The init region (${hx(BigInt(init.size))} bytes at ${hx(init.base)}) is freed after an RCU grace period; init_layout is cleared.` : ''}`,
    effects,
  });
  rec.step({ phase: 'result', fn: 'insmod', file: 'kmod tools/insmod.c', title: 'insmod exits 0', text: 'The syscall returned 0; insmod prints nothing and exits with status 0.' });
}

/** load_module()'s error labels, in reverse: undo what was done, free memory, drop references. */
function unwind(ctx: LoadContext, errno: number): void {
  const { k, rec } = ctx;
  const mod = ctx.mod;
  const effects: Effect[] = [];
  if (mod) {
    k.removeModule(mod);
    for (const u of mod.uses) {
      const t = k.findModule(u);
      if (t) {
        t.usedBy = t.usedBy.filter((n) => n !== mod.name);
        t.refcnt--;
        effects.push({ kind: 'ref', from: mod.name, to: u, action: 'put' });
      }
    }
    effects.push({ kind: 'list', module: mod.name, action: 'remove' });
  }
  for (const a of [ctx.init, ctx.core]) {
    if (a && a.freedAt === null) {
      k.memory.free(a, rec.pos);
      k.moduleFree(a.base);
      effects.push({ kind: 'free', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
    }
  }
  if (!ctx.tempFreed) {
    const temp = k.memory.live(ctx.tempBase);
    if (temp) {
      k.memory.free(temp, rec.pos);
      k.vmallocFree(ctx.tempBase);
      effects.push({ kind: 'free', allocation: temp.id, base: hex64(temp.base), size: temp.size, label: temp.label });
    }
  }
  rec.step({ phase: 'result', fn: 'load_module', file: MAIN, title: `The load fails: ${errno}`, text: `Everything done so far is undone in reverse order (free_module, free_copy) and the syscall returns ${errno}.`, effects, errno });
}

/** What elf_validity_check() prints for the problems the ELF reader reports. */
function kernelMessageForElfError(code: string, bytes: Uint8Array): string {
  switch (code) {
    case 'NOT_ELF':
    case 'BAD_MAGIC':
      return 'Invalid ELF header magic: != \\x7fELF';
    case 'TRUNCATED':
      return bytes.length < 64 ? `Invalid ELF header len ${bytes.length}` : 'Invalid ELF section header overflow';
    case 'BAD_SHENTSIZE':
      return 'Invalid ELF section header size';
    case 'SECTION_TABLE_OUT_OF_BOUNDS':
      return 'Invalid ELF section header overflow';
    case 'BAD_SHSTRNDX':
      return 'Invalid ELF section name index';
    case 'SECTION_OUT_OF_BOUNDS':
      return 'Invalid ELF section in module';
    default:
      return 'Invalid ELF section in module';
  }
}
