/**
 * Running a module function on the modelled CPU: a kernel stack of its own, a sentinel return
 * address, System V arguments, then fetch / decode (once per address) / execute until the function
 * returns to the sentinel, faults, hits something unsupported, or runs out of its instruction budget.
 *
 * Control reaching an address that is not module code (a call or tail jump into vmlinux) is a kernel
 * function: the thunks __x86_return_thunk (ret), __x86_indirect_thunk_<reg> (jmp *%reg) and
 * __fentry__ (nothing) behave as such; other functions run their model (KernelFunction) with the
 * arguments in rdi rsi rdx rcx r8 r9 and the stack, put the result in rax and return to the caller.
 * Functions without a model return 0 and are reported as 'not-modelled' events.
 */
import { Cpu, RAX, RSP, type CpuEvent, type CpuSnapshot, type MemWrite } from './cpu';
import { compile, type Op } from './exec';
import { IF } from './flags';
import { CpuFault, TaskSleeps, type CpuMemory, type Decoder, type Instruction, type KernelCallContext, type KernelFunction } from './types';

/** Returned to when the function being run returns (never mapped). */
export const SENTINEL_RETURN = 0xffffffffdead0000n;
const ARG_REGS = [7, 6, 2, 1, 8, 9]; // rdi rsi rdx rcx r8 r9
const M64 = 0xffffffffffffffffn;

/** What a step recorder is told about the state before an instruction (gpr: valid during the call only, copy it to keep it). */
export interface StepBefore {
  rip: bigint;
  gpr: BigUint64Array;
  rflags: bigint;
}
/**
 * fault: the instruction raised this exception and did not complete (its registers are the ones before it, as the
 * exception frame has them). An instruction fetch that faulted is given as a zero-length instruction at the address.
 */
export type StepRecorder = (ins: Instruction, before: StepBefore, writes: MemWrite[], fault?: CpuFault) => void;

/** What a step recorder is given for a fetch that faulted: there are no bytes to decode at rip. */
export function unfetchable(ip: bigint): Instruction {
  return {
    ip,
    length: 0,
    mnemonic: '(bad)',
    operands: [],
    rep: false,
    repne: false,
    lock: false,
    text: '(no instruction: the fetch faulted)',
    flow: 'exception',
  };
}

/** The kernel services models use (logging, allocation, symbols); missing ones fall back to events. */
export type KernelServices = Pick<KernelCallContext, 'printk' | 'kmalloc' | 'kfree' | 'symbolize' | 'note' | 'moduleRef' | 'callModule' | 'switchTo'> &
  Partial<Pick<KernelCallContext, 'jumpLabelUpdate'>>;

export interface RunOptions {
  decoder: Decoder;
  mem: CpuMemory;
  /** The kernel stack (THREAD_SIZE, 16 KiB on x86-64), mapped read-write in mem. */
  stack: { base: bigint; size: number };
  /** %gs base (the per-CPU offset of CPU 0). */
  gsBase?: bigint;
  /** Integer arguments (rdi, rsi, rdx, rcx, r8, r9, then the stack). */
  args?: bigint[];
  /** Most instructions to execute (default 50 million). */
  budget?: number;
  /**
   * A call/jump target → its model, null for a kernel function without a model, 'unknown' when it
   * is not a kernel function (then it must be code in mem).
   */
  resolveKernelCall?: (target: bigint) => KernelFunction | null | 'unknown';
  /**
   * True when target is certainly not a kernel function or thunk (module code): the call is then not classified
   * by name, so no symbol name is looked up for it (a module's index of names is built at its first lookup).
   */
  notKernel?: (target: bigint) => boolean;
  /** Name of a kernel/module address (thunks are recognised by name; events name their callee). */
  symbolName?: (address: bigint) => string | null;
  services?: Partial<KernelServices>;
  recorder?: StepRecorder;
  /**
   * Instructions given to the recorder with their state before them (default: all). Past the limit the
   * loop runs without recording; only an instruction that raised an event (a device access, WARN's ud2)
   * is still passed to the recorder, with the registers after it (neither changes the ones a WARN prints).
   */
  recordLimit?: number;
  /** Classify a ud2 by the bug table: 'warn' (WARN(): continue after it) or BUG. */
  bugType?: (rip: bigint) => 'warn' | 'bug' | null;
  /**
   * Told about each event (kernel call, device access, WARN) when it happens, between the recorder's steps,
   * with the number of instructions completed so far (a kernel call follows the call instruction: executed counts it).
   */
  onEvent?: (e: CpuEvent, executed: number) => void;
  /** Adjust the state after the call is set up, before the first instruction (tests, special entries). */
  init?: (cpu: Cpu) => void;
  /** Reuse a Cpu (and its decode cache) across runs; it must use the same mem. */
  cpu?: Interpreter;
}

interface RunCommon {
  executed: number;
  events: CpuEvent[];
  /** Registers and flags when the run ended. */
  final: CpuSnapshot;
}
export type RunEnd =
  | { kind: 'returned'; rax: bigint; /** eax as a C int. */ ret: number }
  | { kind: 'fault'; fault: CpuFault; rip: bigint }
  | { kind: 'budget'; rip: bigint }
  | { kind: 'unsupported'; mnemonic: string; text: string; rip: bigint; why: string }
  | { kind: 'trap'; rip: bigint; text: string }
  /** Something that is not a CPU fault went wrong (a model threw): never a raw exception. */
  | { kind: 'error'; message: string; rip: bigint };
export type RunResult = RunCommon & RunEnd;

/**
 * Thrown out of a kernel model by ctx.callModule() (nested-call.ts) when the module function it called did not
 * return (it faulted, stopped, ran out of budget): the whole run ends as the nested one did.
 */
export class NestedRunEnd extends Error {
  constructor(readonly end: RunEnd) {
    super(`a module function called from a kernel model ended: ${end.kind}`);
    this.name = 'NestedRunEnd';
  }
}

type KernelTarget =
  | { kind: 'thunk-ret' }
  | { kind: 'thunk-jmp'; reg: number }
  | { kind: 'fentry' }
  | { kind: 'function'; name: string; fn: KernelFunction | null }
  | { kind: 'code' };

const THUNK_REGS: Record<string, number> = {
  rax: 0,
  rcx: 1,
  rdx: 2,
  rbx: 3,
  rsp: 4,
  rbp: 5,
  rsi: 6,
  rdi: 7,
  r8: 8,
  r9: 9,
  r10: 10,
  r11: 11,
  r12: 12,
  r13: 13,
  r14: 14,
  r15: 15,
};

/** A CPU with its decode cache and kernel-target cache; runFunction() drives it. */
export class Interpreter {
  readonly cpu: Cpu;
  private readonly code = new Map<bigint, Op>();
  private readonly targets = new Map<bigint, KernelTarget>();
  /** Instructions decoded so far (cache misses). */
  decoded = 0;

  constructor(
    readonly decoder: Decoder,
    mem: CpuMemory,
  ) {
    this.cpu = new Cpu(mem);
  }

  /** Forget decoded code (after code memory was freed or rewritten). */
  flush(): void {
    this.cpu.dropSpans();
    this.code.clear();
    this.targets.clear();
  }

  /** Decode (and cache) the instruction at ip; faults when ip is not executable. */
  fetch(ip: bigint): Op {
    const hit = this.code.get(ip);
    if (hit) return hit;
    const mem = this.cpu.mem;
    let bytes: Uint8Array | null = null;
    let firstFault: unknown = null;
    // Up to 15 bytes; near the end of a mapping, fewer.
    for (let n = 15; n >= 1 && !bytes; n--) {
      try {
        bytes = mem.read(ip, n, 'fetch');
      } catch (e) {
        firstFault ??= e;
        if (!(e instanceof CpuFault)) throw e;
        if (e.kind === 'not-executable') throw e;
      }
    }
    if (!bytes) throw firstFault instanceof CpuFault ? firstFault : new CpuFault('not-present', ip, false, `no code at 0x${ip.toString(16)}`);
    const ins = this.decoder.decode(bytes, ip);
    if (!ins || ins.length > bytes.length) throw new CpuFault('invalid-opcode', ip, false, `invalid opcode at 0x${ip.toString(16)}`);
    const op = compile(ins);
    this.code.set(ip, op);
    this.decoded++;
    return op;
  }

  private classify(target: bigint, opts: RunOptions): KernelTarget {
    const known = this.targets.get(target);
    if (known) return known;
    let t: KernelTarget;
    if (opts.notKernel?.(target)) {
      t = { kind: 'code' };
      this.targets.set(target, t);
      return t;
    }
    const name = opts.symbolName?.(target) ?? null;
    if (name === '__x86_return_thunk') t = { kind: 'thunk-ret' };
    else if (name === '__fentry__') t = { kind: 'fentry' };
    else if (name && /^__x86_indirect_(call_)?thunk_/.test(name) && THUNK_REGS[name.replace(/^__x86_indirect_(call_)?thunk_/, '')] !== undefined)
      t = { kind: 'thunk-jmp', reg: THUNK_REGS[name.replace(/^__x86_indirect_(call_)?thunk_/, '')] };
    else {
      const r = opts.resolveKernelCall ? opts.resolveKernelCall(target) : 'unknown';
      t = r === 'unknown' ? { kind: 'code' } : { kind: 'function', name: name ?? `0x${target.toString(16)}`, fn: r };
    }
    this.targets.set(target, t);
    return t;
  }

  /** Run the kernel function (or thunk) at the current rip; returns true when rip changed to go on. */
  private enterKernel(t: KernelTarget, opts: RunOptions): void {
    const c = this.cpu;
    switch (t.kind) {
      case 'thunk-ret':
      case 'fentry':
        c.rip = c.pop(8);
        return;
      case 'thunk-jmp':
        c.rip = c.gpr[t.reg];
        return;
      case 'function': {
        const address = c.rip;
        const from = c.readMem(c.gpr[RSP], 8);
        if (!t.fn) {
          c.emit({ kind: 'not-modelled', name: t.name, address, from });
          c.gpr[RAX] = 0n;
        } else {
          const ctx = this.context(opts);
          const r = t.fn(ctx);
          if (r === 'not-modelled') {
            c.emit({ kind: 'not-modelled', name: t.name, address, from });
            c.gpr[RAX] = 0n;
          } else {
            c.gpr[RAX] = BigInt.asUintN(64, r);
            c.emit({ kind: 'kernel-call', name: t.name, address, from, args: ARG_REGS.map((i) => c.gpr[i]), ret: c.gpr[RAX] });
          }
        }
        c.rip = c.pop(8);
        return;
      }
      default:
        return;
    }
  }

  private ctx: KernelCallContext | null = null;
  private context(opts: RunOptions): KernelCallContext {
    if (this.ctx) return this.ctx;
    const c = this.cpu;
    const s = opts.services ?? {};
    this.ctx = {
      state: c,
      mem: c.mem,
      arg: (n: number): bigint => (n < 6 ? c.gpr[ARG_REGS[n]] : c.readMem((c.gpr[RSP] + 8n + 8n * BigInt(n - 6)) & M64, 8)),
      cstring: (address: bigint, max = 4096): string => readCString(c, address, max),
      printk: s.printk ?? ((level, text) => c.emit({ kind: 'printk', level, text })),
      kmalloc: s.kmalloc ?? (() => 0n),
      kfree: s.kfree ?? (() => {}),
      symbolize: s.symbolize ?? ((a) => opts.symbolName?.(a) ?? null),
      note: s.note ?? ((text) => c.emit({ kind: 'note', text })),
      moduleRef: s.moduleRef ?? (() => null),
      callModule:
        s.callModule ??
        (() => {
          throw new Error('this run cannot call module code from a kernel model');
        }),
      switchTo: s.switchTo,
    };
    const update = s.jumpLabelUpdate;
    if (update)
      this.ctx.jumpLabelUpdate = (key: bigint, enabled: boolean): number => {
        const n = update(key, enabled);
        if (n > 0) this.flush(); // rewritten text: decoded instructions and successor links are stale
        return n;
      };
    return this.ctx;
  }

  /**
   * The loop. Registers, stack and rip are set up by runFunction. stopAt: the return address that ends the run; a
   * nested run (nested-call.ts: a kernel model calling module code) stops at its own and goes on counting c.executed.
   */
  run(opts: RunOptions, stopAt = SENTINEL_RETURN): RunResult {
    const c = this.cpu;
    const budget = opts.budget ?? 50_000_000;
    const recorder = opts.recorder;
    const recordLimit = recorder ? (opts.recordLimit ?? Infinity) : 0;
    if (stopAt === SENTINEL_RETURN) {
      this.ctx = null;
      c.executed = 0;
    }
    let executed = c.executed;
    const done = (r: RunEnd): RunResult => ({ ...r, executed, events: c.events, final: c.snapshot() });
    const beforeGpr = new BigUint64Array(16);
    const before: StepBefore = { rip: 0n, gpr: beforeGpr, rflags: 0n };
    const stackLow = c.stackLow;
    const stackHigh = c.stackHigh;
    c.dropSpans();
    // The stack check in 32-bit halves when the stack does not cross a 4 GiB line (it never does: 16 KiB, aligned).
    const g = c.g32;
    const spHi = Number(stackLow >> 32n);
    const halves = spHi === Number(stackHigh >> 32n);
    const spLowLo = Number(stackLow & 0xffffffffn);
    const spHighLo = Number(stackHigh & 0xffffffffn);
    let lastRip = c.rip;
    let prev: Op | null = null;
    try {
      for (;;) {
        const ip = c.rip;
        if (ip === stopAt) {
          const rax = c.gpr[RAX];
          return done({ kind: 'returned', rax, ret: Number(BigInt.asIntN(32, rax)) });
        }
        // Successor links save the address lookup on straight-line code and loop branches.
        let op: Op | undefined = prev === null ? undefined : ip === prev.next ? prev.fall : ip === prev.otherIp ? prev.other : undefined;
        if (op === undefined) op = this.code.get(ip);
        if (!op) {
          const t = this.classify(ip, opts);
          if (t.kind !== 'code') {
            this.enterKernel(t, opts);
            c.dropSpans(); // a kernel model may have allocated, freed or remapped memory
            executed = c.executed; // and run module code (nested-call.ts)
            prev = null;
            continue;
          }
          try {
            op = this.fetch(ip);
          } catch (e) {
            // The CPU reports a fetch fault at the address it could not fetch from (RIP: 0010:0x0 for a call through NULL).
            lastRip = ip;
            if (e instanceof CpuFault && recorder && executed < recordLimit) {
              before.rip = ip;
              beforeGpr.set(c.gpr);
              before.rflags = c.rflags;
              recorder(unfetchable(ip), before, [], e);
            }
            throw e;
          }
        }
        if (prev !== null) {
          if (ip === prev.next) prev.fall = op;
          else {
            prev.otherIp = ip;
            prev.other = op;
          }
        }
        prev = op;
        if (executed >= budget) return done({ kind: 'budget', rip: ip });
        lastRip = ip;
        if (executed < recordLimit) {
          before.rip = ip;
          beforeGpr.set(c.gpr);
          before.rflags = c.rflags;
          c.writes = [];
          c.rip = op.next;
          try {
            op.fn(c, op);
          } catch (e) {
            // The faulting instruction is the run's last step: recorded with the state before it, as the exception frame holds it.
            if (e instanceof CpuFault) (recorder as StepRecorder)(op.ins, before, c.writes ?? [], e);
            throw e;
          }
          const writes = c.writes;
          c.writes = null;
          if (c.stop) break;
          c.executed = ++executed;
          (recorder as StepRecorder)(op.ins, before, writes);
        } else if (op.straight) {
          // A run of straight ops (no rip, event or stop change): chained through their fall links, rip set after
          // the last one; rsp is checked after the ops that may move it; executed stays exact (memory reads time by it).
          // k counts in a register (executed is captured by done(), so each of its updates is a store to memory).
          let o = op;
          let k = executed;
          try {
            for (;;) {
              o.fn(c, o);
              c.executed = ++k;
              if (o.sp && !(halves && g[2 * RSP + 1] === spHi && g[2 * RSP] >= spLowLo && g[2 * RSP] <= spHighLo)) checkStack(c);
              const n = o.fall;
              if (n === undefined || !n.straight || k >= budget) break;
              o = n;
            }
          } catch (e) {
            // As the unchained path: rip past the faulting op, the run's last rip at it.
            executed = k;
            c.rip = o.next;
            lastRip = o.ins.ip;
            throw e;
          }
          executed = k;
          c.rip = o.next;
          lastRip = o.ins.ip;
          prev = o;
          continue;
        } else {
          const events = c.events.length;
          c.rip = op.next;
          op.fn(c, op);
          if (c.stop) break;
          c.executed = ++executed;
          if (recorder && c.events.length !== events) {
            before.rip = ip;
            beforeGpr.set(c.gpr);
            before.rflags = c.rflags;
            recorder(op.ins, before, []);
          }
        }
        if (halves && g[2 * RSP + 1] === spHi && g[2 * RSP] >= spLowLo && g[2 * RSP] <= spHighLo) continue;
        checkStack(c);
      }
    } catch (e) {
      c.writes = null;
      if (e instanceof NestedRunEnd) {
        executed = c.executed;
        return done(e.end);
      }
      // A kthread going to sleep leaves its own run (task-switch.ts) and any nested one it was in; never the outermost run.
      if (e instanceof TaskSleeps && stopAt !== SENTINEL_RETURN) throw e;
      if (e instanceof CpuFault) return done({ kind: 'fault', fault: e, rip: lastRip });
      return done({ kind: 'error', message: e instanceof Error ? e.message : String(e), rip: lastRip });
    }
    const stop = c.stop;
    c.stop = null;
    if (stop.kind === 'trap') return done({ kind: 'trap', rip: stop.rip, text: stop.text });
    return done({ kind: 'unsupported', mnemonic: stop.mnemonic, text: stop.text, rip: stop.rip, why: stop.why });
  }
}

/** rsp must stay inside the kernel stack [stackLow, stackHigh]. */
function checkStack(c: Cpu): void {
  const sp = c.gpr[RSP];
  if (sp < c.stackLow || sp > c.stackHigh) {
    throw new CpuFault(
      'stack-overflow',
      sp,
      false,
      `rsp 0x${sp.toString(16)} left the kernel stack [0x${c.stackLow.toString(16)}, 0x${c.stackHigh.toString(16)}]`,
    );
  }
}

function readCString(c: Cpu, address: bigint, max: number): string {
  let s = '';
  let a = address;
  while (s.length < max) {
    let chunk: Uint8Array;
    try {
      chunk = c.mem.read(a, Math.min(64, max - s.length), 'read');
    } catch {
      chunk = c.mem.read(a, 1, 'read');
    }
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0) return s;
      s += String.fromCharCode(chunk[i]);
    }
    a += BigInt(chunk.length);
  }
  return s;
}

/**
 * Call the function at `entry` as the kernel would (do_one_initcall → fn(args…)) and run it to its
 * return. Never throws for anything the code does: faults, unsupported instructions and model
 * errors are results.
 */
export function runFunction(entry: bigint, opts: RunOptions): RunResult {
  const it = opts.cpu ?? new Interpreter(opts.decoder, opts.mem);
  const c = it.cpu;
  c.gpr.fill(0n);
  // Interrupts on, as in do_one_initcall() (a module's init runs with IF set).
  c.flags = IF;
  c.stop = null;
  c.events = [];
  c.onEvent = opts.onEvent ?? null;
  c.bugType = opts.bugType ?? null;
  c.gsBase = opts.gsBase ?? 0n;
  const top = opts.stack.base + BigInt(opts.stack.size);
  c.stackLow = opts.stack.base;
  c.stackHigh = top;
  // Some room at the top (the kernel keeps pt_regs there), 16-byte aligned before the call.
  c.gpr[RSP] = (top - 64n) & ~0xfn;
  const args = opts.args ?? [];
  try {
    for (let i = args.length - 1; i >= 6; i--) c.push(BigInt.asUintN(64, args[i]));
    c.push(SENTINEL_RETURN);
  } catch (e) {
    const fault = e instanceof CpuFault ? e : new CpuFault('not-present', opts.stack.base, true, String(e));
    return { kind: 'fault', fault, rip: entry, executed: 0, events: [], final: c.snapshot() };
  }
  for (let i = 0; i < Math.min(6, args.length); i++) c.gpr[ARG_REGS[i]] = BigInt.asUintN(64, args[i]);
  c.rip = entry;
  opts.init?.(c);
  return it.run(opts);
}
