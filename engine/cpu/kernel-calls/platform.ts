/**
 * The platform bus (drivers/base/platform.c, 6.1): platform devices and drivers register on it, and when the second
 * of a matching pair registers the kernel binds them at once — bus_probe_device() for a new device (the drivers in
 * registration order until one binds), driver_attach() for a new driver (every unbound device in the order they were
 * added) — through platform_match() (the driver's id_table when it has one, setting pdev->id_entry; else the names;
 * driver_override, OF and ACPI do not apply to these devices) and really_probe(), which calls the driver's probe() in
 * the module on the modelled CPU (platform-probe.ts): hgafb's "HGA card not detected" then "hgafb: probe of hgafb.0
 * failed with error -22", snd_soc_core's snd-soc-dummy binding. The devices are real struct platform_device objects
 * in the modelled memory (platform-device.ts). A driver preferring asynchronous probing, or a probe returning
 * -EPROBE_DEFER, is followed no further (not modelled). Unregistering a driver unbinds its devices (remove()); a
 * device's last put frees what platform_device_alloc() made, or calls a module's static device's release().
 *
 * The modelled machine's own platform devices (/sys/bus/platform/devices of 6.1.0-50 on QEMU's PC with -nodefaults,
 * recorded in scripts/qemu/recordings/platform-bus.qemu.json): alarmtimer.0.auto, i8042, reg-dummy and serial8250
 * are bound to built-in drivers; pcspkr and platform-framebuffer.0 have no driver, nor do the two ACPI-enumerated
 * ones (acpi_create_platform_device(): named after the ACPI device, matched by its hardware ID), PNP0103:00 (the
 * HPET) and QEMU0002:00 (fw_cfg). A module's driver that matches one of the unbound four (platform_match(): ACPI
 * table, then id_table, then the name) would be probed: not modelled. A driver named like one of the built-in
 * platform drivers (/sys/bus/platform/drivers) is refused by driver_register() (drivers/base/driver.c):
 * "Error: Driver '%s' is already registered, aborting..." and -EBUSY.
 *
 * ACPI drivers (acpi_bus_register_driver()) bind likewise: acpi-bus.ts.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { ZERO_SIZE_PTR } from './alloc';
import { EBUSY } from './errname';
import { asciiBytes, isZeroOrNull, readU32, readU64, ret, tryCString, tryFieldString, writeU32, writeU64 } from './mem';
import { deviceInitialize, DEV, devName, PDEV, pdevId, pdevName, platformDeviceAlloc, platformDeviceName, setupPdevDmaMasks } from './platform-device';
import { probesAsync, reallyProbe, releaseDriver } from './platform-probe';
import { hexU64 } from '../../base/hex';
import { printkText } from './printk';
import type { KernelCallState } from './state';

/**
 * struct platform_driver in Debian's 6.1.176: probe, remove, remove_new (backported), shutdown, suspend, resume, then
 * struct device_driver (name first, 144 bytes), then id_table (hgafb.ko: .data relocation for the name at +0x30, 208 bytes).
 */
export const PDRV_DRIVER = 48;
const PDRV_ID_TABLE = 192;
/** struct device_driver: name, bus, owner, mod_name, suppress_bind_attrs, probe_type, of_match_table, then acpi_match_table. */
const PDRV_ACPI_MATCH_TABLE = PDRV_DRIVER + 48;
/** struct platform_device_id: char name[PLATFORM_NAME_SIZE = 20], kernel_ulong_t driver_data: 32 bytes. */
const PLATFORM_DEVICE_ID_SIZE = 32;

/** The QEMU PC's platform devices no driver has bound at boot: name (pdev->name), and the ACPI hardware ID of those ACPI made. */
export const QEMU_PC_UNBOUND_PLATFORM_DEVICES: readonly { name: string; acpiHid?: string }[] = [
  { name: 'pcspkr' },
  { name: 'platform-framebuffer' },
  { name: 'PNP0103:00', acpiHid: 'PNP0103' },
  { name: 'QEMU0002:00', acpiHid: 'QEMU0002' },
];

/** Every platform device of the machine (ls /sys/bus/platform/devices): a second device of one of these names fails to add. */
export const QEMU_PC_PLATFORM_DEVICE_NAMES: readonly string[] = [
  'PNP0103:00',
  'QEMU0002:00',
  'alarmtimer.0.auto',
  'i8042',
  'pcspkr',
  'platform-framebuffer.0',
  'reg-dummy',
  'serial8250',
];

/** The platform drivers built into Debian's 6.1.0-50 kernel, as /sys/bus/platform/drivers lists them on the modelled machine. */
export const BUILTIN_PLATFORM_DRIVERS: readonly string[] = [
  'acpi-ged',
  'alarmtimer',
  'amd_gpio',
  'axp288_pmic_acpi',
  'broxton-pinctrl',
  'bxt_whiskey_cove_pmic',
  'byt_crystal_cove_pmic',
  'byt_gpio',
  'cannonlake-pinctrl',
  'cedarfork-pinctrl',
  'cherryview-pinctrl',
  'cht_crystal_cove_pmic',
  'cht_dollar_cove_ti_pmic',
  'cht_whiskey_cove_pmic',
  'clk-fch',
  'clk-lpss-atom',
  'clk-pmc-atom',
  'coreboot_table',
  'crystal_cove_pwm',
  'denverton-pinctrl',
  'dw-apb-uart',
  'efi-framebuffer',
  'geminilake-pinctrl',
  'gpio-clk',
  'i2c_designware',
  'i8042',
  'icelake-pinctrl',
  'lewisburg-pinctrl',
  'reg-dummy',
  'serial8250',
  'simple-framebuffer',
  'sunrisepoint-pinctrl',
  'syscon',
  'tigerlake-pinctrl',
  'tpm_tis',
  'vesa-framebuffer',
];
/** struct platform_device_info (pahole): parent 0, fwnode 8, name 24, id 32, res 40, num_res 48, data 56, size_data 64, dma_mask 72, properties 80. */
const PDEVINFO = { parent: 0n, fwnode: 8n, name: 24, id: 32n, numRes: 48n, data: 56n, sizeData: 64n, dmaMask: 72n, properties: 80n } as const;
/** struct acpi_device_id: id[16], driver_data, cls, cls_msk: 32 bytes. */
const ACPI_DEVICE_ID_SIZE = 32;
const ENOMEM = 12;
/** sizeof(struct resource) (pahole: 64). */
const RESOURCE_SIZE = 64n;
const ENODEV = 19;
const EINVAL = 22;

/** The ids of a device-id table (each entry starts with its name/id string; an empty one ends it). */
function idNames(ctx: KernelCallContext, table: bigint, entrySize: number, nameSize: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 512; i++) {
    const id = tryCString(ctx, table + BigInt(i * entrySize), nameSize);
    if (!id) break;
    out.push(id);
  }
  return out;
}

/** The ids of the QEMU PC's platform_devid_ida already taken at boot: alarmtimer.0.auto (platform-bus.qemu.json). */
const BOOT_AUTO_IDS = [0];

export function platformFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** Registered devices (struct platform_device → pdev->name) and drivers (struct platform_driver → name), in order. */
  const devices = s.platformDevices;
  const drivers = s.platformDrivers;
  /** The id_table of the registered drivers that have one (platform_match() then ignores the driver's name). */
  const driverIds = new Map<bigint, { table: bigint; ids: string[] }>();
  /** Which driver each bound device is bound to. */
  const bound = new Map<bigint, bigint>();
  /** Devices the model allocated (platform_device_alloc()), freed when their last reference goes. */
  const allocated = new Set<bigint>();
  const autoIds = new Set<number>(BOOT_AUTO_IDS);
  const driverNamed = (name: string): boolean => [...drivers.values()].includes(name);
  /** platform_match(): the id_table (setting pdev->id_entry) when the driver has one, else the names. */
  const platformMatch = (ctx: KernelCallContext, pdev: bigint, pdrv: bigint): boolean => {
    const name = devices.get(pdev);
    const t = driverIds.get(pdrv);
    if (!t) return name === drivers.get(pdrv);
    const i = name === undefined ? -1 : t.ids.indexOf(name);
    if (i < 0) return false;
    writeU64(ctx.mem, pdev + PDEV.idEntry, t.table + BigInt(i * PLATFORM_DEVICE_ID_SIZE));
    return true;
  };
  /** The probe ran into what the model does not follow (deferral, asynchronous probing). */
  const stop = (ctx: KernelCallContext, fn: string, why: string): 'not-modelled' => {
    ctx.note(`${fn}: ${why}: not modelled`);
    return 'not-modelled';
  };
  /** driver_probe_device() of one pair; 'stop' when the model cannot follow it. */
  const attach = (ctx: KernelCallContext, fn: string, pdev: bigint, pdrv: bigint): 'bound' | 'failed' | 'not-modelled' => {
    const drvName = drivers.get(pdrv) ?? '';
    if (probesAsync(ctx, pdrv)) return stop(ctx, fn, `${drvName} prefers asynchronous probing, so its probe() runs in an async worker`);
    const r = reallyProbe(ctx, s, pdev, pdrv, drvName);
    if (r === 'deferred') return stop(ctx, fn, `${drvName}'s probe() deferred`);
    if (r !== 0) return 'failed';
    bound.set(pdev, pdrv);
    return 'bound';
  };
  /** platform_device_add() once the device is initialised: name it, then bus_probe_device() (drivers in order). */
  const deviceAdd = (ctx: KernelCallContext, fn: string, pdev: bigint): bigint | 'not-modelled' => {
    const name = pdevName(ctx, pdev);
    if (name === null) return 'not-modelled';
    if (readU32(ctx.mem, pdev + PDEV.numResources) !== 0) {
      // platform_device_add() inserts each resource in the iomem or ioport tree (insert_resource()).
      return stop(ctx, fn, `'${name}' has resources, whose insertion in the resource trees`);
    }
    const dn = platformDeviceName(ctx, s, pdev, autoIds);
    // device_add() of a name taken: sysfs "cannot create duplicate filename" with a WARN backtrace, then -EEXIST.
    if (QEMU_PC_PLATFORM_DEVICE_NAMES.includes(dn)) return stop(ctx, fn, `the machine has a platform device ${dn}, so device_add() fails with a sysfs WARN`);
    if ([...devices.keys()].some((d) => devName(ctx, d + PDEV.dev) === dn)) {
      // Also when a module's exit stopped (not modelled) before it unregistered its device: the model still has it.
      return stop(ctx, fn, `a platform device ${dn} is registered (perhaps left by a module whose exit stopped early), so device_add() fails`);
    }
    devices.set(pdev, name);
    s.registrations.push({ kind: 'platform device', name: dn, address: pdev });
    ctx.note(`${fn} '${dn}': added to the platform bus`);
    for (const pdrv of drivers.keys()) {
      if (!platformMatch(ctx, pdev, pdrv)) continue;
      const r = attach(ctx, fn, pdev, pdrv);
      if (r !== 'failed') return r === 'bound' ? 0n : r;
    }
    return 0n;
  };
  /** device_release_driver() if bound, then platform_device_del()'s removal from the bus. */
  const deviceDel = (ctx: KernelCallContext, pdev: bigint): void => {
    const pdrv = bound.get(pdev);
    if (pdrv !== undefined) releaseDriver(ctx, s, pdev, pdrv);
    bound.delete(pdev);
    devices.delete(pdev);
    if (ctx.mem.read(pdev + PDEV.idAuto, 1, 'read')[0]) autoIds.delete(pdevId(ctx, pdev));
  };
  /** put_device(): the last reference gone, platform_device_release() frees what platform_device_alloc() made. */
  const devicePut = (ctx: KernelCallContext, fn: string, pdev: bigint): bigint | 'not-modelled' => {
    if (isZeroOrNull(pdev)) return 0n;
    const kref = pdev + PDEV.dev + DEV.kref;
    const refs = readU32(ctx.mem, kref);
    if (refs > 1) {
      writeU32(ctx.mem, kref, refs - 1);
      return 0n;
    }
    writeU32(ctx.mem, kref, 0);
    if (!allocated.has(pdev)) {
      // A module's static struct platform_device: device_release() calls its dev.release.
      const release = readU64(ctx.mem, pdev + PDEV.dev + DEV.release);
      if (release === 0n) return stop(ctx, fn, 'the device has no release(), which device_release() WARNs about');
      ctx.callModule(release, pdev + PDEV.dev);
      return 0n;
    }
    allocated.delete(pdev);
    for (const off of [PDEV.dev + DEV.platformData, PDEV.resource]) {
      const p = readU64(ctx.mem, pdev + off);
      if (!isZeroOrNull(p)) ctx.kfree(p);
    }
    const n = readU64(ctx.mem, pdev + PDEV.dev + DEV.name);
    if (!isZeroOrNull(n)) ctx.kfree(n);
    ctx.kfree(pdev);
    ctx.note(`${fn}: platform device ${hexU64(pdev)} released`);
    return 0n;
  };
  /** kmemdup(): a copy (ZERO_SIZE_PTR for 0 bytes). */
  const kmemdup = (ctx: KernelCallContext, src: bigint, size: bigint, why: string): bigint => {
    if (size === 0n) return ZERO_SIZE_PTR;
    const copy = ctx.kmalloc(Number(size), false, why);
    ctx.mem.write(copy, ctx.mem.read(src, Number(size), 'read').slice());
    return copy;
  };
  /** platform_device_add_data(): kmemdup() of the data (none for NULL) replaces dev.platform_data. */
  const addData = (ctx: KernelCallContext, pdev: bigint, data: bigint, size: bigint): void => {
    const copy = data === 0n ? 0n : kmemdup(ctx, data, size, 'platform_data');
    const old = readU64(ctx.mem, pdev + PDEV.dev + DEV.platformData);
    if (!isZeroOrNull(old)) ctx.kfree(old);
    writeU64(ctx.mem, pdev + PDEV.dev + DEV.platformData, copy);
  };
  /** platform_device_register_full(): alloc, parent, data, DMA mask, add; ERR_PTR on failure. */
  const registerFull: KernelFunction = (ctx) => {
    const info = ctx.arg(0);
    const name = tryFieldString(ctx, info, PDEVINFO.name);
    if (name === null) return 'not-modelled';
    if (readU32(ctx.mem, info + PDEVINFO.numRes) !== 0 || readU64(ctx.mem, info + PDEVINFO.properties) !== 0n) {
      return stop(ctx, 'platform_device_register_full', `'${name}' comes with resources or properties`);
    }
    if (readU64(ctx.mem, info + PDEVINFO.fwnode) !== 0n) return stop(ctx, 'platform_device_register_full', `'${name}' has a firmware node`);
    const pdev = platformDeviceAlloc(ctx, s, name, readU32(ctx.mem, info + PDEVINFO.id) | 0);
    if (pdev === 0n) return ret(-ENOMEM);
    allocated.add(pdev);
    const dev = pdev + PDEV.dev;
    writeU64(ctx.mem, dev + DEV.parent, readU64(ctx.mem, info + PDEVINFO.parent));
    const dmaMask = readU64(ctx.mem, info + PDEVINFO.dmaMask);
    if (dmaMask !== 0n) {
      writeU64(ctx.mem, pdev + PDEV.platformDmaMask, dmaMask);
      writeU64(ctx.mem, dev + DEV.dmaMask, pdev + PDEV.platformDmaMask);
      writeU64(ctx.mem, dev + DEV.coherentDmaMask, dmaMask);
    }
    addData(ctx, pdev, readU64(ctx.mem, info + PDEVINFO.data), readU64(ctx.mem, info + PDEVINFO.sizeData));
    const r = deviceAdd(ctx, 'platform_device_register_full', pdev);
    return r === 'not-modelled' ? r : pdev;
  };
  /** __platform_driver_register(drv, owner): driver_register(), then driver_attach(). */
  const driverRegister = (ctx: KernelCallContext, pdrv: bigint, owner: bigint): bigint | 'not-modelled' => {
    const name = tryFieldString(ctx, pdrv, PDRV_DRIVER);
    if (name === null) return 'not-modelled';
    if (BUILTIN_PLATFORM_DRIVERS.includes(name) || driverNamed(name)) {
      printkText(ctx, s, 3, `Error: Driver '${name}' is already registered, aborting...\n`);
      ctx.note(`__platform_driver_register '${name}': a platform driver of that name is registered, -EBUSY`);
      return ret(-EBUSY);
    }
    const idTable = readU64(ctx.mem, pdrv + BigInt(PDRV_ID_TABLE));
    const ids = idTable === 0n ? null : idNames(ctx, idTable, PLATFORM_DEVICE_ID_SIZE, 20);
    const acpiTable = readU64(ctx.mem, pdrv + BigInt(PDRV_ACPI_MATCH_TABLE));
    const acpiIds = acpiTable === 0n ? [] : idNames(ctx, acpiTable, ACPI_DEVICE_ID_SIZE, 16);
    // platform_match() for the machine's devices: ACPI ids (devices ACPI made), then the id_table, else the name.
    const matches = (dev: string, hid?: string): boolean =>
      (hid !== undefined && acpiIds.includes(hid)) || (ids !== null ? ids.includes(dev) : dev === name);
    const qemu = QEMU_PC_UNBOUND_PLATFORM_DEVICES.find((d) => matches(d.name, d.acpiHid));
    if (qemu) {
      ctx.note(`__platform_driver_register '${name}': it matches the machine's platform device ${qemu.name}, so the bus probes it: not modelled`);
      return 'not-modelled';
    }
    // drv->driver.owner = owner; bus = &platform_bus_type (driver_register() reads them).
    writeU64(ctx.mem, pdrv + BigInt(PDRV_DRIVER) + 16n, owner);
    writeU64(ctx.mem, pdrv + BigInt(PDRV_DRIVER) + 8n, s.options.lookupSymbol?.('platform_bus_type') ?? 0n);
    s.registrations.push({ kind: 'platform driver', name, address: pdrv });
    ctx.note(`__platform_driver_register '${name}': registered`);
    drivers.set(pdrv, name);
    if (ids !== null && idTable !== 0n) driverIds.set(pdrv, { table: idTable, ids });
    // driver_attach(): every unbound device on the bus, in the order they were added.
    for (const pdev of [...devices.keys()]) {
      if (bound.has(pdev) || !platformMatch(ctx, pdev, pdrv)) continue;
      const r = attach(ctx, '__platform_driver_register', pdev, pdrv);
      if (r === 'not-modelled') return r;
    }
    return 0n;
  };
  /** platform_driver_unregister(): driver_detach(), then the driver leaves the bus. */
  const driverUnregister = (ctx: KernelCallContext, pdrv: bigint): bigint => {
    // driver_detach(): the bound devices, the last bound first.
    for (const [pdev] of [...bound].filter(([, d]) => d === pdrv).reverse()) {
      releaseDriver(ctx, s, pdev, pdrv);
      bound.delete(pdev);
    }
    drivers.delete(pdrv);
    driverIds.delete(pdrv);
    ctx.note(`platform_driver_unregister '${tryFieldString(ctx, pdrv, PDRV_DRIVER) ?? hexU64(pdrv)}': recorded`);
    return 0n;
  };
  let platformName: bigint | null = null;
  return {
    // const char *dev_driver_string(const struct device *dev) (drivers/base/core.c): drv->name, else dev_bus_name():
    // the bus's name, else the class's. A name the model does not have (vmlinux's buses read as zero) is not modelled.
    dev_driver_string: (ctx) => {
      const dev = ctx.arg(0);
      for (const off of [DEV.driver, DEV.bus, DEV.class]) {
        const p = readU64(ctx.mem, dev + off);
        if (p === 0n) continue;
        if (off === DEV.bus && p === s.options.lookupSymbol?.('platform_bus_type')) {
          // platform_bus_type.name, "platform": vmlinux's string is not in the model's memory, so a copy of it is.
          platformName ??= ctx.kmalloc(9, false, '"platform" (platform_bus_type.name)');
          ctx.mem.write(platformName, asciiBytes('platform\0'));
          return platformName;
        }
        const name = readU64(ctx.mem, p);
        if (name !== 0n) return name;
        ctx.note(`dev_driver_string ${hexU64(dev)}: the ${off === DEV.driver ? 'driver' : off === DEV.bus ? 'bus' : 'class'}'s name is not in the model`);
        return 'not-modelled';
      }
      ctx.note(`dev_driver_string ${hexU64(dev)}: no driver, bus or class; the kernel's "" is not in the model`);
      return 'not-modelled';
    },
    __platform_driver_register: (ctx) => driverRegister(ctx, ctx.arg(0), ctx.arg(1)),
    platform_driver_unregister: (ctx) => driverUnregister(ctx, ctx.arg(0)),
    // int __platform_driver_probe(struct platform_driver *drv, int (*probe)(struct platform_device *), struct module *module)
    __platform_driver_probe: (ctx) => {
      const pdrv = ctx.arg(0);
      const drvName = tryFieldString(ctx, pdrv, PDRV_DRIVER) ?? '';
      const typeAt = pdrv + BigInt(PDRV_DRIVER) + 36n;
      if (readU32(ctx.mem, typeAt) === 1) {
        printkText(ctx, s, 3, `${drvName}: drivers registered with __platform_driver_probe can not be probed asynchronously\n`);
        return ret(-EINVAL);
      }
      // PROBE_FORCE_SYNCHRONOUS, prevent_deferred_probe, suppress_bind_attrs, then drv->probe = probe for the registration.
      writeU32(ctx.mem, typeAt, 2);
      ctx.mem.write(pdrv + 200n, Uint8Array.of(1));
      ctx.mem.write(pdrv + BigInt(PDRV_DRIVER) + 32n, Uint8Array.of(1));
      writeU64(ctx.mem, pdrv, ctx.arg(1));
      const r = driverRegister(ctx, pdrv, ctx.arg(2));
      if (r !== 0n) return r;
      // Later devices must not bind: drv->probe = platform_probe_fail (platform_probe() then says -ENXIO).
      writeU64(ctx.mem, pdrv, s.options.lookupSymbol?.('platform_probe_fail') ?? 0n);
      if ([...bound.values()].includes(pdrv)) return 0n;
      ctx.note(`__platform_driver_probe '${drvName}': no device bound, -ENODEV`);
      driverUnregister(ctx, pdrv);
      return ret(-ENODEV);
    },
    // int __platform_register_drivers(struct platform_driver * const *drivers, unsigned int count, struct module *owner)
    __platform_register_drivers: (ctx) => {
      const count = Number(ctx.arg(1) & 0xffffffffn);
      for (let i = 0; i < count; i++) {
        const r = driverRegister(ctx, readU64(ctx.mem, ctx.arg(0) + BigInt(8 * i)), ctx.arg(2));
        if (r === 'not-modelled') return r;
        // The error path prints "failed to register platform driver %ps: %d" and unregisters the ones before.
        if (r !== 0n) return stop(ctx, '__platform_register_drivers', 'a driver failed to register (its %ps error line)');
      }
      return 0n;
    },
    // void platform_unregister_drivers(struct platform_driver * const *drivers, unsigned int count): the last first.
    platform_unregister_drivers: (ctx) => {
      for (let i = Number(ctx.arg(1) & 0xffffffffn) - 1; i >= 0; i--) driverUnregister(ctx, readU64(ctx.mem, ctx.arg(0) + BigInt(8 * i)));
      return 0n;
    },
    // int platform_device_register(struct platform_device *pdev): a module's own struct.
    platform_device_register: (ctx) => {
      const pdev = ctx.arg(0);
      deviceInitialize(ctx, pdev + PDEV.dev);
      setupPdevDmaMasks(ctx, pdev);
      return deviceAdd(ctx, 'platform_device_register', pdev);
    },
    platform_device_register_full: registerFull,
    platform_device_alloc: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0));
      if (name === null) return 'not-modelled';
      const pdev = platformDeviceAlloc(ctx, s, name, Number(BigInt.asIntN(32, ctx.arg(1))));
      if (pdev !== 0n) allocated.add(pdev);
      ctx.note(`platform_device_alloc '${name}': ${hexU64(pdev)}`);
      return pdev;
    },
    platform_device_add: (ctx) => deviceAdd(ctx, 'platform_device_add', ctx.arg(0)),
    // int platform_device_add_data(struct platform_device *pdev, const void *data, size_t size)
    platform_device_add_data: (ctx) => (addData(ctx, ctx.arg(0), ctx.arg(1), ctx.arg(2)), 0n),
    // int platform_device_add_resources(struct platform_device *pdev, const struct resource *res, unsigned int num)
    platform_device_add_resources: (ctx) => {
      const pdev = ctx.arg(0);
      const num = ctx.arg(2) & 0xffffffffn;
      const r = ctx.arg(1) === 0n ? 0n : kmemdup(ctx, ctx.arg(1), RESOURCE_SIZE * num, 'platform resources');
      const old = readU64(ctx.mem, pdev + PDEV.resource);
      if (!isZeroOrNull(old)) ctx.kfree(old);
      writeU64(ctx.mem, pdev + PDEV.resource, r);
      writeU32(ctx.mem, pdev + PDEV.numResources, Number(num));
      return 0n;
    },
    platform_device_put: (ctx) => devicePut(ctx, 'platform_device_put', ctx.arg(0)),
    platform_device_unregister: (ctx) => {
      const pdev = ctx.arg(0);
      if (isZeroOrNull(pdev)) return 0n;
      deviceDel(ctx, pdev);
      ctx.note(`platform_device_unregister ${hexU64(pdev)}: removed`);
      return devicePut(ctx, 'platform_device_unregister', pdev);
    },
    platform_device_del: (ctx) => {
      if (!isZeroOrNull(ctx.arg(0))) deviceDel(ctx, ctx.arg(0));
      return 0n;
    },
  };
}
