/**
 * struct list_head in the modelled memory (include/linux/list.h): next at +0, prev at +8. The kernel models that
 * build or walk kernel lists (dentries, mounts, a device's devres, device_initialize()'s heads) use these.
 */
import type { KernelCallContext } from '../types';
import { readU64, writeU64 } from './mem';

/** INIT_LIST_HEAD. */
export function listInit(ctx: KernelCallContext, head: bigint): void {
  writeU64(ctx.mem, head, head);
  writeU64(ctx.mem, head + 8n, head);
}

/** __list_add(new, prev, next). */
function listInsert(ctx: KernelCallContext, node: bigint, prev: bigint, next: bigint): void {
  writeU64(ctx.mem, next + 8n, node);
  writeU64(ctx.mem, node, next);
  writeU64(ctx.mem, node + 8n, prev);
  writeU64(ctx.mem, prev, node);
}

/** list_add(new, head). */
export function listAdd(ctx: KernelCallContext, node: bigint, head: bigint): void {
  listInsert(ctx, node, head, readU64(ctx.mem, head));
}

/** list_add_tail(new, head). */
export function listAddTail(ctx: KernelCallContext, node: bigint, head: bigint): void {
  listInsert(ctx, node, readU64(ctx.mem, head + 8n), head);
}

/** list_del_init(entry) (list_del() poisons instead: the models' callers re-read neither). */
export function listDelInit(ctx: KernelCallContext, node: bigint): void {
  const next = readU64(ctx.mem, node);
  const prev = readU64(ctx.mem, node + 8n);
  writeU64(ctx.mem, next + 8n, prev);
  writeU64(ctx.mem, prev, next);
  listInit(ctx, node);
}

/** list_empty(head). */
export const listEmpty = (ctx: KernelCallContext, head: bigint): boolean => readU64(ctx.mem, head) === head;
