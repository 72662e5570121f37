/**
 * Work items (kernel/workqueue.c, 6.1). queue_work_on() sets WORK_STRUCT_PENDING in work->data and puts the
 * item on its pool's worklist; a kworker of that pool runs work->func(work) soon after. The modelled machine has
 * one CPU and CONFIG_PREEMPT_VOLUNTARY: the woken kworker gets the CPU at insmod's next scheduling point — a
 * might_sleep() later in init, or at the latest the return to user space. The model runs the items a module's
 * init queued when init returns, in the order they were queued, items queued by a running item after it (the
 * worker's loop in worker_thread()), on the same modelled CPU (engine/cpu/attach.ts). The log order is the same
 * whenever init prints nothing after queueing: cfg80211 (only alloc_ordered_workqueue() follows its
 * regulatory_init()), whose real log has reg_work's regulatory.db lines right after init's and before the next
 * module's. An init that prints after queueing could have the real kworker's lines between its own.
 *
 * A flush waits for the items, so flush_workqueue()/flush_work() run them at the call, inside the caller.
 * cancel_work_sync() takes a pending item off the list (it never runs). Delayed work with a delay runs
 * when its timer fires: the model does not run timers, so that item is noted and never runs; with delay 0
 * queue_delayed_work_on() queues it at once (__queue_delayed_work()), like queue_work_on().
 */
import type { KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { readU64, writeU64 } from './mem';
import { printkText } from './printk';
import type { KernelCallState } from './state';
import type { QueuedWork } from './queued-work-item';

/** struct work_struct: atomic_long_t data, struct list_head entry, work_func_t func. */
export const WORK_DATA = 0n;
export const WORK_FUNC = 24n;
/** WORK_STRUCT_PENDING_BIT (include/linux/workqueue.h). */
const PENDING = 1n;

/** Take an item off the list to run it: the kworker clears PENDING first (set_work_pool_and_clear_pending()). */
function startWork(ctx: { mem: Parameters<typeof readU64>[0] }, w: QueuedWork): void {
  if (w.work === 0n) return;
  try {
    writeU64(ctx.mem, w.work + WORK_DATA, readU64(ctx.mem, w.work + WORK_DATA) & ~PENDING);
  } catch {
    // a work_struct the module freed: the kworker would read it too; nothing to clear here
  }
}

export function workqueueFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** queue_work_on()'s test_and_set_bit(WORK_STRUCT_PENDING_BIT): false when already pending. */
  const queue = (fn: string, wq: bigint, work: bigint, ctx: Parameters<KernelFunction>[0]): bigint => {
    const data = readU64(ctx.mem, work + WORK_DATA);
    if (data & PENDING) {
      ctx.note(`${fn}: work ${hexU64(work)} is already pending, returns false`);
      return 0n;
    }
    writeU64(ctx.mem, work + WORK_DATA, data | PENDING);
    const func = readU64(ctx.mem, work + WORK_FUNC);
    const what = functionName(ctx.symbolize(func), func);
    s.queuedWork.push({ work, wq, fn: func, args: [work], what });
    ctx.note(`${fn}: ${what} queued; a kworker runs it once the caller lets it (after init returns)`);
    return 1n;
  };
  /** Run the pending items of wq (every pending item when wq is null) now, in order, inside the caller. */
  const flush = (ctx: Parameters<KernelFunction>[0], match: (w: QueuedWork) => boolean): number => {
    let n = 0;
    for (let i = 0; i < s.queuedWork.length;) {
      const w = s.queuedWork[i];
      if (!match(w)) {
        i++;
        continue;
      }
      s.queuedWork.splice(i, 1);
      startWork(ctx, w);
      w.printBefore?.((level, text) => printkText(ctx, s, level, `${text}\n`));
      ctx.callModule(w.fn, ...w.args);
      if (w.modulePut !== undefined) ctx.moduleRef(w.modulePut, 'put');
      n++;
    }
    return n;
  };
  /** try_to_grab_pending(): a pending item (on a worklist or behind its timer) is taken off and never runs. */
  const cancel = (ctx: Parameters<KernelFunction>[0], work: bigint): bigint => {
    const data = readU64(ctx.mem, work + WORK_DATA);
    const i = s.queuedWork.findIndex((w) => w.work === work);
    if (i >= 0) s.queuedWork.splice(i, 1);
    if (!(data & PENDING)) return 0n;
    writeU64(ctx.mem, work + WORK_DATA, data & ~PENDING);
    ctx.note(`cancel: ${hexU64(work)} was pending and is taken off (it never runs)`);
    return 1n;
  };
  return {
    // bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work) (schedule_work() inlines to it)
    queue_work_on: (ctx) => queue('queue_work_on', ctx.arg(1), ctx.arg(2), ctx),
    // bool queue_delayed_work_on(int cpu, wq, struct delayed_work *dwork, unsigned long delay): delay 0 queues dwork->work now.
    queue_delayed_work_on: (ctx) => {
      if (ctx.arg(3) === 0n) return queue('queue_delayed_work_on', ctx.arg(1), ctx.arg(2), ctx);
      const work = ctx.arg(2);
      const data = readU64(ctx.mem, work + WORK_DATA);
      if (data & PENDING) return 0n;
      writeU64(ctx.mem, work + WORK_DATA, data | PENDING);
      const what = functionName(ctx.symbolize(readU64(ctx.mem, work + WORK_FUNC)), readU64(ctx.mem, work + WORK_FUNC));
      ctx.note(`queue_delayed_work_on: ${what} queued behind a timer of ${ctx.arg(3)} jiffies (timers never fire in this model: it never runs)`);
      return 1n;
    },
    // bool mod_delayed_work_on(int cpu, wq, struct delayed_work *dwork, unsigned long delay): try_to_grab_pending() (true
    // when it was pending), then __queue_delayed_work() with the new delay.
    mod_delayed_work_on: (ctx) => {
      const work = ctx.arg(2);
      const data = readU64(ctx.mem, work + WORK_DATA);
      const i = s.queuedWork.findIndex((w) => w.work === work);
      if (i >= 0) s.queuedWork.splice(i, 1);
      writeU64(ctx.mem, work + WORK_DATA, data & ~PENDING);
      if (ctx.arg(3) === 0n) queue('mod_delayed_work_on', ctx.arg(1), work, ctx);
      else {
        writeU64(ctx.mem, work + WORK_DATA, data | PENDING);
        const what = functionName(ctx.symbolize(readU64(ctx.mem, work + WORK_FUNC)), readU64(ctx.mem, work + WORK_FUNC));
        ctx.note(`mod_delayed_work_on: ${what} (re)queued behind a timer of ${ctx.arg(3)} jiffies (timers never fire in this model: it never runs)`);
      }
      return data & PENDING ? 1n : 0n;
    },
    // void __flush_workqueue(struct workqueue_struct *wq): waits until every item queued before it has run.
    __flush_workqueue: (ctx) => {
      const wq = ctx.arg(0);
      const n = flush(ctx, (w) => w.wq === wq);
      if (n) ctx.note(`__flush_workqueue: ran the ${n} pending item(s) of ${hexU64(wq)}`);
      return 0n;
    },
    // bool flush_work(struct work_struct *work): waits for the item to finish; true if it had to wait.
    flush_work: (ctx) => ret01(flush(ctx, (w) => w.work === ctx.arg(0) && w.work !== 0n)),
    // bool cancel_work_sync(struct work_struct *work) / cancel_delayed_work_sync(struct delayed_work *dwork): true if it was pending.
    cancel_work_sync: (ctx) => cancel(ctx, ctx.arg(0)),
    cancel_delayed_work_sync: (ctx) => cancel(ctx, ctx.arg(0)),
  };
}

/** "reg_todo() [cfg80211]" from sprint_symbol()'s "reg_todo+0x0/0x50 [cfg80211]". */
export function functionName(symbol: string | null, address: bigint): string {
  const m = symbol === null ? null : /^([^+\s]+)\+0x0\/0x[0-9a-f]+(?: \[(\S+)\])?$/.exec(symbol);
  if (!m) return `the function at ${hexU64(address)}`;
  return m[2] ? `${m[1]}() [${m[2]}]` : `${m[1]}()`;
}

const ret01 = (n: number): bigint => (n > 0 ? 1n : 0n);
