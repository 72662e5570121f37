/**
 * Plug the CPU into the modelled kernel: do_one_initcall() runs mod->init, delete_module() runs
 * mod->exit, on the interpreter, with the kernel-function models (printk into the kernel log at the
 * step's position, kmalloc into modelled memory). A fault prints an oops as the kernel does and
 * leaves insmod killed with the module stuck in COMING ("Loading"), as on a real machine.
 */
import { thousands } from '../base/thousands';
import { KERNEL_IMAGE_BASE } from '../kernel/profile';
import { sprintModuleSymbol } from '../kernel/module-symbol';
import { jumpLabelUpdate } from '../kernel/jump-label';
import { kallsymsLookupName, kprobeAddressProblem } from '../kernel/kallsyms-lookup';
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { moduleTaintLetters } from '../kernel/taint';
import { KernelCallState, kernelFunctionModels } from './kernel-calls/index';
import type { KernelCpuMemory } from './kernel-memory';
import { runKernelFunction } from './kernel-run';
import { DEVICE_WHY } from './exec';
import { BUGFLAG_ONCE, BUGFLAG_WARNING, printOops, type BugEntry, type OopsInput } from './oops';
import { DEFAULT_GS_BASE, NS_PER_INSTRUCTION } from './kernel-memory';
import { GPR_NAMES, type CpuSnapshot } from './cpu';
import type { RunResult } from './run';
import type { Decoder, KernelFunction } from './types';
import { InstructionBlock, MAX_RECORDED } from './instruction-block';
import { cannotSay, cannotSayBudget, cannotSayData, cannotSayInstruction } from '../trace/outcome';
import { MACHINE } from '../machine/qemu-pc';

export interface InitOutcome {
  ret: number;
  note: string;
  /** The instructions executed, one timeline position each. */
  block?: InstructionBlock;
  /** The task died (oops) or never returned (soft lockup): insmod/rmmod do not get an answer. */
  killed?: boolean;
  /**
   * init reached a kernel function without a model and the run stopped there: Modscope cannot say what
   * Linux does after it (the function's name). Nothing past the call is shown as the kernel's doing.
   * Also set (with unknownReason) when the run faulted after reading kernel data the model lacks.
   */
  unknownAfter?: string;
  unknownReason?: string;
  /** Why the run cannot be followed, in the step's words (set with unknownReason when it is not a data read). */
  unknownWhy?: string;
}

export { cannotSay };

const hex = (v: bigint): string => v.toString(16).padStart(16, '0');

export interface AttachOptions {
  /** Most instructions one init/exit may execute before the kernel reports a soft lockup. */
  budget?: number;
  /**
   * Speculate past kernel functions without a model: they return 0 and the run goes on (what Modscope
   * did before; modscope init-all --speculate uses it to list every missing model a module needs).
   * Off by default: a call to a function without a model stops the run there, and Modscope says it
   * cannot tell what Linux does next — it never shows an oops, BUG, WARN or lockup that only a
   * guessed return value caused.
   */
  speculate?: boolean;
  /** Told how each init/exit run ended (modscope init-all counts them); stoppedAt names the not-modelled function it stopped at. */
  onRun?: (mod: LoadedModule, which: 'init' | 'exit', r: RunResult, stoppedAt: string | null, unmodelledRead: string | null) => void;
}

/** Thrown out of the CPU by a strict stand-in model; run() turns it into an 'error' result. */
class NotModelledStop extends Error {}

/** The kernel's soft-lockup threshold: watchdog_thresh (10 s) * 2 (kernel/watchdog.c get_softlockup_thresh()). */
const SOFTLOCKUP_NS = 20e9;

/**
 * The budget ran out before the modelled time (NS_PER_INSTRUCTION an instruction) reached the soft-lockup threshold:
 * the real CPU simply goes on, so nothing after it — a lockup report least of all — is Linux's.
 */
export function budgetBeforeSoftLockup(r: RunResult): boolean {
  return r.kind === 'budget' && r.executed * NS_PER_INSTRUCTION < SOFTLOCKUP_NS;
}

/** The device a stopped run reached (exec.ts's port I/O), or undefined for an instruction the CPU model lacks. */
function deviceOf(r: RunResult): string | undefined {
  return r.kind === 'unsupported' && r.why.startsWith(DEVICE_WHY) ? r.why : undefined;
}

/** Where CPU 0's copy of a per-CPU variable is: __per_cpu_offset[0] (the %gs base) plus its offset. */
function percpuPointer(k: ModelKernel, name: string): bigint | undefined {
  const e = k.profile.lookup(name);
  return e && e.percpu && e.address !== null ? DEFAULT_GS_BASE + e.address : undefined;
}

export function attachCpu(k: ModelKernel, decoder: Decoder, budgetOrOptions: number | AttachOptions = 5_000_000): void {
  const options: AttachOptions = typeof budgetOrOptions === 'number' ? { budget: budgetOrOptions } : budgetOrOptions;
  const budget = options.budget ?? 5_000_000;
  const state = new KernelCallState({
    kptrRestrict: 0,
    lookupSymbol: (n) => kallsymsLookupName(k, n),
    kprobeCheck: (a) => kprobeAddressProblem(k, a),
    // The majors and misc minors the built-in kernel holds after boot on the modelled machine (its /proc/devices, /proc/misc).
    usedCharMajors: MACHINE.charMajors,
    usedMiscMinors: MACHINE.miscMinors,
    // `current` (CPU 0's current_task) and jiffies, for the kthreads' models (kthread.ts, completion.ts).
    currentTaskPointer: percpuPointer(k, 'current_task'),
    jiffiesAddress: kallsymsLookupName(k, 'jiffies') ?? undefined,
  });
  const models = kernelFunctionModels(state);
  let stoppedAt: string | null = null;
  /** The block of the run in progress (a stop notes itself on the call instruction). */
  let current: InstructionBlock | null = null;
  const strictModel =
    (name: string, fn: KernelFunction | undefined): KernelFunction =>
    (ctx) => {
      const v = fn ? fn(ctx) : 'not-modelled';
      if (v !== 'not-modelled') return v;
      stoppedAt = name;
      current?.call(`${name}() not modelled: ${cannotSay(name)}`);
      throw new NotModelledStop(`${name}() is not modelled`);
    };
  const lookup = options.speculate
    ? (name: string): KernelFunction | undefined => models.get(name)
    : (name: string): KernelFunction => strictModel(name, models.get(name));
  let lastOpen = false;

  /** sprint_symbol(): "name+0xoff/0xsize [mod]" for module code, "name+0xoff/0xsize" for the kernel (its kallsyms). */
  const symbolize = (a: bigint): string | null => {
    // Loaded modules, then ones since unloaded (an instruction block is described long after it ran).
    for (const m of k.modules) {
      const s = sprintModuleSymbol(m, a);
      if (s) return s;
    }
    for (let i = k.formerModules.length - 1; i >= 0; i--) {
      const s = sprintModuleSymbol(k.formerModules[i].mod, a);
      if (s) return s;
    }
    // Only kernel-image addresses are vmlinux's (a nearest-symbol lookup would name anything).
    if (a < KERNEL_IMAGE_BASE + k.as.kernelSlide || a >= k.modulesArea.start) return null;
    const v = k.profile.symbolize(a - k.as.kernelSlide);
    return v ? v.sprint : null;
  };

  /** find_bug() (lib/bug.c): the __bug_table entry of a module for the ud2 at rip. */
  const findBug = (rip: bigint): BugEntry | null => {
    for (const m of k.modules) {
      const sec = m.allSections.find((x) => x.name === '__bug_table');
      if (!sec || sec.size < 12) continue;
      let bytes: Uint8Array;
      try {
        bytes = k.memory.read(sec.address, sec.size);
      } catch {
        continue;
      }
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // struct bug_entry { int bug_addr_disp; int file_disp; u16 line; u16 flags; }, offsets relative to each field
      for (let off = 0; off + 12 <= sec.size; off += 12) {
        if (sec.address + BigInt(off) + BigInt(dv.getInt32(off, true)) !== rip) continue;
        const filePtr = sec.address + BigInt(off + 4) + BigInt(dv.getInt32(off + 4, true));
        let file = '';
        try {
          for (let i = 0; i < 256; i++) {
            const c = k.memory.read(filePtr + BigInt(i), 1)[0];
            if (!c) break;
            file += String.fromCharCode(c);
          }
        } catch {
          file = '';
        }
        return { file: file || null, line: dv.getUint16(off + 8, true), flags: dv.getUint16(off + 10, true) };
      }
    }
    return null;
  };
  /** Set while a module's kernel_param_ops run for a sysfs access (the oops trace's tail). */
  let sysfsAccess: 'sysfs-write' | 'sysfs-read' | null = null;
  const syscallOf = (comm: string): OopsInput['syscall'] => sysfsAccess ?? (comm === 'rmmod' ? 'delete_module' : 'finit_module');
  /** WARN_ONCE() sites already reported (the kernel sets BUGFLAG_DONE in the entry). */
  const warnedOnce = new Set<bigint>();
  const bugType = (rip: bigint): 'warn' | 'bug' => ((findBug(rip)?.flags ?? 0) & BUGFLAG_WARNING ? 'warn' : 'bug');

  const run = (
    mod: LoadedModule,
    entry: bigint,
    pos0: number,
    block: InstructionBlock,
    comm: string,
    args: bigint[] = [],
  ): RunResult & { memory: KernelCpuMemory } => {
    stoppedAt = null;
    current = block;
    let pendingWarn: bigint | null = null;
    const warn = (rip: bigint, gpr: BigUint64Array, rflags: bigint): void => {
      const bug = findBug(rip);
      if (!bug) return;
      if (bug.flags & BUGFLAG_ONCE) {
        if (warnedOnce.has(rip)) return;
        warnedOnce.add(rip);
      }
      const regs: CpuSnapshot = { regs: Object.fromEntries(GPR_NAMES.map((n, i) => [n, gpr[i]])), rip, rflags, gsBase: DEFAULT_GS_BASE };
      const read = (a: bigint, n: number): Uint8Array | null => {
        try {
          return k.memory.read(a, n);
        } catch {
          return null;
        }
      };
      const p = at();
      printOops(
        k,
        {
          cause: { kind: 'warn', bug },
          comm,
          regs,
          rip,
          read,
          stack: { base: 0n, top: 0n },
          symbolize,
          isModuleText: () => false,
          syscall: syscallOf(comm),
        },
        (name) => moduleTaintLetters(k.findModule(name)?.taints ?? 0),
        p,
      );
      // __warn(): add_taint(BUG_GET_TAINT(bug)) — TAINT_WARN unless the entry names another.
      k.addTaint('W', p);
    };
    // Kernel models run after the call instruction has been recorded: their lines belong to it.
    const at = (): number => pos0 + Math.min(Math.max(block.count - 1, 0), MAX_RECORDED - 1);
    return runKernelFunction(k, entry, {
      decoder,
      budget,
      args,
      // What the models wrote into vmlinux data in earlier runs (each run's vmlinux pages start from the seed).
      memory: { vmlinuxWrites: state.vmlinuxWrites },
      models: lookup,
      // Past the recorded window the CPU runs without per-instruction recording (WARN's ud2 still comes here).
      recordLimit: MAX_RECORDED,
      recorder: (ins, before, writes, fault) => {
        block.record(ins, before.rip, before.gpr, before.rflags, writes, fault);
        // The ud2 of a WARN() is recorded right after its event, with the registers it ran with.
        if (pendingWarn !== null && before.rip === pendingWarn) {
          pendingWarn = null;
          warn(before.rip, before.gpr, before.rflags);
        }
      },
      onEvent: (e, executed) => {
        if (e.kind === 'warn') pendingWarn = e.rip;
        // Past the recorded window a call belongs to no recorded instruction: keep it out of the block
        // (appending it to the last recorded one would grow that text with every later call).
        if (executed > MAX_RECORDED) return;
        if (e.kind === 'kernel-call') block.call(`${e.name}() → 0x${BigInt.asUintN(64, e.ret).toString(16)}`);
        else if (e.kind === 'not-modelled') block.call(`${e.name}() not modelled: returned 0`);
      },
      services: {
        printk: (level, text) => {
          const p = at();
          if (level === 'cont' && lastOpen && k.log.records.length) {
            const last = k.log.records[k.log.records.length - 1];
            last.text += text;
            return;
          }
          k.printkAt(level === 'cont' || level === 'default' ? 4 : level, text, p);
          lastOpen = state.printkOpen;
        },
        kmalloc: (size, zero, why) => k.kmalloc(Math.max(1, size), why, mod.name, at()),
        kfree: (address) => k.kfree(address, at()),
        jumpLabelUpdate: (key, enabled) => jumpLabelUpdate(k.memory, k.modules, key, enabled, at()),
        symbolize,
        note: () => {},
        // kernel/module/main.c try_module_get(): only while the module is not GOING, and
        // atomic_inc_not_zero() (0 = being unloaded); module_put() drops one; __module_get() always adds.
        moduleRef: (address, op) => {
          const m = k.modules.find((x) => x.structModule === address);
          if (!m) return null;
          if (op === 'put') {
            if (m.refcnt > 0) m.refcnt--;
            return true;
          }
          if (op === 'get' && (m.state === 'GOING' || m.refcnt === 0)) return false;
          m.refcnt++;
          return true;
        },
      },
      bugType,
    });
  };

  const describe = (r: RunResult, what: string): string => {
    const calls = r.events.filter((e) => e.kind === 'kernel-call').map((e) => (e.kind === 'kernel-call' ? e.name : ''));
    const missing = r.events.filter((e) => e.kind === 'not-modelled').map((e) => (e.kind === 'not-modelled' ? e.name : ''));
    const uniq = (xs: string[]): string => [...new Set(xs)].join(', ');
    const guessed = missing.length ? `; not modelled, speculatively returned 0: ${uniq(missing)} (what follows is a guess, not Linux)` : '';
    return `${what} ran ${thousands(r.executed)} instructions on the modelled CPU${calls.length ? `, calling ${uniq(calls)}` : ''}${guessed}.`;
  };

  const oops = (r: RunResult & { memory: KernelCpuMemory }, comm: string, pos: number): void => {
    const cause: OopsInput['cause'] =
      r.kind === 'fault' ? { kind: 'fault', fault: r.fault } : r.kind === 'budget' ? { kind: 'lockup', seconds: 22 } : { kind: 'invalid-opcode' };
    const rip = r.kind === 'returned' ? r.final.rip : r.rip;
    const read = (a: bigint, n: number): Uint8Array | null => {
      // copy_from_kernel_nofault(): all the bytes or nothing; they may span two modelled allocations.
      try {
        return r.memory.read(a, n, 'read');
      } catch {
        try {
          return Uint8Array.from({ length: n }, (_, i) => r.memory.read(a + BigInt(i), 1, 'read')[0]);
        } catch {
          return null;
        }
      }
    };
    const isModuleText = (a: bigint): boolean =>
      k.modules.some((m) => m.allSections.some((x) => x.group === 'text' && a >= x.address && a < x.address + BigInt(x.size)));
    const bug = r.kind === 'fault' && r.fault.kind === 'invalid-opcode' ? findBug(r.rip) : null;
    printOops(
      k,
      {
        cause,
        bug,
        comm,
        regs: r.final,
        rip,
        read,
        stack: { base: r.memory.stack.base, top: r.memory.stack.base + BigInt(r.memory.stack.size) },
        symbolize,
        isModuleText,
        syscall: syscallOf(comm),
      },
      (name) => moduleTaintLetters(k.findModule(name)?.taints ?? 0),
      pos,
    );
    // oops_end() adds TAINT_DIE; the soft-lockup watchdog adds TAINT_SOFTLOCKUP.
    k.addTaint(r.kind === 'budget' ? 'L' : 'D', pos);
  };

  /** A fault, lockup or BUG after reading vmlinux data the model lacks could be the zeros' doing, not Linux's. */
  const firstUnmodelledRead = (r: RunResult & { memory: KernelCpuMemory }): string | null => {
    if (r.kind === 'returned' || r.kind === 'unsupported' || r.kind === 'error') return null;
    const first = r.memory.unmodelledReads.values().next();
    return first.done ? null : first.value;
  };

  /** set_work_pool_and_clear_pending(): WORK_STRUCT_PENDING off (a work_struct outside modelled memory is left alone). */
  const clearPending = (work: bigint, pos: number, why: string): void => {
    if (work === 0n) return;
    try {
      const data = k.memory.read(work, 8);
      data[0] &= 0xfe;
      k.memory.write(work, data, pos, why);
    } catch {
      // not in modelled memory: nothing to clear
    }
  };
  /**
   * Items queued outside init (an exit, a sysfs access) are not run by the model: dropped (PENDING cleared, so a later
   * queue_work_on() of the same item is not refused) so that no later init runs them.
   */
  const dropQueued = (): void => {
    for (const w of state.queuedWork.splice(0)) clearPending(w.work, k.timeline.position, 'work->data: pending cleared (item not run)');
  };
  k.runInit = (mod, pos) => {
    dropQueued();
    if (mod.initFn === null) return { ret: 0, note: '' };
    const block = new InstructionBlock(symbolize);
    const r = run(mod, mod.initFn, pos, block, 'insmod');
    options.onRun?.(mod, 'init', r, stoppedAt, firstUnmodelledRead(r));
    if (r.kind === 'returned') return { ret: r.ret, note: describe(r, `${mod.initName ?? 'init'}()`) + ` It returned ${r.ret}.`, block };
    if (stoppedAt !== null) {
      const fn: string = stoppedAt;
      return {
        ret: 0,
        note: `${describe(r, `${mod.initName ?? 'init'}()`)} Then it called ${fn}(), which has no model: ${cannotSay(fn)}, so the run stops there.`,
        unknownAfter: fn,
        block,
      };
    }
    // The real CPU runs what the model does not implement (SSE floating point): not an invalid-opcode oops.
    if (r.kind === 'unsupported') {
      const ins = r.text.replace(/\s+#.*$/, '');
      const dev = deviceOf(r);
      return {
        ret: 0,
        note:
          `${describe(r, `${mod.initName ?? 'init'}()`)} It reached ${ins}, ` +
          `${dev === undefined ? 'which the modelled CPU does not implement' : 'which reaches a device'}: ${cannotSayInstruction(ins, dev)}.`,
        unknownAfter: r.mnemonic,
        unknownReason: cannotSayInstruction(ins, dev),
        unknownWhy:
          `${mod.initName ?? 'init'}() reached ${ins}, ` +
          `${dev === undefined ? 'an instruction the modelled CPU does not implement (the real CPU runs it)' : `which reaches ${dev}`}, so the run ` +
          `stops there: how init goes on, what it prints, whether it returns or oopses`,
        block,
      };
    }
    if (budgetBeforeSoftLockup(r)) {
      const reason = cannotSayBudget(r.executed);
      return {
        ret: 0,
        note: `${describe(r, `${mod.initName ?? 'init'}()`)} It had not returned when the budget ran out: ${reason}.`,
        unknownAfter: `${r.executed} instructions`,
        unknownReason: reason,
        unknownWhy:
          `${mod.initName ?? 'init'}() had not returned after ${thousands(r.executed)} instructions, the model's budget for one call ` +
          `(${((r.executed * NS_PER_INSTRUCTION) / 1e9).toFixed(1)} s of modelled time; the kernel reports a soft lockup only after 20 s), so the ` +
          `run stops there: how init goes on, what it prints, whether it returns`,
        block,
      };
    }
    const guessed = firstUnmodelledRead(r);
    if (guessed !== null) {
      return {
        ret: 0,
        note:
          `${describe(r, `${mod.initName ?? 'init'}()`)} It read ${guessed}, kernel data Modscope does not have (it read as zeros), and then ` +
          `${r.kind === 'fault' ? `faulted (${r.fault.message})` : r.kind === 'budget' ? 'did not return' : 'stopped'}: ${cannotSayData(guessed)}, so ` +
          `no oops is shown.`,
        unknownAfter: guessed,
        unknownReason: cannotSayData(guessed),
        block,
      };
    }
    oops(r, 'insmod', pos + Math.max(0, block.count - 1));
    const why =
      r.kind === 'fault'
        ? `faulted: ${block.faultSummary() ?? `at ${symbolize(r.rip) ?? hex(r.rip)}`}: ${r.fault.message}`
        : r.kind === 'budget'
          ? `did not return within ${thousands(budget)} instructions (the kernel reports a soft lockup)`
          : `stopped: ${r.kind}`;
    return {
      ret: 0,
      note: `${describe(r, `${mod.initName ?? 'init'}()`)} It ${why}; insmod is killed and ${mod.name} stays "Loading".`,
      killed: true,
      block,
    } as InitOutcome;
  };
  k.runModuleCode = (mod, entry, args, pos, how) => {
    const block = new InstructionBlock(symbolize);
    // busybox: `echo … > file` is the shell's builtin (comm sh); reading is cat.
    const comm = how === 'sysfs-read' ? 'cat' : 'sh';
    sysfsAccess = how;
    const r = run(mod, entry, pos, block, comm, args);
    dropQueued();
    const what = `${symbolize(entry) ?? hex(entry)}`;
    try {
      if (r.kind === 'returned') return { ret: r.ret, note: describe(r, what) + ` It returned ${r.ret}.`, block };
      if (stoppedAt !== null) return { ret: null, note: `${describe(r, what)} ${cannotSay(stoppedAt)}.`, block };
      if (r.kind === 'unsupported') {
        return { ret: null, note: `${describe(r, what)} ${cannotSayInstruction(r.text.replace(/\s+#.*$/, ''), deviceOf(r))}.`, block };
      }
      if (budgetBeforeSoftLockup(r)) return { ret: null, note: `${describe(r, what)} ${cannotSayBudget(r.executed)}.`, block };
      oops(r, comm, pos + Math.max(0, block.count - 1));
      return { ret: null, note: describe(r, what), block };
    } finally {
      sysfsAccess = null;
    }
  };
  /**
   * The kworker runs the next item init queued (workqueue.ts): work->func(work), or a firmware request's callback after
   * the loader's lines. It runs module code on the modelled CPU; where it stops (a function without a model, a fault),
   * Modscope cannot say what the work does from there, and says so: insmod's outcome, known when init returned, stays.
   */
  k.runQueuedWork = (initMod, pos) => {
    const w = state.queuedWork.shift();
    if (!w) return null;
    clearPending(w.work, pos, 'work->data: pending cleared by the kworker');
    const owner = k.modules.find((m) => m.allSections.some((x) => x.group === 'text' && w.fn >= x.address && w.fn < x.address + BigInt(x.size)));
    const block = new InstructionBlock(symbolize);
    const title = `A kworker runs ${w.what}`;
    if (!owner) {
      const why = `${w.what}: its function ${symbolize(w.fn) ?? hex(w.fn)} is not module code the model can run`;
      return { title: `Modscope cannot say what the queued work ${w.what} does`, note: why, unknown: why, block };
    }
    w.printBefore?.((level, text) => {
      state.printkOpen = false;
      k.printkAt(level, text, pos);
    });
    const r = run(owner, w.fn, pos, block, 'kworker/0:1', w.args);
    const what = `${symbolize(w.fn) ?? hex(w.fn)}`;
    if (r.kind === 'returned') {
      if (w.modulePut !== undefined) {
        const m = k.modules.find((x) => x.structModule === w.modulePut);
        if (m && m.refcnt > 0) m.refcnt--;
      }
      return { title, note: `${w.intro ? `${w.intro} ` : ''}${describe(r, what)} It returned.`, block };
    }
    // The kworker's task is abandoned where the model stops following it: a lock it took (rtnl_mutex) is not left held
    // for every later run (the real work goes on and drops it).
    state.rtnlHeld = false;
    const cannot =
      stoppedAt !== null
        ? cannotSay(stoppedAt)
        : r.kind === 'unsupported'
          ? cannotSayInstruction(r.text.replace(/\s+#.*$/, ''), deviceOf(r))
          : budgetBeforeSoftLockup(r)
            ? cannotSayBudget(r.executed)
            : `it ${r.kind === 'fault' ? `faulted (${r.fault.message})` : 'stopped'}; ` +
              'the real kernel would oops in the kworker, which Modscope does not model';
    const unknown = `${cannot[0].toUpperCase()}${cannot.slice(1)}, in the queued work ${w.what}`;
    return { title: unknown, note: `${w.intro ? `${w.intro} ` : ''}${describe(r, what)} ${cannot}.`, unknown, block };
  };
  k.runExit = (mod, pos) => {
    if (mod.exitFn === null) return { note: '' };
    const block = new InstructionBlock(symbolize);
    const r = run(mod, mod.exitFn, pos, block, 'rmmod');
    dropQueued();
    options.onRun?.(mod, 'exit', r, stoppedAt, firstUnmodelledRead(r));
    if (stoppedAt !== null)
      return {
        note: `${describe(r, `${mod.exitName ?? 'exit'}()`)} ${cannotSay(stoppedAt)}: the rest of the unload is shown as delete_module() continues.`,
        block,
      };
    if (r.kind === 'unsupported')
      return { note: `${describe(r, `${mod.exitName ?? 'exit'}()`)} ${cannotSayInstruction(r.text.replace(/\s+#.*$/, ''), deviceOf(r))}.`, block };
    if (budgetBeforeSoftLockup(r)) return { note: `${describe(r, `${mod.exitName ?? 'exit'}()`)} ${cannotSayBudget(r.executed)}.`, block };
    if (r.kind !== 'returned') oops(r, 'rmmod', pos + Math.max(0, block.count - 1));
    return { note: describe(r, `${mod.exitName ?? 'exit'}()`), block };
  };
}
