/**
 * Linux 6.1's module loading as recorded steps, run against the modelled kernel with this module's
 * real bytes. loadModule() is SYSCALL_DEFINE3(finit_module / init_module) and the body of
 * load_module() (kernel/module/main.c): one call per kernel function, in the kernel's order, and on
 * failure a jump to the kernel's goto label (error-labels.ts). The step functions live in files named
 * for the kernel files they model: signing.ts, main-*.ts (main.c), version.ts, strict-rwx.ts,
 * kallsyms.ts, arch-module.ts and relocate.ts (arch/x86/kernel/module.c), parse-args.ts
 * (kernel/params.c), sysfs.ts. Every failure returns the errno the real syscall returns and prints
 * the real kernel's log lines.
 */
import { thousands } from '../base/thousands';
import { KERN_NOTICE } from '../kernel/log';
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { taintBit } from '../kernel/taint';
import { MODULE_INIT_COMPRESSED_FILE, MODULE_INIT_FLAGS } from '../kmod/constants';
import { hex64 } from '../base/hex';
import type { OpEnd, OperationInfo } from '../trace/types';
import { LoadInfo, StepRecorder } from './context';
import { EINVAL, ENOEXEC, ENOMEM, EOPNOTSUPP } from './errno';
import type { FaultInjector, FaultSpec } from './fault-injection';
import { unwindLoad } from './error-labels';
import { tagLanes61 } from './lanes-61';
import { applyRelocations, postRelocation, simplifySymbols, strndupUser } from './main-relocation';
import { ftraceModuleInit } from './ftrace';
import { completeFormation, freeCopy, prepareComingModule } from './main-complete';
import { elfValidityCheck, ELF64_EHDR_SIZE, rewriteSectionHeaders, setupLoadInfo } from './main-elf';
import {
  addUnformedModule,
  checkModuleLicenseAndVersions,
  findModuleSections,
  moduleUnloadInit,
  percpuModalloc,
  setupModinfo,
} from './main-formation';
import { doInitModule } from './main-init';
import { layoutAndAllocate } from './main-layout';
import { parseArgs } from './parse-args';
import { moduleSigCheck } from './signing';
import { hx, MAIN } from './step-text';
import { modSysfsSetup } from './sysfs';
import { checkModstructVersion } from './version';

export { MODULE_INIT_COMPRESSED_FILE, MODULE_INIT_IGNORE_MODVERSIONS, MODULE_INIT_IGNORE_VERMAGIC } from '../kmod/constants';

export interface LoadRequest {
  fileName: string;
  /** The file's bytes as user space read them (kmod 30 decompresses .ko.xz itself). */
  image: Uint8Array;
  args: string;
  syscall: 'finit_module' | 'init_module';
  flags?: number;
  /** The command line shown for this operation. */
  command?: string;
  /** What if…? a fault in the kernel: an allocation that fails, or a function that returns an error (an injector keeps the sites it saw). */
  fault?: FaultSpec | FaultInjector;
  /**
   * The caller hands `image` over and never uses it again: the temporary copy's allocation holds these very
   * bytes instead of a copy of them (same contents, same recorded write; saves copying amdgpu's 19 MB).
   */
  imageHandedOver?: boolean;
}

export interface LoadResult {
  /** 0, or the negative errno the syscall returned; null when it never returned (end: killed or unknown). */
  errno: number | null;
  /** Returned, killed inside the syscall (SIGKILL after an oops), or unknown (init reached a kernel function without a model). */
  end: OpEnd;
  module: LoadedModule | null;
  op: OperationInfo;
}

export function loadModule(k: ModelKernel, req: LoadRequest): LoadResult {
  const op = k.timeline.beginOp(req.command ?? `insmod ${req.fileName}${req.args ? ' ' + req.args : ''}`);
  const info = new LoadInfo(k, new StepRecorder(k, op), req);
  const err = initModuleSyscall(info);
  // A killed insmod (an oops in init) or an init stopped at a not-modelled call returns no errno at all.
  const errno = info.end.kind === 'returned' ? err : null;
  k.timeline.endOp(op, errno, info.end);
  // Comparison lanes (stage, side) on this operation's steps.
  tagLanes61(k.timeline, op.index);
  return { errno, end: info.end, module: err === 0 && info.end.kind === 'returned' ? info.mod : null, op };
}

/** SYSCALL_DEFINE3(finit_module) / SYSCALL_DEFINE3(init_module): may_init_module(), the copy, load_module(). */
function initModuleSyscall(info: LoadInfo): number {
  insmodCallsTheKernel(info);
  if (info.flags & ~MODULE_INIT_FLAGS) return finitModule(info);
  if (info.flags & MODULE_INIT_COMPRESSED_FILE) return moduleDecompress(info);
  const err = info.syscall === 'finit_module' ? kernelReadFileFromFd(info) : copyModuleFromUser(info);
  if (err) return err;
  return loadModuleBody(info);
}

/** load_module(), line by line. */
function loadModuleBody(info: LoadInfo): number {
  let err = moduleSigCheck(info);
  if (err) return unwindLoad(info, err, 'free_copy');

  err = elfValidityCheck(info);
  if (err) return unwindLoad(info, err, 'free_copy');

  err = setupLoadInfo(info);
  if (err) return unwindLoad(info, err, 'free_copy');

  // blacklisted(info->name): Debian boots with no module_blacklist=.

  err = rewriteSectionHeaders(info);
  if (err) return unwindLoad(info, err, 'free_copy');

  if (!checkModstructVersion(info)) return unwindLoad(info, -ENOEXEC, 'free_copy');

  err = layoutAndAllocate(info);
  if (err) return unwindLoad(info, err, 'free_copy');

  err = addUnformedModule(info);
  if (err) return unwindLoad(info, err, 'free_module');

  // CONFIG_MODULE_SIG: mod->sig_ok = info->sig_ok.
  if (!info.sigOk) moduleSigNotOk(info);

  err = percpuModalloc(info);
  if (err) return unwindLoad(info, err, 'unlink_mod');

  err = moduleUnloadInit(info);
  if (err) return unwindLoad(info, err, 'unlink_mod');

  err = findModuleSections(info);
  if (err) return unwindLoad(info, err, 'free_unload');

  err = checkModuleLicenseAndVersions(info);
  if (err) return unwindLoad(info, err, 'free_unload');

  // Set up MODINFO_ATTR fields (the model read version and srcversion in add_unformed_module(); this keeps them).
  setupModinfo(info);

  err = simplifySymbols(info);
  if (err < 0) return unwindLoad(info, err, 'free_modinfo');

  err = applyRelocations(info);
  if (err < 0) return unwindLoad(info, err, 'free_modinfo');

  err = postRelocation(info);
  if (err < 0) return unwindLoad(info, err, 'free_modinfo');

  // flush_module_icache(): nothing to model.

  err = strndupUser(info);
  if (err) return unwindLoad(info, err, 'free_arch_cleanup');

  // init_build_id() does nothing on Debian (no STACKTRACE_BUILD_ID); dynamic_debug_setup(): not modelled as a step.
  ftraceModuleInit(info);

  err = completeFormation(info);
  if (err) return unwindLoad(info, err, 'ddebug_cleanup');

  err = prepareComingModule(info);
  if (err) return unwindLoad(info, err, 'bug_cleanup');

  err = parseArgs(info);
  if (err) return unwindLoad(info, err, 'coming_cleanup');

  err = modSysfsSetup(info);
  if (err < 0) return unwindLoad(info, err, 'coming_cleanup');

  // is_livepatch_module(): Debian 12 has no livepatch support, so no copy_module_elf().

  freeCopy(info);

  err = doInitModule(info);
  if (err === 0) insmodExits(info);
  return err;
}

/** pr_notice_once() and add_taint_module(TAINT_UNSIGNED_MODULE) when the signature did not verify. */
function moduleSigNotOk(info: LoadInfo): void {
  const { k, rec } = info;
  const mod = info.module;
  if (!k.once.has('sig')) {
    k.once.add('sig');
    rec.printk(KERN_NOTICE, `${mod.name}: module verification failed: signature and/or required key missing - tainting kernel`);
  }
  k.addTaint('E', rec.pos);
  mod.taints |= taintBit('E');
  rec.step({
    phase: 'signature',
    fn: 'load_module',
    file: MAIN,
    title: 'Unsigned: taint E',
    text: 'sig_ok is false, so the module and the kernel are tainted E (unsigned module). The notice is printed once per boot.',
    effects: [{ kind: 'taint', letter: 'E', module: mod.name }],
  });
}

/** kmod's insmod: open() + finit_module(), or read() + init_module(). */
function insmodCallsTheKernel(info: LoadInfo): void {
  const len = thousands(info.imageLength);
  const finit = info.syscall === 'finit_module';
  info.rec.step({
    phase: 'user',
    fn: finit ? 'insmod: open() + finit_module()' : 'insmod: read() + init_module()',
    file: 'kmod tools/insmod.c',
    title: 'User space asks the kernel to load the module',
    text: finit
      ? `insmod opens ${info.fileName} (${len} bytes) and calls finit_module(fd, "${info.args}", ${info.flags}): the kernel reads the file itself.`
      : `insmod reads ${info.fileName} (${len} bytes) into its own memory and calls init_module(buf, ${info.imageLength}, "${info.args}").`,
  });
}

/** insmod after a successful syscall. */
function insmodExits(info: LoadInfo): void {
  info.rec.step({
    phase: 'result',
    fn: 'insmod',
    file: 'kmod tools/insmod.c',
    title: 'insmod exits 0',
    text: 'The syscall returned 0; insmod prints nothing and exits with status 0.',
  });
}

/** finit_module()'s first check: flags other than the three MODULE_INIT_* bits are refused. */
function finitModule(info: LoadInfo): number {
  info.rec.step({
    phase: 'syscall',
    fn: 'finit_module',
    file: MAIN,
    title: 'Unknown flags',
    text: `Flags ${info.flags} include bits other than IGNORE_MODVERSIONS, IGNORE_VERMAGIC and COMPRESSED_FILE: -EINVAL.`,
    errno: -EINVAL,
  });
  return -EINVAL;
}

/** module_decompress() (kernel/module/internal.h): the stub without CONFIG_MODULE_DECOMPRESS. */
function moduleDecompress(info: LoadInfo): number {
  info.rec.step({
    phase: 'syscall',
    fn: 'module_decompress',
    file: 'kernel/module/internal.h',
    title: 'In-kernel decompression is off',
    text: 'MODULE_INIT_COMPRESSED_FILE asks the kernel to decompress, but Debian 12 builds without CONFIG_MODULE_DECOMPRESS: -EOPNOTSUPP.',
    errno: -EOPNOTSUPP,
  });
  return -EOPNOTSUPP;
}

/** copy_module_from_user(): init_module's buffer, at least an ELF header long, copied into vmalloc'd memory. */
function copyModuleFromUser(info: LoadInfo): number {
  const len = info.imageLength;
  if (len < ELF64_EHDR_SIZE) {
    info.rec.step({
      phase: 'syscall',
      fn: 'copy_module_from_user',
      file: MAIN,
      title: 'Too short to be ELF',
      text: `${len} bytes is less than sizeof(Elf64_Ehdr) (${ELF64_EHDR_SIZE}): -ENOEXEC.`,
      errno: -ENOEXEC,
    });
    return -ENOEXEC;
  }
  if (copyFails(info, 'copy_module_from_user', MAIN)) return -ENOMEM;
  info.rec.step(temporaryCopy(info, 'copy_module_from_user', MAIN));
  return 0;
}

/** kernel_read_file_from_fd() (fs/kernel_read_file.c): finit_module reads the file itself. */
function kernelReadFileFromFd(info: LoadInfo): number {
  if (copyFails(info, 'kernel_read_file_from_fd', 'fs/kernel_read_file.c')) return -ENOMEM;
  info.rec.step(temporaryCopy(info, 'kernel_read_file_from_fd', 'fs/kernel_read_file.c'));
  return 0;
}

/** The temporary copy ("struct load_info .hdr") both syscalls make, as the step that records it. */
function temporaryCopy(info: LoadInfo, fn: string, file: string): Parameters<StepRecorder['step']>[0] {
  const { k, rec } = info;
  const len = info.imageLength;
  info.tempBase = k.vmallocAlloc(len);
  const label = `temporary copy of ${info.fileName} (struct load_info .hdr)`;
  const what = `copy of ${info.fileName}`;
  let temp;
  if (info.imageHandedOver && len > 0) {
    temp = k.memory.adopt(info.tempBase, info.image, 'vmalloc', label, null, rec.pos);
    k.memory.noteWrite(temp, 0, len, rec.pos, what);
  } else {
    temp = k.memory.allocate(info.tempBase, Math.max(len, 1), 'vmalloc', label, null, rec.pos);
    k.memory.writeAt(temp, 0, info.image, rec.pos, what, true);
  }
  return {
    phase: 'syscall',
    fn,
    file,
    title: 'The module file is copied into kernel memory',
    text:
      `may_init_module() checks CAP_SYS_MODULE (root has it). The ${thousands(len)} bytes land in a vmalloc'd buffer at ${hx(info.tempBase)}: ` +
      'the kernel works on this copy ("load_info") until the module is laid out.',
    effects: [
      { kind: 'alloc', allocation: temp.id, base: hex64(info.tempBase), size: len, label: temp.label },
      { kind: 'write', address: hex64(info.tempBase), length: len, what: 'the file' },
    ],
  };
}

/**
 * What if the temporary copy cannot be allocated: kernel_read_file()'s vmalloc() (or __vmalloc() in
 * copy_module_from_user()) returns NULL and the syscall returns -ENOMEM before load_module() runs,
 * so there is no label to unwind through.
 */
function copyFails(info: LoadInfo, fn: string, file: string): boolean {
  const len = info.imageLength;
  const alloc = info.syscall === 'finit_module' ? 'vmalloc' : '__vmalloc';
  if (!info.fault.alloc('kernel_read_file', fn, alloc, `temporary copy of ${info.fileName}`, len, -ENOMEM) && !info.fault.call('kernel_read_file'))
    return false;
  info.rec.step({
    phase: 'syscall',
    fn,
    file,
    title: 'No memory for the temporary copy',
    text:
      `${alloc}(${thousands(len)}) returns NULL (what if…: a fault put here): the file is never read into the kernel, ` +
      'load_module() is not called, and the syscall returns -ENOMEM. Nothing was allocated, so nothing is freed.',
    errno: -ENOMEM,
  });
  return true;
}
