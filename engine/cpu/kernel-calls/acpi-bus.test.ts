/**
 * ACPI drivers binding QEMU's power button LNXPWRBN:00 (acpi-bus.ts) and the device as the real kernel built it
 * (acpi-button-device.ts), checked against the probe module's recording (scripts/qemu/recordings/acpi-pwrbn.qemu.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';
import { ADEV, ACPI_BUS_TYPE_POWER_BUTTON, DEV_PM, QEMU_PWRBN } from './acpi-button-device';
import { DEV } from './platform-device';

const REC = JSON.parse(readFileSync(join(__dirname, '../../../scripts/qemu/recordings/acpi-pwrbn.qemu.json'), 'utf8')) as {
  sysfs: string[];
  kmsg: string[];
};
const offset = (struct: string, field: string): bigint => {
  const l = REC.kmsg.find((x) => x.startsWith(`offset ${struct} ${field} `));
  if (!l) throw new Error(`${struct}.${field} not recorded`);
  return BigInt(l.split(' ')[3]);
};
/** The recorded 32-bit word of the struct acpi_device at off ("words <hex offset> w0 … w7"). */
const word = (off: bigint): number => {
  const base = off & ~31n;
  const l = REC.kmsg.find((x) => x.startsWith(`words ${base.toString(16)} `));
  if (!l) throw new Error(`no words at ${off}`);
  return Number.parseInt(l.split(' ')[2 + Number((off - base) / 4n)], 16);
};

describe('ACPI: QEMU PC power button', () => {
  it('the model lays LNXPWRBN:00 out as the recording shows', () => {
    expect(REC.kmsg).toContain('sizeof acpi_device 1424 acpi_hardware_id 24 acpi_driver 352 input_dev 1384');
    expect(BigInt(ADEV.size)).toBe(1424n);
    for (const [f, o] of [
      ['device_type', ADEV.deviceType],
      ['status', ADEV.status],
      ['flags', ADEV.flags],
      ['pnp.bus_id', ADEV.busId],
      ['pnp.type', ADEV.pnpType],
      ['pnp.ids', ADEV.pnpIds],
      ['pnp.device_name', ADEV.deviceName],
      ['pnp.device_class', ADEV.deviceClass],
      ['handler', ADEV.handler],
      ['driver_data', ADEV.driverData],
      ['dev', ADEV.dev],
      ['physical_node_list', ADEV.physicalNodeList],
    ] as const) {
      expect(offset('acpi_device', f), f).toBe(o);
    }
    expect(offset('device', 'power') + 4n).toBe(DEV_PM.canWakeup);
    expect(offset('device', 'power.wakeup')).toBe(DEV_PM.wakeup);
    expect(word(ADEV.deviceType)).toBe(ACPI_BUS_TYPE_POWER_BUTTON);
    expect(word(ADEV.status)).toBe(QEMU_PWRBN.status);
    expect(word(ADEV.flags)).toBe(QEMU_PWRBN.flags);
    expect(REC.kmsg).toContain(`device ${QEMU_PWRBN.name} path /devices/${QEMU_PWRBN.parent}/${QEMU_PWRBN.name} driver 0000000000000000 ` +
      `handler 0000000000000000 handle 0000000000000000 parent ${QEMU_PWRBN.parent}`);
    expect(REC.kmsg).toContain(`pnp bus_id '${QEMU_PWRBN.busId}' instance_no 0 unique_id (null) device_name '' device_class '' str_obj 0000000000000000`);
    expect(REC.kmsg.filter((l) => l.startsWith('id '))).toEqual([`id ${QEMU_PWRBN.hid}`]);
    expect(REC.kmsg.find((l) => l.startsWith('can_wakeup '))).toMatch(/^can_wakeup 1 wakeup ffff/);
  });

  const acpiDriver = (ctx: ReturnType<typeof modelCaller>['ctx'], at: bigint, name: string, ids: string[], ops: bigint[] = []): bigint => {
    const table = new Uint8Array(32 * (ids.length + 1));
    ids.forEach((id, i) => table.set([...id].map((c) => c.charCodeAt(0)), 32 * i));
    const t = ctx.poke(at + 0x1000n, table);
    const b = new Uint8Array(352);
    b.set([...name].map((c) => c.charCodeAt(0)));
    const v = new DataView(b.buffer);
    v.setBigUint64(160, t, true);
    ops.forEach((op, i) => v.setBigUint64(176 + 8 * i, op, true));
    return ctx.poke(at, b);
  };
  const BUTTON_IDS = ['PNP0C0C', 'PNP0C0D', 'PNP0C0E', 'LNXPWRBN', 'LNXSLPBN'];

  it("button's ids hold LNXPWRBN: its add() runs on the device the kernel built; remove() at unregister", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    let seen: { hid: string; busId: string; name: string; path: string; type: number; driver: bigint } | null = null;
    ctx.moduleFunctions.set(0xffffffffc0400000n, (adev) => {
      const hid = call('acpi_device_hid', adev);
      const path = call('kobject_get_path', adev + ADEV.dev, 0n);
      if (typeof hid !== 'bigint' || typeof path !== 'bigint') throw new Error('not modelled');
      seen = {
        hid: ctx.peekString(hid),
        busId: ctx.peekString(adev + ADEV.busId),
        name: ctx.peekString(readU64(ctx.mem, adev + ADEV.dev)),
        path: ctx.peekString(path),
        type: readU32(ctx.mem, adev + ADEV.deviceType),
        driver: readU64(ctx.mem, adev + ADEV.dev + DEV.driver),
      };
      return 0n;
    });
    ctx.moduleFunctions.set(0xffffffffc0400100n, () => 0n);
    const drv = acpiDriver(ctx, 0xffffffffc0350000n, 'button', BUTTON_IDS, [0xffffffffc0400000n, 0xffffffffc0400100n, 0xffffffffc0400200n]);
    expect(call('acpi_bus_register_driver', drv)).toBe(0n);
    expect(seen).toEqual({
      hid: 'LNXPWRBN',
      busId: 'PWRF',
      name: 'LNXPWRBN:00',
      path: '/devices/LNXSYSTM:00/LNXPWRBN:00',
      type: ACPI_BUS_TYPE_POWER_BUTTON,
      driver: drv + 200n,
    });
    expect(ctx.notes.some((n) => /acpi_install_fixed_event_handler\(ACPI_EVENT_POWER_BUTTON/.test(n))).toBe(true);
    expect(ctx.log).toEqual([]);
    expect(call('acpi_bus_unregister_driver', drv)).toBe(0n);
    expect(ctx.moduleCalls.map((c) => c.address)).toEqual([0xffffffffc0400000n, 0xffffffffc0400100n]);
  });

  it('an add() error other than -ENODEV/-ENXIO is logged by call_driver_probe() and the device stays free', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    ctx.moduleFunctions.set(0xffffffffc0400000n, () => BigInt.asUintN(64, -16n));
    const drv = acpiDriver(ctx, 0xffffffffc0350000n, 'button', BUTTON_IDS, [0xffffffffc0400000n]);
    expect(call('acpi_bus_register_driver', drv)).toBe(0n);
    expect(ctx.log.at(-1)).toEqual({ level: 4, text: 'button: probe of LNXPWRBN:00 failed with error -16' });
    // Not bound: a second driver gets the device.
    ctx.moduleFunctions.set(0xffffffffc0410000n, () => 0n);
    expect(call('acpi_bus_register_driver', acpiDriver(ctx, 0xffffffffc0360000n, 'other', ['LNXPWRBN'], [0xffffffffc0410000n]))).toBe(0n);
    expect(ctx.moduleCalls.map((c) => c.address)).toEqual([0xffffffffc0400000n, 0xffffffffc0410000n]);
  });

  it('acpi_device_hid() of a struct the model did not build (no consistent pnp.ids list) is not modelled', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    expect(call('acpi_device_hid', ctx.poke(0xffffffffc0370000n, new Uint8Array(ADEV.size)))).toBe('not-modelled');
    const junk = new Uint8Array(ADEV.size).fill(0x41);
    expect(call('acpi_device_hid', ctx.poke(0xffffffffc0380000n, junk))).toBe('not-modelled');
  });

  it('a driver matching no device of the machine only registers', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    expect(call('acpi_bus_register_driver', acpiDriver(ctx, 0xffffffffc0352000n, 'fujitsu', ['FUJ02B1']))).toBe(0n);
    expect(ctx.moduleCalls).toEqual([]);
  });
});
