/**
 * The RTNL mutex (net/core/rtnetlink.c, 6.1): rtnl_lock()/rtnl_unlock() take and drop rtnl_mutex, rtnl_is_locked()
 * is mutex_is_locked(&rtnl_mutex) (what ASSERT_RTNL() checks). The model's task is the only one, so the lock is
 * held exactly between its rtnl_lock() and rtnl_unlock(); rtnl_unlock()'s netdev_run_todo() has nothing queued by
 * these models.
 */
import type { KernelFunction } from '../types';

export function rtnlFunctions(): Record<string, KernelFunction> {
  let held = false;
  return {
    rtnl_lock: () => ((held = true), 0n),
    rtnl_lock_killable: () => ((held = true), 0n),
    rtnl_unlock: () => ((held = false), 0n),
    __rtnl_unlock: () => ((held = false), 0n),
    // int rtnl_trylock(void): 1 when taken.
    rtnl_trylock: () => (held ? 0n : ((held = true), 1n)),
    // int rtnl_is_locked(void)
    rtnl_is_locked: () => (held ? 1n : 0n),
  };
}
