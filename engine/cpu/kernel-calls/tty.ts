/**
 * tty drivers (drivers/tty/tty_io.c of 6.1): __tty_alloc_driver() and tty_register_driver(), which takes
 * the character-device region — a dynamic major when driver->major is 0, written back into the driver
 * (synclink_cs prints it: "tty major#246" on the modelled machine). struct tty_driver offsets are the
 * Debian 6.1.0-50 vmlinux's (BTF).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EINVAL } from './errname';
import { readU64, ret, s32, tryCString, u32, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import { registerChrdevRegion, unregisterChrdevRegion } from './char-dev';
import { KERNEL_DATA } from '../../machine/qemu-pc-kernel-data';
import type { KernelCallState } from './state';

const SIZEOF_TTY_DRIVER = 184;
const KREF = 0n;
const CDEVS = 8n;
const OWNER = 16n;
const NAME = 32n;
const MAJOR = 44n;
const MINOR_START = 48n;
const NUM = 52n;
const FLAGS = 104n;
const TTYS = 128n;
const PORTS = 136n;
const TERMIOS = 144n;
const TTY_DRIVER_INSTALLED = 0x1n;
const TTY_DRIVER_DEVPTS_MEM = 0x10n;
const TTY_DRIVER_DYNAMIC_ALLOC = 0x40n;
const TTY_DRIVER_UNNUMBERED_NODE = 0x80n;

const u32At = (ctx: KernelCallContext, a: bigint): number => u32(readU64(ctx.mem, a));
const ENODEV = 19;
const ERANGE = 34;

/**
 * tty_drivers as tty_dev_name_to_number() walks it: the modules' registered drivers (list_add() puts each at the head:
 * newest first), then the built-in ones the real kernel has on the machine (recorded /proc/tty/drivers: serial
 * "ttyS" 4:64 x32, "pts", "ptm", the consoles "tty" 4:1 x63).
 */
function ttyDriverList(ctx: KernelCallContext, s: KernelCallState): { name: string; major: number; minorStart: number; num: number }[] {
  const modules = [...s.ttyDrivers]
    .filter((d) => (readU64(ctx.mem, d + FLAGS) & TTY_DRIVER_INSTALLED) !== 0n)
    .reverse()
    .map((d) => ({
      name: tryCString(ctx, readU64(ctx.mem, d + NAME)) ?? '',
      major: u32At(ctx, d + MAJOR),
      minorStart: u32At(ctx, d + MINOR_START),
      num: u32At(ctx, d + NUM),
    }));
  return [...modules, ...KERNEL_DATA.ttyDrivers.map(([name, major, minorStart, num]) => ({ name, major, minorStart, num }))];
}

export function ttyFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // struct tty_driver *__tty_alloc_driver(unsigned int lines, struct module *owner, unsigned long flags)
    __tty_alloc_driver: (ctx) => {
      const lines = u32(ctx.arg(0));
      const flags = ctx.arg(2);
      if (!lines || (flags & TTY_DRIVER_UNNUMBERED_NODE && lines > 1)) return ret(-EINVAL);
      const d = ctx.kmalloc(SIZEOF_TTY_DRIVER, true, 'struct tty_driver');
      writeU32(ctx.mem, d + KREF, 1);
      writeU32(ctx.mem, d + NUM, lines);
      writeU64(ctx.mem, d + OWNER, ctx.arg(1));
      writeU64(ctx.mem, d + FLAGS, flags);
      if (!(flags & TTY_DRIVER_DEVPTS_MEM)) {
        writeU64(ctx.mem, d + TTYS, ctx.kmalloc(8 * lines, true, 'tty_driver ttys[]'));
        writeU64(ctx.mem, d + TERMIOS, ctx.kmalloc(8 * lines, true, 'tty_driver termios[]'));
      }
      let cdevs = 1;
      if (!(flags & TTY_DRIVER_DYNAMIC_ALLOC)) {
        writeU64(ctx.mem, d + PORTS, ctx.kmalloc(8 * lines, true, 'tty_driver ports[]'));
        cdevs = lines;
      }
      writeU64(ctx.mem, d + CDEVS, ctx.kmalloc(8 * cdevs, true, 'tty_driver cdevs[]'));
      s.ttyDrivers.add(d);
      ctx.note(`__tty_alloc_driver: struct tty_driver at ${hexU64(d)} for ${lines} line(s), flags ${hexU64(flags)}`);
      return d;
    },
    /**
     * int tty_register_driver(struct tty_driver *driver): alloc_chrdev_region() when major is 0 (major and
     * minor_start written back), else register_chrdev_region(); then the driver joins tty_drivers, its
     * device nodes (tty_register_device() per line unless TTY_DRIVER_DYNAMIC_DEV) and /proc/tty entry are
     * made — those are not modelled further — and TTY_DRIVER_INSTALLED is set.
     */
    tty_register_driver: (ctx) => {
      const d = ctx.arg(0);
      if (!s.ttyDrivers.has(d)) return 'not-modelled';
      const name = tryCString(ctx, readU64(ctx.mem, d + NAME)) ?? '(null)';
      const major = s32(BigInt(u32At(ctx, d + MAJOR)));
      const minorStart = u32At(ctx, d + MINOR_START);
      const num = u32At(ctx, d + NUM);
      const r = registerChrdevRegion(ctx, s, major, minorStart, num, name);
      if (r < 0) {
        ctx.note(`tty_register_driver '${name}': the char region fails with ${r}`);
        return ret(r);
      }
      if (major === 0) writeU32(ctx.mem, d + MAJOR, r);
      writeU64(ctx.mem, d + FLAGS, readU64(ctx.mem, d + FLAGS) | TTY_DRIVER_INSTALLED);
      s.registrations.push({ kind: 'tty driver', name, address: d });
      ctx.note(`tty_register_driver '${name}': major ${major === 0 ? r : major}, minors ${minorStart}..${minorStart + num - 1}, returns 0`);
      return 0n;
    },
    // void tty_unregister_driver(struct tty_driver *driver): unregister_chrdev_region(MKDEV(major, minor_start), num), …
    tty_unregister_driver: (ctx) => {
      const d = ctx.arg(0);
      if (!s.ttyDrivers.has(d)) return 'not-modelled';
      unregisterChrdevRegion(s, u32At(ctx, d + MAJOR), u32At(ctx, d + MINOR_START), u32At(ctx, d + NUM));
      ctx.note(`tty_unregister_driver '${tryCString(ctx, readU64(ctx.mem, d + NAME)) ?? ''}': its char region is released`);
      return 0n;
    },
    /**
     * int tty_dev_name_to_number(const char *name, dev_t *number): the name's prefix up to its first digit names a
     * driver, kstrtoint() of the rest its line; the first driver on tty_drivers with that name and more lines gives
     * MKDEV(major, minor_start + index). -EINVAL without a digit, kstrtoint()'s error, -ENODEV when none matches.
     */
    tty_dev_name_to_number: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0));
      if (name === null) return 'not-modelled';
      const digit = name.search(/[0-9]/);
      if (digit < 0) return ret(-EINVAL);
      const rest = name.slice(digit);
      if (!/^[0-9]+\n?$/.test(rest)) return ret(-EINVAL);
      const index = Number(rest.trim());
      if (index > 0x7fffffff) return ret(-ERANGE);
      const prefix = name.slice(0, digit);
      const d = ttyDriverList(ctx, s).find((t) => t.name === prefix && index < t.num);
      if (!d) {
        ctx.note(`tty_dev_name_to_number '${name}': no tty driver '${prefix}' with line ${index}: -ENODEV`);
        return ret(-ENODEV);
      }
      const minor = d.minorStart + index;
      writeU32(ctx.mem, ctx.arg(1), (d.major << 20) | minor);
      ctx.note(`tty_dev_name_to_number '${name}': tty driver '${d.name}', device ${d.major}:${minor}`);
      return 0n;
    },
    // void tty_driver_kref_put(struct tty_driver *driver): kref_put(&driver->kref, destruct_tty_driver).
    tty_driver_kref_put: (ctx) => {
      const d = ctx.arg(0);
      if (!s.ttyDrivers.has(d)) return 'not-modelled';
      const n = u32At(ctx, d + KREF) - 1;
      writeU32(ctx.mem, d + KREF, n);
      if (n === 0) {
        s.ttyDrivers.delete(d);
        for (const f of [TTYS, TERMIOS, PORTS, CDEVS]) {
          const p = readU64(ctx.mem, d + f);
          if (p !== 0n) ctx.kfree(p);
        }
        ctx.kfree(d);
        ctx.note('tty_driver_kref_put: last reference: the driver is freed');
      }
      return 0n;
    },
  };
}
