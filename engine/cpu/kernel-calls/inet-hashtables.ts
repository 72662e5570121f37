/**
 * The table set-up helpers of net/ipv4/inet_hashtables.c (6.1) that protocol modules (dccp) call on their own
 * struct inet_hashinfo, computed. Layout (include/net/inet_hashtables.h): ehash @0, ehash_locks @8, ehash_mask @16,
 * ehash_locks_mask @20, bind_bucket_cachep @24, bhash @32, bind2_bucket_cachep @40, bhash2 @48, bhash_size @56,
 * lhash2_mask @60, lhash2 @64, pernet @72. spinlock_t is 4 zero bytes when unlocked (no spinlock debugging in
 * Debian's config); struct inet_listen_hashbucket is { spinlock_t lock; struct hlist_nulls_head nulls_head @8 } (16).
 */
import type { KernelFunction } from '../types';
import { MACHINE } from '../../machine/qemu-pc';
import { kmallocModel, GFP } from './alloc';
import { readU32, ret, writeU32, writeU64 } from './mem';
import { ENOMEM } from './errname';

/** INET_LHTABLE_SIZE and LISTENING_NULLS_BASE (include/net/inet_hashtables.h). */
export const INET_LHTABLE_SIZE = 32;
const LISTENING_NULLS_BASE = 1n << 29n;
/** L1_CACHE_BYTES on x86-64 (CONFIG_X86_L1_CACHE_SHIFT 6) / sizeof(spinlock_t). */
const LOCKS_PER_TWO_LINES = (2 * 64) / 4;
/** num_possible_cpus(): the machine's possible CPUs (cpu_possible_mask is nr_cpu_ids bits on it). */
const POSSIBLE_CPUS = Number(MACHINE.vars.nr_cpu_ids);

const roundupPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(n));

export function inetHashtableFunctions(): Record<string, KernelFunction> {
  return {
    // int inet_hashinfo2_init_mod(h): lhash2 = kmalloc_array(32, 16); lhash2_mask = 31; init_hashinfo_lhash2(h)
    // unlocks each bucket and makes its nulls list end at NULLS_MARKER(i + LISTENING_NULLS_BASE) ((v << 1) | 1).
    inet_hashinfo2_init_mod: (ctx) => {
      const h = ctx.arg(0);
      const table = kmallocModel(ctx, BigInt(INET_LHTABLE_SIZE * 16), GFP.KERNEL, 'inet_hashinfo2_init_mod: kmalloc_array');
      if (table === 0n) return ret(-ENOMEM);
      writeU64(ctx.mem, h + 64n, table);
      writeU32(ctx.mem, h + 60n, INET_LHTABLE_SIZE - 1);
      for (let i = 0; i < INET_LHTABLE_SIZE; i++) {
        const b = table + BigInt(i * 16);
        writeU32(ctx.mem, b, 0);
        writeU64(ctx.mem, b + 8n, ((BigInt(i) + LISTENING_NULLS_BASE) << 1n) | 1n);
      }
      return 0n;
    },
    // int inet_ehash_locks_alloc(hashinfo): nblocks = roundup_pow_of_two(2 cache lines of locks * num_possible_cpus()),
    // at most ehash_mask + 1; ehash_locks = kvmalloc_array(nblocks, 4), each unlocked; ehash_locks_mask = nblocks - 1.
    inet_ehash_locks_alloc: (ctx) => {
      const h = ctx.arg(0);
      const buckets = (readU32(ctx.mem, h + 16n) + 1) >>> 0;
      const nblocks = Math.min(roundupPow2(LOCKS_PER_TWO_LINES * POSSIBLE_CPUS), buckets);
      const locks = kmallocModel(ctx, BigInt(nblocks * 4), GFP.KERNEL, 'inet_ehash_locks_alloc: kvmalloc_array');
      if (locks === 0n) return ret(-ENOMEM);
      if (nblocks) ctx.mem.write(locks, new Uint8Array(nblocks * 4));
      writeU64(ctx.mem, h + 8n, locks);
      writeU32(ctx.mem, h + 20n, (nblocks - 1) >>> 0);
      return 0n;
    },
  };
}
