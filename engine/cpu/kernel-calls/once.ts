/**
 * DO_ONCE() (include/linux/once.h, lib/once.c): a static key guards the call; the first caller takes
 * once_lock with interrupts saved, runs the function and marks it done. __do_once_done() also queues
 * once_deferred() to disable the key and takes a module reference until that work has run
 * (once_disable_jump()). The model keeps *done exact; the key stays enabled (the work item is not run),
 * which changes nothing a later DO_ONCE() does: __do_once_start() sees *done and returns false.
 */
import type { KernelFunction } from '../types';
import { writeU64 } from './mem';
import { hexU64 } from '../../base/hex';

/** The RFLAGS spin_lock_irqsave() saves in process context on the modelled CPU (as _raw_spin_lock_irqsave's model). */
const SAVED_FLAGS = 0x246n;

export function onceFunctions(): Record<string, KernelFunction> {
  return {
    // bool __do_once_start(bool *done, unsigned long *flags): spin_lock_irqsave(&once_lock, *flags); false if *done
    // (the lock is dropped again), else true with the lock held for __do_once_done().
    __do_once_start: (ctx) => {
      const done = ctx.mem.read(ctx.arg(0), 1, 'read')[0] !== 0;
      writeU64(ctx.mem, ctx.arg(1), SAVED_FLAGS);
      ctx.note(`__do_once_start: ${done ? 'already done: false' : `first call: true (done flag at ${hexU64(ctx.arg(0))})`}`);
      return done ? 0n : 1n;
    },
    // void __do_once_done(bool *done, struct static_key_true *once_key, unsigned long *flags, struct module *mod).
    __do_once_done: (ctx) => {
      ctx.mem.write(ctx.arg(0), Uint8Array.of(1));
      ctx.note(`__do_once_done: done; once_deferred() would disable the key at ${hexU64(ctx.arg(1))} from a work item (not run)`);
      return 0n;
    },
    // The sleepable variant (a mutex instead of the spinlock): same rule, no flags.
    __do_once_sleepable_start: (ctx) => (ctx.mem.read(ctx.arg(0), 1, 'read')[0] !== 0 ? 0n : 1n),
    __do_once_sleepable_done: (ctx) => {
      ctx.mem.write(ctx.arg(0), Uint8Array.of(1));
      return 0n;
    },
  };
}
