/**
 * Kernel threads (kernel/kthread.c, kernel/sched/core.c of 6.1), scheduled on the one modelled CPU (kthread-task.ts).
 *
 * kthread_create_on_node() hands the request to kthreadd and waits until the new task has run kthread() up to its
 * complete(done) and schedule(): the thread exists, TASK_UNINTERRUPTIBLE, threadfn not started. wake_up_process()
 * makes it runnable; it gets the CPU when the task holding it sleeps (completion.ts's waits, kthread_stop()). In the
 * thread, schedule() sleeps unless current->__state is TASK_RUNNING (then it only yields), kthread_should_stop() reads
 * KTHREAD_SHOULD_STOP. kthread_stop() sets it, wakes the thread and waits for it to exit: the thread goes on from
 * where it slept, on the CPU, until threadfn returns.
 *
 * What the model cannot follow it says so ('not-modelled'): a thread woken in an earlier run and never given the CPU
 * there (on the real kernel it ran once insmod let it, which the model did not follow), a thread asleep where only a
 * timer, signal or interrupt would wake it, schedule() in insmod's or rmmod's own task.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { TaskSleeps } from '../types';
import { hexU64 } from '../../base/hex';
/** EINTR (include/uapi/asm-generic/errno-base.h). */
const EINTR = 4;
import { asciiBytes, ret, u32, writeU32, writeU64 } from './mem';
import { fmt, quoted } from './registrars';
import type { KernelCallState } from './state';
import {
  PF_FORKNOEXEC,
  PF_KTHREAD,
  PF_NOFREEZE,
  TASK,
  TASK_INTERRUPTIBLE,
  TASK_RUNNING,
  TASK_UNINTERRUPTIBLE,
  THREAD_SIZE,
  jiffiesNow,
  scheduleUntil,
  setTaskState,
  taskState,
  wakeThread,
  type KThread,
} from './kthread-task';

/** TASK_COMM_LEN, TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE), TASK_IDLE (| TASK_NOLOAD) (include/linux/sched.h). */
const TASK_COMM_LEN = 16;
const TASK_KILLABLE = 0x102;
const TASK_IDLE = 0x402;
/** MAX_SCHEDULE_TIMEOUT: LONG_MAX. */
const MAX_SCHEDULE_TIMEOUT = 0x7fffffffffffffffn;

export function kthreadFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /**
   * schedule_timeout() in a kthread: with current->__state TASK_RUNNING it only yields (the time left comes back);
   * otherwise the thread sleeps until woken (the jiffies left) or its timer fires (0; not modelled: nothing fires it).
   * MAX_SCHEDULE_TIMEOUT sets no timer. In insmod's own task it is not modelled.
   */
  const timerSleep =
    (name: string, state: number | null): KernelFunction =>
    (ctx) => {
      const t = s.runningThread;
      const j = jiffiesNow(ctx, s);
      if (!t || j === null) return 'not-modelled';
      const timeout = BigInt.asIntN(64, ctx.arg(0));
      if (timeout < 0n) return 'not-modelled'; // "schedule_timeout: wrong timeout value" and TASK_RUNNING
      if (state !== null) setTaskState(ctx, t, state);
      const forever = timeout === MAX_SCHEDULE_TIMEOUT;
      const expires = j + timeout;
      const left = (c: KernelCallContext): bigint => {
        if (forever) return timeout;
        const now = jiffiesNow(c, s) ?? expires;
        return now >= expires ? 0n : expires - now;
      };
      if (taskState(ctx, t) === TASK_RUNNING) {
        t.state = 'runnable';
        t.wokenIn = ctx.mem;
        s.runQueue.push(t);
      } else t.state = 'sleeping';
      t.sleep = forever ? { in: 'schedule()', resume: left } : { in: `${name}()`, timer: expires, resume: left };
      throw new TaskSleeps(`${name}()`);
    };
  return {
    // struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data, int node, const char namefmt[], ...):
    // kthreadd's create_kthread() forks the task (flags from kthreadd: PF_KTHREAD, PF_NOFREEZE, PF_FORKNOEXEC on fork), a
    // stack of THREAD_SIZE; kthread() completes the creator's `done` and sleeps TASK_UNINTERRUPTIBLE; set_task_comm(name).
    kthread_create_on_node: (ctx) => {
      const name = fmt(3, s)(ctx) ?? '';
      const task = ctx.kmalloc(TASK.size, true, `task_struct${quoted(name)}`);
      const stack = ctx.kmalloc(THREAD_SIZE, true, `kernel stack of kthread${quoted(name)}`);
      writeU32(ctx.mem, task + TASK.state, TASK_UNINTERRUPTIBLE);
      writeU64(ctx.mem, task + TASK.stack, stack);
      writeU32(ctx.mem, task + TASK.flags, PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC);
      ctx.mem.write(task + TASK.comm, asciiBytes(name).slice(0, TASK_COMM_LEN - 1));
      const t: KThread = {
        task,
        name,
        fn: ctx.arg(0),
        data: ctx.arg(1),
        stack,
        state: 'created',
        started: false,
        cpu: null,
        sleep: null,
        wokenIn: null,
        shouldStop: false,
        ret: null,
      };
      s.kthreads.set(task, t);
      s.handles.set(task, `task_struct${quoted(name)}`);
      s.registrations.push({ kind: 'task_struct', name, address: task });
      ctx.note(`kthread_create_on_node${quoted(name)}: task ${hexU64(task)}, asleep in kthread() until woken (threadfn not started)`);
      return task;
    },

    // int wake_up_process(struct task_struct *p): try_to_wake_up(p, TASK_NORMAL, 0): 1 when p was asleep and is now
    // runnable, 0 when it was already running. Tasks the model did not create (kthread_create_worker()'s) are not scheduled.
    wake_up_process: (ctx) => {
      const t = s.kthreads.get(ctx.arg(0));
      if (!t) {
        ctx.note('wake_up_process: the task is not scheduled in this model');
        return 1n;
      }
      const woke = wakeThread(ctx, s, t);
      ctx.note(`wake_up_process: ${t.name} ${woke ? 'is runnable; it gets the CPU when this task sleeps' : 'was not asleep'}`);
      return woke ? 1n : 0n;
    },

    // bool kthread_should_stop(void): test_bit(KTHREAD_SHOULD_STOP, &to_kthread(current)->flags).
    kthread_should_stop: () => {
      const t = s.runningThread;
      if (!t) return 'not-modelled';
      return t.shouldStop ? 1n : 0n;
    },

    // void __sched schedule(void) (kernel/sched/core.c): a task not TASK_RUNNING leaves the run queue and sleeps until
    // woken; a TASK_RUNNING one only lets the next runnable task have the CPU.
    schedule: (ctx) => {
      const t = s.runningThread;
      if (!t) return 'not-modelled';
      if (taskState(ctx, t) === TASK_RUNNING) {
        t.state = 'runnable';
        t.wokenIn = ctx.mem;
        s.runQueue.push(t);
      } else t.state = 'sleeping';
      t.sleep = { in: 'schedule()' };
      throw new TaskSleeps('schedule()');
    },

    // signed long schedule_timeout(signed long timeout) (kernel/time/timer.c) and the forms that set current->__state
    // first: a timer to wake the task after timeout jiffies, schedule(), then the jiffies left.
    schedule_timeout: timerSleep('schedule_timeout', null),
    schedule_timeout_interruptible: timerSleep('schedule_timeout_interruptible', TASK_INTERRUPTIBLE),
    schedule_timeout_uninterruptible: timerSleep('schedule_timeout_uninterruptible', TASK_UNINTERRUPTIBLE),
    schedule_timeout_killable: timerSleep('schedule_timeout_killable', TASK_KILLABLE),
    schedule_timeout_idle: timerSleep('schedule_timeout_idle', TASK_IDLE),
    // void msleep(unsigned int msecs) (kernel/time/timer.c): schedule_timeout_uninterruptible(msecs_to_jiffies(msecs) + 1)
    // until no time is left: only its timer ends it. In insmod's own task the model lets no time pass (as before).
    msleep: (ctx) => {
      const t = s.runningThread;
      if (!t) return 0n;
      const j = jiffiesNow(ctx, s);
      if (j === null) return 'not-modelled';
      const expires = j + msecsToJiffies(BigInt(u32(ctx.arg(0)))) + 1n;
      setTaskState(ctx, t, TASK_UNINTERRUPTIBLE);
      t.state = 'sleeping';
      t.sleep = { in: 'msleep()', resume: (c) => ((jiffiesNow(c, s) ?? 0n) >= expires ? 0n : null) };
      throw new TaskSleeps('msleep()');
    },

    // int kthread_stop(struct task_struct *k): set KTHREAD_SHOULD_STOP, kthread_unpark(), wake_up_process(k), then
    // wait_for_completion(&kthread->exited) and return kthread->result.
    kthread_stop: (ctx) => {
      const t = s.kthreads.get(ctx.arg(0));
      if (!t) {
        // Tasks the model did not create (kthread_create_worker()'s, destroyed with their worker).
        if (!s.handles.has(ctx.arg(0)) || s.runningThread) return 'not-modelled';
        ctx.note('kthread_stop: thread stopped');
        return 0n;
      }
      if (s.runningThread) return 'not-modelled';
      t.shouldStop = true;
      if (t.state === 'created') {
        // Never woken: kthread() finds KTHREAD_SHOULD_STOP once woken here and exits with -EINTR, threadfn never runs.
        finish(t, BigInt(-EINTR));
        ctx.kfree(t.stack);
        ctx.note(`kthread_stop: ${t.name} had not been woken; kthread() exits with -EINTR`);
        return ret(-EINTR);
      }
      if (t.state === 'exited') {
        ctx.note(`kthread_stop: ${t.name} had exited with ${t.ret}`);
        return ret(t.ret ?? 0n);
      }
      // Asleep in schedule(), or in schedule_timeout() before its timer: the wakeup ends the sleep. A timer that has fired,
      // msleep() (only its timer ends it) or a completion wait (woken, it sleeps on) the model does not follow.
      const timer = t.sleep?.timer;
      const j = jiffiesNow(ctx, s);
      const wakes = t.sleep?.in === 'schedule()' || (timer !== undefined && j !== null && j < timer);
      if (t.state !== 'sleeping' || t.cpu === null || !wakes) return 'not-modelled';
      wakeThread(ctx, s, t);
      const state = (): KThread['state'] => t.state;
      const r = scheduleUntil(ctx, s, () => state() === 'exited' || state() === 'dead');
      if (r !== 'done' || state() !== 'exited') return 'not-modelled';
      ctx.note(`kthread_stop: ${t.name} ran to its end and returned ${t.ret}`);
      s.kthreads.delete(t.task);
      s.handles.delete(t.task);
      ctx.kfree(t.task);
      return ret(t.ret ?? 0n);
    },

    // void set_user_nice(struct task_struct *p, long nice): the task's static priority; with one runnable thread at a
    // time in this model it changes no order.
    set_user_nice: (ctx) => {
      ctx.note(`set_user_nice: ${s.kthreads.get(ctx.arg(0))?.name ?? hexU64(ctx.arg(0))} gets nice ${BigInt.asIntN(64, ctx.arg(1))}`);
      return 0n;
    },
  };
}

/** __msecs_to_jiffies() at HZ=250: rounded up to 4 ms jiffies. */
const msecsToJiffies = (m: bigint): bigint => (m + 3n) / 4n;

function finish(t: KThread, value: bigint): void {
  t.state = 'exited';
  t.ret = value;
  t.cpu = null;
}
