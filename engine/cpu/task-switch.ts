/**
 * The one modelled CPU going over to a kernel thread and back: __schedule() → context_switch() → switch_to()
 * (kernel/sched/core.c, arch/x86/kernel/process_64.c __switch_to()) saves the registers and stack pointer of the task
 * that stops running and loads the next one's. kthread.ts's models do it where the real scheduler would (the caller
 * sleeps waiting for something a kthread does): ctx.switchTo() runs the thread on the same Interpreter, budget and
 * recorder as the rest of the run, on the thread's own kernel stack, then brings the caller's registers back.
 *
 * A thread's first run is kthread() (kernel/kthread.c) calling threadfn(data); its return is kthread_exit(ret): the
 * thread's entry frame returns to TASK_EXIT_RETURN, never mapped, which ends its turn. It sleeps when a model throws
 * TaskSleeps (schedule() with current->__state not TASK_RUNNING, a wait on a completion not done): the CPU stops at that
 * kernel function's entry, rsp at its return address, and the registers are kept; resuming pops the return address
 * and hands the sleeping function's result in rax, as the real function returns once the task is woken and runs again.
 */
import { RAX, RSP } from './cpu';
import { IF } from './flags';
import { NestedRunEnd, type Interpreter, type RunOptions, type RunResult } from './run';
import { TaskSleeps, type TaskRunEnd, type TaskStart } from './types';

/** Where a thread's function returns to (never mapped; distinct from run.ts's and nested-call.ts's sentinels). */
export const TASK_EXIT_RETURN = 0xffffffffdead2000n;
const RDI = 7;

/** ctx.switchTo for runs of `it` with these options (kernel-run.ts passes it as a service). */
export function taskSwitcher(it: Interpreter, opts: RunOptions): (to: TaskStart) => TaskRunEnd {
  return (to) => switchTo(it, opts, to);
}

function switchTo(it: Interpreter, opts: RunOptions, to: TaskStart): TaskRunEnd {
  const c = it.cpu;
  const gpr = c.gpr.slice();
  const rip = c.rip;
  const flags = c.flags;
  const low = c.stackLow;
  const high = c.stackHigh;
  const back = (): void => {
    c.gpr.set(gpr);
    c.rip = rip;
    c.flags = flags;
    c.stackLow = low;
    c.stackHigh = high;
  };
  if (to.kind === 'start') {
    c.stackLow = to.stackLow;
    c.stackHigh = to.stackHigh;
    c.gpr.fill(0n);
    // Some room at the top (the thread's pt_regs), 16-byte aligned before the call, as runFunction() sets up init's.
    c.gpr[RSP] = (to.stackHigh - 64n) & ~0xfn;
    c.push(TASK_EXIT_RETURN);
    c.gpr[RDI] = to.arg;
    c.rip = to.fn;
    c.flags = IF;
  } else {
    c.stackLow = to.cpu.stackLow;
    c.stackHigh = to.cpu.stackHigh;
    c.gpr.set(to.cpu.gpr);
    c.rflags = to.cpu.rflags;
    c.rip = c.pop(8);
    c.gpr[RAX] = to.rax;
  }
  let r: RunResult;
  try {
    r = it.run(opts, TASK_EXIT_RETURN);
  } catch (e) {
    if (!(e instanceof TaskSleeps)) throw e;
    const cpu = e.nested ? null : { gpr: c.gpr.slice(), rflags: c.rflags, stackLow: c.stackLow, stackHigh: c.stackHigh };
    back();
    return { kind: 'slept', cpu };
  }
  if (r.kind === 'returned') {
    back();
    return { kind: 'exited', ret: r.rax };
  }
  // A fault in the thread is the thread's oops, not the caller's: the caller's model says what it can.
  if (r.kind === 'fault' || r.kind === 'trap') {
    back();
    return { kind: 'faulted', message: r.kind === 'fault' ? r.fault.message : r.text };
  }
  // A function without a model, an unsupported instruction, the budget: the whole run ends there (as nested-call.ts).
  throw new NestedRunEnd(r);
}
