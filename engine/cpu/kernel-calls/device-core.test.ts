/**
 * dev_set_name, device_add, get_device, kobject_get_path, cdev_device_add, input_allocate_device, input_register_device
 * (device-core.ts): the sysfs paths get_device_parent() gives, the input numbering after QEMU's two boot input devices,
 * then rc_loopback (rc_register_device(): "rc rc0: … as /devices/virtual/rc/rc0", lirc, "input: … rc0/input2") against
 * the real kernel.
 */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';
import { haveSampleCorpus, replaySampleTargets } from '../../../scripts/test-support/sample-replay';

describe('device paths (drivers/base/core.c get_device_parent())', () => {
  it('a class device without parent is under /devices/virtual/<class>; an input device under it is <dev>/inputN from input2', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const cls = ctx.poke(0xffffffffc0400000n, new Uint8Array(new BigUint64Array([ctx.str('rc')]).buffer));
    const dev = ctx.poke(0xffffffffc0401000n, new Uint8Array(752));
    ctx.mem.write(dev + 688n, new Uint8Array(new BigUint64Array([cls]).buffer));
    expect(call('device_add', dev)).toBe(BigInt.asUintN(64, -22n)); // no name
    expect(call('dev_set_name', dev, ctx.str('rc%u'), 0n)).toBe(0n);
    expect(call('device_add', dev)).toBe(0n);
    expect(ctx.peekString(call('kobject_get_path', dev) as bigint)).toBe('/devices/virtual/rc/rc0');
    const input = call('input_allocate_device') as bigint;
    ctx.mem.write(input + 544n + 64n, new Uint8Array(new BigUint64Array([dev]).buffer)); // input->dev.parent = &rc->dev
    ctx.mem.write(input, new Uint8Array(new BigUint64Array([ctx.str('rc-core loopback device')]).buffer));
    expect(call('input_register_device', input)).toBe(0n);
    expect(ctx.log.at(-1)).toEqual({ level: 6, text: 'input: rc-core loopback device as /devices/virtual/rc/rc0/input2' });
    expect(ctx.peekString(readU64(ctx.mem, input + 544n))).toBe('input2');
    expect(ctx.peekString(readU64(ctx.mem, (call('input_allocate_device') as bigint) + 544n))).toBe('input3');
  });

  it('a device of no class goes under its parent, else /devices; init_name becomes the name', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const top = ctx.poke(0xffffffffc0410000n, new Uint8Array(752));
    ctx.mem.write(top + 80n, new Uint8Array(new BigUint64Array([ctx.str('foo')]).buffer));
    expect(call('device_add', top)).toBe(0n);
    expect(readU64(ctx.mem, top + 80n)).toBe(0n);
    const child = ctx.poke(0xffffffffc0411000n, new Uint8Array(752));
    ctx.mem.write(child + 64n, new Uint8Array(new BigUint64Array([top]).buffer));
    call('dev_set_name', child, ctx.str('bar'));
    expect(call('get_device', child)).toBe(child);
    expect(call('device_add', child)).toBe(0n);
    expect(ctx.peekString(call('kobject_get_path', child) as bigint)).toBe('/devices/foo/bar');
  });
});

describe.skipIf(!process.env.CI && !haveSampleCorpus)('real modules that add devices, against the real kernel under QEMU', () => {
  it('rc_loopback loads and logs as recorded in modprobe-sample.json.gz', () => {
    expect(replaySampleTargets(['rc_loopback'])).toEqual({ rc_loopback: 'identical' });
  }, 120_000);
});
