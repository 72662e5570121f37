/**
 * Queues of socket buffers (include/linux/skbuff.h, net/core/skbuff.c of 6.1): struct sk_buff_head { struct sk_buff
 * *next; struct sk_buff *prev; __u32 qlen; spinlock_t lock; } — next 0, prev 8, qlen 16 — a ring through the list head
 * itself, which skb_queue_head_init() (inline) makes empty. sk_buff's own next and prev lead its struct (offsets 0, 8).
 */
import type { KernelFunction } from '../types';
import { readU32, readU64, writeU32, writeU64 } from './mem';

export function skbQueueFunctions(): Record<string, KernelFunction> {
  /** __skb_dequeue(): skb_peek() (NULL when next is the head), then __skb_unlink(). */
  const dequeue = (first: 0n | 8n): KernelFunction => (ctx) => {
    const list = ctx.arg(0);
    const skb = readU64(ctx.mem, list + first);
    if (skb === list) return 0n;
    writeU32(ctx.mem, list + 16n, readU32(ctx.mem, list + 16n) - 1);
    const next = readU64(ctx.mem, skb);
    const prev = readU64(ctx.mem, skb + 8n);
    writeU64(ctx.mem, skb, 0n);
    writeU64(ctx.mem, skb + 8n, 0n);
    writeU64(ctx.mem, next + 8n, prev);
    writeU64(ctx.mem, prev, next);
    return skb;
  };
  return {
    // struct sk_buff *skb_dequeue(struct sk_buff_head *list): under list->lock, __skb_dequeue(list).
    skb_dequeue: dequeue(0n),
    // struct sk_buff *skb_dequeue_tail(struct sk_buff_head *list): the same from the tail.
    skb_dequeue_tail: dequeue(8n),
  };
}
