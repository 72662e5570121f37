/** Platform devices and drivers that match bind (drivers/base/platform.c platform_match); the probe is not modelled. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { BUILTIN_PLATFORM_DRIVERS, PDRV_DRIVER, QEMU_PC_UNBOUND_PLATFORM_DEVICES } from './platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

  /** A platform_device_id table (name[20], driver_data: 32 bytes an entry, an empty entry last). */
  const idTable = (at: bigint, names: string[]): bigint => {
    const b = new Uint8Array(32 * (names.length + 1));
    names.forEach((n, i) =>
      b.set(
        [...n].map((c) => c.charCodeAt(0)),
        32 * i,
      ),
    );
    return ctx.poke(at, b);
  };

  it('mac802154_hwsim: device first, then its driver; a driver matches by its id_table when it has one, else by name', () => {
    const dev = call('platform_device_alloc', ctx.str('mac802154_hwsim'), -1n & 0xffffffffn) as bigint;
    expect(call('platform_device_add', dev)).toBe(0n);
    expect(call('__platform_driver_register', driver(0xffffffffc0343000n, 'other'), 0n)).toBe(0n);
    // Its own name is not looked at when there is an id_table (platform_match()): these ids name no device.
    expect(call('__platform_driver_register', driver(0xffffffffc0344000n, 'mac802154_hwsim', idTable(0xffffffffc0345000n, ['x1', 'x2'])), 0n)).toBe(
      0n,
    );
    expect(call('__platform_driver_register', driver(0xffffffffc0347000n, 'hwsim-ids', idTable(0xffffffffc0348000n, ['mac802154_hwsim'])), 0n)).toBe(
      'not-modelled',
    );
  });

  it("a second driver of a name already registered: driver_register()'s error and -EBUSY (built-in drivers included)", () => {
    const s2 = new KernelCallState();
    const { ctx: c2, call: call2 } = modelCaller(s2);
    const drv = (at: bigint, name: string): bigint => {
      const b = new Uint8Array(208);
      new DataView(b.buffer).setBigUint64(PDRV_DRIVER, c2.str(name), true);
      return c2.poke(at, b);
    };
    expect(call2('__platform_driver_register', drv(0xffffffffc0360000n, 'mydrv'), 0n)).toBe(0n);
    expect(call2('__platform_driver_register', drv(0xffffffffc0361000n, 'mydrv'), 0n)).toBe(BigInt.asUintN(64, -16n));
    expect(call2('__platform_driver_register', drv(0xffffffffc0362000n, 'serial8250'), 0n)).toBe(BigInt.asUintN(64, -16n));
    expect(c2.log.map((l) => l.text)).toEqual([
      "Error: Driver 'mydrv' is already registered, aborting...",
      "Error: Driver 'serial8250' is already registered, aborting...",
    ]);
  });

  it("the QEMU PC's unbound platform devices: pcspkr by name, fw_cfg by its ACPI id QEMU0002; a driver for absent hardware probes nothing", () => {
    const s3 = new KernelCallState();
    const { ctx: c3, call: call3 } = modelCaller(s3);
    const drv = (at: bigint, name: string, acpi: string[] = []): bigint => {
      const b = new Uint8Array(208);
      const v = new DataView(b.buffer);
      v.setBigUint64(PDRV_DRIVER, c3.str(name), true);
      if (acpi.length) {
        const t = new Uint8Array(32 * (acpi.length + 1));
        acpi.forEach((id, i) =>
          t.set(
            [...id].map((c) => c.charCodeAt(0)),
            32 * i,
          ),
        );
        v.setBigUint64(PDRV_DRIVER + 48, c3.poke(at + 0x800n, t), true);
      }
      return c3.poke(at, b);
    };
    expect(call3('__platform_driver_register', drv(0xffffffffc0370000n, 'pcspkr'), 0n)).toBe('not-modelled');
    expect(c3.notes.at(-1)).toMatch(/matches the machine's platform device pcspkr/);
    expect(call3('__platform_driver_register', drv(0xffffffffc0371000n, 'fw_cfg', ['QEMU0002']), 0n)).toBe('not-modelled');
    expect(call3('__platform_driver_register', drv(0xffffffffc0372000n, 'intel_pmc_core', ['INT33A1']), 0n)).toBe(0n);
    expect(call3('platform_driver_unregister', 0xffffffffc0372000n)).toBe(0n);
  });

  it('the lists match the recording of the real platform bus (scripts/qemu/recordings/platform-bus.qemu.json)', () => {
    const rec = JSON.parse(readFileSync(join(__dirname, '../../../scripts/qemu/recordings/platform-bus.qemu.json'), 'utf8')) as {
      steps: { output: string }[];
    };
    const devices = rec.steps[1].output
      .trim()
      .split('\n')
      .map((l) => /^(\S+) modalias=(\S+) driver=(\S*)$/.exec(l) as RegExpExecArray);
    const unbound = devices.filter((m) => m[3] === '').map((m) => (m[2].startsWith('acpi:') ? `${m[1]} ${m[2].slice(5, -1)}` : m[2].slice(9)));
    expect(unbound).toEqual(QEMU_PC_UNBOUND_PLATFORM_DEVICES.map((d) => (d.acpiHid ? `${d.name} ${d.acpiHid}` : d.name)).sort());
    expect(rec.steps[2].output.trim().split('\n')).toEqual([...BUILTIN_PLATFORM_DRIVERS]);
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
