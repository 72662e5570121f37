/**
 * TCP upper-layer protocols (net/ipv4/tcp_ulp.c of 6.1). tcp_register_ulp(ulp) adds ulp to tcp_ulp_list unless an entry
 * of the same name is there (tcp_ulp_find(): strcmp of name, then -EEXIST); tcp_unregister_ulp() takes it off.
 * struct tcp_ulp_ops { list_head list; init, update, release, get_info, get_info_size, clone; char name[16] @64;
 * struct module *owner @80 }. On the modelled kernel (Debian's 6.1.0-50 config) the list holds at boot the one built-in
 * ULP, MPTCP's "mptcp" (net/mptcp/subflow.c, CONFIG_MPTCP=y, mptcp_subflow_init()); "tls" (CONFIG_TLS=m), "smc"
 * (CONFIG_SMC=m) and "espintcp" (CONFIG_INET_ESPINTCP is not set) are not built in.
 */
import type { KernelFunction } from '../types';
import { EEXIST } from './errname';
import { ret, tryCString } from './mem';
import type { KernelCallState } from './state';

const ULP_NAME = 64n;
const BUILT_IN_ULPS = ['mptcp'];

export function tcpUlpFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** name → the registered struct tcp_ulp_ops (0 for the built-in one). */
  const ulps = new Map<string, bigint>(BUILT_IN_ULPS.map((n) => [n, 0n]));
  return {
    // int tcp_register_ulp(struct tcp_ulp_ops *ulp)
    tcp_register_ulp: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0) + ULP_NAME, 16) ?? '';
      if (ulps.has(name)) {
        ctx.note(`tcp_register_ulp '${name}': a ULP of that name is registered, -EEXIST`);
        return ret(-EEXIST);
      }
      ulps.set(name, ctx.arg(0));
      s.registrations.push({ kind: 'tcp ulp', name, address: ctx.arg(0) });
      ctx.note(`tcp_register_ulp: TCP upper-layer protocol '${name}' added to tcp_ulp_list`);
      return 0n;
    },
    // void tcp_unregister_ulp(struct tcp_ulp_ops *ulp)
    tcp_unregister_ulp: (ctx) => {
      for (const [n, at] of ulps) if (at === ctx.arg(0)) ulps.delete(n);
      ctx.note('tcp_unregister_ulp: removed from tcp_ulp_list');
      return 0n;
    },
  };
}
