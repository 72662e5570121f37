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
 * ACPI drivers likewise: acpi_bus_register_driver() (drivers/acpi/scan.c) attaches the driver to every
 * device in the ACPI namespace whose hardware ID is in its ids table and calls its add()/probe. Of
 * QEMU's PC namespace only the fixed-feature power button LNXPWRBN is listed here (the real boot shows
 * /devices/LNXSYSTM:00/LNXPWRBN:00, which button.ko binds: "ACPI: button: Power Button [PWRF]").
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { handleMaker, registrar } from './registrars';
import { readU64, tryCString, tryFieldString } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';

/**
 * struct platform_driver in Debian's 6.1.176: probe, remove, remove_new (backported), shutdown, suspend, resume, then
 * struct device_driver (name first, 144 bytes), then id_table (hgafb.ko: .data relocation for the name at +0x30, 208 bytes).
 */
export const PDRV_DRIVER = 48;
const PDRV_ID_TABLE = 192;
/** struct platform_device_info: parent, fwnode, of_node_reused, then name. */
const PDEVINFO_NAME = 24;
/** struct acpi_driver: name[80], class[80], then ids (struct acpi_device_id: id[16], driver_data, cls, cls_msk: 32 bytes). */
const ACPI_DRIVER_IDS = 160;
const ACPI_DEVICE_ID_SIZE = 32;
/** Hardware IDs of QEMU's PC ACPI namespace that no built-in driver has taken (see above). */
const QEMU_ACPI_UNBOUND_IDS = ['LNXPWRBN'];

function bindsNote(ctx: KernelCallContext, fn: string, name: string): 'not-modelled' {
  const other = fn.includes('driver') ? 'device' : 'driver';
  ctx.note(`${fn} '${name}': the platform bus binds it to the registered ${other} of that name and calls probe() in the module: not modelled`);
  return 'not-modelled';
}

export function platformFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const devices = s.platformDevices;
  const drivers = s.platformDrivers;
  const driverMatches = (name: string): boolean => [...drivers.values()].includes(name);
  const deviceMatches = (name: string): boolean => [...devices.values()].includes(name);
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
      const idTable = readU64(ctx.mem, ctx.arg(0) + BigInt(PDRV_ID_TABLE));
      if (name !== null && idTable === 0n && deviceMatches(name)) return bindsNote(ctx, '__platform_driver_register', name);
      const r = registrar(s, 'platform driver', '__platform_driver_register', () => name, 0)(ctx);
      if (name !== null) drivers.set(ctx.arg(0), name);
      return r;
    },
    platform_driver_unregister: (ctx) => {
      drivers.delete(ctx.arg(0));
      ctx.note(`platform_driver_unregister '${tryFieldString(ctx, ctx.arg(0), PDRV_DRIVER) ?? hexU64(ctx.arg(0))}': recorded`);
      return 0n;
    },
    platform_device_register: addDevice(
      'platform_device_register',
      registrar(s, 'platform device', 'platform_device_register', (c) => tryFieldString(c, c.arg(0), 0), 0),
      (c) => tryFieldString(c, c.arg(0), 0),
      false,
    ),
    platform_device_register_full: addDevice(
      'platform_device_register_full',
      handleMaker(s, 'platform_device', 'platform_device_register_full', (c) => tryFieldString(c, c.arg(0), PDEVINFO_NAME)),
      (c) => tryFieldString(c, c.arg(0), PDEVINFO_NAME),
      true,
    ),
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
