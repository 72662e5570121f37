/**
 * Notifier chains and single-pointer hooks the corpus inits register with (modscope's module sample
 * stopped at each): the kernel only links the module's struct in, nothing calls it during init on
 * QEMU's PC, so each returns what the 6.1 source returns and records the registration. Also static
 * keys switched on or off (kernel/jump_label.c).
 */
import type { KernelFunction } from '../types';
import { readU32, ret, writeU32 } from './mem';
import { hexU64 } from '../../base/hex';
import { registrar, unregistrar } from './registrars';
import { tryFieldString } from './mem';
import type { KernelCallState } from './state';

/** A `void f(const struct … *ops)` that stores ops in one kernel pointer (and clears it on unregister). */
function pointerHook(s: KernelCallState, kind: string, fn: string, where: string): KernelFunction {
  return (ctx) => {
    const ops = ctx.arg(0);
    s.registrations.push({ kind, name: null, address: ops });
    ctx.note(`${fn}: ${where} = ${hexU64(ops)}`);
    return 0n;
  };
}

export function hookFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // int crypto_register_notifier(struct notifier_block *nb) (crypto/algapi.c): blocking_notifier_chain_register(&crypto_chain, nb),
    // 0 (-EEXIST only for a block already on the chain). Later algorithm registrations call it; none happens during this init.
    crypto_register_notifier: registrar(s, 'crypto notifier', 'crypto_register_notifier', null, 0),
    crypto_unregister_notifier: unregistrar('crypto_unregister_notifier', null),
    // int register_pm_notifier(struct notifier_block *nb) (kernel/power/main.c): blocking_notifier_chain_register(&pm_chain_head, nb).
    // Called on suspend/hibernate, which the recorded machine never does.
    register_pm_notifier: registrar(s, 'PM notifier', 'register_pm_notifier', null, 0),
    unregister_pm_notifier: unregistrar('unregister_pm_notifier', null),
    // int register_random_vmfork_notifier(struct notifier_block *nb) (drivers/char/random.c): blocking_notifier_chain_register(
    // &vmfork_chain, nb), 0. Called when a VM generation ID changes (the vmgenid driver; the recorded machine has none).
    register_random_vmfork_notifier: registrar(s, 'VM fork notifier', 'register_random_vmfork_notifier', null, 0),
    unregister_random_vmfork_notifier: unregistrar('unregister_random_vmfork_notifier', null),
    // int register_blocking_lsm_notifier(struct notifier_block *nb) (security/security.c): blocking_notifier_chain_register(
    // &blocking_lsm_notifier_chain, nb), 0. Called on LSM policy changes (SELinux/AppArmor reloads): none on this machine.
    register_blocking_lsm_notifier: registrar(s, 'LSM notifier', 'register_blocking_lsm_notifier', null, 0),
    unregister_blocking_lsm_notifier: unregistrar('unregister_blocking_lsm_notifier', null),
    // void nfs_ssc_register(const struct nfs_ssc_client_ops *ops) (fs/nfs_common/nfs_ssc.c, CONFIG_NFS_V4_2=y):
    // nfs_ssc_client_tbl.ssc_nfs_ops = ops; nfs42_ssc_register() sets .ssc_nfs4_ops. The unregisters clear them when they match.
    nfs_ssc_register: pointerHook(s, 'NFS server-side-copy client ops', 'nfs_ssc_register', 'nfs_ssc_client_tbl.ssc_nfs_ops'),
    nfs_ssc_unregister: unregistrar('nfs_ssc_unregister', null),
    nfs42_ssc_register: pointerHook(s, 'NFSv4.2 server-side-copy client ops', 'nfs42_ssc_register', 'nfs_ssc_client_tbl.ssc_nfs4_ops'),
    nfs42_ssc_unregister: unregistrar('nfs42_ssc_unregister', null),
    // void sock_diag_register_inet_compat(const struct sock_diag_inet_compat *ptr) (net/core/sock_diag.c):
    // xchg(&inet_rcv_compat, ptr), the handler of old-style TCPDIAG_GETSOCK requests.
    sock_diag_register_inet_compat: pointerHook(s, 'inet_diag compat handler', 'sock_diag_register_inet_compat', 'inet_rcv_compat'),
    sock_diag_unregister_inet_compat: unregistrar('sock_diag_unregister_inet_compat', null),
    // void vlan_ioctl_set(int (*hook)(struct net *, void __user *)) (net/socket.c): vlan_ioctl_hook = hook.
    vlan_ioctl_set: pointerHook(s, 'VLAN ioctl hook', 'vlan_ioctl_set', 'vlan_ioctl_hook'),
    // void dev_add_offload(struct packet_offload *po) (net/core/gro.c): into offload_base by priority. Used on receive only.
    dev_add_offload: registrar(s, 'packet offload', 'dev_add_offload', null, 0),
    dev_remove_offload: unregistrar('dev_remove_offload', null),
    // void rtnl_af_register(struct rtnl_af_ops *ops) (net/core/rtnetlink.c): list_add_tail_rcu onto rtnl_af_ops.
    rtnl_af_register: registrar(s, 'rtnetlink address family ops', 'rtnl_af_register', null, 0),
    rtnl_af_unregister: unregistrar('rtnl_af_unregister', null),
    // void xfrm_register_km(struct xfrm_mgr *km) (net/xfrm/xfrm_state.c): list_add_tail_rcu onto xfrm_km_list.
    xfrm_register_km: registrar(s, 'xfrm key manager', 'xfrm_register_km', null, 0),
    xfrm_unregister_km: unregistrar('xfrm_unregister_km', null),
    // void zpool_register_driver(struct zpool_driver *driver) (mm/zpool.c): refcount = 0, onto drivers_head.
    zpool_register_driver: (ctx) => {
      writeU32(ctx.mem, ctx.arg(0) + ZPOOL_DRIVER_REFCOUNT, 0);
      return registrar(s, 'zpool driver', 'zpool_register_driver', (c) => tryFieldString(c, c.arg(0), 0), 0)(ctx);
    },
    // int zpool_unregister_driver(struct zpool_driver *driver): -EBUSY while a pool uses it (refcount > 0), else 0.
    zpool_unregister_driver: (ctx) => (readU32(ctx.mem, ctx.arg(0) + ZPOOL_DRIVER_REFCOUNT) > 0 ? ret(-EBUSY) : 0n),
    // int xfrm_input_register_afinfo(const struct xfrm_input_afinfo *afinfo) (net/xfrm/xfrm_input.c):
    // xfrm_input_afinfo[is_ipip][family], -EEXIST when taken (the built-in xfrm4/xfrm6 protocol code holds [0][AF_INET] and [0][AF_INET6]).
    xfrm_input_register_afinfo: (ctx) => {
      const [isIpip, family] = ctx.mem.read(ctx.arg(0), 2, 'read');
      if (family > AF_INET6) return 'not-modelled'; // WARN_ON
      const slot = `${isIpip ? 1 : 0}/${family}`;
      if (s.xfrmInputAfinfo.has(slot)) {
        ctx.note(`xfrm_input_register_afinfo: family ${family}${isIpip ? ' (IP-in-IP)' : ''} already registered: -EEXIST`);
        return ret(-EEXIST);
      }
      s.xfrmInputAfinfo.set(slot, ctx.arg(0));
      s.registrations.push({ kind: 'xfrm input afinfo', name: null, address: ctx.arg(0) });
      ctx.note(`xfrm_input_register_afinfo: family ${family}${isIpip ? ' (IP-in-IP)' : ''} registered, returns 0`);
      return 0n;
    },
    xfrm_input_unregister_afinfo: (ctx) => {
      const [isIpip, family] = ctx.mem.read(ctx.arg(0), 2, 'read');
      const slot = `${isIpip ? 1 : 0}/${family}`;
      if (s.xfrmInputAfinfo.get(slot) !== ctx.arg(0)) return ret(-EINVAL);
      s.xfrmInputAfinfo.delete(slot);
      return 0n;
    },
    // int nf_log_register(u_int8_t pf, struct nf_logger *logger) (net/netfilter/nf_log.c): loggers[pf][logger->type];
    // NFPROTO_UNSPEC takes every family's slot. -EBUSY when one is taken; no logger is built into Debian's kernel.
    nf_log_register: (ctx) => {
      const pf = Number(ctx.arg(0) & 0xffn);
      if (pf >= NFPROTO_NUMPROTO) return ret(-EINVAL);
      const type = readU32(ctx.mem, ctx.arg(1) + NF_LOGGER_TYPE);
      const pfs = pf === 0 ? [...Array(NFPROTO_NUMPROTO).keys()] : [pf];
      if (pfs.some((p) => s.nfLoggers.has(`${p}/${type}`))) {
        ctx.note(`nf_log_register(${pf}): a type ${type} logger is already registered: -EBUSY`);
        return ret(-EBUSY);
      }
      for (const p of pfs) s.nfLoggers.set(`${p}/${type}`, ctx.arg(1));
      const name = tryFieldString(ctx, ctx.arg(1), 0);
      s.registrations.push({ kind: 'netfilter logger', name, address: ctx.arg(1) });
      ctx.note(`nf_log_register(${pf}) '${name ?? ''}': recorded, returns 0`);
      return 0n;
    },
    // void nf_log_unregister(struct nf_logger *logger): every slot holding it is cleared.
    nf_log_unregister: (ctx) => {
      for (const [k, v] of [...s.nfLoggers]) if (v === ctx.arg(0)) s.nfLoggers.delete(k);
      return 0n;
    },
    // mutex_is_locked(): mutex.ts (mutex_lock() there sets the owner word).
    ...staticKeyFunctions(),
    ...idaFunctions(s),
  };
}

/**
 * IDA (lib/idr.c): ida_alloc_range(ida, min, max, gfp) returns the lowest free id in [min, max] or -ENOSPC;
 * ida_free() gives one back, ida_destroy() all. The ids are kept beside the struct ida (its xarray bitmap
 * chunks are not written: module code only reaches them through these functions).
 */
function idaFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const ids = (ida: bigint): Set<number> => {
    let set = s.idas.get(ida);
    if (!set) s.idas.set(ida, (set = new Set()));
    return set;
  };
  const alloc =
    (fn: string, minArg: number | null, maxArg: number | null): KernelFunction =>
    (ctx) => {
      const min = minArg === null ? 0 : Number(BigInt.asIntN(32, ctx.arg(minArg)));
      const max = maxArg === null ? INT_MAX : Number(BigInt.asIntN(32, ctx.arg(maxArg)) & 0x7fffffffn);
      if (min < 0) return ret(-EINVAL);
      const used = ids(ctx.arg(0));
      for (let id = min; id <= max && id < min + (1 << 20); id++) {
        if (used.has(id)) continue;
        used.add(id);
        ctx.note(`${fn}: id ${id} from the IDA at ${hexU64(ctx.arg(0))}`);
        return BigInt(id);
      }
      return used.size >= 1 << 20 ? 'not-modelled' : ret(-ENOSPC);
    };
  return {
    ida_alloc_range: alloc('ida_alloc_range', 1, 2),
    ida_free: (ctx) => {
      ids(ctx.arg(0)).delete(Number(BigInt.asIntN(32, ctx.arg(1))));
      return 0n;
    },
    ida_destroy: (ctx) => {
      s.idas.delete(ctx.arg(0));
      return 0n;
    },
  };
}

/** struct zpool_driver: type, owner, then atomic_t refcount. */
const ZPOOL_DRIVER_REFCOUNT = 16n;
/** struct nf_logger: name, then enum nf_log_type type. */
const NF_LOGGER_TYPE = 8n;
const NFPROTO_NUMPROTO = 13;
const AF_INET6 = 10;
const EBUSY = 16;
const EEXIST = 17;
const EINVAL = 22;
const ENOSPC = 28;
const INT_MAX = 0x7fffffff;

/** struct static_key: atomic_t enabled first. */
const KEY_ENABLED = 0n;

/**
 * static_key_enable()/static_key_disable() (kernel/jump_label.c): flip key->enabled between 0 and 1 and
 * rewrite every jump site of the key (jump_label_update: NOP ↔ JMP in the text of vmlinux and modules).
 * A key already in the wanted state is left alone (a count other than 0/1 is WARN_ON_ONCE: not modelled).
 * The model sets enabled but does not rewrite the sites; the step says so.
 */
function staticKeySet(fn: string, to: 0 | 1): KernelFunction {
  return (ctx) => {
    const key = ctx.arg(0);
    const now = readU32(ctx.mem, key + KEY_ENABLED) | 0;
    if (now === to) return 0n;
    if (now !== 1 - to) return 'not-modelled';
    writeU32(ctx.mem, key + KEY_ENABLED, to);
    const sym = ctx.symbolize(key) ?? hexU64(key);
    ctx.note(`${fn}(${sym}): enabled = ${to}; its jump sites are not rewritten in the model (code testing the key later runs the old direction)`);
    return 0n;
  };
}

export function staticKeyFunctions(): Record<string, KernelFunction> {
  return {
    static_key_enable: staticKeySet('static_key_enable', 1),
    static_key_disable: staticKeySet('static_key_disable', 0),
  };
}
