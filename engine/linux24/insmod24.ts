/**
 * modutils 2.4.16's insmod as timeline steps: the user-space linker. insmod24() is INSMOD_MAIN
 * (insmod/insmod.c), one call per function it calls, in its order; `goto out` is insmodOut(). The
 * step functions live in files named for modutils' files: modstat24.ts (util/modstat.c),
 * obj24.ts (obj/obj_load.c, obj_common.c, obj_reloc.c) and insmod-c24.ts (insmod/insmod.c); the
 * kernel side (create_module, init_module, delete_module, query_module) is sys-module.ts. The
 * relocations go through the same apply_relocate_add() table as the 6.1 path.
 */
import { EEXIST, ENOMEM, strerror } from '../load/errno';
import { KILLED_IN_INIT } from '../load/main-init';
import { hx } from '../load/step-text';
import {
  addKernelSymbols,
  addKsymoopsSymbols,
  checkTaintedModule,
  createModuleKsymtab,
  createThisModule,
  getModuleVersion,
  hideSpecialSymbols,
  initModule,
  insmodMainVersionCheck,
  processModuleArguments,
} from './insmod-c24';
import { InsmodRun, type Insmod24Request, type Insmod24Result } from './insmod-run24';
import type { Kernel24 } from './kernel24';
import { getKernelInfo } from './modstat24';
import { objAllocateCommons, objCheckUndefineds, objLoad, objLoadSize, objRelocate } from './obj24';
import { sysCreateModule, sysDeleteModule } from './sys-module';

export type { Insmod24Request, Insmod24Result };

/** insmod -n: "Don't bother actually touching the kernel." */
const NOLOAD_ADDR = 0x12340000n;

/** The module name: the basename minus .o, .mod, .o.gz (modutils) — and .ko, which 2.4 never saw. */
export function moduleName24(fileName: string): string {
  const base = fileName.split('/').pop() ?? fileName;
  for (const ext of ['.ko', '.o.gz', '.o', '.mod']) if (base.length > ext.length && base.endsWith(ext)) return base.slice(0, -ext.length);
  return base;
}

export function insmod24(K: Kernel24, req: Insmod24Request): Insmod24Result {
  const op = K.beginOp(req.command ?? `insmod ${req.force ? '-f ' : ''}${req.fileName}${req.args.length ? ' ' + req.args.join(' ') : ''}`);
  const res: Insmod24Result = { exit: 1, errno: 0, op, module: null, relocations: null, layout: [], image: null };
  const f = new InsmodRun(K, req, res, moduleName24(req.fileName));
  res.exit = insmodMain(f);
  K.timeline.endOp(op, res.errno);
  return res;
}

/** INSMOD_MAIN: the exit status. */
function insmodMain(f: InsmodRun): number {
  insmodMainOpen(f);
  if (!getKernelInfo(f)) return insmodOut(f);
  // for (i = 0; i < n_module_stat; ++i) if (strcmp(module_stat[i].name, m_name) == 0) ...
  if (!f.req.noload && f.stat.some((m) => m.name === f.name)) return insmodMainAlreadyLoaded(f);
  if (!objLoad(f)) return insmodOut(f);
  if (!getModuleVersion(f)) return insmodOut(f);
  if (!insmodMainVersionCheck(f)) return insmodOut(f);
  addKernelSymbols(f);
  if (!createThisModule(f)) return insmodOut(f);
  if (!objCheckUndefineds(f)) return insmodOut(f);
  if (!objAllocateCommons(f)) return insmodOut(f);
  checkTaintedModule(f);
  if (!processModuleArguments(f)) return insmodOut(f);
  // arch_create_got(): x86-64 modules need no GOT.
  hideSpecialSymbols(f);
  addKsymoopsSymbols(f);
  createModuleKsymtab(f);
  objLoadSize(f);
  if (f.req.noload) insmodMainNoload(f);
  else {
    const err = insmodMainCreateModule(f);
    // EEXIST with dolock: "Assume that we were just invoked simultaneous with another insmod and return success."
    if (err === -EEXIST) return 0;
    if (err) return insmodOut(f);
  }
  if (!objRelocate(f)) return insmodOut(f);
  if (f.req.noload) return insmodMainNoloadDone(f);
  const r = initModule(f);
  if (r !== 0) {
    f.res.errno = r;
    if (r === KILLED_IN_INIT) {
      // Killed by the oops: no message of its own, the shell reports the signal.
      f.op.output.push('Killed');
    } else {
      f.op.output.push(
        `${f.file}: init_module: ${strerror(r)}`,
        'Hint: insmod errors can be caused by incorrect module parameters, including invalid IO or IRQ parameters.',
        '      You may find more information in syslog or the output from dmesg',
      );
      sysDeleteModule(f.K, f.name);
    }
    return insmodOut(f);
  }
  return insmodMainLoaded(f);
}

/** m_name from the file name; fopen() and flock(). */
function insmodMainOpen(f: InsmodRun): void {
  const { file, name } = f;
  const modutilsName = (file.split('/').pop() ?? file).replace(/\.(o\.gz|o|mod)$/, '');
  f.user(
    'read',
    'INSMOD_MAIN',
    `insmod reads ${file}`,
    `The module name is the file's basename without its extension: "${name}" ` +
      `(modutils strips .o, .mod and .o.gz; it would have called this one "${modutilsName}" — a .ko did not exist in 2.4, so Modscope strips .ko too). ` +
      `gzf_open() and flock() the file (${f.req.image.length.toLocaleString('en-US')} bytes).`,
  );
}

function insmodMainAlreadyLoaded(f: InsmodRun): number {
  f.user(
    'check',
    'INSMOD_MAIN',
    `"${f.name}" is already loaded`,
    `QM_MODULES lists ${f.name}: insmod refuses in user space, before touching the kernel.`,
    [],
    -1,
  );
  f.error('insmod', `a module named ${f.name} already exists`);
  return insmodOut(f);
}

function insmodMainNoload(f: InsmodRun): void {
  f.base = NOLOAD_ADDR;
  const at = f.req.relocateAt ? ' — here against the section addresses given instead' : '';
  f.user(
    'reserve',
    'INSMOD_MAIN',
    'insmod -n: no kernel memory',
    `With -n insmod never calls create_module: it relocates against ${hx(NOLOAD_ADDR)}${at}.`,
  );
}

/** m_addr = create_module(m_name, m_size) and INSMOD_MAIN's switch on errno. */
function insmodMainCreateModule(f: InsmodRun): number {
  const c = sysCreateModule(f.K, f.name, f.size);
  if (c.errno === -EEXIST) {
    f.user(
      'result',
      'INSMOD_MAIN',
      'EEXIST: assumed a racing insmod',
      'create_module returned -EEXIST; with locking on, insmod assumes another insmod just loaded it and exits 0.',
    );
    return c.errno;
  }
  if (c.errno) {
    f.error(
      f.file,
      c.errno === -ENOMEM ? `can't allocate kernel memory for module; needed ${f.size} bytes` : `create_module: ${strerror(c.errno)}`,
      c.errno,
    );
    return c.errno;
  }
  f.base = c.addr;
  return 0;
}

function insmodMainNoloadDone(f: InsmodRun): number {
  f.user('result', 'INSMOD_MAIN', 'insmod -n: done', 'The image is built and relocated; the kernel was never asked.');
  return 0;
}

function insmodMainLoaded(f: InsmodRun): number {
  const { K, name, op, mismatch } = f;
  f.res.module = K.find(name) ?? null;
  if (mismatch) op.output.push(`Module ${name} loaded, with warnings`);
  f.user(
    'result',
    'INSMOD_MAIN',
    'insmod exits 0',
    mismatch ? `It prints "Module ${name} loaded, with warnings".` : 'init_module returned 0; insmod prints nothing.',
  );
  return 0;
}

/** out: insmod gives up with exit status 1. */
function insmodOut(f: InsmodRun): number {
  const { op } = f;
  f.K.step({
    stage: 'result',
    side: 'user',
    fn: 'insmod',
    file: 'modutils insmod/insmod.c',
    title: 'insmod exits 1',
    text: op.output.length ? `insmod printed: ${op.output.join(' / ')}` : 'insmod gives up.',
  });
  return 1;
}
