/**
 * Device attribute files (drivers/base/core.c of 6.1). device_create_file(dev, attr): nothing for a NULL dev
 * (returns 0); a WARN when the mode allows writing without a store() or reading without a show() (not
 * modelled); then sysfs_create_file(&dev->kobj, &attr->attr), which fails only for a name the directory
 * already has (-EEXIST after sysfs_warn_dup()): the model keeps each device's file names.
 * struct device_attribute { struct attribute attr { const char *name; umode_t mode @8 }; show @16; store @24 }.
 */
import type { KernelFunction } from '../types';
import { readU32, readU64, tryCString } from './mem';
import type { KernelCallState } from './state';

const S_IWUGO = 0o222;
const S_IRUGO = 0o444;

export function deviceFileFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const files = new Map<bigint, Set<string>>();
  return {
    device_create_file: (ctx) => {
      const dev = ctx.arg(0);
      const attr = ctx.arg(1);
      if (dev === 0n) return 0n;
      const mode = readU32(ctx.mem, attr + 8n) & 0xffff;
      const show = readU64(ctx.mem, attr + 16n);
      const store = readU64(ctx.mem, attr + 24n);
      const name = tryCString(ctx, readU64(ctx.mem, attr));
      if (((mode & S_IWUGO) !== 0 && store === 0n) || ((mode & S_IRUGO) !== 0 && show === 0n) || name === null) {
        ctx.note(`device_create_file '${name ?? '?'}': the attribute's mode and show/store disagree: WARN, not modelled`);
        return 'not-modelled';
      }
      const have = files.get(dev) ?? new Set<string>();
      // sysfs_warn_dup() prints the full sysfs path, which the model does not keep.
      if (have.has(name)) return 'not-modelled';
      have.add(name);
      files.set(dev, have);
      s.registrations.push({ kind: 'device attribute', name, address: attr });
      ctx.note(`device_create_file: sysfs file '${name}' (mode ${mode.toString(8).padStart(4, '0')}) on the device, returns 0`);
      return 0n;
    },
    // void device_remove_file(struct device *dev, const struct device_attribute *attr)
    device_remove_file: (ctx) => {
      const name = tryCString(ctx, readU64(ctx.mem, ctx.arg(1)));
      if (name !== null) files.get(ctx.arg(0))?.delete(name);
      return 0n;
    },
  };
}
