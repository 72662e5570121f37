/**
 * ACPI drivers (drivers/acpi/bus.c, drivers/base/dd.c, 6.1). acpi_bus_register_driver() (-ENODEV with acpi_disabled,
 * which the modelled machine is not) sets drv.name, drv.bus = &acpi_bus_type and drv.owner, then driver_register();
 * driver_attach() binds every ACPI device without a driver that acpi_bus_match() accepts: flags.match_driver and one of
 * its IDs in the driver's ids table. Of QEMU's PC devices only the fixed power button LNXPWRBN:00 is left without a
 * driver by the boot (acpi-button-device.ts), so a driver whose table holds "LNXPWRBN" (button.ko) binds it:
 * really_probe() sets dev->driver and calls acpi_device_probe(): -EINVAL for a device a scan handler took (none here),
 * -ENOSYS without ops.add, else ops.add(device) in the module on the modelled CPU. An error is logged by
 * call_driver_probe() ("<drv>: probe of LNXPWRBN:00 failed with error <n>", but not -ENODEV/-ENXIO), and
 * device_unbind_cleanup() undoes the binding; on success, a driver with ops.notify gets its handler installed —
 * for the power button acpi_install_fixed_event_handler(ACPI_EVENT_POWER_BUTTON, acpi_device_fixed_event, device),
 * which logs nothing — and get_device(). A driver matching no such device only registers.
 *
 * acpi_bus_unregister_driver() is driver_unregister(): for the bound device __device_release_driver() calls
 * acpi_device_remove(): the fixed event handler removed (acpi_remove_fixed_event_handler()), ops.remove(device),
 * device->driver_data = NULL, put_device(); then devres_release_all(), dev->driver and the driver data cleared.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { registrar } from './registrars';
import { readU32, readU64, tryCString, writeU32, writeU64 } from './mem';
import { devresReleaseAll } from './devres';
import { DEV } from './platform-device';
import { printkText } from './printk';
import { ADEV, ADEV_FLAG_MATCH_DRIVER, buildQemuPowerButton, QEMU_PWRBN } from './acpi-button-device';
import type { KernelCallState } from './state';

/** struct acpi_driver (recorded): name[80] 0, class[80] 80, ids 160, flags 168, ops.add 176, ops.remove 184, ops.notify 192, drv 200, owner 344. */
const ADRV = { ids: 160n, add: 176n, remove: 184n, notify: 192n, drv: 200n, owner: 344n } as const;
/** struct device_driver: name 0, bus 8, owner 16. */
const DRV = { name: 0n, bus: 8n, owner: 16n } as const;
/** struct acpi_device_id: id[16], driver_data, cls, cls_msk: 32 bytes. */
const ACPI_DEVICE_ID_SIZE = 32;
const ENODEV = -19;
const ENXIO = -6;
const EINVAL = -22;
const ENOSYS = -38;
/** struct kobject's kref (get_device()/put_device()). */
const KREF = 56n;

function acpiIds(ctx: KernelCallContext, table: bigint): string[] {
  const out: string[] = [];
  for (let i = 0; table !== 0n && i < 256; i++) {
    const id = tryCString(ctx, table + BigInt(i * ACPI_DEVICE_ID_SIZE), 16);
    if (!id) break;
    out.push(id);
  }
  return out;
}

export function acpiBusFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** LNXPWRBN:00's struct acpi_device, built on first use. */
  let pwrbn: bigint | null = null;
  /** The struct acpi_driver bound to it. */
  let boundTo: bigint | null = null;
  /** The fixed power-button event handler installed (ACPICA refuses a second with AE_ALREADY_EXISTS). */
  let fixedHandler = false;
  const kref = (ctx: KernelCallContext, dev: bigint, by: number): void => writeU32(ctx.mem, dev + KREF, readU32(ctx.mem, dev + KREF) + by);

  /** really_probe() + acpi_device_probe(); true when bound, 'not-modelled' when the model cannot follow it. */
  const probe = (ctx: KernelCallContext, adrv: bigint, name: string, adev: bigint): boolean | 'not-modelled' => {
    const dev = adev + ADEV.dev;
    writeU64(ctx.mem, dev + DEV.driver, adrv + ADRV.drv);
    const add = readU64(ctx.mem, adrv + ADRV.add);
    let r: number;
    if (readU64(ctx.mem, adev + ADEV.handler) !== 0n) r = EINVAL;
    else if (add === 0n) r = ENOSYS;
    else r = Number(BigInt.asIntN(32, ctx.callModule(add, adev)));
    if (r === 0 && readU64(ctx.mem, adrv + ADRV.notify) !== 0n) {
      if (fixedHandler) {
        ctx.note(`acpi_device_probe: the fixed power-button handler is installed already (AE_ALREADY_EXISTS): not modelled`);
        return 'not-modelled';
      }
      fixedHandler = true;
      ctx.note(`acpi_device_probe: acpi_install_fixed_event_handler(ACPI_EVENT_POWER_BUTTON, acpi_device_fixed_event, ${QEMU_PWRBN.name})`);
    }
    if (r === 0) {
      kref(ctx, dev, 1); // get_device()
      ctx.note(`really_probe: ${name}'s add() bound ${QEMU_PWRBN.name}`);
      return true;
    }
    if (r !== ENODEV && r !== ENXIO) printkText(ctx, s, 4, `${name}: probe of ${QEMU_PWRBN.name} failed with error ${r}\n`);
    ctx.note(`really_probe: ${name}'s add() of ${QEMU_PWRBN.name} returned ${r}; the device stays unbound`);
    devresReleaseAll(ctx, s, dev);
    writeU64(ctx.mem, dev + DEV.driver, 0n);
    writeU64(ctx.mem, dev + DEV.driverData, 0n);
    return false;
  };

  return {
    // int acpi_bus_register_driver(struct acpi_driver *driver)
    acpi_bus_register_driver: (ctx) => {
      const adrv = ctx.arg(0);
      const name = tryCString(ctx, adrv, 80);
      const ids = acpiIds(ctx, readU64(ctx.mem, adrv + ADRV.ids));
      if (name === null || !ids.includes(QEMU_PWRBN.hid)) return registrar(s, 'acpi driver', 'acpi_bus_register_driver', () => name, 0)(ctx);
      writeU64(ctx.mem, adrv + ADRV.drv + DRV.name, adrv);
      writeU64(ctx.mem, adrv + ADRV.drv + DRV.bus, s.options.lookupSymbol?.('acpi_bus_type') ?? 0n);
      writeU64(ctx.mem, adrv + ADRV.drv + DRV.owner, readU64(ctx.mem, adrv + ADRV.owner));
      s.registrations.push({ kind: 'acpi driver', name, address: adrv });
      ctx.note(`acpi_bus_register_driver '${name}': registered on the ACPI bus; QEMU's ${QEMU_PWRBN.name} matches`);
      pwrbn ??= buildQemuPowerButton(ctx, s);
      if (boundTo !== null || !(readU32(ctx.mem, pwrbn + ADEV.flags) & ADEV_FLAG_MATCH_DRIVER)) return 0n;
      const r = probe(ctx, adrv, name, pwrbn);
      if (r === 'not-modelled') return r;
      if (r) boundTo = adrv;
      return 0n;
    },
    // void acpi_bus_unregister_driver(struct acpi_driver *driver)
    acpi_bus_unregister_driver: (ctx) => {
      const adrv = ctx.arg(0);
      const name = tryCString(ctx, adrv, 80) ?? hexU64(adrv);
      if (boundTo !== adrv || pwrbn === null) {
        ctx.note(`acpi_bus_unregister_driver '${name}': recorded`);
        return 0n;
      }
      const dev = pwrbn + ADEV.dev;
      if (readU64(ctx.mem, adrv + ADRV.notify) !== 0n) {
        fixedHandler = false;
        ctx.note(`acpi_device_remove: acpi_remove_fixed_event_handler(ACPI_EVENT_POWER_BUTTON, acpi_device_fixed_event)`);
      }
      const remove = readU64(ctx.mem, adrv + ADRV.remove);
      if (remove !== 0n) ctx.callModule(remove, pwrbn);
      writeU64(ctx.mem, pwrbn + ADEV.driverData, 0n);
      kref(ctx, dev, -1); // put_device()
      devresReleaseAll(ctx, s, dev);
      writeU64(ctx.mem, dev + DEV.driver, 0n);
      writeU64(ctx.mem, dev + DEV.driverData, 0n);
      boundTo = null;
      ctx.note(`acpi_bus_unregister_driver '${name}': ${QEMU_PWRBN.name} unbound, the driver unregistered`);
      return 0n;
    },
  };
}
