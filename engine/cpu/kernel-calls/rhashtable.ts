/**
 * lib/rhashtable.c (6.1): rhashtable_init()/rhltable_init() fill the caller's struct rhashtable and
 * give it its first bucket table; rhashtable_free_and_destroy() gives the table back. Inserts and
 * lookups are inline in the module (include/linux/rhashtable.h) and work on these bytes directly.
 * Offsets are x86-64 Debian 6.1 (no lockdep, CONFIG_MUTEX_SPIN_ON_OWNER=y).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU32, readU64, ret, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';

/** struct rhashtable: tbl, key_len, max_elems, p (struct rhashtable_params), rhlist, run_work, mutex, lock, nelems. */
const HT = { tbl: 0, keyLen: 8, maxElems: 12, p: 16, rhlist: 56, runWork: 64, mutex: 96, lock: 128, nelems: 132, size: 136 };
/** struct rhashtable_params inside it. */
const P = { nelemHint: 0, keyLen: 2, maxSize: 8, minSize: 12, hashfn: 16, objHashfn: 24, objCmpfn: 32, size: 40 };
/** struct bucket_table: size, nest, hash_rnd, walkers, rcu, future_tbl, then buckets[] cache-line aligned. */
const BT = { size: 0, hashRnd: 8, walkers: 16, buckets: 64 };
/** struct work_struct: data, entry, func; struct mutex: owner, wait_lock, osq, wait_list. */
const WORK_ENTRY = 8;
const WORK_FUNC = 24;
const MUTEX_WAIT_LIST = 16;
/** INIT_WORK's data: WORK_STRUCT_NO_POOL = WORK_OFFQ_POOL_NONE (2^31 - 1) << WORK_OFFQ_POOL_SHIFT (5). */
const WORK_STRUCT_NO_POOL = ((1n << 31n) - 1n) << 5n;
const HASH_DEFAULT_SIZE = 64;
const HASH_MIN_SIZE = 4;
const EINVAL = 22;

const u16at = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32at = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const u64at = (b: Uint8Array, o: number): bigint => {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[o + i]);
  return v;
};
const pow2Up = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));
const pow2Down = (n: number): number => 2 ** Math.floor(Math.log2(n));

function initTable(s: KernelCallState, ctx: KernelCallContext, ht: bigint, params: bigint, rhlist: boolean, fn: string): bigint {
  const p = ctx.mem.read(params, P.size, 'read');
  const keyLen = u16at(p, P.keyLen);
  const objHashfn = u64at(p, P.objHashfn);
  if ((keyLen === 0 && objHashfn === 0n) || (objHashfn !== 0n && u64at(p, P.objCmpfn) === 0n)) {
    ctx.note(`${fn}: no key_len and no obj_hashfn (or obj_hashfn without obj_cmpfn): -EINVAL`);
    return ret(-EINVAL);
  }
  // memset(ht, 0, sizeof(*ht)); memcpy(&ht->p, params, sizeof(*params)); then the size fix-ups.
  const q = new Uint8Array(HT.size);
  q.set(p, HT.p);
  const view = new DataView(q.buffer);
  let minSize = u16at(p, P.minSize);
  if (minSize) minSize = pow2Up(minSize);
  let maxElems = 2 ** 31;
  const maxSize = u32at(p, P.maxSize);
  if (maxSize) {
    const m = pow2Down(maxSize);
    view.setUint32(HT.p + P.maxSize, m, true);
    if (m < maxElems / 2) maxElems = m * 2;
  }
  minSize = Math.max(minSize, HASH_MIN_SIZE);
  view.setUint16(HT.p + P.minSize, minSize, true);
  view.setUint32(HT.maxElems, maxElems, true);
  // rounded_hashtable_size()
  const hint = u16at(p, P.nelemHint);
  const size = hint ? Math.max(pow2Up(Math.floor((hint * 4) / 3)), minSize) : Math.max(HASH_DEFAULT_SIZE, minSize);
  let htKeyLen = keyLen;
  if (u64at(p, P.hashfn) === 0n) {
    // jhash, or rhashtable_jhash2 over u32 words when key_len is a multiple of 4: kernel text, found by name.
    const word = (keyLen & 3) === 0;
    if (word) htKeyLen = keyLen / 4;
    const f = s.options.lookupSymbol?.(word ? 'rhashtable_jhash2' : 'jhash') ?? 0n;
    view.setBigUint64(HT.p + P.hashfn, f, true);
  }
  view.setUint32(HT.keyLen, htKeyLen, true);
  q[HT.rhlist] = rhlist ? 1 : 0;
  ctx.mem.write(ht, q);
  // bucket_table_alloc(): kvzalloc(struct_size(tbl, buckets, size)); buckets NULL (INIT_RHT_NULLS_HEAD), walkers empty.
  const tbl = ctx.kmalloc(BT.buckets + 8 * size, true, `rhashtable bucket table (${size} buckets)`);
  writeU32(ctx.mem, tbl + BigInt(BT.size), size);
  // hash_rnd = get_random_u32(): a fixed stand-in (the real value differs every boot and never shows).
  writeU32(ctx.mem, tbl + BigInt(BT.hashRnd), 0x9e3779b9);
  writeU64(ctx.mem, tbl + BigInt(BT.walkers), tbl + BigInt(BT.walkers));
  writeU64(ctx.mem, tbl + BigInt(BT.walkers) + 8n, tbl + BigInt(BT.walkers));
  writeU64(ctx.mem, ht + BigInt(HT.tbl), tbl);
  // mutex_init(&ht->mutex): empty wait_list; INIT_WORK(&ht->run_work, rht_deferred_worker).
  const wl = ht + BigInt(HT.mutex + MUTEX_WAIT_LIST);
  writeU64(ctx.mem, wl, wl);
  writeU64(ctx.mem, wl + 8n, wl);
  const work = ht + BigInt(HT.runWork);
  writeU64(ctx.mem, work, WORK_STRUCT_NO_POOL);
  writeU64(ctx.mem, work + BigInt(WORK_ENTRY), work + BigInt(WORK_ENTRY));
  writeU64(ctx.mem, work + BigInt(WORK_ENTRY) + 8n, work + BigInt(WORK_ENTRY));
  writeU64(ctx.mem, work + BigInt(WORK_FUNC), s.options.lookupSymbol?.('rht_deferred_worker') ?? 0n);
  s.rhashtables.set(ht, tbl);
  ctx.note(`${fn}: table at ${hexU64(ht)} initialised, ${size} buckets at ${hexU64(tbl)}, returns 0`);
  return 0n;
}

export function rhashtableFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // int rhashtable_init(struct rhashtable *ht, const struct rhashtable_params *params)
    rhashtable_init: (ctx) => initTable(s, ctx, ctx.arg(0), ctx.arg(1), false, 'rhashtable_init'),
    // int rhltable_init(struct rhltable *hlt, const struct rhashtable_params *params): rhashtable_init(), then ht.rhlist = true.
    rhltable_init: (ctx) => initTable(s, ctx, ctx.arg(0), ctx.arg(1), true, 'rhltable_init'),
    // void rhashtable_free_and_destroy(ht, free_fn, arg): free_fn for every element, then the bucket table.
    // Elements the module inserted (inline code) would need free_fn called on each: only an empty table is modelled.
    rhashtable_free_and_destroy: (ctx) => destroy(s, ctx, 'rhashtable_free_and_destroy'),
    rhashtable_destroy: (ctx) => destroy(s, ctx, 'rhashtable_destroy'),
  };
}

function destroy(s: KernelCallState, ctx: KernelCallContext, fn: string): bigint | 'not-modelled' {
  const ht = ctx.arg(0);
  const tbl = readU64(ctx.mem, ht + BigInt(HT.tbl));
  if (s.rhashtables.get(ht) !== tbl) return 'not-modelled';
  const size = readU32(ctx.mem, tbl + BigInt(BT.size));
  const buckets = ctx.mem.read(tbl + BigInt(BT.buckets), 8 * size, 'read');
  if (buckets.some((b) => b !== 0)) return 'not-modelled';
  ctx.kfree(tbl);
  s.rhashtables.delete(ht);
  ctx.note(`${fn}: empty table at ${hexU64(ht)}, its bucket table freed`);
  return 0n;
}
