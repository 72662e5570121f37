/**
 * Notifier chains and single-pointer hooks the corpus inits register with (modscope's module sample
 * stopped at each): the kernel only links the module's struct in, nothing calls it during init on
 * QEMU's PC, so each returns what the 6.1 source returns and records the registration. Also static
 * keys switched on or off (kernel/jump_label.c).
 */
import type { KernelCallContext, KernelFunction } from '../types';
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
    // void xfrm_if_register_cb(const struct xfrm_if_cb *ifcb) (net/xfrm/xfrm_policy.c): rcu_assign_pointer(xfrm_if_cb, ifcb)
    // under xfrm_if_cb_lock; xfrm_if_unregister_cb() sets it back to NULL.
    xfrm_if_register_cb: pointerHook(s, 'xfrm interface callbacks', 'xfrm_if_register_cb', 'xfrm_if_cb'),
    xfrm_if_unregister_cb: unregistrar('xfrm_if_unregister_cb', null),
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
      const [family, isIpip] = ctx.mem.read(ctx.arg(0), 2, 'read'); // struct xfrm_input_afinfo { u8 family; bool is_ipip; … }
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
      const [family, isIpip] = ctx.mem.read(ctx.arg(0), 2, 'read'); // struct xfrm_input_afinfo { u8 family; bool is_ipip; … }
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
    // int lwtunnel_encap_add_ops(const struct lwtunnel_encap_ops *ops, unsigned int num) (net/core/lwtunnel.c):
    // -ERANGE past LWTUNNEL_ENCAP_MAX, else cmpxchg(&lwtun_encaps[num], NULL, ops): 0, or -1 when the slot is taken.
    lwtunnel_encap_add_ops: (ctx) => {
      const num = Number(ctx.arg(1) & 0xffffffffn);
      if (num > LWTUNNEL_ENCAP_MAX) return ret(-ERANGE);
      if (s.lwtunEncaps.has(num)) {
        ctx.note(`lwtunnel_encap_add_ops: encap type ${num} already has ops: returns -1`);
        return ret(-1);
      }
      s.lwtunEncaps.set(num, ctx.arg(0));
      s.registrations.push({ kind: 'lwtunnel encap ops', name: null, address: ctx.arg(0) });
      ctx.note(`lwtunnel_encap_add_ops: lwtun_encaps[${num}] = ${hexU64(ctx.arg(0))}, returns 0`);
      return 0n;
    },
    // int lwtunnel_encap_del_ops(ops, num): -ERANGE past the max, -1 unless the slot holds ops; then synchronize_net(), 0.
    lwtunnel_encap_del_ops: (ctx) => {
      const num = Number(ctx.arg(1) & 0xffffffffn);
      if (num > LWTUNNEL_ENCAP_MAX) return ret(-ERANGE);
      if (s.lwtunEncaps.get(num) !== ctx.arg(0)) return ret(-1);
      s.lwtunEncaps.delete(num);
      return 0n;
    },
    // void mce_register_decode_chain(struct notifier_block *nb) (arch/x86/kernel/cpu/mce/core.c): a priority outside
    // MCE_PRIO_LOWEST..MCE_PRIO_HIGHEST is a WARN_ON (not modelled); else onto x86_mce_decoder_chain, called on a machine check.
    mce_register_decode_chain: (ctx) => {
      const prio = readU32(ctx.mem, ctx.arg(0) + NOTIFIER_PRIORITY) | 0;
      if (prio < 0 || prio > MCE_PRIO_HIGHEST) return 'not-modelled';
      return registrar(s, 'MCE decoder notifier', 'mce_register_decode_chain', null, 0)(ctx);
    },
    mce_unregister_decode_chain: unregistrar('mce_unregister_decode_chain', null),
    // void genl_lock(void) / genl_unlock(void) (net/netlink/genetlink.c): mutex_lock/unlock(&genl_mutex). One CPU, no other
    // task holds it while a module's init runs on the recorded machine: taken and released at once.
    genl_lock: (ctx) => {
      ctx.note('genl_lock: mutex_lock(&genl_mutex), uncontended');
      return 0n;
    },
    genl_unlock: (ctx) => {
      ctx.note('genl_unlock: mutex_unlock(&genl_mutex)');
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
/** LWTUNNEL_ENCAP_MAX (include/uapi/linux/lwtunnel.h): __LWTUNNEL_ENCAP_MAX - 1, LWTUNNEL_ENCAP_XFRM. */
const LWTUNNEL_ENCAP_MAX = 10;
const ERANGE = 34;
/** struct notifier_block { notifier_call; next; int priority; } */
const NOTIFIER_PRIORITY = 16n;
/** enum mce_notifier_prios (arch/x86/include/asm/mce.h): MCE_PRIO_HIGHEST = MCE_PRIO_CEC = 7. */
const MCE_PRIO_HIGHEST = 7;
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
 * Module sites are rewritten (engine/kernel/jump-label.ts); vmlinux's are not code the model runs.
 */
function staticKeySet(fn: string, to: 0 | 1): KernelFunction {
  return (ctx) => {
    const key = ctx.arg(0);
    const now = readU32(ctx.mem, key + KEY_ENABLED) | 0;
    if (now === to) return 0n;
    if (now !== 1 - to) return 'not-modelled';
    writeU32(ctx.mem, key + KEY_ENABLED, to);
    noteUpdate(ctx, fn, key, to === 1, `enabled = ${to}`);
    return 0n;
  };
}

/** After enabled went 0 ↔ non-zero: jump_label_update(key), and a note of what it rewrote. */
function noteUpdate(ctx: KernelCallContext, fn: string, key: bigint, enabled: boolean, what: string): void {
  const sym = ctx.symbolize(key) ?? hexU64(key);
  if (!ctx.jumpLabelUpdate) {
    ctx.note(`${fn}(${sym}): ${what}; its jump sites are not rewritten in this model (code testing the key later runs the old direction)`);
    return;
  }
  const n = ctx.jumpLabelUpdate(key, enabled);
  ctx.note(`${fn}(${sym}): ${what}; jump_label_update() rewrote ${n} site${n === 1 ? '' : 's'} in module text`);
}

/**
 * bool static_key_slow_inc(struct static_key *key) (kernel/jump_label.c, Debian's 6.1.176): a count > 0 goes up by one
 * (static_key_fast_inc_not_disabled(); INT_MAX is a WARN: not modelled); 0 becomes 1 after jump_label_update(). true.
 */
const staticKeySlowInc: KernelFunction = (ctx) => {
  const key = ctx.arg(0);
  const v = readU32(ctx.mem, key + KEY_ENABLED) | 0;
  if (v < 0 || v === INT_MAX) return 'not-modelled';
  writeU32(ctx.mem, key + KEY_ENABLED, v + 1);
  if (v === 0) noteUpdate(ctx, 'static_key_slow_inc', key, true, 'enabled 0 → 1');
  return 1n;
};

/**
 * void static_key_slow_dec(struct static_key *key): __static_key_slow_dec_cpuslocked() — a count > 1 goes down by one
 * (static_key_dec_not_one()); 1 becomes 0 and jump_label_update() runs; 0 or negative is a WARN_ON_ONCE (not modelled).
 */
const staticKeySlowDec: KernelFunction = (ctx) => {
  const key = ctx.arg(0);
  const v = readU32(ctx.mem, key + KEY_ENABLED) | 0;
  if (v <= 0) return 'not-modelled';
  writeU32(ctx.mem, key + KEY_ENABLED, v - 1);
  if (v === 1) noteUpdate(ctx, 'static_key_slow_dec', key, false, 'enabled 1 → 0');
  return 0n;
};

export function staticKeyFunctions(): Record<string, KernelFunction> {
  return {
    static_key_enable: staticKeySet('static_key_enable', 1),
    static_key_disable: staticKeySet('static_key_disable', 0),
    static_key_slow_inc: staticKeySlowInc,
    static_key_slow_dec: staticKeySlowDec,
    // int static_key_count(struct static_key *key) (kernel/jump_label.c): key->enabled, or 1 while it is -1 (the first
    // static_key_slow_inc() in progress). The int comes back in eax, zero-extended into rax.
    static_key_count: (ctx) => {
      const n = readU32(ctx.mem, ctx.arg(0) + KEY_ENABLED) | 0;
      return BigInt(n >= 0 ? n : 1);
    },
  };
}
