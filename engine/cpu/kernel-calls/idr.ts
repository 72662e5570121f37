/**
 * IDRs (lib/idr.c, lib/radix-tree.c of 6.1) as module code uses them: through functions. struct idr
 * { struct radix_tree_root idr_rt (xa_lock, xa_flags, xa_head @8); unsigned int idr_base @16, idr_next @20 }.
 * Each IDR's ids are kept beside it, keyed by the struct's address; its xa_head is kept non-NULL exactly while
 * it holds an id (idr_is_empty() reads it inline): a zeroed stand-in node marked internal (| 2), since the
 * kernel's radix-tree nodes are not built. idr_alloc() of a NULL pointer reserves the id, as in the kernel.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU32, readU64, ret, s32, writeU32, writeU64 } from './mem';
import { hexU64 as hex } from '../../base/hex';
import type { KernelCallState } from './state';

const XA_HEAD = 8n;
const IDR_BASE = 16n;
const IDR_NEXT = 20n;
const INT_MAX = 0x7fffffff;
const ENOSPC = 28;
const ENOENT = 2;
/** sizeof(struct radix_tree_node) with 64 slots. */
const NODE_SIZE = 576;

export function idrFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const ids = (idr: bigint): Map<number, bigint> => {
    let m = s.idrs.get(idr);
    if (!m) s.idrs.set(idr, (m = new Map()));
    return m;
  };
  const sync = (ctx: KernelCallContext, idr: bigint, m: Map<number, bigint>): void => {
    const head = readU64(ctx.mem, idr + XA_HEAD);
    if (m.size && head === 0n)
      writeU64(ctx.mem, idr + XA_HEAD, ctx.kmalloc(NODE_SIZE, true, `radix_tree_node stand-in for the idr at ${hex(idr)}`) | 2n);
    if (!m.size && head !== 0n) {
      if ((head & 3n) === 2n) ctx.kfree(head & ~3n);
      writeU64(ctx.mem, idr + XA_HEAD, 0n);
    }
  };
  /** idr_alloc_u32(): the lowest free id from *nextid (relative to idr_base) up to max; -ENOSPC if none. */
  const allocU32 = (ctx: KernelCallContext, idr: bigint, ptr: bigint, from: number, max: number): number => {
    const base = readU32(ctx.mem, idr + IDR_BASE);
    if (max < base) return -ENOSPC;
    const m = ids(idr);
    let id = from < base ? 0 : from - base;
    while (id <= max - base && m.has(id)) id++;
    if (id > max - base) return -ENOSPC;
    m.set(id, ptr);
    sync(ctx, idr, m);
    return id + base;
  };
  const lookup = (ctx: KernelCallContext, idr: bigint, id: bigint): number | null => {
    const rel = id - BigInt(readU32(ctx.mem, idr + IDR_BASE));
    return rel < 0n || rel > BigInt(INT_MAX) ? null : Number(rel);
  };
  return {
    // int idr_alloc(struct idr *idr, void *ptr, int start, int end, gfp_t gfp): end <= 0 means up to INT_MAX.
    idr_alloc: (ctx) => {
      const start = s32(ctx.arg(2));
      const end = s32(ctx.arg(3));
      if (start < 0) return 'not-modelled'; // WARN_ON_ONCE(start < 0), then -EINVAL
      const id = allocU32(ctx, ctx.arg(0), ctx.arg(1), start, end > 0 ? end - 1 : INT_MAX);
      ctx.note(`idr_alloc: ${id < 0 ? `no free id in [${start}, ${end > 0 ? end : 'INT_MAX'}), ${id}` : `id ${id}`}`);
      return ret(id);
    },
    // int idr_alloc_cyclic(idr, ptr, start, end, gfp): from idr_next, wrapping to start once; idr_next = id + 1.
    idr_alloc_cyclic: (ctx) => {
      const idr = ctx.arg(0);
      const start = s32(ctx.arg(2));
      const end = s32(ctx.arg(3));
      const max = end > 0 ? end - 1 : INT_MAX;
      let from = readU32(ctx.mem, idr + IDR_NEXT);
      if ((from | 0) < start) from = start;
      let id = allocU32(ctx, idr, ctx.arg(1), from, max);
      if (id === -ENOSPC && from > start) id = allocU32(ctx, idr, ctx.arg(1), start, max);
      if (id >= 0) writeU32(ctx.mem, idr + IDR_NEXT, (id + 1) >>> 0);
      ctx.note(`idr_alloc_cyclic: ${id < 0 ? `no free id, ${id}` : `id ${id}`}`);
      return ret(id);
    },
    // void *idr_find(const struct idr *idr, unsigned long id)
    idr_find: (ctx) => {
      const rel = lookup(ctx, ctx.arg(0), ctx.arg(1));
      return rel === null ? 0n : (s.idrs.get(ctx.arg(0))?.get(rel) ?? 0n);
    },
    // void *idr_remove(struct idr *idr, unsigned long id): the pointer that was there, or NULL.
    idr_remove: (ctx) => {
      const idr = ctx.arg(0);
      const rel = lookup(ctx, idr, ctx.arg(1));
      const m = s.idrs.get(idr);
      if (rel === null || !m?.has(rel)) return 0n;
      const p = m.get(rel) ?? 0n;
      m.delete(rel);
      sync(ctx, idr, m);
      return p;
    },
    // void *idr_replace(struct idr *idr, void *ptr, unsigned long id): the old pointer, or ERR_PTR(-ENOENT).
    idr_replace: (ctx) => {
      const idr = ctx.arg(0);
      const rel = lookup(ctx, idr, ctx.arg(2));
      const m = s.idrs.get(idr);
      if (rel === null || !m?.has(rel)) return ret(-ENOENT);
      const old = m.get(rel) ?? 0n;
      m.set(rel, ctx.arg(1));
      return old;
    },
    // void *idr_get_next(struct idr *idr, int *nextid): the first non-NULL entry at or after *nextid.
    idr_get_next: (ctx) => {
      const idr = ctx.arg(0);
      const base = readU32(ctx.mem, idr + IDR_BASE);
      const from = readU32(ctx.mem, ctx.arg(1));
      const rel = from < base ? 0 : from - base;
      const hit = [...(s.idrs.get(idr) ?? new Map<number, bigint>())].filter(([i, p]) => i >= rel && p !== 0n).sort((a, b) => a[0] - b[0])[0];
      if (!hit) return 0n;
      writeU32(ctx.mem, ctx.arg(1), hit[0] + base);
      return hit[1];
    },
    // void idr_destroy(struct idr *idr): frees the nodes (not the pointers), xa_head = NULL.
    idr_destroy: (ctx) => {
      const idr = ctx.arg(0);
      const m = ids(idr);
      m.clear();
      sync(ctx, idr, m);
      s.idrs.delete(idr);
      return 0n;
    },
    // int idr_for_each(idr, fn, data): calls fn for each entry (module code): only an empty IDR is modelled (returns 0).
    idr_for_each: (ctx) => ([...(s.idrs.get(ctx.arg(0))?.values() ?? [])].some((p) => p !== 0n) ? 'not-modelled' : 0n),
  };
}
