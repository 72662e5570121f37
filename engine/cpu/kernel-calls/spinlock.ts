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
import { readU32, ret, writeU32, writeU64 } from './mem';
import { GFP, kfreeModel, kmallocModel } from './alloc';

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

/** spinlock_t without lock debugging: one 4-byte arch_spinlock_t. */
const SPINLOCK_SIZE = 4n;
const ENOMEM = 12;
/** num_possible_cpus() on the recorded machine (QEMU -smp 1). */
const NR_POSSIBLE_CPUS = 1n;

/**
 * int __alloc_bucket_spinlocks(spinlock_t **locks, unsigned int *locks_mask, size_t max_size, unsigned int cpu_mult,
 * gfp_t gfp, const char *name, struct lock_class_key *key) (lib/bucket_locks.c): min(num_possible_cpus() (1 on the
 * recorded machine, capped at 64) * cpu_mult, max_size) locks, or max_size when cpu_mult is 0, from kvmalloc_array(),
 * each spin_lock_init()ed (zero); *locks_mask = size - 1. -ENOMEM when the allocation fails.
 */
const allocBucketSpinlocks: KernelFunction = (ctx) => {
  const maxSize = ctx.arg(2);
  const cpuMult = ctx.arg(3) & 0xffffffffn;
  const want = NR_POSSIBLE_CPUS * cpuMult;
  const size = BigInt.asUintN(32, cpuMult ? (want < maxSize ? want : maxSize) : maxSize);
  const locks = kmallocModel(ctx, size * SPINLOCK_SIZE, ctx.arg(4) | GFP.ZERO, '__alloc_bucket_spinlocks');
  if (locks === 0n) return ret(-ENOMEM);
  writeU64(ctx.mem, ctx.arg(0), locks);
  writeU32(ctx.mem, ctx.arg(1), Number(BigInt.asUintN(32, size - 1n)));
  return 0n;
};

export function spinlockFunctions(): Record<string, KernelFunction> {
  return {
    __alloc_bucket_spinlocks: allocBucketSpinlocks,
    // void free_bucket_spinlocks(spinlock_t *locks): kvfree(locks).
    free_bucket_spinlocks: (ctx) => {
      kfreeModel(ctx, ctx.arg(0), 'free_bucket_spinlocks');
      return 0n;
    },
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
