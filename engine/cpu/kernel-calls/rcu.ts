/**
 * kvfree_call_rcu(struct rcu_head *head, rcu_callback_t func) (kernel/rcu/tree.c, 6.1), behind kfree_rcu() and
 * kvfree_rcu(): with a head, the object is head - (unsigned long)func (func carries offsetof(type, rcu_head));
 * without one (single-argument kvfree_rcu()), func is the object. It is kvfree()d after a grace period; nothing
 * can use it meanwhile (it is unreachable by then), so the model frees it at the call.
 */
import type { KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';

export function rcuFreeFunctions(): Record<string, KernelFunction> {
  return {
    kvfree_call_rcu: (ctx) => {
      const head = ctx.arg(0);
      const func = ctx.arg(1);
      const ptr = head === 0n ? func : BigInt.asUintN(64, head - func);
      ctx.kfree(ptr);
      ctx.note(`kvfree_call_rcu: ${hexU64(ptr)} freed after an RCU grace period (at once in the model)`);
      return 0n;
    },
  };
}
