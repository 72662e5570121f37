/** buses.ts: driver registrations on buses QEMU's PC has no devices on, and their kernel checks. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU64, writeU32, writeU64 } from './mem';

const ERR = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));

describe('__cxl_driver_register', () => {
  it('needs probe, name and id; sets drv.bus/owner/mod_name/name; a second driver of the name is -EBUSY with the pr_err', () => {
    const state = new KernelCallState({ lookupSymbol: (n) => (n === 'cxl_bus_type' ? 0xffffffff82c00000n : null) });
    const { ctx, call } = modelCaller(state);
    const d = DATA_BASE + 0x400n; // cxl_pmem.ko's cxl_nvdimm_bridge_driver
    ctx.map(d, 176);
    const name = ctx.str('cxl_nvdimm_bridge');
    writeU64(ctx.mem, d, name);
    expect(call('__cxl_driver_register', d, 0xc0000n, ctx.str('cxl_pmem'))).toBe(ERR(22)); // no probe
    writeU64(ctx.mem, d + 8n, 0xffffffffc0001000n);
    expect(call('__cxl_driver_register', d, 0xc0000n, ctx.str('cxl_pmem'))).toBe(ERR(22)); // no id
    writeU32(ctx.mem, d + 168n, 4); // CXL_DEVICE_NVDIMM_BRIDGE
    expect(call('__cxl_driver_register', d, 0xc0000n, ctx.str('cxl_pmem'))).toBe(0n);
    expect(readU64(ctx.mem, d + 24n)).toBe(name);
    expect(readU64(ctx.mem, d + 24n + 8n)).toBe(0xffffffff82c00000n);
    expect(readU64(ctx.mem, d + 24n + 16n)).toBe(0xc0000n);
    expect(call('__cxl_driver_register', d, 0xc0000n, ctx.str('cxl_pmem'))).toBe(ERR(16));
    expect(ctx.log.at(-1)?.text).toBe("Error: Driver 'cxl_nvdimm_bridge' is already registered, aborting...");
  });
});

describe('devfreq_add_governor', () => {
  it('adds simple_ondemand (no governor is built in), refuses it twice with the pr_err', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const g = DATA_BASE + 0x800n;
    ctx.map(g, 64);
    ctx.poke(g + 16n, 'simple_ondemand');
    expect(call('devfreq_add_governor', g)).toBe(0n);
    expect(call('devfreq_add_governor', g)).toBe(ERR(22));
    expect(ctx.log.at(-1)?.text).toBe('devfreq_add_governor: governor simple_ondemand already registered');
    expect(call('devfreq_remove_governor', g)).toBe(0n);
  });
});

describe('i2c_for_each_dev and coreboot_driver_register', () => {
  it('find no I2C device and no coreboot table on the machine', () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    expect(call('i2c_for_each_dev', 0n, 0xffffffffc0002000n)).toBe(0n);
    const drv = DATA_BASE + 0xa00n;
    ctx.map(drv, 176);
    expect(call('coreboot_driver_register', drv)).toBe(0n);
    state.registrations.push({ kind: 'i2c adapter', name: 'x', address: 1n });
    expect(call('i2c_for_each_dev', 0n, 0xffffffffc0002000n)).toBe('not-modelled');
    expect(readU64(ctx.mem, drv + 16n + 8n)).toBe(0n); // coreboot_bus_type unknown to this state
  });
});
