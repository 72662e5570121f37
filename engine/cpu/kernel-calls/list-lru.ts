/**
 * List LRUs (mm/list_lru.c of 6.1, CONFIG_MEMCG_KMEM=y). struct list_lru { struct list_lru_node *node; struct
 * list_head list @8; int shrinker_id @24; bool memcg_aware @28; struct xarray xa @32 }; struct list_lru_node
 * (cache-line aligned: 64 bytes) { spinlock_t lock; struct list_lru_one lru { list_head list @8; long nr_items @24 };
 * long nr_items @32 }.
 * __list_lru_init(lru, memcg_aware, key, shrinker): shrinker_id = shrinker ? shrinker->id : -1; node = kcalloc(nr_node_ids
 * = 1, 64); each node's list empty; memcg_aware: xa_init_flags(&xa, XA_FLAGS_LOCK_IRQ) and the lru joins memcg_list_lrus
 * (vmlinux data the model does not hold: its list entry is linked to itself). list_lru_destroy() frees the nodes.
 */
import type { KernelFunction } from '../types';
import { readU32, readU64, writeU32, writeU64 } from './mem';

const LIST = 8n;
const SHRINKER_ID = 24n;
const MEMCG_AWARE = 28n;
const XA = 32n;
const NODE_SIZE = 64;
const XA_FLAGS_LOCK_IRQ = 1;
/** struct shrinker: count_objects, scan_objects, batch, seeks (int), flags (unsigned), list (16), then int id @48. */
const SHRINKER_ID_FIELD = 48n;

export function listLruFunctions(): Record<string, KernelFunction> {
  return {
    __list_lru_init: (ctx) => {
      const lru = ctx.arg(0);
      const aware = (ctx.arg(1) & 0xffn) !== 0n;
      const shrinker = ctx.arg(3);
      writeU32(ctx.mem, lru + SHRINKER_ID, shrinker ? readU32(ctx.mem, shrinker + SHRINKER_ID_FIELD) : 0xffffffff);
      const node = ctx.kmalloc(NODE_SIZE, true, 'list_lru_node[1]');
      writeU64(ctx.mem, node + 8n, node + 8n);
      writeU64(ctx.mem, node + 16n, node + 8n);
      writeU64(ctx.mem, lru, node);
      if (aware) {
        writeU32(ctx.mem, lru + XA, 0);
        writeU32(ctx.mem, lru + XA + 4n, XA_FLAGS_LOCK_IRQ);
        writeU64(ctx.mem, lru + XA + 8n, 0n);
        writeU64(ctx.mem, lru + LIST, lru + LIST);
        writeU64(ctx.mem, lru + LIST + 8n, lru + LIST);
      }
      ctx.mem.write(lru + MEMCG_AWARE, Uint8Array.of(aware ? 1 : 0));
      ctx.note(`__list_lru_init: one node (nr_node_ids = 1), empty${aware ? ', memcg aware' : ''}; returns 0`);
      return 0n;
    },
    // void list_lru_destroy(struct list_lru *lru): nothing if node is NULL; else kfree(node), node = NULL.
    list_lru_destroy: (ctx) => {
      const lru = ctx.arg(0);
      const node = readU64(ctx.mem, lru);
      if (node === 0n) return 0n;
      ctx.kfree(node);
      writeU64(ctx.mem, lru, 0n);
      return 0n;
    },
  };
}
