/**
 * prepare_kernel_cred(daemon) (kernel/cred.c, 6.1) for daemon NULL (6.1 still copies init_cred then: dns_resolver passes
 * NULL and loads on the real kernel) or &init_task, whose credentials are init_cred (init/init_task.c): a new struct
 * cred (kmem_cache_alloc(cred_jar), 176 bytes) copied from it, usage 1, the keyring pointers and security NULL,
 * jit_keyring KEY_REQKEY_DEFL_THREAD_KEYRING (1). dns_resolver and nfsv4's idmapper take one for their keyrings and
 * then set thread_keyring (+0x68) and jit_keyring (+0x54).
 *
 * init_cred: every id root (0), securebits 0, cap_inheritable and cap_ambient empty, cap_permitted, cap_effective and
 * cap_bset CAP_FULL_SET ({ ~0, CAP_LAST_U32_VALID_MASK }: capabilities 0..40, CAP_LAST_CAP = CAP_CHECKPOINT_RESTORE),
 * user &root_user, user_ns &init_user_ns, ucounts &init_ucounts, group_info &init_groups.
 *
 * Not modelled: security_prepare_creds()'s LSM blob (new->security is kzalloc'd and filled by the boot's LSMs,
 * AppArmor's label among them: the model leaves it NULL) and the references taken on init_cred, root_user,
 * init_user_ns and init_groups (vmlinux data). Another task's credentials are not known: not modelled.
 *
 * override_creds(new) / revert_creds(old) (kernel/cred.c): the calling task's subjective cred pointer. The model's
 * current task is init_task (kernel-memory.ts), whose ->cred is &init_cred; override_creds takes a reference on new
 * (get_new_cred: usage++) and returns the cred it replaced, revert_creds puts the override back and put_cred()s it.
 * __put_cred(cred), reached when put_cred() drops usage to 0: call_rcu(put_cred_rcu), which frees the cred (at once
 * in the model, as rcu.ts does). Its key_put()s of the keyrings are not modelled: a cred holding one is not freed.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import type { KernelCallState } from './state';
import { readU64, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';

/** struct cred of the Debian 6.1.0-50 build (include/linux/cred.h: usage is atomic_long_t; no DEBUG_CREDENTIALS). */
export const CRED = {
  size: 176,
  usage: 0n,
  securebits: 40n,
  capInheritable: 44n,
  capPermitted: 52n,
  capEffective: 60n,
  capBset: 68n,
  capAmbient: 76n,
  jitKeyring: 84n,
  threadKeyring: 104n,
  security: 120n,
  user: 128n,
  userNs: 136n,
  ucounts: 144n,
  groupInfo: 152n,
} as const;

const CAP_LAST_U32_VALID_MASK = 0x1ff;
const KEY_REQKEY_DEFL_THREAD_KEYRING = 1;

/** struct cred's keyring pointers: session, process, thread, request_key_auth (+88 … +112). */
const KEYRINGS = [88n, 96n, 104n, 112n];

export function credFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** current->cred while an override_creds() is in force; null: init_task's own, &init_cred. */
  let override: bigint | null = null;
  return {
    // const struct cred *override_creds(const struct cred *new)
    override_creds: (ctx) => {
      const initCred = s.options.lookupSymbol?.('init_cred') ?? null;
      if (initCred === null) return 'not-modelled';
      const old = override ?? initCred;
      const cred = ctx.arg(0);
      writeU64(ctx.mem, cred + CRED.usage, readU64(ctx.mem, cred + CRED.usage) + 1n);
      override = cred;
      return old;
    },
    // void revert_creds(const struct cred *old)
    revert_creds: (ctx) => {
      const initCred = s.options.lookupSymbol?.('init_cred') ?? null;
      if (override === null || initCred === null) return 'not-modelled';
      const cur = override;
      const old = ctx.arg(0);
      override = old === initCred ? null : old;
      // put_cred(override)
      const usage = readU64(ctx.mem, cur + CRED.usage) - 1n;
      writeU64(ctx.mem, cur + CRED.usage, BigInt.asUintN(64, usage));
      if (usage === 0n) return putCred(ctx, cur);
      return 0n;
    },
    // void __put_cred(struct cred *cred): put_cred() saw usage drop to 0.
    __put_cred: (ctx) => putCred(ctx, ctx.arg(0)),
    prepare_kernel_cred: (ctx) => {
      const lookup = s.options.lookupSymbol;
      const daemon = ctx.arg(0);
      const initTask = lookup?.('init_task') ?? null;
      if (!lookup || (daemon !== 0n && daemon !== initTask)) return 'not-modelled';
      const refs = [lookup('root_user'), lookup('init_user_ns'), lookup('init_ucounts'), lookup('init_groups')];
      if (refs.some((r) => r === null)) return 'not-modelled';
      const [user, userNs, ucounts, groups] = refs as bigint[];
      const c = ctx.kmalloc(CRED.size, true, 'prepare_kernel_cred: kmem_cache_alloc(cred_jar)');
      writeU64(ctx.mem, c + CRED.usage, 1n);
      for (const at of [CRED.capPermitted, CRED.capEffective, CRED.capBset]) {
        writeU32(ctx.mem, c + at, 0xffffffff);
        writeU32(ctx.mem, c + at + 4n, CAP_LAST_U32_VALID_MASK);
      }
      ctx.mem.write(c + CRED.jitKeyring, Uint8Array.of(KEY_REQKEY_DEFL_THREAD_KEYRING));
      writeU64(ctx.mem, c + CRED.user, user);
      writeU64(ctx.mem, c + CRED.userNs, userNs);
      writeU64(ctx.mem, c + CRED.ucounts, ucounts);
      writeU64(ctx.mem, c + CRED.groupInfo, groups);
      ctx.note(`prepare_kernel_cred(${daemon ? '&init_task' : 'NULL'}): a copy of init_cred (root, full capabilities) at ${hexU64(c)}`);
      return c;
    },
  };
}

/** __put_cred() → put_cred_rcu(): nothing left to put but the cred itself (see the header). */
function putCred(ctx: KernelCallContext, cred: bigint): bigint | 'not-modelled' {
  if (KEYRINGS.some((at) => readU64(ctx.mem, cred + at) !== 0n)) return 'not-modelled';
  ctx.kfree(cred);
  ctx.note(`__put_cred: ${hexU64(cred)} freed after an RCU grace period (at once in the model)`);
  return 0n;
}
