/**
 * A net's default netfilter loggers (net/netfilter/nf_log.c of 6.1), which nf_log_syslog's pernet init sets for init_net:
 * - nf_log_set(net, pf, logger): -EOPNOTSUPP for NFPROTO_UNSPEC or pf >= NFPROTO_NUMPROTO; else net->nf.nf_loggers[pf]
 *   becomes logger when it is NULL (a logger already there stays), and 0.
 * - nf_log_unset(net, logger): every nf_loggers[] slot holding logger becomes NULL.
 * Every logger in Debian's config is a module (CONFIG_NF_LOG_SYSLOG=m, CONFIG_NETFILTER_NETLINK_LOG=m), so init_net's
 * slots are NULL after boot. The model keeps the slots itself: init_net's bytes (net->nf.nf_loggers) are not written,
 * as only the kernel's nf_log_packet() and the nf_log sysctls read them.
 */
import type { KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { ret } from './mem';
import type { KernelCallState } from './state';

const NFPROTO_NUMPROTO = 13;
const EOPNOTSUPP = 95;
const loggers = new WeakMap<KernelCallState, Map<string, bigint>>();

export function nfLogFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const slots = (): Map<string, bigint> => {
    let m = loggers.get(s);
    if (!m) loggers.set(s, (m = new Map()));
    return m;
  };
  return {
    // int nf_log_set(struct net *net, u_int8_t pf, const struct nf_logger *logger)
    nf_log_set: (ctx) => {
      const [net, pf, logger] = [ctx.arg(0), Number(ctx.arg(1) & 0xffn), ctx.arg(2)];
      if (pf === 0 || pf >= NFPROTO_NUMPROTO) return ret(-EOPNOTSUPP);
      const key = `${net}/${pf}`;
      const had = slots().get(key);
      if (had === undefined) slots().set(key, logger);
      ctx.note(`nf_log_set: net ${hexU64(net)} nf_loggers[${pf}] ${had === undefined ? `= ${hexU64(logger)}` : 'already set, kept'}`);
      return 0n;
    },
    // void nf_log_unset(struct net *net, const struct nf_logger *logger)
    nf_log_unset: (ctx) => {
      const [net, logger] = [ctx.arg(0), ctx.arg(1)];
      for (const [k, v] of slots()) if (k.startsWith(`${net}/`) && v === logger) slots().delete(k);
      return 0n;
    },
  };
}
