/**
 * The kmod 30 tools Debian 12 ships (insmod, rmmod, lsmod, modinfo, modprobe, depmod), answering
 * as they do: checked against the real binaries under QEMU on Debian's 6.1.0-50 kernel (call them
 * as /sbin/insmod there: busybox sh otherwise runs its own applets of the same names).
 * Loads and unloads go through loadModule()/unloadModule(), which record the kernel's steps; what
 * the tool printed is added to the operation's output. When a tool refuses before any syscall,
 * the operation gets a single user-space step.
 */
import { readElf } from '../elf/index';
import type { LoadedModule } from '../kernel/module-record';
import { StepRecorder } from '../load/context';
import { modStrerror } from '../load/errno';
import { loadModule } from '../load/load-module';
import { unloadModule } from '../load/unload';
import { readModuleFacts } from '../kmod/facts';
import { splitSignature } from '../kmod/signature';
import type { ModuleFacts, ModuleSignatureInfo } from '../kmod/types';
import type { OpEnd, OperationInfo } from '../trace/types';
import { EBUSY, EEXIST, ENOENT, strerror } from './errno-extra';
import { holders } from '../kernel/kernfs';
import { moduleRefcount, visibleModules } from './formats';
import { getopt } from './getopt';
import { kmodHex, parsePkcs7Signer } from './pkcs7';
import type { CommandFn, Io, ShellContext } from './types';

const KMOD_VERSION = 'kmod version 30\n+ZSTD +XZ -ZLIB +LIBCRYPTO -EXPERIMENTAL\n';
const MODULE_INIT_IGNORE_MODVERSIONS = 1;
const MODULE_INIT_IGNORE_VERMAGIC = 2;

/** kmod's path_to_modname(): the basename up to the first '.', with '-' turned into '_'. */
export function pathToModname(path: string): string {
  return modnameNormalize(path.slice(path.lastIndexOf('/') + 1));
}

/** modname_normalize(): up to the first '.', '-' becomes '_' ("rmmod nosuch.ko" looks for nosuch). */
export function modnameNormalize(name: string): string {
  const dot = name.indexOf('.');
  return (dot < 0 ? name : name.slice(0, dot)).replace(/-/g, '_');
}

/** alias_normalize() for plain names (modprobe, modinfo lookups): '-' becomes '_'. */
export function normalizeName(name: string): string {
  return name.replace(/-/g, '_');
}

function isCompressedName(path: string): boolean {
  return /\.(xz|zst|gz)$/.test(path);
}

/** An operation for a tool that stopped in user space: one 'user' step, the tool's output. */
function userOnlyOp(ctx: ShellContext, fn: string, file: string, title: string, text: string, errno: number, output: string[]): OperationInfo {
  const op = ctx.k.timeline.beginOp(ctx.commandText);
  new StepRecorder(ctx.k, op).step({ phase: 'user', fn, file, title, text, errno: errno || undefined });
  ctx.k.timeline.endOp(op, errno);
  op.output.push(...output);
  return op;
}

function report(io: Io, op: OperationInfo | null, line: string): void {
  io.err(line + '\n');
  op?.output.push(line);
}

// ---------------------------------------------------------------- insmod

export const insmod: CommandFn = (argv, io, ctx) => {
  const o = getopt('insmod', argv.slice(1), { short: 'psfVh', long: { force: 'f', syslog: 's', version: 'V', help: 'h' } });
  if (o.error) {
    io.err(o.error + '\n');
    return 1;
  }
  if (o.opts.has('V')) {
    io.out(KMOD_VERSION);
    return 0;
  }
  if (o.opts.has('h')) {
    io.out('Usage:\n\tinsmod [options] filename [args]\nOptions:\n\t-V, --version     show version\n\t-h, --help        show this help\n');
    return 0;
  }
  if (o.operands.length === 0) {
    io.err('insmod: ERROR: missing filename.\n');
    return 1;
  }
  const fileName = o.operands[0];
  const args = o.operands.slice(1).join(' ');
  const image = ctx.vfs.hostFile(fileName);
  if (!image) {
    const line = `insmod: ERROR: could not load module ${fileName}: No such file or directory`;
    io.err(line + '\n');
    userOnlyOp(
      ctx,
      'insmod: kmod_module_new_from_path()',
      'kmod libkmod/libkmod-module.c',
      'No such file',
      `insmod cannot stat ${fileName}: the kernel is never asked.`,
      -ENOENT,
      [line],
    );
    return 1;
  }
  const compressed = isCompressedName(fileName);
  const force = o.opts.has('f');
  const r = loadModule(ctx.k, {
    fileName,
    image,
    args,
    // kmod 30 decompresses .ko.xz/.ko.zst itself and then has to use init_module().
    syscall: compressed ? 'init_module' : 'finit_module',
    flags: force && !compressed ? MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC : 0,
    command: ctx.commandText,
  });
  const ended = notReturned(io, r);
  if (ended !== null) return ended;
  if (r.errno !== 0) {
    report(io, r.op, `insmod: ERROR: could not insert module ${fileName}: ${modStrerror(r.errno ?? 0)}`);
    return 1;
  }
  return 0;
};

/**
 * The syscall did not return: an oops in init killed the task (busybox sh reports the signal, exit
 * status 128 + SIGKILL), or init reached a kernel function without a model — then Modscope says so on
 * the terminal (a line Linux never prints, marked as Modscope's) and the command's status is 1.
 * null when the syscall returned.
 */
export function notReturned(io: Io, r: { end: OpEnd; op: OperationInfo }): number | null {
  if (r.end.kind === 'killed') {
    report(io, r.op, 'Killed');
    return r.end.exitStatus;
  }
  if (r.end.kind === 'unknown') {
    report(io, r.op, `[modscope] ${r.end.reason}: how ${r.op.command.split(' ')[0]} ends is not known`);
    return 1;
  }
  return null;
}

// ---------------------------------------------------------------- rmmod

/** A module that is (still) visible: /sys/module/NAME exists with an initstate. */
function loaded(ctx: ShellContext, name: string): LoadedModule | null {
  const m = ctx.k.findModule(name);
  return m && m.state !== 'UNFORMED' ? m : null;
}

/** kmod_module_remove_module()'s own ERR() (Debian's kmod logs file, line and function) and rmmod's line. */
function removeFailed(io: Io, op: OperationInfo, prog: string, name: string, arg: string, errno: number): void {
  report(io, op, `${prog}: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove '${name}': ${strerror(errno)}`);
  if (prog === 'rmmod') report(io, op, `rmmod: ERROR: could not remove module ${arg}: ${strerror(errno)}`);
}

export const rmmod: CommandFn = (argv, io, ctx) => {
  const o = getopt('rmmod', argv.slice(1), { short: 'fshvVw', long: { force: 'f', syslog: 's', verbose: 'v', version: 'V', help: 'h' } });
  if (o.error) {
    io.err(o.error + '\n');
    return 1;
  }
  if (o.opts.has('V')) {
    io.out(KMOD_VERSION);
    return 0;
  }
  if (o.opts.has('h')) {
    io.out(
      'Usage:\n\trmmod [options] modulename ...\nOptions:\n\t-f, --force       forces a module unload and may crash your\n\t                  ' +
        'machine. This requires Forced Module Removal\n\t                  option in your kernel. DANGEROUS\n\t-s, --syslog      print to syslog, not ' +
        'stderr\n\t-v, --verbose     enables more messages\n\t-V, --version     show version\n\t-h, --help        show this help\n',
    );
    return 0;
  }
  if (o.operands.length === 0) {
    io.err('rmmod: ERROR: missing module name.\n');
    return 1;
  }
  const force = o.opts.has('f');
  let failures = 0;
  for (const arg of o.operands) {
    // stat(arg) == 0: a path, named after its file; otherwise a module name.
    const name = ctx.vfs.hostFile(arg) ? pathToModname(arg) : modnameNormalize(arg);
    if (!force) {
      const refusal = checkModuleInuse(ctx, name);
      if (refusal) {
        io.err(refusal.line + '\n');
        userOnlyOp(ctx, 'rmmod: check_module_inuse()', 'kmod tools/rmmod.c', refusal.title, refusal.text, refusal.errno, [refusal.line]);
        failures++;
        continue;
      }
    }
    const r = unloadModule(ctx.k, { name, force, command: ctx.commandText });
    if (r.errno !== 0) {
      removeFailed(io, r.op, 'rmmod', name, arg, r.errno);
      failures++;
    }
  }
  return failures === 0 ? 0 : 1;
};

/** tools/rmmod.c check_module_inuse(): initstate, then holders, then refcnt. */
function checkModuleInuse(ctx: ShellContext, name: string): { line: string; title: string; text: string; errno: number } | null {
  const m = loaded(ctx, name);
  if (!m) {
    return {
      line: `rmmod: ERROR: Module ${name} is not currently loaded`,
      title: 'Not loaded',
      text: `/sys/module/${name}/initstate does not exist, so rmmod stops before calling delete_module().`,
      errno: -ENOENT,
    };
  }
  const h = holders(m);
  if (h.length) {
    return {
      line: `rmmod: ERROR: Module ${name} is in use by: ${h.join(' ')}`,
      title: 'In use by other modules',
      text: `/sys/module/${name}/holders lists ${h.join(', ')}: rmmod refuses without calling delete_module() (the kernel would say -EWOULDBLOCK).`,
      errno: -EBUSY,
    };
  }
  if (moduleRefcount(m) > 0) {
    return {
      line: `rmmod: ERROR: Module ${name} is in use`,
      title: 'In use',
      text: `/sys/module/${name}/refcnt is ${moduleRefcount(m)}: rmmod refuses without calling delete_module().`,
      errno: -EBUSY,
    };
  }
  return null;
}

// ---------------------------------------------------------------- lsmod

export const lsmod: CommandFn = (argv, io, ctx) => {
  if (argv.length > 1) {
    io.err('Usage: lsmod\n');
    return 1;
  }
  let out = 'Module                  Size  Used by\n';
  for (const m of visibleModules(ctx.k)) {
    // kmod_module_get_size() reads /sys/module/NAME/coresize; the count is /sys/module/NAME/refcnt.
    out += `${m.name.padEnd(19)} ${String(m.coreLayout.size).padStart(8)}  ${moduleRefcount(m)}`;
    const h = holders(m);
    if (h.length) out += ' ' + h.join(',');
    out += '\n';
  }
  io.out(out);
  return 0;
};

// ---------------------------------------------------------------- module files and the index

interface ModuleFile {
  path: string;
  bytes: Uint8Array;
  facts: ModuleFacts;
  signature: ModuleSignatureInfo | null;
}

function readModuleFile(path: string, bytes: Uint8Array): ModuleFile | null {
  try {
    const { elf, signature } = splitSignature(bytes);
    return { path, bytes, facts: readModuleFacts(readElf(elf), signature), signature };
  } catch {
    return null;
  }
}

/** Module name → .ko path, as modules.dep would give it. */
export function moduleIndex(ctx: ShellContext): ReadonlyMap<string, string> {
  if (ctx.deps.moduleIndex) return ctx.deps.moduleIndex;
  const idx = new Map<string, string>();
  const dir = `/lib/modules/${ctx.k.profile.release}/kernel/`;
  for (const e of ctx.k.profile.moduleExports) {
    const name = pathToModname(e.module);
    if (!idx.has(name)) idx.set(name, `${dir}${e.module}.ko`);
  }
  return idx;
}

function lookupModule(ctx: ShellContext, name: string): ModuleFile | null {
  const path = moduleIndex(ctx).get(normalizeName(name));
  if (!path) return null;
  const bytes = ctx.vfs.hostFile(path);
  return bytes ? readModuleFile(path, bytes) : null;
}

/**
 * What depmod would list for a module: the modules exporting its undefined symbols (vmlinux
 * exports need none), from the kernel profile's Module.symvers or, for modules the index has
 * beyond it, their own export tables; plus .modinfo depends=.
 */
function directDeps(ctx: ShellContext, mf: ModuleFile, exportIndex: () => Map<string, string>): string[] {
  const out: string[] = [];
  const add = (n: string): void => {
    if (n && n !== mf.facts.name && !out.includes(n)) out.push(n);
  };
  for (const d of mf.facts.depends) add(normalizeName(d));
  for (const imp of mf.facts.imports) {
    const e = ctx.k.profile.lookup(imp.name);
    if (e) {
      if (e.module !== 'vmlinux') add(pathToModname(e.module));
      continue;
    }
    const owner = exportIndex().get(imp.name);
    if (owner) add(owner);
  }
  return out.filter((n) => moduleIndex(ctx).has(n));
}

/**
 * kmod's probe list from modules.dep/modules.softdep (libkmod-module.c __kmod_module_get_probe_list()):
 * kmod_module_parse_depline() prepends each dependency, so they load in the line's reverse order; each
 * module is preceded by its "pre:" soft dependencies and followed by its "post:" ones, which are not
 * required (kmod_module_probe_insert_module() ignores their errors). A module appears once.
 */
function probeList(ctx: ShellContext, target: string): { order: ModuleFile[]; optional: Set<ModuleFile> } | null {
  const dep = ctx.deps.depmod;
  if (!dep || !dep.deps.has(target)) return null;
  const order: ModuleFile[] = [];
  const optional = new Set<ModuleFile>();
  const visited = new Set<string>();
  const add = (name: string, required: boolean): void => {
    if (visited.has(name)) return;
    visited.add(name);
    const mf = lookupModule(ctx, name);
    if (!mf) return;
    order.push(mf);
    if (!required) optional.add(mf);
  };
  const withSoft = (name: string, required: boolean): void => {
    const soft = dep.softdeps.get(name);
    for (const p of soft?.pre ?? []) probe(p, false);
    add(name, required);
    for (const p of soft?.post ?? []) probe(p, false);
  };
  const probing = new Set<string>();
  const probe = (name: string, required: boolean): void => {
    // mod->visited is set on entry: a post: soft dependency that depends back on us ends here.
    if (visited.has(name) || probing.has(name)) return;
    probing.add(name);
    for (const d of [...(dep.deps.get(name) ?? [])].reverse()) withSoft(d, required);
    withSoft(name, required);
  };
  probe(target, true);
  return { order, optional };
}

/** Dependencies first, the module last (modules.dep order reversed, as modprobe loads them). */
function loadOrder(ctx: ShellContext, target: ModuleFile): { order: ModuleFile[]; missing: string | null; optional?: Set<ModuleFile> } {
  const listed = probeList(ctx, target.facts.name ?? pathToModname(target.path));
  if (listed) return { ...listed, missing: null };
  let exportsByName: Map<string, string> | null = null;
  const exportIndex = (): Map<string, string> => {
    if (exportsByName) return exportsByName;
    exportsByName = new Map();
    if (ctx.deps.moduleIndex) {
      for (const [name, path] of ctx.deps.moduleIndex) {
        const bytes = ctx.vfs.hostFile(path);
        const mf = bytes ? readModuleFile(path, bytes) : null;
        for (const e of mf?.facts.exports ?? []) if (!exportsByName.has(e.name)) exportsByName.set(e.name, name);
      }
    }
    return exportsByName;
  };
  const order: ModuleFile[] = [];
  const seen = new Set<string>();
  let missing: string | null = null;
  const visit = (mf: ModuleFile, name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const d of directDeps(ctx, mf, exportIndex)) {
      const dm = lookupModule(ctx, d);
      if (!dm) {
        missing ??= d;
        continue;
      }
      visit(dm, d);
    }
    order.push(mf);
  };
  visit(target, target.facts.name ?? pathToModname(target.path));
  return { order, missing };
}

// ---------------------------------------------------------------- modprobe

export const modprobe: CommandFn = (argv, io, ctx) => {
  const o = getopt('modprobe', argv.slice(1), {
    short: 'raqvnfVhC:d:S:',
    long: { remove: 'r', all: 'a', quiet: 'q', verbose: 'v', 'dry-run': 'n', force: 'f', version: 'V', help: 'h' },
  });
  if (o.error) {
    io.err(o.error + '\n');
    return 1;
  }
  if (o.opts.has('V')) {
    io.out(KMOD_VERSION);
    return 0;
  }
  const quiet = o.opts.has('q');
  const dryRun = o.opts.has('n');
  const release = ctx.k.profile.release;
  if (o.operands.length === 0) {
    io.err('modprobe: ERROR: missing parameters. See -h.\n');
    return 1;
  }
  const names = o.opts.has('a') || o.opts.has('r') ? o.operands : [o.operands[0]];
  const params = o.opts.has('a') || o.opts.has('r') ? '' : o.operands.slice(1).join(' ');
  let status = 0;
  for (const name of names) {
    const mf = lookupModule(ctx, name);
    if (o.opts.has('r')) {
      status = Math.max(status, modprobeRemove(ctx, io, normalizeName(name), mf, quiet, dryRun));
      continue;
    }
    if (!mf) {
      if (!quiet) {
        const line = `modprobe: FATAL: Module ${normalizeName(name)} not found in directory /lib/modules/${release}`;
        io.err(line + '\n');
        userOnlyOp(
          ctx,
          'modprobe: kmod_module_new_from_lookup()',
          'kmod tools/modprobe.c',
          'Not found',
          `modules.dep has no module called ${name}: nothing is loaded.`,
          -ENOENT,
          [line],
        );
      }
      status = 1;
      continue;
    }
    const { order, optional } = loadOrder(ctx, mf);
    const target = mf.facts.name ?? normalizeName(name);
    for (const dep of order) {
      const depName = dep.facts.name ?? pathToModname(dep.path);
      // Already loaded (or coming): modprobe treats it as done.
      if (ctx.k.findModule(depName)) continue;
      if (dryRun) continue;
      const isTarget = dep === mf;
      const r = loadModule(ctx.k, {
        fileName: dep.path,
        image: dep.bytes,
        args: isTarget ? params : '',
        syscall: isCompressedName(dep.path) ? 'init_module' : 'finit_module',
        flags: o.opts.has('f') && !isCompressedName(dep.path) ? MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC : 0,
        command: isTarget ? ctx.commandText : `${ctx.commandText} (dependency ${depName})`,
      });
      if (r.end.kind !== 'returned') {
        status = notReturned(io, r) ?? 1;
        break;
      }
      // A soft dependency's failure is ignored (libkmod kmod_module_probe_insert_module()).
      if (r.errno !== null && r.errno !== 0 && optional?.has(dep)) continue;
      if (r.errno !== null && r.errno !== 0) {
        // tools/modprobe.c insmod(): the message names the module asked for, whichever one failed.
        const why =
          r.errno === -ENOENT
            ? 'Unknown symbol in module, or unknown parameter (see dmesg)'
            : r.errno === -EEXIST
              ? 'Module already in kernel'
              : strerror(r.errno);
        if (!quiet || r.errno !== -ENOENT) report(io, r.op, `modprobe: ERROR: could not insert '${target}': ${why}`);
        status = 1;
        break;
      }
    }
  }
  return status;
};

/** modprobe -r: the module, then its dependencies that nothing uses any more. */
function modprobeRemove(ctx: ShellContext, io: Io, name: string, mf: ModuleFile | null, quiet: boolean, dryRun: boolean): number {
  // The lookup goes through modules.dep (and aliases), not the loaded modules.
  if (!mf) {
    if (!quiet) {
      const line = `modprobe: FATAL: Module ${name} not found.`;
      io.err(line + '\n');
      userOnlyOp(
        ctx,
        'modprobe: kmod_module_new_from_lookup()',
        'kmod tools/modprobe.c',
        'Not found',
        `modules.dep has no module called ${name}.`,
        -ENOENT,
        [line],
      );
    }
    return 1;
  }
  const m = loaded(ctx, name);
  // Not loaded: without --first-time, kmod 30 treats this as success.
  if (!m) return 0;
  if (moduleRefcount(m) > 0) {
    const line = `modprobe: FATAL: Module ${name} is in use.`;
    io.err(line + '\n');
    userOnlyOp(
      ctx,
      'modprobe: rmmod_do_module()',
      'kmod tools/modprobe.c',
      'In use',
      `/sys/module/${name}/refcnt is ${moduleRefcount(m)}: modprobe does not call delete_module().`,
      -EBUSY,
      [line],
    );
    return 1;
  }
  if (dryRun) return 0;
  const r = unloadModule(ctx.k, { name, command: ctx.commandText });
  if (r.errno !== 0) {
    removeFailed(io, r.op, 'modprobe', name, name, r.errno);
    return 1;
  }
  // Then the dependencies, quietly: those still in use stay.
  const { order } = loadOrder(ctx, mf);
  for (const dep of order.slice(0, -1).reverse()) {
    const depName = dep.facts.name ?? pathToModname(dep.path);
    const dm = loaded(ctx, depName);
    if (!dm || moduleRefcount(dm) > 0 || dm.usedBy.length) continue;
    const d = unloadModule(ctx.k, { name: depName, command: `${ctx.commandText} (dependency ${depName})` });
    if (d.errno !== 0) removeFailed(io, d.op, 'modprobe', depName, depName, d.errno);
  }
  return 0;
}

export const depmod: CommandFn = (argv, io) => {
  const o = getopt('depmod', argv.slice(1), { short: 'aAeEFbnvVwPh', long: { all: 'a', quick: 'A', version: 'V', help: 'h' } });
  if (o.error) {
    io.err(o.error + '\n');
    return 1;
  }
  if (o.opts.has('V')) io.out(KMOD_VERSION);
  // The shell's module index is computed on demand; nothing to write.
  return 0;
};

// ---------------------------------------------------------------- modinfo

/** "%s:%-*s%s" with width 15 - strlen(key): a negative width left-justifies in |width| columns. */
function modinfoLine(key: string, value: string): string {
  return `${key}:${' '.repeat(Math.abs(15 - key.length))}${value}\n`;
}

interface Param {
  name: string;
  desc: string | null;
  type: string | null;
}

/** The fields kmod_module_get_info() returns: .modinfo in file order, then the signature's. */
function infoList(mf: ModuleFile): { key: string; value: string }[] {
  const list = mf.facts.modinfo.map((e) => ({ key: e.key, value: e.value }));
  const sig = mf.signature;
  if (sig) {
    list.push({ key: 'sig_id', value: sig.idTypeName });
    const blob = mf.bytes.subarray(sig.signatureOffset, sig.signatureOffset + sig.signatureLength);
    const p = sig.idType === 2 ? parsePkcs7Signer(blob) : null;
    if (p) {
      list.push({ key: 'signer', value: p.signer });
      list.push({ key: 'sig_key', value: kmodHex(p.keyId) });
      list.push({ key: 'sig_hashalgo', value: p.hashAlgo });
      list.push({ key: 'signature', value: kmodHex(p.signature) });
    }
  }
  return list;
}

function modinfoFile(mf: ModuleFile, field: string | null, sep: string, io: Io, absPath: string): void {
  if (field === 'filename') {
    io.out(absPath + sep);
    return;
  }
  let out = field === null ? `filename:       ${absPath}${sep === '\n' ? '\n' : sep}` : '';
  // process_parm(): each new parameter name goes to the head of the list.
  const params: Param[] = [];
  const param = (name: string): Param => {
    let p = params.find((x) => x.name === name);
    if (!p) {
      p = { name, desc: null, type: null };
      params.unshift(p);
    }
    return p;
  };
  const wantParams = field === null || field === 'parm';
  for (const { key, value } of infoList(mf)) {
    if (wantParams && (key === 'parm' || key === 'parmtype')) {
      const colon = value.indexOf(':');
      if (colon < 0) continue;
      const p = param(value.slice(0, colon));
      if (key === 'parm') p.desc = value.slice(colon + 1);
      else p.type = value.slice(colon + 1);
      continue;
    }
    if (field !== null) {
      if (key === field) out += value + sep;
      continue;
    }
    out += sep === '\n' ? modinfoLine(key, value) : `${key}=${value}${sep}`;
  }
  if (wantParams) {
    for (const p of params) {
      // A parameter without MODULE_PARM_DESC shows as "name: (type)" (observed with kmod 30).
      const text = p.type !== null ? `${p.name}:${p.desc ?? ''} (${p.type})` : `${p.name}:${p.desc ?? ''}`;
      // -F parm prints the same "name:desc (type)" text without the key.
      if (field === 'parm') out += text + sep;
      else out += sep === '\n' ? `parm:           ${text}\n` : `parm=${text}${sep}`;
    }
  }
  io.out(out);
}

export const modinfo: CommandFn = (argv, io, ctx) => {
  const o = getopt('modinfo', argv.slice(1), {
    short: 'adlpnF:0Vhk:b:',
    long: { author: 'a', description: 'd', license: 'l', parameters: 'p', filename: 'n', 'field:': 'F', null: '0', version: 'V', help: 'h' },
  });
  if (o.error) {
    io.err(o.error + '\n');
    return 1;
  }
  if (o.opts.has('V')) {
    io.out(KMOD_VERSION);
    return 0;
  }
  let field: string | null = null;
  for (const { opt, arg } of o.list) {
    if (opt === 'a') field = 'author';
    else if (opt === 'd') field = 'description';
    else if (opt === 'l') field = 'license';
    else if (opt === 'p') field = 'parm';
    else if (opt === 'n') field = 'filename';
    else if (opt === 'F' && typeof arg === 'string') field = arg;
  }
  const sep = o.opts.has('0') ? '\0' : '\n';
  if (o.operands.length === 0) {
    io.err('modinfo: ERROR: missing module or filename.\n');
    return 1;
  }
  let status = 0;
  for (const name of o.operands) {
    // is_module_filename(): an existing regular file ending in .ko (or .ko.xz / .ko.zst / .ko.gz).
    const bytes = /\.ko(\.(xz|zst|gz))?$/.test(name) ? ctx.vfs.hostFile(name) : null;
    if (bytes) {
      const mf = readModuleFile(name, bytes);
      if (!mf) {
        io.err(`modinfo: ERROR: could not get modinfo from '${pathToModname(name)}': Invalid argument\n`);
        status = 1;
        continue;
      }
      modinfoFile(mf, field, sep, io, ctx.vfs.abs(name));
      continue;
    }
    const mf = lookupModule(ctx, name);
    if (!mf) {
      io.err(`modinfo: ERROR: Module ${name} not found.\n`);
      status = 1;
      continue;
    }
    modinfoFile(mf, field, sep, io, mf.path);
  }
  return status;
};
