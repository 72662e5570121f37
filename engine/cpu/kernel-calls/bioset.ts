/**
 * bioset_init() and bioset_exit() (block/bio.c, 6.1) on a module's own struct bio_set (f2fs_bioset: 392 bytes).
 * Layout (include/linux/bio.h, CONFIG_BLK_DEV_INTEGRITY=y): bio_slab @0, front_pad @8, cache @16, bio_pool @24,
 * bvec_pool @96, bio_integrity_pool @168, bvec_integrity_pool @240 (mempool_t: lock, min_nr @4, curr_nr @8, elements @16,
 * pool_data @24, alloc @32, free @40, wait @48: 72 bytes), back_pad @312, rescue_lock @316, rescue_list @320,
 * rescue_work @336, rescue_workqueue @368, cpuhp_dead @376.
 *
 * bioset_init(bs, pool_size, front_pad, flags): front_pad; back_pad BIO_INLINE_VECS (4) bio_vecs (64 bytes) with
 * BIOSET_NEED_BVECS, else 0; the rescue lock, list and INIT_WORK(rescue_work, bio_alloc_rescue); bio_slab from
 * bio_find_or_create_slab() (a "bio-N" kmem_cache for front_pad + sizeof(struct bio) + back_pad, vmlinux's own when
 * fs_bio_set already made that size); mempool_init_slab_pool(&bio_pool, pool_size, bio_slab) and, with NEED_BVECS,
 * biovec_init_pool(&bvec_pool, pool_size) over the "biovec-max" cache: min_nr = curr_nr = pool_size, alloc/free
 * mempool_alloc_slab/mempool_free_slab, an empty wait queue. It prints nothing and fails only on ENOMEM.
 *
 * Not modelled (read as zero): the kmem_cache pointers (bio_slab and each pool's pool_data: caches vmlinux made, at
 * addresses the model does not have) and the pools' preallocated elements. BIOSET_NEED_RESCUER (a "bioset"
 * workqueue) and BIOSET_PERCPU_CACHE (alloc_percpu() and a CPU-hotplug instance) are left not modelled.
 * bioset_exit(bs) empties what init set: rescue_workqueue and bio_slab NULL, each pool's elements freed (NULL).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import type { KernelCallState } from './state';
import { u32, writeU32, writeU64 } from './mem';

export const BIO_SET = {
  size: 392,
  frontPad: 8n,
  cache: 16n,
  bioPool: 24n,
  bvecPool: 96n,
  backPad: 312n,
  rescueLock: 316n,
  rescueList: 320n,
  rescueWork: 336n,
  rescueWorkqueue: 368n,
} as const;
/** mempool_t fields. */
export const MEMPOOL = { minNr: 4n, currNr: 8n, elements: 16n, poolData: 24n, alloc: 32n, free: 40n, waitHead: 56n } as const;

const BIOSET_NEED_BVECS = 1;
const BIOSET_NEED_RESCUER = 2;
const BIOSET_PERCPU_CACHE = 4;
/** BIO_INLINE_VECS * sizeof(struct bio_vec). */
const INLINE_VECS_BYTES = 4 * 16;
/** INIT_WORK's data: WORK_STRUCT_NO_POOL = WORK_OFFQ_POOL_NONE (2^31 - 1) << WORK_OFFQ_POOL_SHIFT (5). */
const WORK_STRUCT_NO_POOL = ((1n << 31n) - 1n) << 5n;

/** mempool_init_slab_pool() as far as the model goes: sizes, the slab alloc/free functions, an empty wait queue. */
function initSlabPool(ctx: KernelCallContext, pool: bigint, size: number, alloc: bigint, free: bigint): void {
  writeU32(ctx.mem, pool, 0);
  writeU32(ctx.mem, pool + MEMPOOL.minNr, size);
  writeU32(ctx.mem, pool + MEMPOOL.currNr, size);
  writeU64(ctx.mem, pool + MEMPOOL.elements, 0n); // not modelled
  writeU64(ctx.mem, pool + MEMPOOL.poolData, 0n); // the kmem_cache: not modelled
  writeU64(ctx.mem, pool + MEMPOOL.alloc, alloc);
  writeU64(ctx.mem, pool + MEMPOOL.free, free);
  writeU32(ctx.mem, pool + 48n, 0);
  writeU64(ctx.mem, pool + MEMPOOL.waitHead, pool + MEMPOOL.waitHead);
  writeU64(ctx.mem, pool + MEMPOOL.waitHead + 8n, pool + MEMPOOL.waitHead);
}

export function biosetFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    bioset_init: (ctx) => {
      const bs = ctx.arg(0);
      const poolSize = u32(ctx.arg(1));
      const flags = u32(ctx.arg(3));
      if (flags & (BIOSET_NEED_RESCUER | BIOSET_PERCPU_CACHE)) return 'not-modelled';
      const lookup = s.options.lookupSymbol;
      const syms = ['mempool_alloc_slab', 'mempool_free_slab', 'bio_alloc_rescue'].map((n) => lookup?.(n) ?? null);
      if (syms.some((a) => a === null)) return 'not-modelled';
      const [alloc, free, rescue] = syms as bigint[];
      writeU64(ctx.mem, bs, 0n); // bio_slab: not modelled
      writeU32(ctx.mem, bs + BIO_SET.frontPad, u32(ctx.arg(2)));
      writeU32(ctx.mem, bs + BIO_SET.backPad, flags & BIOSET_NEED_BVECS ? INLINE_VECS_BYTES : 0);
      const work = bs + BIO_SET.rescueWork;
      writeU64(ctx.mem, work, WORK_STRUCT_NO_POOL);
      writeU64(ctx.mem, work + 8n, work + 8n);
      writeU64(ctx.mem, work + 16n, work + 8n);
      writeU64(ctx.mem, work + 24n, rescue);
      initSlabPool(ctx, bs + BIO_SET.bioPool, poolSize, alloc, free);
      if (flags & BIOSET_NEED_BVECS) initSlabPool(ctx, bs + BIO_SET.bvecPool, poolSize, alloc, free);
      ctx.note(`bioset_init: ${poolSize} bios${flags & BIOSET_NEED_BVECS ? ' and bvec arrays' : ''} reserved (the pools' elements are not modelled)`);
      return 0n;
    },
    bioset_exit: (ctx) => {
      const bs = ctx.arg(0);
      writeU64(ctx.mem, bs + BIO_SET.rescueWorkqueue, 0n);
      for (const pool of [BIO_SET.bioPool, BIO_SET.bvecPool]) writeU64(ctx.mem, bs + pool + MEMPOOL.elements, 0n);
      writeU64(ctx.mem, bs, 0n);
      return 0n;
    },
  };
}
