/**
 * Notifier chains and single-pointer hooks the corpus inits register with (modscope's module sample
 * stopped at each): the kernel only links the module's struct in, nothing calls it during init on
 * QEMU's PC, so each returns what the 6.1 source returns and records the registration. Also static
 * keys switched on or off (kernel/jump_label.c).
 */
import type { KernelFunction } from '../types';
import { hex, readU32, writeU32 } from './mem';
import { registrar, unregistrar } from './registry';
import type { KernelCallState } from './state';

/** A `void f(const struct … *ops)` that stores ops in one kernel pointer (and clears it on unregister). */
function pointerHook(s: KernelCallState, kind: string, fn: string, where: string): KernelFunction {
  return (ctx) => {
    const ops = ctx.arg(0);
    s.registrations.push({ kind, name: null, address: ops });
    ctx.note(`${fn}: ${where} = ${hex(ops)}`);
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
    ...staticKeyFunctions(),
  };
}

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
    const sym = ctx.symbolize(key) ?? hex(key);
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
