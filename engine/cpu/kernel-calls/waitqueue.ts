/**
 * Wait queues (kernel/sched/wait.c of 6.1): struct wait_queue_head { spinlock_t lock; struct list_head head; } — the
 * list of waiting tasks at offset 8. __init_waitqueue_head() makes the list empty (INIT_LIST_HEAD: head points at
 * itself, as DECLARE_WAIT_QUEUE_HEAD does statically); __wake_up() on an empty queue wakes nobody. A queue with
 * waiters (no task ever waits in this model) or one the model cannot tell is empty stops as not modelled.
 */
import type { KernelFunction } from '../types';
import { readU64, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';

const HEAD = 8n;

export function waitqueueFunctions(): Record<string, KernelFunction> {
  return {
    // void __init_waitqueue_head(struct wait_queue_head *wq_head, const char *name, struct lock_class_key *key)
    __init_waitqueue_head: (ctx) => {
      const wq = ctx.arg(0);
      ctx.mem.write(wq, new Uint8Array(4)); // spin_lock_init(): unlocked
      writeU64(ctx.mem, wq + HEAD, wq + HEAD);
      writeU64(ctx.mem, wq + HEAD + 8n, wq + HEAD);
      return 0n;
    },
    // void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr_exclusive, void *key): with the lock
    // held, __wake_up_common() calls each entry's wake function; none when the list is empty.
    __wake_up: (ctx) => {
      const wq = ctx.arg(0);
      if (readU64(ctx.mem, wq + HEAD) !== wq + HEAD) return 'not-modelled';
      ctx.note(`__wake_up: the wait queue at ${hexU64(wq)} is empty: nobody to wake`);
      return 0n;
    },
  };
}
