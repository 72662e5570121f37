/**
 * Device wakeup (drivers/base/power/wakeup.c, 6.1), what device_init_wakeup(dev, true) (include/linux/pm_wakeup.h)
 * calls. device_set_wakeup_capable() sets or clears dev->power.can_wakeup; for a registered device that changes the
 * wakeup attributes in sysfs, which log nothing. device_wakeup_enable(): -EINVAL without can_wakeup; else
 * wakeup_source_register(dev, dev_name(dev)) (a struct wakeup_source and its /sys/class/wakeup/wakeupN device) and
 * device_wakeup_attach(): -EEXIST when the device has a wakeup source already (the new one is unregistered again),
 * else it becomes dev->power.wakeup. Nothing is logged either way (the "Suspicious … during system transition" line is
 * dev_dbg, and the machine is not suspending).
 */
import type { KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { readU32, readU64, ret, writeU32, writeU64 } from './mem';
import { DEV_PM } from './acpi-button-device';

const EINVAL = 22;
const EEXIST = 17;

export function pmWakeupFunctions(): Record<string, KernelFunction> {
  return {
    // void device_set_wakeup_capable(struct device *dev, bool capable)
    device_set_wakeup_capable: (ctx) => {
      const at = ctx.arg(0) + DEV_PM.canWakeup;
      const w = readU32(ctx.mem, at);
      writeU32(ctx.mem, at, (ctx.arg(1) & 0xffn) !== 0n ? w | 1 : w & ~1);
      return 0n;
    },
    // int device_wakeup_enable(struct device *dev)
    device_wakeup_enable: (ctx) => {
      const dev = ctx.arg(0);
      if (dev === 0n || !(readU32(ctx.mem, dev + DEV_PM.canWakeup) & 1)) return ret(-EINVAL);
      if (readU64(ctx.mem, dev + DEV_PM.wakeup) !== 0n) {
        ctx.note(`device_wakeup_enable ${hexU64(dev)}: it has a wakeup source already; the new one is unregistered again, -EEXIST`);
        return ret(-EEXIST);
      }
      // The model keeps none of the wakeup source's contents (no module reads them).
      writeU64(ctx.mem, dev + DEV_PM.wakeup, ctx.kmalloc(256, true, 'struct wakeup_source'));
      ctx.note(`device_wakeup_enable ${hexU64(dev)}: a wakeup source registered for it`);
      return 0n;
    },
  };
}
