import { describe, expect, it } from 'vitest';
import { fakeContext } from './fake-context';
import { kernelFunctionModels } from './registry';
import { KernelCallState } from './state';
import type { KernelFunction } from '../types';

const GFP_KERNEL = 0xcc0n;
const __GFP_ZERO = 0x100n;

function setup() {
  const ctx = fakeContext();
  const state = new KernelCallState();
  const models = kernelFunctionModels(state);
  const fn = (name: string): KernelFunction => {
    const f = models.get(name);
    if (!f) throw new Error(`no model for ${name}`);
    return f;
  };
  return { ctx, fn, state };
}

describe('kmalloc family', () => {
  it('kmalloc_trace(cache, gfp, size) allocates size bytes; kzalloc (__GFP_ZERO) zeroes them', () => {
    const { ctx, fn } = setup();
    const cache = 0xffffffff82000000n; // kmalloc_caches[..][..]: ignored
    const p = ctx.call(fn('kmalloc_trace'), cache, GFP_KERNEL, 64n) as bigint;
    expect(p).not.toBe(0n);
    expect(ctx.peek(p, 4)[0]).toBe(0xaa); // not zeroed
    const z = ctx.call(fn('kmalloc_trace'), cache, GFP_KERNEL | __GFP_ZERO, 64n) as bigint;
    expect([...ctx.peek(z, 64)].every((b) => b === 0)).toBe(true);
    const q = ctx.call(fn('__kmalloc'), 100n, GFP_KERNEL | __GFP_ZERO) as bigint;
    expect([...ctx.peek(q, 100)].every((b) => b === 0)).toBe(true);
  });
  it('kmalloc(0) is ZERO_SIZE_PTR, too big is NULL, kfree ignores NULL and ZERO_SIZE_PTR', () => {
    const { ctx, fn } = setup();
    expect(ctx.call(fn('__kmalloc'), 0n, GFP_KERNEL)).toBe(16n);
    expect(ctx.call(fn('__kmalloc'), 5n << 20n, GFP_KERNEL)).toBe(0n);
    ctx.call(fn('kfree'), 0n);
    ctx.call(fn('kfree'), 16n);
    expect(ctx.freed).toEqual([]);
    const p = ctx.call(fn('__kmalloc'), 8n, GFP_KERNEL) as bigint;
    ctx.call(fn('kfree'), p);
    expect(ctx.freed).toEqual([p]);
  });
  it('vzalloc zeroes, vmalloc(0) fails', () => {
    const { ctx, fn } = setup();
    const p = ctx.call(fn('vzalloc'), 10n) as bigint;
    expect([...ctx.peek(p, 4096)].every((b) => b === 0)).toBe(true);
    expect(ctx.call(fn('vmalloc'), 0n)).toBe(0n);
  });
});

describe('kmem_cache', () => {
  it('records the name and object size; allocations use it; destroy frees the handle', () => {
    const { ctx, fn, state } = setup();
    const h = ctx.call(fn('kmem_cache_create'), ctx.str('my_cache'), 100n, 8n, 0n, 0n) as bigint;
    expect(state.caches.get(h)).toMatchObject({ name: 'my_cache', objectSize: 100 });
    const o = ctx.call(fn('kmem_cache_alloc'), h, GFP_KERNEL | __GFP_ZERO) as bigint;
    expect([...ctx.peek(o, 100)].every((b) => b === 0)).toBe(true);
    ctx.call(fn('kmem_cache_destroy'), h);
    expect(state.caches.has(h)).toBe(true); // still has an object: the kernel WARNs and keeps it
    ctx.call(fn('kmem_cache_free'), h, o);
    ctx.call(fn('kmem_cache_destroy'), h);
    expect(state.caches.has(h)).toBe(false);
    expect(ctx.freed).toEqual([o, h]);
    expect(ctx.call(fn('kmem_cache_alloc'), 0xffff888012345678n, GFP_KERNEL)).toBe('not-modelled');
  });
  it('kmem_cache_create_usercopy takes the constructor from the 7th argument', () => {
    const { ctx, fn, state } = setup();
    const h = ctx.call(fn('kmem_cache_create_usercopy'), ctx.str('uc'), 64n, 0n, 0n, 0n, 64n, 0xffffffffc0201000n) as bigint;
    expect(state.caches.get(h)).toMatchObject({ name: 'uc', objectSize: 64, ctor: 0xffffffffc0201000n });
  });
});
