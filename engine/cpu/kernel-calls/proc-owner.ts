/**
 * void proc_set_user(struct proc_dir_entry *de, kuid_t uid, kgid_t gid) (fs/proc/generic.c): de->uid = uid, de->gid = gid,
 * the owner /proc shows (x_tables' pernet init makes its /proc/net entries owned by the net's root). The model's proc
 * entries are opaque handles, not laid out as struct proc_dir_entry: the owner is noted, not written.
 */
import type { KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';

export function procOwnerFunctions(): Record<string, KernelFunction> {
  return {
    proc_set_user: (ctx) => {
      const [uid, gid] = [ctx.arg(1) & 0xffffffffn, ctx.arg(2) & 0xffffffffn];
      ctx.note(`proc_set_user ${hexU64(ctx.arg(0))}: owner uid ${uid}, gid ${gid} (not written: the model's proc entries keep no owner)`);
      return 0n;
    },
  };
}
