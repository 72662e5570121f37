/**
 * XArrays (lib/xarray.c, 6.1) as module code uses them: through functions. Each array's entries and
 * marks are kept beside it, keyed by the struct xarray's address; the struct's own words are kept
 * true where inline code reads them — xa_head non-NULL exactly when the array holds something
 * (xa_empty()), and xa_flags' XA_FLAGS_MARK bits (xa_marked()). xa_head holds the entry itself when it
 * is the only one at index 0 (as the kernel stores it); otherwise a zeroed stand-in node marked as
 * internal (| 2): the kernel's node tree is not built, so code walking xa_head by hand is not modelled.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU32, readU64, ret, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState, XaState } from './state';

const XA_FLAGS = 4n;
const XA_HEAD = 8n;
/** XA_FLAGS_MARK(mark) = 1 << (__GFP_BITS_SHIFT (26 without lockdep) + mark). */
const XA_FLAGS_MARK = (mark: number): number => (1 << (26 + mark)) >>> 0;
const XA_MAX_MARKS = 3;
/** XA_PRESENT: xa_find()'s filter for any entry. */
const XA_PRESENT = 8;
/** sizeof(struct xa_node) with 64 slots. */
const XA_NODE_SIZE = 576;
const ULONG_MAX = (1n << 64n) - 1n;
const EBUSY = 16;
const EINVAL = 22;

/** xa_is_advanced(): an internal entry (low bits 10) up to XA_RETRY_ENTRY (xa_mk_internal(256)); such are refused. */
const isInternal = (e: bigint): boolean => (e & 3n) === 2n && e <= (256n << 2n) + 2n;
/** XA_FLAGS_TRACK_FREE (XA_FLAGS_ALLOC arrays): mark 0 is XA_FREE_MARK, the kernel's own "free slot" mark. */
const XA_FLAGS_TRACK_FREE = 4;

export function xarrayFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const get = (ctx: KernelCallContext, xa: bigint): XaState => {
    let st = s.xarrays.get(xa);
    // sync() keeps xa_head non-NULL while the array holds entries: a NULL xa_head with entries kept here is a new array
    // at the same address (a module loaded again where its previous copy was, its .data zeroed or xa_init()ed anew).
    if (st && st.entries.size && readU64(ctx.mem, xa + XA_HEAD) === 0n) st = undefined;
    if (!st) s.xarrays.set(xa, (st = { entries: new Map(), node: 0n }));
    return st;
  };
  /** Rewrite xa_head and the xa_flags mark bits after a change. */
  const sync = (ctx: KernelCallContext, xa: bigint, st: XaState): void => {
    const lone = st.entries.size === 1 ? st.entries.get(0n) : undefined;
    let head = 0n;
    if (lone && lone.value !== 0n)
      head = lone.value; // its marks are xa_flags' own mark bits
    else if (st.entries.size) {
      if (!st.node) st.node = ctx.kmalloc(XA_NODE_SIZE, true, `xa_node stand-in for the xarray at ${hexU64(xa)}`);
      head = st.node | 2n;
    }
    writeU64(ctx.mem, xa + XA_HEAD, head);
    let flags = readU32(ctx.mem, xa + XA_FLAGS);
    const trackFree = (flags & XA_FLAGS_TRACK_FREE) !== 0;
    for (let m = trackFree ? 1 : 0; m < XA_MAX_MARKS; m++) {
      const any = [...st.entries.values()].some((e) => e.marks.has(m));
      flags = any ? (flags | XA_FLAGS_MARK(m)) >>> 0 : (flags & ~XA_FLAGS_MARK(m)) >>> 0;
    }
    writeU32(ctx.mem, xa + XA_FLAGS, flags);
  };
  const store = (ctx: KernelCallContext, fn: string, insertOnly: boolean): bigint => {
    const xa = ctx.arg(0);
    const index = ctx.arg(1);
    const entry = ctx.arg(2);
    if (isInternal(entry)) return ret(-EINVAL);
    const st = get(ctx, xa);
    const old = st.entries.get(index);
    if (insertOnly) {
      if (old) {
        ctx.note(`${fn}: index ${index} of the xarray at ${hexU64(xa)} is taken: -EBUSY`);
        return ret(-EBUSY);
      }
      st.entries.set(index, { value: entry, marks: new Set() });
      ctx.note(`${fn}: ${hexU64(entry)} at index ${index} of the xarray at ${hexU64(xa)}`);
      sync(ctx, xa, st);
      return 0n;
    }
    if (entry === 0n) st.entries.delete(index);
    else st.entries.set(index, { value: entry, marks: old?.marks ?? new Set() });
    sync(ctx, xa, st);
    return old?.value ?? 0n;
  };
  const mark =
    (set: boolean): KernelFunction =>
    (ctx) => {
      const st = get(ctx, ctx.arg(0));
      const m = Number(ctx.arg(2) & 0xffffffffn);
      const trackFree = (readU32(ctx.mem, ctx.arg(0) + XA_FLAGS) & XA_FLAGS_TRACK_FREE) !== 0;
      if (m >= XA_MAX_MARKS || (m === 0 && trackFree)) return 'not-modelled';
      const e = st.entries.get(ctx.arg(1));
      if (e) {
        if (set) e.marks.add(m);
        else e.marks.delete(m);
        sync(ctx, ctx.arg(0), st);
      }
      return 0n;
    };
  /** xa_find()/xa_find_after(): the first entry at an index from *indexp (after it), up to max, matching the filter. */
  const find =
    (after: boolean): KernelFunction =>
    (ctx) => {
      const st = get(ctx, ctx.arg(0));
      const at = readU64(ctx.mem, ctx.arg(1));
      const max = ctx.arg(2);
      const filter = Number(ctx.arg(3) & 0xffffffffn);
      const trackFree = (readU32(ctx.mem, ctx.arg(0) + XA_FLAGS) & XA_FLAGS_TRACK_FREE) !== 0;
      if (filter !== XA_PRESENT && (filter >= XA_MAX_MARKS || (filter === 0 && trackFree))) return 'not-modelled';
      if (after && at === ULONG_MAX) return 0n;
      const from = after ? at + 1n : at;
      let best: bigint | null = null;
      for (const [i, e] of st.entries) {
        if (i < from || i > max || e.value === 0n || (filter !== XA_PRESENT && !e.marks.has(filter))) continue;
        if (best === null || i < best) best = i;
      }
      if (best === null) return 0n;
      writeU64(ctx.mem, ctx.arg(1), best);
      return st.entries.get(best)?.value ?? 0n;
    };
  const erase: KernelFunction = (ctx) => {
    const st = get(ctx, ctx.arg(0));
    const old = st.entries.get(ctx.arg(1));
    st.entries.delete(ctx.arg(1));
    sync(ctx, ctx.arg(0), st);
    return old?.value ?? 0n;
  };
  return {
    // int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp): -EBUSY when index holds anything.
    __xa_insert: (ctx) => store(ctx, '__xa_insert', true),
    // void *xa_store / __xa_store(xa, index, entry, gfp): the old entry; storing NULL erases.
    xa_store: (ctx) => store(ctx, 'xa_store', false),
    __xa_store: (ctx) => store(ctx, '__xa_store', false),
    // void *xa_load(struct xarray *xa, unsigned long index): NULL for nothing or a reserved slot.
    xa_load: (ctx) => get(ctx, ctx.arg(0)).entries.get(ctx.arg(1))?.value ?? 0n,
    xa_erase: erase,
    __xa_erase: erase,
    xa_set_mark: mark(true),
    __xa_set_mark: mark(true),
    xa_clear_mark: mark(false),
    __xa_clear_mark: mark(false),
    // bool xa_get_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
    xa_get_mark: (ctx) =>
      get(ctx, ctx.arg(0))
        .entries.get(ctx.arg(1))
        ?.marks.has(Number(ctx.arg(2) & 0xffffffffn))
        ? 1n
        : 0n,
    xa_find: find(false),
    xa_find_after: find(true),
    // void xa_destroy(struct xarray *xa): every entry gone, xa_head NULL.
    xa_destroy: (ctx) => {
      const st = get(ctx, ctx.arg(0));
      st.entries.clear();
      sync(ctx, ctx.arg(0), st);
      if (st.node) ctx.kfree(st.node);
      s.xarrays.delete(ctx.arg(0));
      return 0n;
    },
  };
}
