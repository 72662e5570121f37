/** net-device.ts: register_netdev() names a "%d" template with the lowest free unit (net/core/dev.c __dev_alloc_name()). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';

describe('alloc_etherdev_mqs and register_netdev', () => {
  it("names ipddp's device ipddp0, then ipddp1; eth%d from alloc_etherdev; a taken plain name is -EEXIST", () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    const dev = call('alloc_etherdev_mqs', 0n, 1n, 1n) as bigint;
    expect(ctx.peekString(dev)).toBe('eth%d');
    ctx.poke(dev, 'ipddp%d'); // ipddp_init(): strcpy(dev->name, "ipddp%d")
    expect(call('register_netdev', dev)).toBe(0n);
    expect(ctx.peekString(dev)).toBe('ipddp0');
    const d2 = call('alloc_netdev_mqs', 64n, ctx.str('ipddp%d'), 0n, 0n, 1n, 1n) as bigint;
    expect(call('register_netdev', d2)).toBe(0n);
    expect(ctx.peekString(d2)).toBe('ipddp1');
    call('unregister_netdev', dev);
    const d3 = call('alloc_netdev_mqs', 0n, ctx.str('ipddp%d'), 0n, 0n, 1n, 1n) as bigint;
    call('register_netdev', d3);
    expect(ctx.peekString(d3)).toBe('ipddp0');
    const lo = call('alloc_netdev_mqs', 0n, ctx.str('lo'), 0n, 0n, 1n, 1n) as bigint;
    expect(call('register_netdev', lo)).toBe(BigInt.asUintN(64, -17n));
    const bad = call('alloc_netdev_mqs', 0n, ctx.str('a%sb'), 0n, 0n, 1n, 1n) as bigint;
    expect(call('register_netdev', bad)).toBe(BigInt.asUintN(64, -22n));
  });
});
