/**
 * Completions (kernel/sched/completion.c, include/linux/completion.h of 6.1): struct completion { unsigned int done;
 * struct swait_queue_head wait; } — done at 0, the wait queue's raw_spinlock_t at 8 and its task_list at 16.
 * init_completion() is inline: done = 0 and __init_swait_queue_head(&x->wait).
 *
 * complete() counts one done (UINT_MAX stays: complete_all()'s "done for good") and wakes the longest waiter;
 * complete_all() sets UINT_MAX and wakes them all. A wait on a completion already done takes one and returns at once.
 * Otherwise the waiter sleeps: a kthread (kthread-task.ts) leaves the CPU until it is woken and finds done; insmod or
 * rmmod gives the CPU to the runnable kthreads, in the order they were woken, until one of them completes it
 * (scheduleUntil()). When none does, only an interrupt, a timer or another task could: the model cannot say, and the
 * wait is not modelled. The kthreads waiting are kept by the model, not on the swait list in memory.
 *
 * The timeouts: a wait that ends by complete() returns the jiffies left (at least 1, do_wait_for_common()), from the
 * modelled jiffies before and after; a timer ending the wait is never modelled, nor a kthread waiting with a timeout.
 * The _interruptible and _killable waits return 0: insmod and rmmod have no signal pending in this model.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { TaskSleeps } from '../types';
import { listInit } from './list-head';
import { readU32, writeU32 } from './mem';
import type { KernelCallState } from './state';
import { TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, jiffiesNow, scheduleUntil, setTaskState, wakeThread, type KThread } from './kthread-task';

const UINT_MAX = 0xffffffff;
/** MAX_SCHEDULE_TIMEOUT (include/linux/sched.h): LONG_MAX. */
const MAX_SCHEDULE_TIMEOUT = 0x7fffffffffffffffn;

export function completionFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** When each waiting kthread began to wait (swait's list is FIFO: __prepare_to_swait() adds at the tail). */
  const since = new Map<KThread, number>();
  let order = 0;
  const waiters = (x: bigint): KThread[] =>
    [...s.kthreads.values()]
      .filter((t) => t.state === 'sleeping' && t.sleep?.completion === x)
      .sort((a, b) => (since.get(a) ?? 0) - (since.get(b) ?? 0));
  /** do_wait_for_common()'s end: one done taken (unless UINT_MAX). */
  const take = (ctx: KernelCallContext, x: bigint): void => {
    const d = readU32(ctx.mem, x);
    if (d !== UINT_MAX) writeU32(ctx.mem, x, d - 1);
  };
  const jiffies = (ctx: KernelCallContext): bigint | null => jiffiesNow(ctx, s);
  /**
   * The wait_for_completion() family. timeout: its argument index (null: MAX_SCHEDULE_TIMEOUT); returns: 'void' (the
   * plain waits), 'zero' (_interruptible/_killable: 0 once done), 'left' (the _timeout ones: jiffies left, at least 1).
   */
  const wait =
    (name: string, timeoutArg: number | null, returns: 'void' | 'zero' | 'left'): KernelFunction =>
    (ctx) => {
      const x = ctx.arg(0);
      const timeout = timeoutArg === null ? MAX_SCHEDULE_TIMEOUT : BigInt.asIntN(64, ctx.arg(timeoutArg));
      const value = (left: bigint): bigint => (returns === 'left' ? (left === 0n ? 1n : left) : 0n);
      const done = (): boolean => readU32(ctx.mem, x) !== 0;
      if (done()) {
        take(ctx, x);
        return value(timeout);
      }
      const t = s.runningThread;
      if (t) {
        // A kthread sleeps until complete() wakes it and it finds done (its schedule_timeout() ending is not modelled).
        if (timeoutArg !== null) return 'not-modelled';
        t.state = 'sleeping';
        // __set_current_state(state): TASK_UNINTERRUPTIBLE, TASK_INTERRUPTIBLE or TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE).
        setTaskState(ctx, t, name.includes('interruptible') ? TASK_INTERRUPTIBLE : name.includes('killable') ? 0x102 : TASK_UNINTERRUPTIBLE);
        since.set(t, order++);
        t.sleep = {
          in: `${name}()`,
          completion: x,
          resume: (c) => {
            if (readU32(c.mem, x) === 0) return null;
            since.delete(t);
            take(c, x);
            return value(timeout);
          },
        };
        throw new TaskSleeps(`${name}()`);
      }
      // insmod or rmmod sleeps: the CPU goes to the runnable kthreads until one completes x.
      const j0 = jiffies(ctx);
      const r = scheduleUntil(ctx, s, done);
      if (r !== 'done') {
        ctx.note(`${name}: nothing the model runs completes it (${r}): an interrupt, a timer or another task would`);
        return 'not-modelled';
      }
      let left = timeout;
      if (timeoutArg !== null) {
        const j1 = jiffies(ctx);
        if (j0 === null || j1 === null || j1 - j0 >= timeout) return 'not-modelled';
        left = timeout - (j1 - j0);
      }
      take(ctx, x);
      ctx.note(`${name}: completed by a kthread that had the CPU meanwhile`);
      return value(left);
    };
  return {
    // void __init_swait_queue_head(struct swait_queue_head *q, const char *name, struct lock_class_key *key)
    // (kernel/sched/swait.c): raw_spin_lock_init(&q->lock), INIT_LIST_HEAD(&q->task_list).
    __init_swait_queue_head: (ctx) => {
      writeU32(ctx.mem, ctx.arg(0), 0);
      listInit(ctx, ctx.arg(0) + 8n);
      return 0n;
    },
    // void complete(struct completion *x): done++ (unless UINT_MAX), swake_up_locked(): the first waiter.
    complete: (ctx) => {
      const x = ctx.arg(0);
      const d = readU32(ctx.mem, x);
      if (d !== UINT_MAX) writeU32(ctx.mem, x, d + 1);
      const w = waiters(x)[0];
      if (w) wakeThread(ctx, s, w);
      return 0n;
    },
    // void complete_all(struct completion *x): done = UINT_MAX, swake_up_all_locked().
    complete_all: (ctx) => {
      const x = ctx.arg(0);
      writeU32(ctx.mem, x, UINT_MAX);
      for (const w of waiters(x)) wakeThread(ctx, s, w);
      return 0n;
    },
    // bool completion_done(struct completion *x): done != 0 (the lock only orders it against complete()).
    completion_done: (ctx) => (readU32(ctx.mem, ctx.arg(0)) !== 0 ? 1n : 0n),
    // bool try_wait_for_completion(struct completion *x): false when not done, else one done taken.
    try_wait_for_completion: (ctx) => {
      if (readU32(ctx.mem, ctx.arg(0)) === 0) return 0n;
      take(ctx, ctx.arg(0));
      return 1n;
    },
    wait_for_completion: wait('wait_for_completion', null, 'void'),
    wait_for_completion_io: wait('wait_for_completion_io', null, 'void'),
    wait_for_completion_interruptible: wait('wait_for_completion_interruptible', null, 'zero'),
    wait_for_completion_killable: wait('wait_for_completion_killable', null, 'zero'),
    wait_for_completion_timeout: wait('wait_for_completion_timeout', 1, 'left'),
    wait_for_completion_io_timeout: wait('wait_for_completion_io_timeout', 1, 'left'),
    wait_for_completion_interruptible_timeout: wait('wait_for_completion_interruptible_timeout', 1, 'left'),
    wait_for_completion_killable_timeout: wait('wait_for_completion_killable_timeout', 1, 'left'),
  };
}
