/**
 * void *krealloc(const void *p, size_t new_size, gfp_t flags) (mm/slab_common.c, 6.1): new_size 0 frees p and gives
 * ZERO_SIZE_PTR; otherwise __do_krealloc(): with p NULL (ks = 0) it is kmalloc_track_caller(new_size, flags), as
 * nf_ct_ext_add() grows a conntrack's first extension. Growing a live block needs its ksize() (its kmalloc size class),
 * which the model's allocator does not give: not modelled.
 */
import type { KernelFunction } from '../types';
import { kmallocModel } from './alloc';

export function kreallocFunctions(): Record<string, KernelFunction> {
  return {
    krealloc: (ctx) => {
      const [p, size, flags] = [ctx.arg(0), ctx.arg(1), ctx.arg(2)];
      if (size === 0n) {
        if (p > 16n) ctx.kfree(p);
        return 16n;
      }
      return p <= 16n ? kmallocModel(ctx, size, flags, 'krealloc') : 'not-modelled';
    },
  };
}
