/**
 * do_init_module() (kernel/module/main.c, 6.1) and the do_one_initcall() it makes (init/main.c): the
 * module's init runs on the modelled CPU; on success the module goes LIVE and its init memory is freed.
 */
import { DEBIAN_VERSION, HARDWARE_NAME, MODEL_PID, printTainted } from '../cpu/oops';
import { KERN_WARNING } from '../kernel/log';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import type { ModelKernel } from '../kernel/model';
import type { LoadInfo } from './context';
import { errnoName, ENOMEM } from './errno';
import { freeModule } from './free-module';
import { hx, MAIN } from './step-text';
import { layoutBytes, MODULE_STATE, STRUCT_MODULE, u32, writeField } from './struct-module';

type InitResult = ReturnType<NonNullable<ModelKernel['runInit']>>;

/**
 * What doInitModule() hands back when init never returned (insmod killed by an oops, or the run stopped at a
 * not-modelled call): not an errno the syscall returns — info.end says how it ended and loadModule() reports none.
 */
export const KILLED_IN_INIT = -9;

/** do_one_initcall(mod->init): run init on the CPU model (or only record the call without one). */
export function doOneInitcall(info: LoadInfo): InitResult {
  const { k, rec } = info;
  const mod = info.module;
  const sym = mod.initName !== null ? { name: mod.initName } : undefined;
  const result: InitResult = k.runInit
    ? k.runInit(mod, rec.pos)
    : { ret: 0, note: "Modscope records the call; executing the code is the CPU model's part." };
  rec.step(
    {
      phase: 'init',
      fn: 'do_one_initcall',
      file: 'init/main.c',
      title: mod.initFn ? `init is called: ${sym?.name ?? 'init_module'}()` : 'No init function',
      text: mod.initFn
        ? `do_init_module() calls mod->init at ${hx(mod.initFn)}${sym ? ` (${sym.name})` : ''}. ${result.note}`
        : 'The module has no init function; loading goes on.',
      // A killed or stopped init has no return value: the call effect says so instead of "returns 0".
      effects: mod.initFn ? [{ kind: 'call', fn: sym?.name ?? 'init', address: hex64(mod.initFn), result: initCallResult(result) }] : [],
    },
    'block' in result && result.block ? result.block : null,
  );
  return result;
}

function initCallResult(result: InitResult): string {
  if (result.unknownAfter !== undefined) return 'unknown (not modelled)';
  return result.killed ? 'never returns (insmod killed)' : String(result.ret);
}

/**
 * The dump_stack() do_init_module() makes after that warning (lib/dump_stack.c, at KERN_DEFAULT: level 4 on Debian): the
 * CPU line with the taint flags, the machine, and the kernel's own frames. The frames and their offsets are Debian
 * 6.1.0-50's, as the real kernel printed them for a finit_module() whose init returned 5 (whatif-module.qemu.json).
 * Not modelled: the "? fn+off" lines between them (stale return addresses left on the stack by earlier syscalls, which
 * the ORC unwinder prints as unreliable: they changed from one recording to the next) and insmod's user-space
 * registers after them (RIP: 0033:… R15, which depend on glibc and user-space ASLR).
 */
function dumpStack(info: LoadInfo): void {
  const { k, rec } = info;
  rec.printk(KERN_WARNING, `CPU: 0 PID: ${MODEL_PID} Comm: insmod ${printTainted(k.taints)} ${k.profile.release} #1  Debian ${DEBIAN_VERSION}`);
  rec.printk(KERN_WARNING, `Hardware name: ${HARDWARE_NAME}`);
  rec.printk(KERN_WARNING, 'Call Trace:');
  rec.printk(KERN_WARNING, ' <TASK>');
  const frames =
    info.syscall === 'finit_module'
      ? [
          'dump_stack_lvl+0x44/0x5c',
          'do_init_module.cold+0x21/0x26',
          '__do_sys_finit_module+0xac/0x120',
          'do_syscall_64+0x5d/0xb0',
          'entry_SYSCALL_64_after_hwframe+0x6e/0xd8',
        ]
      : ['dump_stack_lvl', 'do_init_module.cold', '__do_sys_init_module', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'];
  for (const f of frames) rec.printk(KERN_WARNING, ` ${f}`);
  rec.printk(KERN_WARNING, ' </TASK>');
}

/**
 * The work items init queued: a kworker runs them when insmod lets the CPU go, before the syscall returns (each a
 * step of its own, workqueue.ts). A run Modscope cannot follow says so; it never changes what init returned.
 */
function runQueuedWork(info: LoadInfo): void {
  const { k, rec } = info;
  if (!k.runQueuedWork) return;
  // A bound on items that keep queueing more (a worker that requeues itself would run forever).
  for (let n = 0; n < 64; n++) {
    const w = k.runQueuedWork(info.module, rec.pos);
    if (w === null) return;
    rec.step(
      {
        phase: 'init',
        fn: 'process_one_work',
        file: 'kernel/workqueue.c',
        title: w.title,
        text:
          `${w.note}` +
          (w.unknown !== undefined
            ? ` What the work does from there — what it prints, what it changes — is not known; ${info.module.name}'s load is not affected ` +
              '(init had already returned).'
            : ''),
      },
      w.block ?? null,
    );
  }
}

/** do_init_module(): init, then LIVE (or GOING and freed when init fails). */
export function doInitModule(info: LoadInfo): number {
  const { k, rec } = info;
  const mod = info.module;
  const name = mod.name;
  // freeinit = kmalloc(sizeof(struct mod_initfree)): what if it fails? goto fail, before init is ever called.
  if (info.fault.alloc('do_init_module', 'do_init_module', 'kmalloc', 'struct mod_initfree', 16, -ENOMEM) || info.fault.call('do_init_module'))
    return doInitModuleFail(info, -ENOMEM, 'fail');
  const result = doOneInitcall(info);
  if (result.unknownAfter !== undefined) {
    const fn = result.unknownAfter;
    const reason = result.unknownReason ?? `Modscope cannot say what Linux does after ${fn}() (not modelled)`;
    const why = result.unknownWhy
      ? result.unknownWhy
      : result.unknownReason
        ? `${mod.initName ?? 'init'}() read kernel data Modscope does not have (${fn}: it read as zeros) and then went wrong; what the real kernel does ` +
          `there is not known, so no oops is shown`
        : `${mod.initName ?? 'init'}() called ${fn}(), a kernel function Modscope has no model of, so the run stops at that call: how init goes on, ` +
          `what it prints, whether it returns or oopses`;
    rec.step({
      phase: 'init',
      fn: 'do_init_module',
      file: MAIN,
      title: reason,
      text: `${why}, and how insmod ends are not known. The state shown from here is the state at that point (${name} in MODULE_STATE_COMING, "Loading").`,
    });
    info.end = { kind: 'unknown', after: fn, reason };
    return KILLED_IN_INIT;
  }
  if (!result.killed) runQueuedWork(info);
  if (result.killed) {
    // The oops killed insmod in the middle of the syscall: nothing unwinds, the module stays COMING.
    rec.step({
      phase: 'init',
      fn: 'do_init_module',
      file: MAIN,
      title: 'insmod is killed (SIGKILL)',
      text:
        'The fault killed the insmod task inside init_module(): the syscall never returns (no errno: the shell reports "Killed", ' +
        `exit status 137), nothing is undone, and ${name} stays in MODULE_STATE_COMING ("Loading" in /proc/modules) with its init memory.`,
    });
    info.end = { kind: 'killed', signal: 'SIGKILL', exitStatus: 137 };
    return KILLED_IN_INIT;
  }
  if (result.ret < 0) {
    mod.state = 'GOING';
    rec.step({
      phase: 'init',
      fn: 'do_init_module',
      file: MAIN,
      title: `init failed: ${result.ret}`,
      text: `init returned ${result.ret}: the module goes to MODULE_STATE_GOING and is freed. The loader prints nothing; the syscall returns ${result.ret}.`,
      errno: result.ret,
      effects: [{ kind: 'state', module: name, from: 'COMING', to: 'GOING' }],
    });
    return doInitModuleFail(info, result.ret, 'fail_free_freeinit');
  }
  if (result.ret > 0) {
    rec.printk(KERN_WARNING, `do_init_module: '${name}'->init suspiciously returned ${result.ret}, it should follow 0/-E convention`);
    rec.printk(KERN_WARNING, `do_init_module: loading module anyway...`);
    dumpStack(info);
  }
  mod.state = 'LIVE';
  // module_put(): the reference held while init ran.
  mod.refcnt -= 1;
  writeField(info, STRUCT_MODULE.state, u32(MODULE_STATE.LIVE), 'state = MODULE_STATE_LIVE');
  writeField(info, STRUCT_MODULE.refcnt, u32(mod.refcnt), 'refcnt');
  const effects: Effect[] = [{ kind: 'state', module: name, from: 'COMING', to: 'LIVE' }];
  const init = mod.init;
  if (init) {
    k.memory.free(init, rec.pos);
    k.deferInitFree(init.base);
    effects.push({ kind: 'free', allocation: init.id, base: hex64(init.base), size: init.size, label: init.label });
  }
  writeField(info, STRUCT_MODULE.initLayout, layoutBytes(0n, 0, 0, 0, 0), 'init_layout cleared');
  mod.init = null;
  mod.initLayout = { size: 0, textSize: 0, roSize: 0, roAfterInitSize: 0 };
  mod.sections = mod.sections.filter((s) => !s.init);
  const freed = init
    ? `The init region (${hx(BigInt(init.size))} bytes at ${hx(init.base)}) is freed after an RCU grace period; init_layout is cleared.`
    : '';
  rec.step({
    phase: 'init',
    fn: 'do_init_module',
    file: MAIN,
    title: 'LIVE; init memory freed',
    text:
      `State MODULE_STATE_LIVE; the init reference is dropped (refcnt ${mod.refcnt}, so lsmod shows ${mod.refcnt - 1} users). ` +
      `.data..ro_after_init becomes read-only. ${freed}`,
    effects,
  });
  return 0;
}

/**
 * do_init_module()'s own error path (not load_module()'s labels: free_copy() has run already):
 * fail_free_freeinit: kfree(freeinit); fail: state GOING, synchronize_rcu(), module_put(), the GOING
 * notifiers, klp_module_going(), ftrace_release_mod(), free_module(mod).
 */
function doInitModuleFail(info: LoadInfo, err: number, label: 'fail_free_freeinit' | 'fail'): number {
  const { k, rec } = info;
  const mod = info.module;
  const effects: Effect[] = [];
  if (mod.state !== 'GOING') effects.push({ kind: 'state', module: mod.name, from: mod.state, to: 'GOING' });
  mod.state = 'GOING';
  rec.step({
    phase: 'init',
    fn: 'do_init_module',
    file: MAIN,
    title: `goto ${label}`,
    text:
      (label === 'fail'
        ? 'kmalloc(sizeof(struct mod_initfree)) returned NULL (what if…: a fault put here), so init is never called. fail: '
        : 'fail_free_freeinit: kfree(freeinit); fail: ') +
      'state MODULE_STATE_GOING, synchronize_rcu(), module_put() of the reference init held, the GOING notifiers, klp_module_going(), ' +
      'ftrace_release_mod(), then free_module().',
    effects,
  });
  const freed = freeModule(k, mod, rec.pos);
  rec.step({
    phase: 'init',
    fn: 'free_module',
    file: MAIN,
    title: `${mod.name} is freed`,
    text:
      'mod_sysfs_teardown(), module_unload_free(), module_destroy_params(), off the list, then module_memfree() of init, kfree(mod->args), ' +
      'percpu_modfree() and module_memfree() of the core, where struct module lived.',
    effects: freed,
  });
  rec.step({
    phase: 'result',
    fn: 'load_module',
    file: MAIN,
    title: `The load fails: ${err}`,
    text: `load_module() returns do_init_module()'s ${err} (${errnoName(-err)}); insmod reports it.`,
    errno: err,
  });
  return err;
}
