/**
 * Driver registrations on buses and frameworks that have no devices on the modelled machine (QEMU's
 * Standard PC with -nodefaults: no CXL, no coreboot table under SeaBIOS, no I2C adapter in the built-in
 * kernel (i2c-piix4 is a module), no devfreq device), so registering binds and probes nothing.
 *
 * - __cxl_driver_register() (drivers/cxl/core/port.c; CONFIG_CXL_BUS=y): -EINVAL without probe, name or
 *   id; then drv.bus/owner/mod_name/name are set and driver_register() finds no other driver of the name
 *   on cxl_bus_type (built in: cxl_port, cxl_region) and no device: 0.
 * - coreboot_driver_register() (drivers/firmware/google/coreboot_table.c; =y): drv.bus = &coreboot_bus_type,
 *   driver_register(): no coreboot devices: 0.
 * - i2c_for_each_dev() (drivers/i2c/i2c-core-base.c): bus_for_each_dev(&i2c_bus_type): the callback is
 *   called for each adapter and client; none exist (a module adding one is not modelled): 0.
 * - devfreq_add_governor() (drivers/devfreq/devfreq.c): -EINVAL and pr_err when a governor of the name
 *   (strncmp, DEVFREQ_NAME_LEN) is on devfreq_governor_list; Debian builds no governor in; then it walks
 *   devfreq_list, which is empty: 0.
 */
import type { KernelFunction } from '../types';
import { EBUSY, EINVAL } from './errname';
import { printkText } from './printk';
import { readU64, ret, tryCString, writeU64 } from './mem';
import type { KernelCallState } from './state';

/** struct cxl_driver { const char *name; probe; remove; struct device_driver drv @24 (144 bytes); int id @168 }. */
const CXL_DRV = 24n;
const CXL_ID = 168n;
/** struct coreboot_driver { probe; remove; struct device_driver drv @16; id_table }. */
const COREBOOT_DRV = 16n;
/** struct device_driver: name @0, bus @8, owner @16, mod_name @24. */
const DRV_BUS = 8n;
const DRV_OWNER = 16n;
const DRV_MOD_NAME = 24n;
/** struct devfreq_governor { struct list_head node; const char name[DEVFREQ_NAME_LEN = 16] @16; … } */
const GOV_NAME = 16n;
const DEVFREQ_NAME_LEN = 16;

export function busFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const sym = (name: string): bigint => s.options.lookupSymbol?.(name) ?? 0n;
  /** Driver names on cxl_bus_type: the built-in cxl_port and cxl_region drivers (CONFIG_CXL_PORT=y, CONFIG_CXL_REGION=y). */
  const cxlDrivers = new Map<string, bigint>([
    ['cxl_port', 0n],
    ['cxl_region', 0n],
  ]);
  const governors = new Map<string, bigint>();
  return {
    // int __cxl_driver_register(struct cxl_driver *cxl_drv, struct module *owner, const char *modname)
    __cxl_driver_register: (ctx) => {
      const d = ctx.arg(0);
      const name = tryCString(ctx, readU64(ctx.mem, d));
      if (readU64(ctx.mem, d + 8n) === 0n || name === null || (readU64(ctx.mem, d + CXL_ID) & 0xffffffffn) === 0n) return ret(-EINVAL);
      const drv = d + CXL_DRV;
      writeU64(ctx.mem, drv + DRV_BUS, sym('cxl_bus_type'));
      writeU64(ctx.mem, drv + DRV_OWNER, ctx.arg(1));
      writeU64(ctx.mem, drv + DRV_MOD_NAME, ctx.arg(2));
      writeU64(ctx.mem, drv, readU64(ctx.mem, d));
      if (cxlDrivers.has(name)) {
        printkText(ctx, s, 3, `Error: Driver '${name}' is already registered, aborting...\n`);
        return ret(-EBUSY);
      }
      cxlDrivers.set(name, d);
      s.registrations.push({ kind: 'cxl driver', name, address: d });
      ctx.note(`__cxl_driver_register '${name}': on cxl_bus_type; QEMU's PC has no CXL device to bind, returns 0`);
      return 0n;
    },
    cxl_driver_unregister: (ctx) => {
      for (const [n, a] of cxlDrivers) if (a === ctx.arg(0)) cxlDrivers.delete(n);
      ctx.note('cxl_driver_unregister: driver removed from cxl_bus_type');
      return 0n;
    },
    // int coreboot_driver_register(struct coreboot_driver *driver)
    coreboot_driver_register: (ctx) => {
      const drv = ctx.arg(0) + COREBOOT_DRV;
      writeU64(ctx.mem, drv + DRV_BUS, sym('coreboot_bus_type'));
      const name = tryCString(ctx, readU64(ctx.mem, drv));
      s.registrations.push({ kind: 'coreboot driver', name, address: ctx.arg(0) });
      ctx.note(`coreboot_driver_register${name ? ` '${name}'` : ''}: no coreboot table under QEMU's SeaBIOS, so no device to bind; returns 0`);
      return 0n;
    },
    coreboot_driver_unregister: (ctx) => {
      ctx.note('coreboot_driver_unregister: driver removed');
      return 0n;
    },
    // int i2c_for_each_dev(void *data, int (*fn)(struct device *dev, void *data))
    i2c_for_each_dev: (ctx) => {
      if (s.registrations.some((r) => r.kind === 'i2c adapter')) return 'not-modelled';
      ctx.note('i2c_for_each_dev: no I2C adapter or client on the machine, the callback is not called; returns 0');
      return 0n;
    },
    // int devfreq_add_governor(struct devfreq_governor *governor)
    devfreq_add_governor: (ctx) => {
      const g = ctx.arg(0);
      if (g === 0n) {
        printkText(ctx, s, 3, 'devfreq_add_governor: Invalid parameters.\n');
        return ret(-EINVAL);
      }
      const name = tryCString(ctx, g + GOV_NAME, DEVFREQ_NAME_LEN) ?? '';
      if (governors.has(name)) {
        printkText(ctx, s, 3, `devfreq_add_governor: governor ${name} already registered\n`);
        return ret(-EINVAL);
      }
      governors.set(name, g);
      s.registrations.push({ kind: 'devfreq governor', name, address: g });
      ctx.note(`devfreq_add_governor '${name}': on devfreq_governor_list; no devfreq device uses it, returns 0`);
      return 0n;
    },
    // int devfreq_remove_governor(struct devfreq_governor *governor): -ENODEV with pr_err when not registered.
    devfreq_remove_governor: (ctx) => {
      const g = ctx.arg(0);
      const name = g === 0n ? null : tryCString(ctx, g + GOV_NAME, DEVFREQ_NAME_LEN);
      if (name === null || !governors.has(name)) return 'not-modelled';
      governors.delete(name);
      return 0n;
    },
  };
}
