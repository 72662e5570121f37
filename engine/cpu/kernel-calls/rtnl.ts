/**
 * rtnl_mutex (net/core/rtnetlink.c): rtnl_lock()/rtnl_unlock() take and drop it, rtnl_is_locked() is
 * mutex_is_locked(&rtnl_mutex) — what ASSERT_RTNL() checks (cfg80211's reg_todo() runs under it). One task
 * runs at a time on the modelled machine, so the mutex is either held by it or free; rtnl_unlock()'s
 * netdev_run_todo() has nothing queued by these models.
 */
import type { KernelFunction } from '../types';
import type { KernelCallState } from './state';

export function rtnlFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const lock = (): bigint => {
    s.rtnlHeld = true;
    return 0n;
  };
  const unlock = (): bigint => {
    s.rtnlHeld = false;
    return 0n;
  };
  return {
    rtnl_lock: lock,
    rtnl_lock_killable: lock,
    // int rtnl_trylock(void): 1 when it took the mutex.
    rtnl_trylock: () => {
      if (s.rtnlHeld) return 0n;
      s.rtnlHeld = true;
      return 1n;
    },
    rtnl_unlock: unlock,
    __rtnl_unlock: unlock,
    rtnl_is_locked: () => (s.rtnlHeld ? 1n : 0n),
  };
}
