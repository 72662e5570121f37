/**
 * void synchronize_net(void) (net/core/dev.c): synchronize_rcu_expedited() under rtnl, else synchronize_rcu(): a wait for
 * a grace period, which in a single-threaded model has nothing to wait for (as synchronize_rcu's model).
 *
 * void kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason) (net/core/skbuff.c, 6.1), behind kfree_skb():
 * skb_unref(NULL) is false, so a NULL skb returns at once (tipc's pernet init frees a NULL one). The model has no
 * struct sk_buff (__alloc_skb is not modelled), so any other skb is not modelled.
 */
import type { KernelFunction } from '../types';

export function skbFunctions(): Record<string, KernelFunction> {
  return {
    kfree_skb_reason: (ctx) => (ctx.arg(0) === 0n ? 0n : 'not-modelled'),
    synchronize_net: () => 0n,
  };
}
