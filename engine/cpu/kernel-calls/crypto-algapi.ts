/**
 * Helpers of crypto/algapi.c (6.1) that only touch memory.
 * crypto_init_queue(queue, max_qlen): INIT_LIST_HEAD(&queue->list); backlog = &queue->list; qlen = 0; max_qlen = max_qlen.
 * struct crypto_queue { struct list_head list; struct list_head *backlog @16; unsigned int qlen @24, max_qlen @28 }.
 * __crypto_xor(dst, src1, src2, len): dst = src1 ^ src2, on x86-64 (CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) in 8-byte
 * unaligned words while len >= 8, then 4-, 2- and 1-byte steps, each read before its write (so dst may be src1).
 * crypto_inc(a, size): the size-byte big-endian counter at a plus one, by 32-bit words from the end while a word
 * carries out, then bytes (crypto_inc_byte()).
 */
import type { KernelFunction } from '../types';
import { u32, writeU32, writeU64 } from './mem';

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
    __crypto_xor: (ctx) => {
      let [dst, src1, src2] = [ctx.arg(0), ctx.arg(1), ctx.arg(2)];
      let len = u32(ctx.arg(3));
      for (const step of [8, 4, 2, 1]) {
        while (len >= step) {
          const a = ctx.mem.read(src1, step, 'read');
          const b = ctx.mem.read(src2, step, 'read');
          ctx.mem.write(
            dst,
            a.map((v, i) => v ^ b[i]),
          );
          const n = BigInt(step);
          [dst, src1, src2] = [dst + n, src1 + n, src2 + n];
          len -= step;
        }
      }
      return 0n;
    },
    crypto_inc: (ctx) => {
      const a = ctx.arg(0);
      let size = u32(ctx.arg(1));
      // Words from the end: be32 + 1; done unless it wrapped to 0.
      for (; size >= 4; size -= 4) {
        const at = a + BigInt(size - 4);
        const w = ctx.mem.read(at, 4, 'read');
        const c = (((w[0] << 24) | (w[1] << 16) | (w[2] << 8) | w[3]) + 1) >>> 0;
        ctx.mem.write(at, Uint8Array.of(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff));
        if (c) return 0n;
      }
      for (; size; size--) {
        const at = a + BigInt(size - 1);
        const c = (ctx.mem.read(at, 1, 'read')[0] + 1) & 0xff;
        ctx.mem.write(at, Uint8Array.of(c));
        if (c) break;
      }
      return 0n;
    },
  };
}
