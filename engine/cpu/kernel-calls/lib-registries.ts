/**
 * Three small kernel registries whose 6.1 rules are exact and whose state the model keeps: textsearch
 * algorithms (lib/textsearch.c), quota formats (fs/quota/dquot.c) and the DCB event notifier chain
 * (net/dcb/dcbevent.c). Nothing calls into the registered structs during the module's init on QEMU's PC.
 */
import type { KernelFunction } from '../types';
import { readU64, ret, tryCString, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import { registrar, unregistrar } from './registrars';
import type { KernelCallState } from './state';
import { EEXIST, EINVAL, ENOENT } from './errname';

/** struct ts_ops (include/linux/textsearch.h): name, init, find, destroy, get_pattern, get_pattern_len, owner, list. */
const TS_OPS_NAME = 0n;
const TS_OPS_INIT = 8n;
const TS_OPS_FIND = 16n;
const TS_OPS_GET_PATTERN = 32n;
const TS_OPS_GET_PATTERN_LEN = 40n;
/** struct quota_format_type (include/linux/quota.h): int qf_fmt_id, qf_ops, qf_owner, qf_next. */
const QF_NEXT = 24n;
/** ___GFP_ZERO (include/linux/gfp_types.h). */
const GFP_ZERO = 0x100n;

export function libRegistryFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // int textsearch_register(struct ts_ops *ops) (lib/textsearch.c): -EINVAL without name, find, init, get_pattern or
    // get_pattern_len; -EEXIST when an algorithm of that name is on ts_ops; else list_add_tail_rcu() and 0.
    textsearch_register: (ctx) => {
      const ops = ctx.arg(0);
      const fields = [TS_OPS_NAME, TS_OPS_FIND, TS_OPS_INIT, TS_OPS_GET_PATTERN, TS_OPS_GET_PATTERN_LEN];
      if (fields.some((f) => readU64(ctx.mem, ops + f) === 0n)) {
        ctx.note(`textsearch_register(${hexU64(ops)}): an operation is missing: -EINVAL`);
        return ret(-EINVAL);
      }
      const name = tryCString(ctx, readU64(ctx.mem, ops + TS_OPS_NAME));
      if (name === null) return 'not-modelled';
      if (s.textsearchAlgos.has(name)) {
        ctx.note(`textsearch_register '${name}': already registered: -EEXIST`);
        return ret(-EEXIST);
      }
      s.textsearchAlgos.set(name, ops);
      s.registrations.push({ kind: 'textsearch algorithm', name, address: ops });
      ctx.note(`textsearch_register '${name}': on the ts_ops list, returns 0`);
      return 0n;
    },
    // int textsearch_unregister(struct ts_ops *ops): -ENOENT unless ops itself is on the list.
    textsearch_unregister: (ctx) => {
      for (const [name, ops] of s.textsearchAlgos)
        if (ops === ctx.arg(0)) {
          s.textsearchAlgos.delete(name);
          ctx.note(`textsearch_unregister '${name}': off the ts_ops list`);
          return 0n;
        }
      return ret(-ENOENT);
    },
    // int register_quota_format(struct quota_format_type *fmt) (fs/quota/dquot.c): fmt->qf_next = quota_formats;
    // quota_formats = fmt; 0. The module's struct gets the previous head (NULL for the first: no format is built in).
    register_quota_format: (ctx) => {
      const fmt = ctx.arg(0);
      const next = s.quotaFormats[0] ?? 0n;
      writeU64(ctx.mem, fmt + QF_NEXT, next);
      s.quotaFormats.unshift(fmt);
      s.registrations.push({ kind: 'quota format', name: null, address: fmt });
      ctx.note(`register_quota_format(${hexU64(fmt)}): head of quota_formats, qf_next = ${hexU64(next)}, returns 0`);
      return 0n;
    },
    // void unregister_quota_format(struct quota_format_type *fmt): unlinked from quota_formats.
    unregister_quota_format: (ctx) => {
      const i = s.quotaFormats.indexOf(ctx.arg(0));
      if (i >= 0) {
        s.quotaFormats.splice(i, 1);
        // The predecessor's qf_next skips it (dquot.c walks the list with a pointer to the previous link).
        if (i > 0) writeU64(ctx.mem, s.quotaFormats[i - 1] + QF_NEXT, s.quotaFormats[i] ?? 0n);
      }
      return 0n;
    },
    // int register_dcbevent_notifier(struct notifier_block *nb) (net/dcb/dcbevent.c): atomic_notifier_chain_register(
    // &dcbevent_notif_chain, nb), 0. The chain is called when DCB settings change on a device: none does during init.
    register_dcbevent_notifier: registrar(s, 'DCB event notifier', 'register_dcbevent_notifier', null, 0),
    unregister_dcbevent_notifier: unregistrar('unregister_dcbevent_notifier', null),
    // bool alloc_cpumask_var_node(cpumask_var_t *mask, gfp_t flags, int node) (lib/cpumask.c, CONFIG_CPUMASK_OFFSTACK=y in
    // Debian): *mask = kmalloc_node(cpumask_size()): BITS_TO_LONGS(nr_cpu_ids = 1) longs, 8 bytes; zalloc_ passes __GFP_ZERO.
    alloc_cpumask_var_node: (ctx) => {
      const zero = (ctx.arg(1) & GFP_ZERO) !== 0n;
      const mask = ctx.kmalloc(8, zero, 'cpumask (alloc_cpumask_var_node)');
      writeU64(ctx.mem, ctx.arg(0), mask);
      ctx.note(`alloc_cpumask_var_node: an 8-byte cpumask at ${hexU64(mask)}${zero ? ', zeroed' : ''}`);
      return 1n;
    },
    free_cpumask_var: (ctx) => {
      if (ctx.arg(0) !== 0n) ctx.kfree(ctx.arg(0));
      return 0n;
    },
  };
}
