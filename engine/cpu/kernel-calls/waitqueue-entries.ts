/**
 * Waiters on wait queues (kernel/sched/wait.c of 6.1): struct wait_queue_entry { unsigned int flags; void *private;
 * wait_queue_func_t func; struct list_head entry; } — flags 0, private 8 (the task), func 16, entry 24 — on the list of
 * struct wait_queue_head { spinlock_t lock; struct list_head head; } at 8. A kthread (kthread-task.ts) puts itself on a
 * queue (add_wait_queue(), prepare_to_wait_event() of wait_event()), sets its state and calls schedule().
 *
 * __wake_up() walks the list as __wake_up_common() does: each entry's func; default_wake_function() and
 * autoremove_wake_function() (DECLARE_WAITQUEUE(), DEFINE_WAIT(), init_wait_entry()) try_to_wake_up() their task, the
 * latter also taking the entry off. An entry for a task the model does not run, or with a function of its own, is
 * not modelled. An empty queue is waitqueue.ts's case.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { listAdd, listAddTail, listDelInit, listInit } from './list-head';
import { readU32, readU64, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';
import { waitqueueFunctions } from './waitqueue';
import { TASK, TASK_RUNNING, wakeThread } from './kthread-task';

const HEAD = 8n;
const ENTRY = { flags: 0n, private: 8n, func: 16n, entry: 24n } as const;
const WQ_FLAG_EXCLUSIVE = 0x01;
const WQ_FLAG_BOOKMARK = 0x04;
const WQ_FLAG_PRIORITY = 0x20;
/** LIST_POISON1/2 (include/linux/poison.h, POISON_POINTER_DELTA 0xdead000000000000 on x86-64): list_del()'s marks. */
const LIST_POISON1 = 0xdead000000000100n;
const LIST_POISON2 = 0xdead000000000122n;

export function waitqueueEntryFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const emptyWakeUp = waitqueueFunctions().__wake_up;
  /** __add_wait_queue(): after the WQ_FLAG_PRIORITY entries at the front. */
  const add = (ctx: KernelCallContext, wq: bigint, e: bigint): void => {
    let head = wq + HEAD;
    for (let n = readU64(ctx.mem, wq + HEAD); n !== wq + HEAD; n = readU64(ctx.mem, n)) {
      if (!(readU32(ctx.mem, n - ENTRY.entry + ENTRY.flags) & WQ_FLAG_PRIORITY)) break;
      head = n;
    }
    listAdd(ctx, e + ENTRY.entry, head);
  };
  const setFlags = (ctx: KernelCallContext, e: bigint, set: number, clear: number): void =>
    writeU32(ctx.mem, e + ENTRY.flags, (readU32(ctx.mem, e + ENTRY.flags) & ~clear) | set);
  /** current->__state = state (set_current_state()): `current` is the running kthread, or insmod's own task. */
  const setCurrentState = (ctx: KernelCallContext, state: number): boolean => {
    const p = s.options.currentTaskPointer;
    if (p === undefined) return false;
    writeU32(ctx.mem, readU64(ctx.mem, p) + TASK.state, state);
    return true;
  };
  const isEmpty = (ctx: KernelCallContext, head: bigint): boolean => readU64(ctx.mem, head) === head;
  const fn = (name: string): bigint | null => s.options.lookupSymbol?.(name) ?? null;
  return {
    // void add_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry): not exclusive, at the front.
    add_wait_queue: (ctx) => {
      setFlags(ctx, ctx.arg(1), 0, WQ_FLAG_EXCLUSIVE);
      add(ctx, ctx.arg(0), ctx.arg(1));
      return 0n;
    },
    // void add_wait_queue_exclusive(wq_head, wq_entry): exclusive, at the tail.
    add_wait_queue_exclusive: (ctx) => {
      setFlags(ctx, ctx.arg(1), WQ_FLAG_EXCLUSIVE, 0);
      listAddTail(ctx, ctx.arg(1) + ENTRY.entry, ctx.arg(0) + HEAD);
      return 0n;
    },
    // void remove_wait_queue(wq_head, wq_entry): list_del() (poisons the entry's links).
    remove_wait_queue: (ctx) => {
      const e = ctx.arg(1) + ENTRY.entry;
      const next = readU64(ctx.mem, e);
      const prev = readU64(ctx.mem, e + 8n);
      writeU64(ctx.mem, next + 8n, prev);
      writeU64(ctx.mem, prev, next);
      writeU64(ctx.mem, e, LIST_POISON1);
      writeU64(ctx.mem, e + 8n, LIST_POISON2);
      return 0n;
    },
    // void init_wait_entry(struct wait_queue_entry *wq_entry, int flags): private = current, func = autoremove_wake_function.
    init_wait_entry: (ctx) => {
      const e = ctx.arg(0);
      const current = s.options.currentTaskPointer;
      const func = fn('autoremove_wake_function');
      if (current === undefined || func === null) return 'not-modelled';
      writeU32(ctx.mem, e + ENTRY.flags, Number(ctx.arg(1) & 0xffffffffn));
      writeU64(ctx.mem, e + ENTRY.private, readU64(ctx.mem, current));
      writeU64(ctx.mem, e + ENTRY.func, func);
      listInit(ctx, e + ENTRY.entry);
      return 0n;
    },
    // long prepare_to_wait_event(wq_head, wq_entry, int state): no signal is pending in this model, so the entry goes on
    // the queue if it is not there (exclusive ones at the tail) and set_current_state(state); 0.
    prepare_to_wait_event: (ctx) => {
      const wq = ctx.arg(0);
      const e = ctx.arg(1);
      if (isEmpty(ctx, e + ENTRY.entry)) {
        if (readU32(ctx.mem, e + ENTRY.flags) & WQ_FLAG_EXCLUSIVE) listAddTail(ctx, e + ENTRY.entry, wq + HEAD);
        else add(ctx, wq, e);
      }
      return setCurrentState(ctx, Number(ctx.arg(2) & 0xffffffffn)) ? 0n : 'not-modelled';
    },
    // void finish_wait(wq_head, wq_entry): __set_current_state(TASK_RUNNING), the entry off the queue if still on it.
    finish_wait: (ctx) => {
      if (!setCurrentState(ctx, TASK_RUNNING)) return 'not-modelled';
      const e = ctx.arg(1) + ENTRY.entry;
      if (!isEmpty(ctx, e)) listDelInit(ctx, e);
      return 0n;
    },
    // void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr_exclusive, void *key): __wake_up_common().
    __wake_up: (ctx) => {
      const wq = ctx.arg(0);
      const head = wq + HEAD;
      if (isEmpty(ctx, head)) return emptyWakeUp(ctx);
      const mode = Number(ctx.arg(1) & 0xffffffffn);
      let exclusive = Number(BigInt.asIntN(32, ctx.arg(2)));
      const wakeDefault = fn('default_wake_function');
      const wakeAutoremove = fn('autoremove_wake_function');
      // Check every entry first: the walk must not start when one of them is not modelled.
      const entries: bigint[] = [];
      for (let n = readU64(ctx.mem, head); n !== head; n = readU64(ctx.mem, n)) {
        const e = n - ENTRY.entry;
        if (readU32(ctx.mem, e + ENTRY.flags) & WQ_FLAG_BOOKMARK) continue;
        const func = readU64(ctx.mem, e + ENTRY.func);
        if ((func !== wakeDefault && func !== wakeAutoremove) || !s.kthreads.has(readU64(ctx.mem, e + ENTRY.private))) return 'not-modelled';
        entries.push(e);
      }
      for (const e of entries) {
        const t = s.kthreads.get(readU64(ctx.mem, e + ENTRY.private));
        const flags = readU32(ctx.mem, e + ENTRY.flags);
        const woke = t !== undefined && wakeThread(ctx, s, t, mode);
        if (woke && readU64(ctx.mem, e + ENTRY.func) === wakeAutoremove) listDelInit(ctx, e + ENTRY.entry);
        if (woke && flags & WQ_FLAG_EXCLUSIVE && --exclusive === 0) break;
      }
      return 0n;
    },
  };
}
