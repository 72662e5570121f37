/**
 * QEMU's fixed-feature power button as the real kernel builds it at boot, LNXPWRBN:00: a struct acpi_device with no
 * namespace handle (drivers/acpi/scan.c acpi_bus_scan_fixed(): acpi_add_single_object(&device, NULL,
 * ACPI_BUS_TYPE_POWER_BUTTON, false)), child of the ACPI root LNXSYSTM:00 (/devices/LNXSYSTM:00/LNXPWRBN:00), which
 * no built-in driver binds and button.ko's acpi_button_add() gets from acpi_bus_register_driver() (acpi-bus.ts).
 *
 * Layout and values recorded from the real kernel on the modelled machine by a probe module
 * (scripts/qemu/acpi-pwrbn-probe.mjs → scripts/qemu/recordings/acpi-pwrbn.qemu.json): sizeof 1424; device_type 4
 * (ACPI_BUS_TYPE_POWER_BUTTON); handle NULL; fwnode.ops = acpi_device_fwnode_ops with its empty suppliers/consumers
 * lists; wakeup_list, del_list empty; status 0xf (present, enabled, shown in UI, functional); flags 0x430
 * (match_driver, initialized, coherent_dma); pnp.bus_id "PWRF", instance_no 0, type.hardware_id, pnp.ids one
 * struct acpi_hardware_id "LNXPWRBN"; device_name and device_class empty (the driver's add() fills them); power,
 * wakeup, handler, driver_data zero; data.properties and data.subnodes empty; the struct device at 608 bound to no
 * driver, its power.can_wakeup set and power.wakeup a wakeup source registered at boot. The model builds it once per
 * machine in its own memory; the LNXSYSTM:00 device above it has only its name and its place under /devices.
 */
import { CpuFault, type KernelCallContext } from '../types';
import { asciiBytes, readU32, readU64, tryCString, writeU32, writeU64 } from './mem';
import { listAddTail, listInit } from './list-head';
import { setName } from './kobject';
import { DEV, deviceInitialize } from './platform-device';
import type { KernelCallState } from './state';

/** struct acpi_device (pahole-equivalent offsets recorded from the real kernel's build, acpi-pwrbn.qemu.json). */
export const ADEV = {
  deviceType: 4n,
  handle: 8n,
  fwnodeOps: 24n,
  fwnodeSuppliers: 40n,
  fwnodeConsumers: 56n,
  wakeupList: 80n,
  delList: 96n,
  status: 112n,
  flags: 116n,
  busId: 120n,
  pnpType: 132n,
  pnpIds: 152n,
  deviceName: 168n,
  deviceClass: 208n,
  dataProperties: 536n,
  dataSubnodes: 560n,
  handler: 576n,
  driverData: 600n,
  dev: 608n,
  physicalNodeList: 1368n,
  physicalNodeLockWaitList: 1384n + 16n,
  size: 1424,
} as const;
/** struct acpi_hardware_id: list 0, id 16 (24 bytes). */
const HWID = { id: 16n, size: 24 } as const;
/** struct device: power (struct dev_pm_info) at 216, whose can_wakeup is bit 0 of the word at +4; power.wakeup at 280. */
export const DEV_PM = { canWakeup: 220n, wakeup: 280n } as const;
/** struct kobject: parent at 24, state bits at 60 (state_initialized 1, state_in_sysfs 2). */
const KOBJ = { parent: 24n, state: 60n } as const;

export const ACPI_BUS_TYPE_POWER_BUTTON = 4;
/** acpi_device_flags.match_driver (bit 4): acpi_bus_match() binds only such devices. */
export const ADEV_FLAG_MATCH_DRIVER = 1 << 4;

/** The recorded values of the device. */
export const QEMU_PWRBN = {
  name: 'LNXPWRBN:00',
  parent: 'LNXSYSTM:00',
  hid: 'LNXPWRBN',
  busId: 'PWRF',
  status: 0xf,
  flags: 0x430,
} as const;

function kobject(ctx: KernelCallContext, size: number, name: string, parent: bigint): bigint {
  const k = ctx.kmalloc(size, true, `kobject '${name}'`);
  setName(ctx, k, name);
  writeU64(ctx.mem, k + KOBJ.parent, parent);
  writeU32(ctx.mem, k + 56n, 1); // kref
  writeU32(ctx.mem, k + KOBJ.state, 3); // initialized, in sysfs
  return k;
}

/** Build LNXPWRBN:00 (and the kobjects of /devices/LNXSYSTM:00 above it) in the model's memory; its struct acpi_device. */
export function buildQemuPowerButton(ctx: KernelCallContext, s: KernelCallState): bigint {
  const sym = (name: string): bigint => s.options.lookupSymbol?.(name) ?? 0n;
  const devices = kobject(ctx, 64, 'devices', 0n);
  const root = kobject(ctx, 752, QEMU_PWRBN.parent, devices);
  const a = ctx.kmalloc(ADEV.size, true, `struct acpi_device ${QEMU_PWRBN.name}`);
  const mem = ctx.mem;
  writeU32(mem, a + ADEV.deviceType, ACPI_BUS_TYPE_POWER_BUTTON);
  writeU64(mem, a + ADEV.fwnodeOps, sym('acpi_device_fwnode_ops'));
  for (const l of [ADEV.fwnodeSuppliers, ADEV.fwnodeConsumers, ADEV.wakeupList, ADEV.delList, ADEV.dataProperties, ADEV.dataSubnodes]) {
    listInit(ctx, a + l);
  }
  listInit(ctx, a + ADEV.physicalNodeList);
  listInit(ctx, a + ADEV.physicalNodeLockWaitList);
  writeU32(mem, a + ADEV.status, QEMU_PWRBN.status);
  writeU32(mem, a + ADEV.flags, QEMU_PWRBN.flags);
  mem.write(a + ADEV.busId, asciiBytes(`${QEMU_PWRBN.busId}\0`));
  writeU32(mem, a + ADEV.pnpType, 1); // hardware_id
  listInit(ctx, a + ADEV.pnpIds);
  const hwid = ctx.kmalloc(HWID.size, true, `acpi_hardware_id ${QEMU_PWRBN.hid}`);
  const id = ctx.kmalloc(QEMU_PWRBN.hid.length + 1, false, `"${QEMU_PWRBN.hid}"`);
  mem.write(id, asciiBytes(`${QEMU_PWRBN.hid}\0`));
  writeU64(mem, hwid + HWID.id, id);
  listAddTail(ctx, hwid, a + ADEV.pnpIds);
  const dev = a + ADEV.dev;
  deviceInitialize(ctx, dev);
  setName(ctx, dev, QEMU_PWRBN.name);
  writeU64(mem, dev + KOBJ.parent, root);
  writeU32(mem, dev + KOBJ.state, readU32(mem, dev + KOBJ.state) | 2);
  writeU64(mem, dev + DEV.parent, root);
  writeU64(mem, dev + DEV.bus, sym('acpi_bus_type'));
  writeU64(mem, dev + DEV.release, sym('acpi_device_release'));
  // The wakeup source the boot registered for it (device_wakeup_enable() at scan time): the model keeps no contents.
  writeU32(mem, dev + DEV_PM.canWakeup, readU32(mem, dev + DEV_PM.canWakeup) | 1);
  writeU64(mem, dev + DEV_PM.wakeup, ctx.kmalloc(256, true, `wakeup source of ${QEMU_PWRBN.name} (registered at boot)`));
  ctx.note(`ACPI: ${QEMU_PWRBN.name} (QEMU's fixed power button) is in the model's memory at ${a.toString(16)}`);
  return a;
}

/**
 * acpi_device_hid() (drivers/acpi/scan.c) read from a struct acpi_device in memory: the first entry of pnp.ids, else
 * scan.c's dummy_hid "device" ('empty': an initialised, empty list); null where pnp.ids is no consistent list head
 * (next->prev == head) in readable memory, i.e. a struct the model did not build.
 */
export function acpiDeviceHidFromMemory(ctx: KernelCallContext, adev: bigint): bigint | 'empty' | null {
  const head = adev + ADEV.pnpIds;
  try {
    const first = readU64(ctx.mem, head);
    if (first === head) return 'empty';
    if (first === 0n || readU64(ctx.mem, first + 8n) !== head) return null;
    const id = readU64(ctx.mem, first + HWID.id);
    return tryCString(ctx, id, 16) === null ? null : id;
  } catch (e) {
    if (e instanceof CpuFault) return null;
    throw e;
  }
}
