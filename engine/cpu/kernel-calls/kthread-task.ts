/**
 * Kernel threads on the one modelled CPU (kernel/kthread.c, kernel/sched/core.c of 6.1). A thread a module created is
 * kept here with its task_struct, its own kernel stack, where it sleeps and its saved registers. The modelled machine
 * has one CPU: a woken thread runs when the task holding the CPU sleeps (CONFIG_PREEMPT_VOLUNTARY: the voluntary points
 * of insmod are not followed). So when insmod (or rmmod) waits for something a thread does — wait_for_completion() on a
 * completion the thread completes, kthread_stop() — the model runs the runnable threads in the order they were woken,
 * each until it sleeps (schedule(), a wait on a completion) or returns, and stops as soon as the wait is over.
 * The thread keeps the CPU after waking the waiter until it sleeps (on the real kernel a wakeup preemption could give
 * insmod the CPU at the thread's next cond_resched(); the order of what they print could then differ).
 */
import type { KernelCallContext } from '../types';
import { readU32, readU64, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';
import type { KThread } from './kthread-record';

/** struct task_struct of Debian's 6.1.0-50-amd64 (sizeof/offsetof compiled against its linux-headers). */
export const TASK = { size: 0x2640, state: 0x18n, stack: 0x20n, flags: 0x2cn, comm: 0xba0n } as const;
/** include/linux/sched.h. */
export const TASK_RUNNING = 0;
export const TASK_INTERRUPTIBLE = 1;
export const TASK_UNINTERRUPTIBLE = 2;
export const PF_FORKNOEXEC = 0x40;
export const PF_NOFREEZE = 0x8000;
export const PF_KTHREAD = 0x200000;
/** THREAD_SIZE on x86-64 without KASAN. */
export const THREAD_SIZE = 16384;

export type { KThread } from './kthread-record';

/** jiffies now (the CPU memory advances it with the instructions run), null without its address. */
export function jiffiesNow(ctx: KernelCallContext, s: KernelCallState): bigint | null {
  const a = s.options.jiffiesAddress;
  return a === undefined ? null : readU64(ctx.mem, a);
}

export const taskState = (ctx: KernelCallContext, t: KThread): number => readU32(ctx.mem, t.task + TASK.state);
export const setTaskState = (ctx: KernelCallContext, t: KThread, v: number): void => writeU32(ctx.mem, t.task + TASK.state, v);

/** TASK_NORMAL (include/linux/sched.h): what wake_up_process() and wake_up() wake. */
export const TASK_NORMAL = TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE;

/**
 * try_to_wake_up(p, mode): a thread whose __state matches mode becomes TASK_RUNNING and joins the run queue; false when
 * it was not asleep in such a state.
 */
export function wakeThread(ctx: KernelCallContext, s: KernelCallState, t: KThread, mode = TASK_NORMAL): boolean {
  if (t.state !== 'created' && t.state !== 'sleeping' && t.state !== 'running') return false;
  if ((taskState(ctx, t) & mode) === 0) return false;
  if (t.state === 'running') {
    // Woken between set_current_state() and schedule(): TASK_RUNNING again, so its schedule() does not sleep.
    setTaskState(ctx, t, TASK_RUNNING);
    return true;
  }
  setTaskState(ctx, t, TASK_RUNNING);
  t.state = 'runnable';
  t.wokenIn = ctx.mem;
  s.runQueue.push(t);
  return true;
}

/** How a turn on the CPU ended, for the waiter's model. */
export type TurnEnd = 'slept' | 'exited' | 'faulted' | 'cannot';

/**
 * Give the CPU to t until it sleeps or exits (context_switch() to it and back). rax: what the function it sleeps in
 * returns when it goes on. 'cannot': the model cannot run it here (no task switching in this run, no `current`).
 */
export function runThread(ctx: KernelCallContext, s: KernelCallState, t: KThread): TurnEnd {
  const current = s.options.currentTaskPointer;
  if (!ctx.switchTo || current === undefined || s.runningThread !== null) return 'cannot';
  if (t.started && t.cpu === null) return 'cannot';
  let rax = 0n;
  if (t.started && t.sleep?.resume) {
    const v = t.sleep.resume(ctx);
    if (v === null) {
      t.state = 'sleeping';
      return 'slept';
    }
    rax = v;
  }
  const was = readU64(ctx.mem, current);
  writeU64(ctx.mem, current, t.task);
  setTaskState(ctx, t, TASK_RUNNING);
  s.runningThread = t;
  t.state = 'running';
  t.sleep = null;
  let end;
  try {
    end = ctx.switchTo(
      t.started && t.cpu
        ? { kind: 'resume', cpu: t.cpu, rax }
        : { kind: 'start', fn: t.fn, arg: t.data, stackLow: t.stack, stackHigh: t.stack + BigInt(THREAD_SIZE) },
    );
    t.started = true;
  } finally {
    s.runningThread = null;
    writeU64(ctx.mem, current, was);
  }
  if (end.kind === 'slept') {
    t.cpu = end.cpu;
    // The model it slept in set its state: sleeping, or runnable (schedule() with TASK_RUNNING only yields the CPU).
    if (t.state === 'running') t.state = 'sleeping';
    return 'slept';
  }
  const q = s.runQueue.indexOf(t);
  if (q >= 0) s.runQueue.splice(q, 1);
  t.cpu = null;
  if (end.kind === 'exited') {
    t.state = 'exited';
    t.ret = BigInt.asIntN(32, end.ret);
    ctx.kfree(t.stack);
    ctx.note(`kthread ${t.name}: threadfn returned ${t.ret}; kthread_exit()`);
    return 'exited';
  }
  t.state = 'dead';
  ctx.note(`kthread ${t.name}: ${end.message}`);
  return 'faulted';
}

/**
 * The task holding the CPU sleeps until done() holds: the runnable threads run in the order they were woken, each until
 * it sleeps or exits. 'done' when done() holds; otherwise why not: nothing left to run ('idle'), a thread woken in an
 * earlier run the model did not follow there ('stale'), a thread that faulted or cannot be run.
 */
export function scheduleUntil(ctx: KernelCallContext, s: KernelCallState, done: () => boolean): 'done' | 'idle' | 'stale' | TurnEnd {
  while (!done()) {
    // Threads woken in this run, in order; one woken in an earlier run is left (the model cannot say what it did since).
    const i = s.runQueue.findIndex((x) => x.wokenIn === ctx.mem);
    if (i < 0) return s.runQueue.length ? 'stale' : 'idle';
    const [t] = s.runQueue.splice(i, 1);
    const end = runThread(ctx, s, t);
    if (end === 'faulted' || end === 'cannot') return end;
  }
  return 'done';
}
