/** lib/list_debug.c checks: list_add() and list_del() only change a list they call valid. */
import { describe, expect, it } from 'vitest';
import { kernelFunctionModels } from './registry';
import { KernelCallState } from './state';
import { fakeContext } from './fake-context';

function words(...ws: bigint[]): Uint8Array {
  const b = new Uint8Array(ws.length * 8);
  ws.forEach((w, i) => {
    for (let j = 0; j < 8; j++) b[i * 8 + j] = Number((w >> BigInt(8 * j)) & 0xffn);
  });
  return b;
}

describe('CONFIG_DEBUG_LIST checks (lib/list_debug.c)', () => {
  const state = new KernelCallState();
  const models = kernelFunctionModels(state);
  const ctx = fakeContext();
  const add = models.get('__list_add_valid');
  const del = models.get('__list_del_entry_valid');
  if (!add || !del) throw new Error('list checks are not modelled');
  // An empty list head H (next = prev = H) and a new entry N.
  const H = 0xffffffffc0320000n;
  const N = 0xffffffffc0320100n;
  ctx.poke(H, words(H, H));
  ctx.poke(N, words(0n, 0n));

  it('lets list_add() into an empty list go ahead', () => {
    expect(ctx.call(add, N, H, H)).toBe(1n);
  });

  it('refuses a double add and a corrupt neighbour with the kernel message', () => {
    expect(ctx.call(add, H, H, H)).toBe(0n);
    expect(ctx.log.at(-1)?.text).toBe(`list_add double add: new=${H.toString(16)}, prev=${H.toString(16)}, next=${H.toString(16)}.`);
    expect(ctx.call(add, N, H, N)).toBe(0n);
    expect(ctx.log.at(-1)?.text).toMatch(/^list_add corruption\. next->prev should be prev \(ffffffffc0320000\), but was 0000000000000000\./);
  });

  it('checks list_del() the same way, LIST_POISON included', () => {
    ctx.poke(N, words(H, H));
    ctx.poke(H, words(N, N));
    expect(ctx.call(del, N)).toBe(1n);
    ctx.poke(N, words(0xdead000000000100n, H));
    expect(ctx.call(del, N)).toBe(0n);
    expect(ctx.log.at(-1)?.text).toBe('list_del corruption, ffffffffc0320100->next is LIST_POISON1 (dead000000000100)');
  });
});
