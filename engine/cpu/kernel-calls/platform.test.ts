/** Platform devices and drivers that match bind (drivers/base/platform.c platform_match) and the driver's probe() runs (dd.c really_probe). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { BUILTIN_PLATFORM_DRIVERS, PDRV_DRIVER, QEMU_PC_UNBOUND_PLATFORM_DEVICES } from './platform';
import { readFileSync } from 'node:fs';
import { readU32, readU64 } from './mem';
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

  const probeAt = (at: bigint, fn: (...args: bigint[]) => bigint): bigint => {
    ctx.moduleFunctions.set(at, fn);
    return at;
  };
  const u64 = (a: bigint): bigint => readU64(ctx.mem, a);

  it("hgafb: driver first, then platform_device_register_simple('hgafb', 0): probe() runs on hgafb.0; its -EINVAL is logged, the device stays unbound", () => {
    const drv = driver(0xffffffffc0340000n, 'hgafb');
    let seen: { name: string; id: bigint; devName: string; driver: bigint } | null = null;
    const probe = probeAt(0xffffffffc0340800n, (pdev) => {
      const dev = pdev + 16n;
      seen = { name: ctx.cstring(u64(pdev)), id: u64(pdev + 8n) & 0xffffffffn, devName: ctx.cstring(u64(dev)), driver: u64(dev + 104n) };
      ctx.mem.write(dev + 120n, new Uint8Array(8).fill(0x11)); // dev_set_drvdata()
      return BigInt.asUintN(64, -22n);
    });
    ctx.mem.write(drv, new Uint8Array(new BigUint64Array([probe]).buffer)); // .probe
    expect(call('__platform_driver_register', drv, 0n)).toBe(0n);
    expect(state.registrations.at(-1)).toMatchObject({ kind: 'platform driver', name: 'hgafb' });
    const i = info(0xffffffffc0341000n, 'hgafb');
    const pdev = call('platform_device_register_full', i) as bigint;
    expect(pdev >> 60n).toBe(0xfn); // a pointer, not an ERR_PTR: a failed probe does not fail the registration
    expect(seen).toEqual({ name: 'hgafb', id: 0n, devName: 'hgafb.0', driver: drv + BigInt(PDRV_DRIVER) });
    expect(ctx.log.at(-1)).toEqual({ level: 4, text: 'hgafb: probe of hgafb.0 failed with error -22' });
    // device_unbind_cleanup(): no driver, no driver data.
    expect(u64(pdev + 16n + 104n)).toBe(0n);
    expect(u64(pdev + 16n + 120n)).toBe(0n);
    // A second device of the same name and id cannot be added (sysfs duplicate): not modelled.
    expect(call('platform_device_register_full', info(0xffffffffc0342000n, 'hgafb'))).toBe('not-modelled');
    expect(call('platform_driver_unregister', drv)).toBe(0n);
    expect(call('platform_device_unregister', pdev)).toBe(0n);
    expect(ctx.moduleCalls.filter((c) => c.address === probe)).toHaveLength(1);
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

  it('mac802154_hwsim: device first, then its driver: the id_table entry matches, probe() binds; devres released at unbind', () => {
    const dev0 = call('platform_device_alloc', ctx.str('mac802154_hwsim'), -1n & 0xffffffffn) as bigint;
    expect(call('platform_device_add', dev0)).toBe(0n);
    expect(ctx.cstring(u64(dev0 + 16n))).toBe('mac802154_hwsim'); // PLATFORM_DEVID_NONE: just the name
    expect(call('__platform_driver_register', driver(0xffffffffc0343000n, 'other'), 0n)).toBe(0n);
    // Its own name is not looked at when there is an id_table (platform_match()): these ids name no device.
    expect(call('__platform_driver_register', driver(0xffffffffc0344000n, 'mac802154_hwsim', idTable(0xffffffffc0345000n, ['x1', 'x2'])), 0n)).toBe(
      0n,
    );
    const released: bigint[][] = [];
    const release = probeAt(0xffffffffc0349100n, (d, data) => (released.push([d, data]), 0n));
    const removed: bigint[] = [];
    const remove = probeAt(0xffffffffc0349200n, (p) => (removed.push(p), 0n));
    let res = 0n;
    const probe = probeAt(0xffffffffc0349000n, (pdev) => {
      const dev = pdev + 16n;
      expect(call('devm_kmalloc', dev, 64n, 0xdc0n)).not.toBe(0n);
      res = call('__devres_alloc_node', release, 8n, 0xcc0n, -1n & 0xffffffffn, ctx.str('release')) as bigint;
      expect(call('devres_add', dev, res)).toBe(0n);
      return 0n;
    });
    const table = idTable(0xffffffffc0348000n, ['other-id', 'mac802154_hwsim']);
    const drv = driver(0xffffffffc0347000n, 'hwsim-ids', table);
    ctx.mem.write(drv, new Uint8Array(new BigUint64Array([probe, remove]).buffer));
    expect(call('__platform_driver_register', drv, 0n)).toBe(0n);
    expect(ctx.moduleCalls.at(-1)).toEqual({ address: probe, args: [dev0] });
    expect(u64(dev0 + 808n)).toBe(table + 32n); // pdev->id_entry: the second entry
    expect(u64(dev0 + 16n + 104n)).toBe(drv + BigInt(PDRV_DRIVER));
    // devres_head holds the two resources (the list is in memory: head.next is the first node).
    expect(u64(dev0 + 16n + 672n)).not.toBe(dev0 + 16n + 672n);
    expect(call('platform_driver_unregister', drv)).toBe(0n);
    expect(removed).toEqual([dev0]);
    expect(released).toEqual([[dev0 + 16n, res]]);
    expect(u64(dev0 + 16n + 672n)).toBe(dev0 + 16n + 672n);
    expect(u64(dev0 + 16n + 104n)).toBe(0n);
  });

  it('PLATFORM_DEVID_AUTO: the first free id after the machine\'s alarmtimer.0.auto; -ENODEV from probe is silent; -EPROBE_DEFER is not modelled', () => {
    const s4 = new KernelCallState();
    const { ctx: c4, call: call4 } = modelCaller(s4);
    const drv = (at: bigint, name: string, probe: bigint): bigint => {
      const b = new Uint8Array(208);
      const v = new DataView(b.buffer);
      v.setBigUint64(0, probe, true);
      v.setBigUint64(PDRV_DRIVER, c4.str(name), true);
      return c4.poke(at, b);
    };
    c4.moduleFunctions.set(0xffffffffc0380800n, () => BigInt.asUintN(64, -19n));
    c4.moduleFunctions.set(0xffffffffc0381800n, () => BigInt.asUintN(64, -517n));
    const a = call4('platform_device_alloc', c4.str('nodev'), BigInt.asUintN(32, -2n)) as bigint;
    expect(call4('platform_device_add', a)).toBe(0n);
    expect(c4.cstring(readU64(c4.mem, a + 16n))).toBe('nodev.1.auto');
    expect(call4('__platform_driver_register', drv(0xffffffffc0380000n, 'nodev', 0xffffffffc0380800n), 0n)).toBe(0n);
    expect(c4.log).toEqual([]);
    const b = call4('platform_device_alloc', c4.str('later'), 3n) as bigint;
    expect(call4('platform_device_add', b)).toBe(0n);
    expect(c4.cstring(readU64(c4.mem, b + 16n))).toBe('later.3');
    expect(call4('__platform_driver_register', drv(0xffffffffc0381000n, 'later', 0xffffffffc0381800n), 0n)).toBe('not-modelled');
    expect(c4.notes.at(-1)).toMatch(/later's probe\(\) deferred: not modelled/);
  });

  it('__platform_driver_probe: binds a device added before it; with none it is -ENODEV and the driver is gone', () => {
    const s5 = new KernelCallState({ lookupSymbol: (n) => (n === 'platform_probe_fail' ? 0xffffffff816f5000n : null) });
    const { ctx: c5, call: call5 } = modelCaller(s5);
    const drv = (at: bigint, name: string): bigint => {
      const b = new Uint8Array(208);
      new DataView(b.buffer).setBigUint64(PDRV_DRIVER, c5.str(name), true);
      return c5.poke(at, b);
    };
    c5.moduleFunctions.set(0xffffffffc0390800n, () => 0n);
    const dev = call5('platform_device_alloc', c5.str('early'), BigInt.asUintN(32, -1n)) as bigint;
    expect(call5('platform_device_add', dev)).toBe(0n);
    const d1 = drv(0xffffffffc0390000n, 'early');
    expect(call5('__platform_driver_probe', d1, 0xffffffffc0390800n, 0n)).toBe(0n);
    expect(c5.moduleCalls).toEqual([{ address: 0xffffffffc0390800n, args: [dev] }]);
    expect(readU64(c5.mem, d1)).toBe(0xffffffff816f5000n); // drv->probe = platform_probe_fail afterwards
    expect(c5.peek(d1 + 200n, 1)[0]).toBe(1); // prevent_deferred_probe
    const d2 = drv(0xffffffffc0391000n, 'late');
    expect(call5('__platform_driver_probe', d2, 0xffffffffc0390800n, 0n)).toBe(BigInt.asUintN(64, -19n));
    // Unregistered again: a device named so now probes nothing, and the name can be registered anew.
    const later = call5('platform_device_alloc', c5.str('late'), BigInt.asUintN(32, -1n)) as bigint;
    expect(call5('platform_device_add', later)).toBe(0n);
    expect(c5.moduleCalls).toHaveLength(1);
    expect(call5('__platform_driver_register', drv(0xffffffffc0392000n, 'late'), 0n)).toBe(0n);
  });

  it('an unbound platform device prints as "platform <name>" (dev_driver_string(): the bus name)', () => {
    const s6 = new KernelCallState({ lookupSymbol: (n) => (n === 'platform_bus_type' ? 0xffffffff82bc2500n : null) });
    const { ctx: c6, call: call6 } = modelCaller(s6);
    const b = new Uint8Array(88);
    new DataView(b.buffer).setBigUint64(24, c6.str('regulatory'), true);
    const pdev = call6('platform_device_register_full', c6.poke(0xffffffffc03a0000n, b)) as bigint;
    expect(call6('_dev_err', pdev + 16n, c6.str('firmware: failed to load %s (%d)\n'), c6.str('regulatory.db'), BigInt.asUintN(64, -2n))).toBe(0n);
    expect(c6.log.at(-1)).toEqual({ level: 3, text: 'platform regulatory.0: firmware: failed to load regulatory.db (-2)' });
    expect(c6.peekString(call6('dev_driver_string', pdev + 16n) as bigint)).toBe('platform');
  });

  it('platform_device_add_data copies the data; a device with resources (platform_device_add_resources) is not added by the model', () => {
    const s7 = new KernelCallState();
    const { ctx: c7, call: call7 } = modelCaller(s7);
    const pdev = call7('platform_device_alloc', c7.str('withdata'), 1n) as bigint;
    const data = c7.poke(0xffffffffc03b0000n, Uint8Array.of(9, 8, 7));
    expect(call7('platform_device_add_data', pdev, data, 3n)).toBe(0n);
    const copy = readU64(c7.mem, pdev + 16n + 112n);
    expect(copy).not.toBe(data);
    expect([...c7.peek(copy, 3)]).toEqual([9, 8, 7]);
    expect(call7('platform_device_add', pdev)).toBe(0n);
    const res = call7('platform_device_alloc', c7.str('withres'), 1n) as bigint;
    expect(call7('platform_device_add_resources', res, c7.poke(0xffffffffc03b1000n, new Uint8Array(128)), 2n)).toBe(0n);
    expect(readU32(c7.mem, res + 792n)).toBe(2);
    expect(call7('platform_device_add', res)).toBe('not-modelled');
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
});
