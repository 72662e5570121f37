/** list-lru.ts: __list_lru_init() (mm/list_lru.c) as binder's binder_alloc_shrinker_init() calls it. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32, readU64 } from './mem';

describe('__list_lru_init', () => {
  it('allocates one empty node, shrinker_id -1 without a shrinker; memcg aware: xa flags and list; destroy frees the node', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const lru = DATA_BASE + 0x100n;
    ctx.map(lru, 48, 0xaa);
    expect(call('__list_lru_init', lru, 1n, 0n, 0n)).toBe(0n);
    const node = readU64(ctx.mem, lru);
    expect(readU64(ctx.mem, node + 8n)).toBe(node + 8n);
    expect(readU64(ctx.mem, node + 24n)).toBe(0n);
    expect(readU32(ctx.mem, lru + 24n)).toBe(0xffffffff);
    expect(ctx.peek(lru + 28n, 1)[0]).toBe(1);
    expect(readU32(ctx.mem, lru + 36n)).toBe(1); // XA_FLAGS_LOCK_IRQ
    call('list_lru_destroy', lru);
    expect(readU64(ctx.mem, lru)).toBe(0n);
    expect(ctx.freed).toEqual([node]);
  });
});
