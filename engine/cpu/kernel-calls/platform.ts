/**
 * The platform bus (drivers/base/platform.c, 6.1): registering a platform device and a platform
 * driver records them; when the second of a matching pair registers, the kernel binds them at once
 * (bus_probe_device / driver_attach → platform_match → really_probe) and calls the driver's probe()
 * in the module — hgafb's "HGA card not detected", mac802154_hwsim's "Added 2 … radios". The model
 * cannot call back into the module from a kernel function, so that registration says it is not
 * modelled instead of returning 0 as if nothing had bound. platform_match() compares the device's
 * name with the driver's (after driver_override, OF, ACPI and id_table, which these registrations do
 * not use when the names already match); a driver with an id_table is not matched here.
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
 * ACPI drivers likewise: acpi_bus_register_driver() (drivers/acpi/scan.c) attaches the driver to every
 * device in the ACPI namespace whose hardware ID is in its ids table and calls its add()/probe. Of
 * QEMU's PC namespace only the fixed-feature power button LNXPWRBN is listed here (the real boot shows
 * /devices/LNXSYSTM:00/LNXPWRBN:00, which button.ko binds: "ACPI: button: Power Button [PWRF]").
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { handleMaker, registrar } from './registrars';
import { EBUSY } from './errname';
import { readU32, readU64, ret, tryCString, tryFieldString } from './mem';
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
/** struct platform_device_info: parent, fwnode, of_node_reused, then name. */
const PDEVINFO_NAME = 24;
/** struct platform_device_info's int id; struct platform_device: name, id, id_auto, then struct device dev. */
const PDEVINFO_ID = 32n;
const PDEV_DEV = 16n;
/** struct acpi_driver: name[80], class[80], then ids (struct acpi_device_id: id[16], driver_data, cls, cls_msk: 32 bytes). */
const ACPI_DRIVER_IDS = 160;
const ACPI_DEVICE_ID_SIZE = 32;
/** Hardware IDs of QEMU's PC ACPI namespace that no built-in driver has taken (see above). */
const QEMU_ACPI_UNBOUND_IDS = ['LNXPWRBN'];

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

function bindsNote(ctx: KernelCallContext, fn: string, name: string): 'not-modelled' {
  const other = fn.includes('driver') ? 'device' : 'driver';
  ctx.note(`${fn} '${name}': the platform bus binds it to the registered ${other} of that name and calls probe() in the module: not modelled`);
  return 'not-modelled';
}

export function platformFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const devices = s.platformDevices;
  const drivers = s.platformDrivers;
  /** The id_table names of the registered drivers that have one (platform_match() then ignores the driver's name). */
  const driverIds = new Map<bigint, string[]>();
  const driverNamed = (name: string): boolean => [...drivers.values()].includes(name);
  const driverMatches = (dev: string): boolean => [...drivers].some(([at, name]) => driverIds.get(at)?.includes(dev) ?? name === dev);
  const addDevice =
    (fn: string, inner: KernelFunction, nameOf: (ctx: KernelCallContext) => string | null, handle: boolean): KernelFunction =>
    (ctx) => {
      const name = nameOf(ctx);
      if (name !== null && driverMatches(name)) return bindsNote(ctx, fn, name);
      const r = inner(ctx);
      if (r === 'not-modelled' || name === null) return r;
      devices.set(handle ? r : ctx.arg(0), name);
      return r;
    };
  const allocNames = new Map<bigint, string>();
  const registerFull = addDevice(
    'platform_device_register_full',
    handleMaker(s, 'platform_device', 'platform_device_register_full', (c) => tryFieldString(c, c.arg(0), PDEVINFO_NAME)),
    (c) => tryFieldString(c, c.arg(0), PDEVINFO_NAME),
    true,
  );
  const baseAlloc = handleMaker(s, 'platform_device', 'platform_device_alloc', (ctx) => tryCString(ctx, ctx.arg(0)));
  return {
    acpi_bus_register_driver: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0), 80);
      const ids = readU64(ctx.mem, ctx.arg(0) + BigInt(ACPI_DRIVER_IDS));
      for (let i = 0; ids !== 0n && i < 256; i++) {
        const id = tryCString(ctx, ids + BigInt(i * ACPI_DEVICE_ID_SIZE), 16);
        if (!id) break;
        if (QEMU_ACPI_UNBOUND_IDS.includes(id)) {
          ctx.note(`acpi_bus_register_driver '${name ?? ''}': QEMU's ${id} device matches and the driver's add() in the module runs: not modelled`);
          return 'not-modelled';
        }
      }
      return registrar(s, 'acpi driver', 'acpi_bus_register_driver', () => name, 0)(ctx);
    },
    __platform_driver_register: (ctx) => {
      const name = tryFieldString(ctx, ctx.arg(0), PDRV_DRIVER);
      if (name === null) return 'not-modelled';
      if (BUILTIN_PLATFORM_DRIVERS.includes(name) || driverNamed(name)) {
        printkText(ctx, s, 3, `Error: Driver '${name}' is already registered, aborting...\n`);
        ctx.note(`__platform_driver_register '${name}': a platform driver of that name is registered, -EBUSY`);
        return ret(-EBUSY);
      }
      const idTable = readU64(ctx.mem, ctx.arg(0) + BigInt(PDRV_ID_TABLE));
      const ids = idTable === 0n ? null : idNames(ctx, idTable, PLATFORM_DEVICE_ID_SIZE, 20);
      const acpiTable = readU64(ctx.mem, ctx.arg(0) + BigInt(PDRV_ACPI_MATCH_TABLE));
      const acpiIds = acpiTable === 0n ? [] : idNames(ctx, acpiTable, ACPI_DEVICE_ID_SIZE, 16);
      // platform_match() for each device on the bus: ACPI ids (devices ACPI made), then the id_table, else the name.
      const matches = (dev: string, hid?: string): boolean =>
        (hid !== undefined && acpiIds.includes(hid)) || (ids !== null ? ids.includes(dev) : dev === name);
      const qemu = QEMU_PC_UNBOUND_PLATFORM_DEVICES.find((d) => matches(d.name, d.acpiHid));
      if (qemu) {
        ctx.note(`__platform_driver_register '${name}': it matches the machine's platform device ${qemu.name}, so the bus probes it: not modelled`);
        return 'not-modelled';
      }
      const own = [...devices.values()].find((d) => matches(d));
      if (own !== undefined) return bindsNote(ctx, '__platform_driver_register', own);
      const r = registrar(s, 'platform driver', '__platform_driver_register', () => name, 0)(ctx);
      drivers.set(ctx.arg(0), name);
      if (ids !== null) driverIds.set(ctx.arg(0), ids);
      return r;
    },
    platform_driver_unregister: (ctx) => {
      drivers.delete(ctx.arg(0));
      driverIds.delete(ctx.arg(0));
      ctx.note(`platform_driver_unregister '${tryFieldString(ctx, ctx.arg(0), PDRV_DRIVER) ?? hexU64(ctx.arg(0))}': recorded`);
      return 0n;
    },
    platform_device_register: addDevice(
      'platform_device_register',
      registrar(s, 'platform device', 'platform_device_register', (c) => tryFieldString(c, c.arg(0), 0), 0),
      (c) => tryFieldString(c, c.arg(0), 0),
      false,
    ),
    platform_device_register_full: (ctx) => {
      const r = registerFull(ctx);
      const name = tryFieldString(ctx, ctx.arg(0), PDEVINFO_NAME);
      if (typeof r === 'bigint' && name !== null) {
        // platform_device_add(): dev_set_name() "%s" for PLATFORM_DEVID_NONE, "%s.%d" for a fixed id; bus "platform".
        const id = readU32(ctx.mem, ctx.arg(0) + PDEVINFO_ID) | 0;
        if (id !== -2) s.deviceNames.set(r + PDEV_DEV, `platform ${id === -1 ? name : `${name}.${id}`}`);
      }
      return r;
    },
    platform_device_alloc: (ctx) => {
      const r = baseAlloc(ctx);
      const name = tryCString(ctx, ctx.arg(0));
      if (r !== 'not-modelled' && name !== null) allocNames.set(r, name);
      return r;
    },
    platform_device_add: addDevice(
      'platform_device_add',
      registrar(s, 'platform device', 'platform_device_add', (c) => allocNames.get(c.arg(0)) ?? null, 0),
      (c) => allocNames.get(c.arg(0)) ?? null,
      false,
    ),
    platform_device_unregister: (ctx) => {
      devices.delete(ctx.arg(0));
      ctx.note(`platform_device_unregister ${hexU64(ctx.arg(0))}: recorded`);
      return 0n;
    },
    platform_device_del: (ctx) => {
      devices.delete(ctx.arg(0));
      return 0n;
    },
  };
}
