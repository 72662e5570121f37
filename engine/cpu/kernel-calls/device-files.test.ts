/** device-files.ts: device_create_file() (drivers/base/core.c): NULL dev, mode checks, sysfs names. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { writeU32, writeU64 } from './mem';

describe('device_create_file', () => {
  it("creates atm's 'address' file (0444 with show), refuses a duplicate and a writable file without store", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const attr = DATA_BASE + 0x100n;
    ctx.map(attr, 32);
    writeU64(ctx.mem, attr, ctx.str('address'));
    writeU32(ctx.mem, attr + 8n, 0o444);
    writeU64(ctx.mem, attr + 16n, 0xffffffffc0001000n);
    expect(call('device_create_file', 0n, attr)).toBe(0n);
    expect(call('device_create_file', 0xffff888000200000n, attr)).toBe(0n);
    expect(call('device_create_file', 0xffff888000200000n, attr)).toBe('not-modelled');
    call('device_remove_file', 0xffff888000200000n, attr);
    expect(call('device_create_file', 0xffff888000200000n, attr)).toBe(0n);
    writeU32(ctx.mem, attr + 8n, 0o644);
    expect(call('device_create_file', 0xffff888000300000n, attr)).toBe('not-modelled'); // WARN: no store()
  });
});
