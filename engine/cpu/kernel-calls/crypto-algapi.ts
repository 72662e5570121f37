/**
 * Helpers of crypto/algapi.c (6.1) that only set up memory. crypto_init_queue(queue, max_qlen):
 * INIT_LIST_HEAD(&queue->list); backlog = &queue->list; qlen = 0; max_qlen = max_qlen.
 * struct crypto_queue { struct list_head list; struct list_head *backlog @16; unsigned int qlen @24, max_qlen @28 }.
 */
import type { KernelFunction } from '../types';
import { writeU32, writeU64 } from './mem';

export function cryptoAlgapiFunctions(): Record<string, KernelFunction> {
  return {
    crypto_init_queue: (ctx) => {
      const q = ctx.arg(0);
      writeU64(ctx.mem, q, q);
      writeU64(ctx.mem, q + 8n, q);
      writeU64(ctx.mem, q + 16n, q);
      writeU32(ctx.mem, q + 24n, 0);
      writeU32(ctx.mem, q + 28n, Number(ctx.arg(1) & 0xffffffffn));
      return 0n;
    },
  };
}
