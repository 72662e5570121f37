/**
 * lib/list_debug.c (CONFIG_DEBUG_LIST=y in Debian's 6.1): list_add() and list_del() ask
 * __list_add_valid() / __list_del_entry_valid() first and skip the change when they say false. Without
 * a model they "return 0", so every list_add() in a module silently does nothing. These read the
 * neighbours exactly as the kernel does; a corrupt list is reported with the kernel's message (the
 * model prints the line CHECK_DATA_CORRUPTION() would, without the WARN() body) and refused.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { printkText } from './printk';
import { readU64 } from './mem';
import type { KernelCallState } from './state';

/** include/linux/poison.h with POISON_POINTER_DELTA 0xdead000000000000 (x86-64). */
export const LIST_POISON1 = 0xdead000000000100n;
export const LIST_POISON2 = 0xdead000000000122n;

const px = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** struct list_head { next @0; prev @8 } */
const next = (ctx: KernelCallContext, h: bigint): bigint => readU64(ctx.mem, h);
const prev = (ctx: KernelCallContext, h: bigint): bigint => readU64(ctx.mem, h + 8n);

export function listDebugFunctions(state: KernelCallState): Record<string, KernelFunction> {
  const corrupt = (ctx: KernelCallContext, text: string): bigint => {
    printkText(ctx, state, 4, text);
    ctx.note(`list check failed: ${text.trim()}; the list is left unchanged`);
    return 0n;
  };
  return {
    // bool __list_add_valid(struct list_head *new, struct list_head *prev, struct list_head *next)
    __list_add_valid: (ctx) => {
      const [n, p, x] = [ctx.arg(0), ctx.arg(1), ctx.arg(2)];
      const xp = prev(ctx, x);
      if (xp !== p) return corrupt(ctx, `list_add corruption. next->prev should be prev (${px(p)}), but was ${px(xp)}. (next=${px(x)}).\n`);
      const pn = next(ctx, p);
      if (pn !== x) return corrupt(ctx, `list_add corruption. prev->next should be next (${px(x)}), but was ${px(pn)}. (prev=${px(p)}).\n`);
      if (n === p || n === x) return corrupt(ctx, `list_add double add: new=${px(n)}, prev=${px(p)}, next=${px(x)}.\n`);
      return 1n;
    },
    // bool __list_del_entry_valid(struct list_head *entry)
    __list_del_entry_valid: (ctx) => {
      const e = ctx.arg(0);
      const p = prev(ctx, e);
      const x = next(ctx, e);
      if (x === 0n) return corrupt(ctx, `list_del corruption, ${px(e)}->next is NULL\n`);
      if (p === 0n) return corrupt(ctx, `list_del corruption, ${px(e)}->prev is NULL\n`);
      if (x === LIST_POISON1) return corrupt(ctx, `list_del corruption, ${px(e)}->next is LIST_POISON1 (${px(LIST_POISON1)})\n`);
      if (p === LIST_POISON2) return corrupt(ctx, `list_del corruption, ${px(e)}->prev is LIST_POISON2 (${px(LIST_POISON2)})\n`);
      const pn = next(ctx, p);
      if (pn !== e) return corrupt(ctx, `list_del corruption. prev->next should be ${px(e)}, but was ${px(pn)}. (prev=${px(p)})\n`);
      const xp = prev(ctx, x);
      if (xp !== e) return corrupt(ctx, `list_del corruption. next->prev should be ${px(e)}, but was ${px(xp)}. (next=${px(x)})\n`);
      return 1n;
    },
  };
}
