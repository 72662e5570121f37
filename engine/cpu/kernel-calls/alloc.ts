/**
 * Allocation models (mm/slab_common.c, mm/slub.c, mm/vmalloc.c, Linux 6.1). Memory itself comes from
 * ctx.kmalloc / ctx.kfree (the machine's allocator); these models apply the kernel's rules on top:
 * __GFP_ZERO, ZERO_SIZE_PTR for size 0, the KMALLOC_MAX_SIZE limit, kmem_cache object sizes.
 *
 * In 6.1 kmalloc() of a constant size compiles to kmalloc_trace(kmalloc_caches[type][index], gfp, size)
 * (kmalloc_node_trace() with a node); other sizes call __kmalloc(size, gfp). kzalloc() is kmalloc()
 * with __GFP_ZERO; kmem_cache_zalloc() is kmem_cache_alloc() with __GFP_ZERO.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { isZeroOrNull, tryCString, u32 } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';

/** include/linux/gfp_types.h (6.1). */
export const GFP = {
  ZERO: 0x100n,
  NOWARN: 0x2000n,
  /** GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS */
  KERNEL: 0xcc0n,
} as const;

/** ZERO_SIZE_PTR (include/linux/slab.h): what kmalloc(0) returns; kfree() ignores it. */
export const ZERO_SIZE_PTR = 16n;
/** KMALLOC_MAX_SIZE = 1 << (MAX_ORDER + PAGE_SHIFT - 1) with MAX_ORDER 11: 4 MiB. */
export const KMALLOC_MAX_SIZE = 1n << 22n;
const PAGE_SIZE = 4096n;

/** A kmalloc-family allocation with the kernel's edge cases. */
export function kmallocModel(ctx: KernelCallContext, size: bigint, gfp: bigint, why: string): bigint {
  size = BigInt.asUintN(64, size);
  if (size === 0n) {
    ctx.note(`${why}: size 0 returns ZERO_SIZE_PTR (0x10)`);
    return ZERO_SIZE_PTR;
  }
  if (size > KMALLOC_MAX_SIZE) {
    // __kmalloc_large_node(): order >= MAX_ORDER fails (WARN_ON_ONCE_GFP unless __GFP_NOWARN).
    ctx.note(`${why}(${size}) fails: more than KMALLOC_MAX_SIZE (4 MiB)${gfp & GFP.NOWARN ? '' : ', with a page-allocator WARNING'}; returns NULL`);
    return 0n;
  }
  const zero = (gfp & GFP.ZERO) !== 0n;
  const p = ctx.kmalloc(Number(size), zero, why);
  ctx.note(`${why}: ${size} bytes${zero ? ' (zeroed)' : ''} at ${hexU64(p)}`);
  return p;
}

export function kfreeModel(ctx: KernelCallContext, p: bigint, why = 'kfree'): void {
  if (isZeroOrNull(p)) return;
  ctx.kfree(p);
  ctx.note(`${why}: freed ${hexU64(p)}`);
}

/** vmalloc family: page-rounded, not zeroed unless vzalloc/__GFP_ZERO; size 0 fails. */
function vmallocModel(ctx: KernelCallContext, size: bigint, zero: boolean, why: string): bigint {
  size = BigInt.asUintN(64, size);
  if (size === 0n) {
    // __vmalloc_node_range(): "vmalloc error: size 0, exceeds total pages" (warn_alloc) and NULL.
    ctx.note(`${why}(0) fails with "vmalloc error: size 0, exceeds total pages"; returns NULL`);
    return 0n;
  }
  const rounded = (size + PAGE_SIZE - 1n) & ~(PAGE_SIZE - 1n);
  if (rounded > 1n << 40n) {
    ctx.note(`${why}(${size}) fails: larger than memory; returns NULL`);
    return 0n;
  }
  const p = ctx.kmalloc(Number(rounded), zero, why);
  ctx.note(`${why}: ${size} bytes (${rounded} mapped)${zero ? ' zeroed' : ''} at ${hexU64(p)} (from the kmalloc model, not the vmalloc area)`);
  return p;
}

/** Size of the handle we hand out for a struct kmem_cache (SLUB's struct is ~ 200 bytes in 6.1). */
const KMEM_CACHE_HANDLE_SIZE = 256;

function cacheCreate(
  ctx: KernelCallContext,
  state: KernelCallState,
  why: string,
  name: bigint,
  size: bigint,
  align: bigint,
  flags: bigint,
  ctor: bigint,
): bigint {
  const n = tryCString(ctx, name) ?? '(null)';
  const handle = ctx.kmalloc(KMEM_CACHE_HANDLE_SIZE, true, `struct kmem_cache '${n}'`);
  if (handle === 0n) return 0n;
  state.caches.set(handle, { name: n, objectSize: u32(size), align: u32(align), flags: u32(flags), ctor });
  state.handles.set(handle, `kmem_cache ${n}`);
  state.registrations.push({ kind: 'kmem_cache', name: n, address: handle });
  ctx.note(`${why}: created slab cache '${n}' of ${u32(size)}-byte objects${ctor ? ' with a constructor' : ''} (handle ${hexU64(handle)})`);
  return handle;
}

function liveObjects(state: KernelCallState, cache: bigint): Set<bigint> {
  let s = state.cacheObjects.get(cache);
  if (!s) state.cacheObjects.set(cache, (s = new Set()));
  return s;
}

function cacheAlloc(ctx: KernelCallContext, state: KernelCallState, why: string, cache: bigint, gfp: bigint): bigint | 'not-modelled' {
  const info = state.caches.get(cache);
  if (!info) {
    ctx.note(`${why}: ${hexU64(cache)} is not a cache this module created (a vmlinux cache?): not modelled`);
    return 'not-modelled';
  }
  const zero = (gfp & GFP.ZERO) !== 0n;
  const p = ctx.kmalloc(Math.max(info.objectSize, 1), zero, `${why} '${info.name}'`);
  if (p !== 0n) liveObjects(state, cache).add(p);
  ctx.note(
    `${why}: object of '${info.name}' (${info.objectSize} bytes${zero ? ', zeroed' : ''}) at ` +
      `${hexU64(p)}${info.ctor ? '; its constructor is not run by this model' : ''}`,
  );
  return p;
}

export function allocFunctions(state: KernelCallState): Record<string, KernelFunction> {
  return {
    __kmalloc: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), '__kmalloc'),
    kmalloc_trace: (ctx) => kmallocModel(ctx, ctx.arg(2), ctx.arg(1), 'kmalloc_trace'),
    kmalloc_node_trace: (ctx) => kmallocModel(ctx, ctx.arg(3), ctx.arg(1), 'kmalloc_node_trace'),
    __kmalloc_node: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), '__kmalloc_node'),
    __kmalloc_node_track_caller: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), '__kmalloc_node_track_caller'),
    kmalloc_large: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), 'kmalloc_large'),
    kmalloc_large_node: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), 'kmalloc_large_node'),
    // Before 6.1: kmem_cache_alloc_trace(s, gfp, size) and kmalloc_order_trace(size, gfp, order).
    kmem_cache_alloc_trace: (ctx) => kmallocModel(ctx, ctx.arg(2), ctx.arg(1), 'kmem_cache_alloc_trace'),
    kmalloc_order_trace: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), 'kmalloc_order_trace'),
    kvmalloc_node: (ctx) => kmallocModel(ctx, ctx.arg(0), ctx.arg(1), 'kvmalloc_node'),
    kfree: (ctx) => (kfreeModel(ctx, ctx.arg(0)), 0n),
    kvfree: (ctx) => (kfreeModel(ctx, ctx.arg(0), 'kvfree'), 0n),
    kfree_sensitive: (ctx) => (kfreeModel(ctx, ctx.arg(0), 'kfree_sensitive'), 0n),
    vmalloc: (ctx) => vmallocModel(ctx, ctx.arg(0), false, 'vmalloc'),
    vzalloc: (ctx) => vmallocModel(ctx, ctx.arg(0), true, 'vzalloc'),
    vmalloc_node: (ctx) => vmallocModel(ctx, ctx.arg(0), false, 'vmalloc_node'),
    vzalloc_node: (ctx) => vmallocModel(ctx, ctx.arg(0), true, 'vzalloc_node'),
    vmalloc_user: (ctx) => vmallocModel(ctx, ctx.arg(0), true, 'vmalloc_user'),
    __vmalloc: (ctx) => vmallocModel(ctx, ctx.arg(0), (ctx.arg(1) & GFP.ZERO) !== 0n, '__vmalloc'),
    vfree: (ctx) => (kfreeModel(ctx, ctx.arg(0), 'vfree'), 0n),
    kmem_cache_create: (ctx) => cacheCreate(ctx, state, 'kmem_cache_create', ctx.arg(0), ctx.arg(1), ctx.arg(2), ctx.arg(3), ctx.arg(4)),
    kmem_cache_create_usercopy: (ctx) =>
      cacheCreate(ctx, state, 'kmem_cache_create_usercopy', ctx.arg(0), ctx.arg(1), ctx.arg(2), ctx.arg(3), ctx.arg(6)),
    kmem_cache_alloc: (ctx) => cacheAlloc(ctx, state, 'kmem_cache_alloc', ctx.arg(0), ctx.arg(1)),
    kmem_cache_alloc_lru: (ctx) => cacheAlloc(ctx, state, 'kmem_cache_alloc_lru', ctx.arg(0), ctx.arg(2)),
    kmem_cache_alloc_node: (ctx) => cacheAlloc(ctx, state, 'kmem_cache_alloc_node', ctx.arg(0), ctx.arg(1)),
    kmem_cache_free: (ctx) => {
      const p = ctx.arg(1);
      liveObjects(state, ctx.arg(0)).delete(p);
      kfreeModel(ctx, p, 'kmem_cache_free');
      return 0n;
    },
    kmem_cache_destroy: (ctx) => {
      const s = ctx.arg(0);
      if (s === 0n) return 0n;
      const info = state.caches.get(s);
      if (!info) {
        ctx.note(`kmem_cache_destroy: ${hexU64(s)} is not a cache this module created: not modelled`);
        return 'not-modelled';
      }
      const left = liveObjects(state, s).size;
      if (left) {
        // mm/slab_common.c: WARN(err, "%s %s: Slab cache still has objects when called from %pS", ...)
        ctx.note(
          `kmem_cache_destroy: '${info.name}' still has ${left} object(s): the kernel WARNs "Slab cache still has objects" and keeps the cache`,
        );
        return 0n;
      }
      state.caches.delete(s);
      state.cacheObjects.delete(s);
      state.handles.delete(s);
      ctx.kfree(s);
      ctx.note(`kmem_cache_destroy: destroyed slab cache '${info.name}'`);
      return 0n;
    },
  };
}
