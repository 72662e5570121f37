/**
 * Devices in sysfs (drivers/base/core.c, lib/kobject.c, drivers/input/input.c, fs/char_dev.c of 6.1) as far as a module
 * sees them: dev_set_name() names the device's kobject (kobject_set_name_vargs()); device_add() takes dev->init_name as
 * the name, refuses a device without one (-EINVAL), and puts the kobject under get_device_parent()'s directory: a class
 * device without a parent in /devices/virtual/<class>/, one whose parent is a class device under that parent, one whose
 * parent is not in a <class> glue directory under it; a device of no class under its parent, else /devices/ (the
 * devices_kset). kobject_get_path() is the names from the top, each after a '/'. get_device()/put_device() count
 * references on the kobject. cdev_device_add() adds the cdev when the device has a devt, then the device.
 * input_allocate_device() kzallocs a struct input_dev (1384 bytes: name @0, struct device dev @544), of class input,
 * named input<N> from a counter that counts every input device allocated since boot: QEMU's PC made input0 (the ACPI
 * power button) and input1 (the AT keyboard) at boot. input_register_device() adds it and logs
 * "input: <name or Unspecified device> as <path>". Not modelled: a bus device's probing (bus_probe_device()), uevents,
 * input handlers connecting (none prints), devtmpfs nodes.
 *
 * struct device (pahole): kobj @0 (name @0, parent @24, kref @56, state @60), parent @64, init_name @80, bus @96,
 * driver @104, devt @660, class @688 (struct class: name @0).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { EINVAL } from './errname';
import { printkText } from './printk';
import { asciiBytes, readU32, readU64, ret, tryCString, writeU32, writeU64 } from './mem';
import { setName } from './kobject';
import { fmt, quoted } from './registrars';
import type { KernelCallState } from './state';

const DEV = { parent: 64n, initName: 80n, bus: 96n, devt: 660n, class: 688n };
const KOBJ = { parent: 24n, kref: 56n, state: 60n };
const INPUT = { size: 1384, dev: 544n };
/** input_no after boot: input0 and input1 (/proc/bus/input/devices on the real machine). */
const BOOT_INPUT_DEVICES = 2;

export function deviceCoreFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** Directories made by the model (glue and top ones): "parent kobj/name" → kobject. */
  const dirs = new Map<string, bigint>();
  let inputNo = BOOT_INPUT_DEVICES - 1;
  let inputClass = 0n;
  const dir = (ctx: KernelCallContext, parent: bigint, name: string): bigint => {
    const key = `${parent.toString(16)}/${name}`;
    let k = dirs.get(key);
    if (k === undefined) {
      k = ctx.kmalloc(64, true, `kobject '${name}'`);
      setName(ctx, k, name);
      writeU64(ctx.mem, k + KOBJ.parent, parent);
      writeU32(ctx.mem, k + KOBJ.kref, 1);
      dirs.set(key, k);
    }
    return k;
  };
  const nameOf = (ctx: KernelCallContext, kobj: bigint): string | null => tryCString(ctx, readU64(ctx.mem, kobj), 256);
  const get = (ctx: KernelCallContext, kobj: bigint): void => writeU32(ctx.mem, kobj + KOBJ.kref, readU32(ctx.mem, kobj + KOBJ.kref) + 1);
  /** get_device_parent() and kobject_add() for a device: the kobject its directory goes under. */
  const parentKobj = (ctx: KernelCallContext, dev: bigint): bigint => {
    const devices = dir(ctx, 0n, 'devices');
    const parent = readU64(ctx.mem, dev + DEV.parent);
    const cls = readU64(ctx.mem, dev + DEV.class);
    if (cls !== 0n) {
      const clsName = tryCString(ctx, readU64(ctx.mem, cls)) ?? '';
      if (parent === 0n) return dir(ctx, dir(ctx, devices, 'virtual'), clsName);
      if (readU64(ctx.mem, parent + DEV.class) !== 0n) return parent;
      return dir(ctx, parent, clsName);
    }
    return parent !== 0n ? parent : devices;
  };
  const deviceAdd = (ctx: KernelCallContext, dev: bigint, what: string): bigint => {
    const init = readU64(ctx.mem, dev + DEV.initName);
    if (init !== 0n) {
      setName(ctx, dev, tryCString(ctx, init, 256) ?? '');
      writeU64(ctx.mem, dev + DEV.initName, 0n);
    }
    const name = nameOf(ctx, dev);
    if (!name) {
      ctx.note(`${what}: the device has no name, -EINVAL`);
      return ret(-EINVAL);
    }
    const p = parentKobj(ctx, dev);
    get(ctx, p);
    writeU64(ctx.mem, dev + KOBJ.parent, p);
    writeU32(ctx.mem, dev + KOBJ.state, readU32(ctx.mem, dev + KOBJ.state) | 2); // state_in_sysfs
    s.registrations.push({ kind: 'device', name, address: dev });
    ctx.note(`${what}: device '${name}' added at ${path(ctx, dev)}`);
    return 0n;
  };
  const path = (ctx: KernelCallContext, kobj: bigint): string => {
    const parts: string[] = [];
    for (let k = kobj, n = 0; k !== 0n && n < 64; k = readU64(ctx.mem, k + KOBJ.parent), n++) parts.unshift(nameOf(ctx, k) ?? '');
    return `/${parts.join('/')}`;
  };
  return {
    // int dev_set_name(struct device *dev, const char *fmt, ...)
    dev_set_name: (ctx) => {
      const name = fmt(1, s)(ctx);
      if (name === null) return 'not-modelled';
      setName(ctx, ctx.arg(0), name);
      ctx.note(`dev_set_name${quoted(name)}`);
      return 0n;
    },
    // int device_add(struct device *dev)
    device_add: (ctx) => deviceAdd(ctx, ctx.arg(0), 'device_add'),
    // struct device *get_device(struct device *dev)
    get_device: (ctx) => {
      if (ctx.arg(0) !== 0n) get(ctx, ctx.arg(0));
      return ctx.arg(0);
    },
    // void put_device(struct device *dev): the last reference's release is not modelled.
    put_device: (ctx) => {
      const d = ctx.arg(0);
      if (d !== 0n) writeU32(ctx.mem, d + KOBJ.kref, readU32(ctx.mem, d + KOBJ.kref) - 1);
      return 0n;
    },
    // char *kobject_get_path(const struct kobject *kobj, gfp_t gfp_mask)
    kobject_get_path: (ctx) => {
      const text = path(ctx, ctx.arg(0));
      const p = ctx.kmalloc(text.length + 1, false, `kobject path '${text}'`);
      ctx.mem.write(p, asciiBytes(`${text}\0`));
      return p;
    },
    // int cdev_device_add(struct cdev *cdev, struct device *dev)
    cdev_device_add: (ctx) => {
      const devt = readU32(ctx.mem, ctx.arg(1) + DEV.devt);
      if (devt) ctx.note(`cdev_device_add: char device ${devt >>> 20}:${devt & 0xfffff} added`);
      return deviceAdd(ctx, ctx.arg(1), 'cdev_device_add');
    },
    // struct input_dev *input_allocate_device(void)
    input_allocate_device: (ctx) => {
      const d = ctx.kmalloc(INPUT.size, true, 'struct input_dev');
      if (inputClass === 0n) {
        inputClass = ctx.kmalloc(128, true, 'input_class');
        const n = ctx.kmalloc(8, false, "'input'");
        ctx.mem.write(n, asciiBytes('input\0'));
        writeU64(ctx.mem, inputClass, n);
      }
      const dev = d + INPUT.dev;
      writeU64(ctx.mem, dev + DEV.class, inputClass);
      writeU32(ctx.mem, dev + KOBJ.kref, 1); // device_initialize()
      writeU32(ctx.mem, dev + KOBJ.state, 1);
      inputNo++;
      setName(ctx, dev, `input${inputNo}`);
      s.handles.set(d, `input_dev 'input${inputNo}'`);
      ctx.note(`input_allocate_device: input${inputNo} at ${hexU64(d)}`);
      return d;
    },
    // int input_register_device(struct input_dev *dev)
    input_register_device: (ctx) => {
      const d = ctx.arg(0);
      const r = deviceAdd(ctx, d + INPUT.dev, 'input_register_device');
      if (r !== 0n) return r;
      const name = tryCString(ctx, readU64(ctx.mem, d), 256) ?? 'Unspecified device';
      printkText(ctx, s, 6, `input: ${name} as ${path(ctx, d + INPUT.dev)}\n`);
      return 0n;
    },
  };
}
