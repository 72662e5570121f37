/** Platform devices and drivers of one name bind (drivers/base/platform.c platform_match); the probe is not modelled. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { PDRV_DRIVER } from './platform';

describe('platform bus registrations', () => {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  /** A struct platform_driver named name (hgafb's layout: the device_driver's name at +0x30), id_table as given. */
  const driver = (at: bigint, name: string, idTable = 0n): bigint => {
    const b = new Uint8Array(208);
    const v = new DataView(b.buffer);
    v.setBigUint64(PDRV_DRIVER, ctx.str(name), true);
    v.setBigUint64(192, idTable, true);
    return ctx.poke(at, b);
  };
  /** struct platform_device_info as platform_device_register_simple() builds it: name at +24. */
  const info = (at: bigint, name: string): bigint => {
    const b = new Uint8Array(88);
    new DataView(b.buffer).setBigUint64(24, ctx.str(name), true);
    return ctx.poke(at, b);
  };

  it("hgafb: driver registered, then platform_device_register_simple('hgafb') binds and probes: not modelled", () => {
    const drv = driver(0xffffffffc0340000n, 'hgafb');
    expect(call('__platform_driver_register', drv, 0n)).toBe(0n);
    expect(state.registrations.at(-1)).toMatchObject({ kind: 'platform driver', name: 'hgafb' });
    expect(call('platform_device_register_full', info(0xffffffffc0341000n, 'hgafb'))).toBe('not-modelled');
    expect(ctx.notes.at(-1)).toMatch(/platform_device_register_full 'hgafb': the platform bus binds it .* probe\(\) in the module/);
    // Once the driver is gone the same device registers without a probe.
    expect(call('platform_driver_unregister', drv)).toBe(0n);
    expect(typeof call('platform_device_register_full', info(0xffffffffc0342000n, 'hgafb'))).toBe('bigint');
  });

  it('mac802154_hwsim: device first, then its driver; other names and id_table drivers do not bind here', () => {
    const dev = call('platform_device_alloc', ctx.str('mac802154_hwsim'), -1n & 0xffffffffn) as bigint;
    expect(call('platform_device_add', dev)).toBe(0n);
    expect(call('__platform_driver_register', driver(0xffffffffc0343000n, 'other'), 0n)).toBe(0n);
    expect(call('__platform_driver_register', driver(0xffffffffc0344000n, 'mac802154_hwsim', 0xffffffffc0345000n), 0n)).toBe(0n);
    expect(call('__platform_driver_register', driver(0xffffffffc0346000n, 'mac802154_hwsim'), 0n)).toBe('not-modelled');
  });

  it("acpi_bus_register_driver: button's ids include QEMU's LNXPWRBN, so its add() runs (not modelled); other ids register", () => {
    const acpiDriver = (at: bigint, name: string, ids: string[]): bigint => {
      const table = new Uint8Array(32 * (ids.length + 1));
      ids.forEach((id, i) =>
        table.set(
          [...id].map((c) => c.charCodeAt(0)),
          32 * i,
        ),
      );
      const t = ctx.poke(at + 0x1000n, table);
      const b = new Uint8Array(168);
      b.set([...name].map((c) => c.charCodeAt(0)));
      new DataView(b.buffer).setBigUint64(160, t, true);
      return ctx.poke(at, b);
    };
    expect(
      call('acpi_bus_register_driver', acpiDriver(0xffffffffc0350000n, 'button', ['PNP0C0C', 'PNP0C0D', 'PNP0C0E', 'LNXPWRBN', 'LNXSLPBN'])),
    ).toBe('not-modelled');
    expect(ctx.notes.at(-1)).toMatch(/QEMU's LNXPWRBN device matches/);
    expect(call('acpi_bus_register_driver', acpiDriver(0xffffffffc0352000n, 'fujitsu', ['FUJ02B1']))).toBe(0n);
  });
});
