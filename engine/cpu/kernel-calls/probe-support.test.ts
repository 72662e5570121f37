/** Kernel functions the corpus's platform probes call: devres actions, regmap lookup, hrtimer/tasklet setup, DMA masks, RTNL, net device names. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';

const SYMS = new Map<string, bigint>([
  ['devm_action_release', 0xffffffff816f8ce0n],
  ['devm_kmalloc_release', 0xffffffff816f8f20n],
  ['dev_get_regmap_release', 0xffffffff817169a0n],
  ['hrtimer_bases', 0x23000n],
]);
const setup = () => modelCaller(new KernelCallState({ lookupSymbol: (n) => SYMS.get(n) ?? null }));

describe('probe support', () => {
  it('devm_add_action: action(data) runs when the device is released; dev_get_regmap finds no regmap (NULL)', () => {
    const s = new KernelCallState({ lookupSymbol: (n) => SYMS.get(n) ?? null });
    const { ctx, call } = modelCaller(s);
    const drv = ctx.poke(0xffffffffc0400000n, new Uint8Array(208));
    ctx.mem.write(drv + 48n, new Uint8Array(new BigUint64Array([ctx.str('act')]).buffer));
    const actions: bigint[] = [];
    ctx.moduleFunctions.set(0xffffffffc0400900n, (d) => (actions.push(d), 0n));
    ctx.moduleFunctions.set(0xffffffffc0400800n, (pdev) => {
      expect(call('dev_get_regmap', pdev + 16n, 0n)).toBe(0n);
      expect(call('devm_add_action', pdev + 16n, 0xffffffffc0400900n, 0x1234n)).toBe(0n);
      return BigInt.asUintN(64, -5n); // -EIO: logged, and the managed action runs in device_unbind_cleanup()
    });
    ctx.mem.write(drv, new Uint8Array(new BigUint64Array([0xffffffffc0400800n]).buffer));
    expect(call('__platform_driver_register', drv, 0n)).toBe(0n);
    const pdev = call('platform_device_alloc', ctx.str('act'), 7n) as bigint;
    expect(call('platform_device_add', pdev)).toBe(0n);
    expect(actions).toEqual([0x1234n]);
    expect(ctx.log.at(-1)).toEqual({ level: 4, text: 'act: probe of act.7 failed with error -5' });
  });

  it('hrtimer_init: zeroed, RB_CLEAR_NODE, the CPU-0 clock base (REALTIME relative -> MONOTONIC; SOFT +4), is_soft/is_hard', () => {
    const { ctx, call } = setup();
    const t = ctx.poke(0xffffffffc0410000n, new Uint8Array(64).fill(0xaa));
    expect(call('hrtimer_init', t, 0n, 1n)).toBe(0n); // CLOCK_REALTIME, HRTIMER_MODE_REL
    expect(readU64(ctx.mem, t)).toBe(t);
    expect(readU64(ctx.mem, t + 40n)).toBe(0n); // function: the caller sets it
    expect(readU64(ctx.mem, t + 48n)).toBe(ctx.state.gsBase + 0x23000n + 64n); // clock_base[HRTIMER_BASE_MONOTONIC]
    expect(call('hrtimer_init', t, 7n, 0x4n)).toBe(0n); // CLOCK_BOOTTIME, HRTIMER_MODE_ABS_SOFT
    expect(readU64(ctx.mem, t + 48n)).toBe(ctx.state.gsBase + 0x23000n + 64n + 6n * 64n);
    expect([...ctx.peek(t + 58n, 2)]).toEqual([1, 0]);
  });

  it('tasklet_setup / tasklet_init fill struct tasklet_struct', () => {
    const { ctx, call } = setup();
    const t = ctx.poke(0xffffffffc0420000n, new Uint8Array(40).fill(0xaa));
    call('tasklet_setup', t, 0xffffffffc0420800n);
    expect([readU64(ctx.mem, t), readU64(ctx.mem, t + 8n), readU32(ctx.mem, t + 16n), ctx.peek(t + 20n, 1)[0]]).toEqual([0n, 0n, 0, 1]);
    expect(readU64(ctx.mem, t + 24n)).toBe(0xffffffffc0420800n);
    call('tasklet_init', t, 0xffffffffc0420900n, 42n);
    expect([ctx.peek(t + 20n, 1)[0], readU64(ctx.mem, t + 32n)]).toEqual([0, 42n]);
  });

  it('dma_set_mask: 24 bits and up are supported by the direct mapping; less is -EIO; a NULL dma_mask is -EIO', () => {
    const { ctx, call } = setup();
    const dev = ctx.poke(0xffffffffc0430000n, new Uint8Array(752));
    expect(call('dma_set_mask', dev, 0xffffffn)).toBe(BigInt.asUintN(64, -5n));
    ctx.mem.write(dev + 576n, new Uint8Array(new BigUint64Array([dev + 584n]).buffer)); // dma_mask = &coherent_dma_mask
    expect(call('dma_set_mask', dev, 0xffffffn)).toBe(0n);
    expect(readU64(ctx.mem, dev + 584n)).toBe(0xffffffn);
    expect(call('dma_set_coherent_mask', dev, 0xfffffn)).toBe(BigInt.asUintN(64, -5n));
  });

  it('rtnl_is_locked follows rtnl_lock/rtnl_unlock; dev_alloc_name takes the lowest free unit; dev_addr_mod writes dev_addr', () => {
    const { ctx, call } = setup();
    expect(call('rtnl_is_locked')).toBe(0n);
    call('rtnl_lock');
    expect(call('rtnl_is_locked')).toBe(1n);
    expect(call('rtnl_trylock')).toBe(0n);
    call('rtnl_unlock');
    expect(call('rtnl_is_locked')).toBe(0n);
    const dev = call('alloc_netdev_mqs', 0n, ctx.str('wpan%d'), 0n, 0n, 1n, 1n) as bigint;
    expect(call('dev_alloc_name', dev, ctx.str('wpan%d'))).toBe(0n);
    expect(ctx.peekString(dev)).toBe('wpan0');
    expect(call('dev_alloc_name', dev, ctx.str('lo'))).toBe(BigInt.asUintN(64, -23n)); // taken: -ENFILE
    call('dev_addr_mod', dev, 0n, ctx.poke(0xffffffffc0440000n, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), 8n);
    expect([...ctx.peek(readU64(ctx.mem, dev + 0x330n), 8)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
