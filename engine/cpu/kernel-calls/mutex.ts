/**
 * Sleeping locks (kernel/locking/mutex.c of 6.1) on the model's one task. struct mutex { atomic_long_t owner;
 * raw_spinlock_t wait_lock @8; struct optimistic_spin_queue osq @12; struct list_head wait_list @16 }.
 * mutex_lock() takes an unlocked mutex on its fast path: owner = current (cmpxchg from 0); mutex_unlock()
 * sets it back to 0; mutex_is_locked() is __mutex_owner() != NULL; mutex_trylock() takes it only if free.
 * The model's task is the kernel's only one, so locking a mutex it already holds would wait forever (a hung
 * task in the real kernel): not modelled. The models remember the mutexes they took, so a lock word in vmlinux
 * data the model does not hold is never read to take it.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU64, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

const WAIT_LIST = 16n;
/** MUTEX_FLAGS: the owner word's low three bits. */
const MUTEX_FLAGS = 7n;

export function mutexFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const held = new Set<bigint>();
  const current = (): bigint => s.options.lookupSymbol?.('init_task') ?? 1n;
  const lock = (ctx: KernelCallContext): bigint | 'not-modelled' => {
    const m = ctx.arg(0);
    if (held.has(m)) {
      ctx.note('mutex_lock: the task already holds this mutex and would wait for itself forever: not modelled');
      return 'not-modelled';
    }
    held.add(m);
    writeU64(ctx.mem, m, current());
    return 0n;
  };
  return {
    // void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
    __mutex_init: (ctx) => {
      const m = ctx.arg(0);
      held.delete(m);
      writeU64(ctx.mem, m, 0n);
      writeU32(ctx.mem, m + 8n, 0);
      writeU32(ctx.mem, m + 12n, 0);
      writeU64(ctx.mem, m + WAIT_LIST, m + WAIT_LIST);
      writeU64(ctx.mem, m + WAIT_LIST + 8n, m + WAIT_LIST);
      return 0n;
    },
    mutex_lock: lock,
    mutex_lock_interruptible: lock,
    mutex_lock_killable: lock,
    mutex_lock_io: lock,
    // int mutex_trylock(struct mutex *lock): 1 if taken, 0 if it was held.
    mutex_trylock: (ctx) => (held.has(ctx.arg(0)) ? 0n : lock(ctx) === 0n ? 1n : 0n),
    mutex_unlock: (ctx) => {
      const m = ctx.arg(0);
      if (held.delete(m)) writeU64(ctx.mem, m, 0n);
      return 0n;
    },
    // bool mutex_is_locked(struct mutex *lock)
    mutex_is_locked: (ctx) => {
      const m = ctx.arg(0);
      if (held.has(m)) return 1n;
      return (readU64(ctx.mem, m) & ~MUTEX_FLAGS) !== 0n ? 1n : 0n;
    },
  };
}
