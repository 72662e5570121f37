/**
 * spin_lock()/spin_unlock() and their _bh, _irq, _irqsave variants (kernel/locking/spinlock.c over
 * include/asm-generic/qspinlock.h, 6.1): the lock word changes as on the real kernel, so code that asserts a lock is
 * held (assert_spin_locked(): BUG_ON(!spin_is_locked()), e.g. ocfs2_stack_lookup()) sees it held.
 * queued_spin_lock() takes a free lock by cmpxchg(val, 0, _Q_LOCKED_VAL); a lock already held would make the one
 * modelled CPU spin in queued_spin_lock_slowpath() until someone else releases it: not modelled.
 * queued_spin_unlock() clears the locked byte only (smp_store_release(&lock->locked, 0)).
 * Interrupts and bottom halves do not run during a modelled init, so the _bh/_irq parts change nothing else;
 * _irqsave returns the RFLAGS it saved (IF set, as in process context).
 */
import type { KernelFunction } from '../types';
import { readU32, writeU32 } from './mem';

const _Q_LOCKED_VAL = 1;
/** The RFLAGS spin_lock_irqsave() saves in process context on the modelled CPU: IF, the always-one bit, ZF, PF. */
const SAVED_FLAGS = 0x246n;

function lock(saved: bigint): KernelFunction {
  return (ctx) => {
    const at = ctx.arg(0);
    if (readU32(ctx.mem, at) !== 0) {
      ctx.note(`spin_lock 0x${at.toString(16)}: already held (0x${readU32(ctx.mem, at).toString(16)}): this CPU would spin on it`);
      return 'not-modelled';
    }
    writeU32(ctx.mem, at, _Q_LOCKED_VAL);
    return saved;
  };
}

const unlock: KernelFunction = (ctx) => {
  ctx.mem.write(ctx.arg(0), Uint8Array.of(0));
  return 0n;
};

export function spinlockFunctions(): Record<string, KernelFunction> {
  return {
    _raw_spin_lock: lock(0n),
    _raw_spin_unlock: unlock,
    _raw_spin_lock_bh: lock(0n),
    _raw_spin_unlock_bh: unlock,
    _raw_spin_lock_irq: lock(0n),
    _raw_spin_unlock_irq: unlock,
    _raw_spin_lock_irqsave: lock(SAVED_FLAGS),
    _raw_spin_unlock_irqrestore: unlock,
  };
}
