/**
 * The firmware loader (drivers/base/firmware_loader/main.c, 6.1 with Debian's patches; CONFIG_FW_LOADER=y,
 * FW_LOADER_COMPRESS_XZ=y, ZSTD not set, FW_LOADER_USER_HELPER=y without _FALLBACK, EXTRA_FIRMWARE="").
 * The modelled machine has no firmware files at all (its root is busybox's initramfs: no /lib/firmware), so
 * every request fails with -ENOENT, printing what the real kernel prints:
 *
 * _request_firmware() → fw_get_filesystem_firmware(dev, fw_priv, "", NULL): every fw_path entry fails, then
 * Debian's dev_err "firmware: failed to load %s (%d)" and, for -ENOENT, pr_err_once (pr_fmt "firmware_class: ")
 * "See https://wiki.debian.org/Firmware for information about missing firmware" — once per boot. A full read
 * (not FW_OPT_PARTIAL) tries again with ".xz" (the same dev_err, the once line not again), then
 * firmware_fallback_platform(): -ENOENT without FW_OPT_FALLBACK_PLATFORM, and efi_get_embedded_fw() finds
 * nothing on QEMU's SeaBIOS machine. Then, unless FW_OPT_NO_WARN, dev_warn "Direct firmware load for %s failed
 * with error %d". firmware_fallback_sysfs() runs the user helper only with FW_OPT_USERHELPER (fw_run_sysfs_fallback:
 * force_sysfs_fallback is off): request_firmware_nowait(uevent = false) alone, which is not modelled (it waits
 * up to 60 s for user space). *firmware_p = NULL; the error is returned.
 *
 * request_firmware_nowait() queues request_firmware_work_func() on system_wq (workqueue.ts): the kworker makes
 * the request and calls cont(NULL, context), then module_put()s the module it pinned.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { EINVAL, ENOENT } from './errname';

const EFAULT = 14;
import { ret, tryCString, writeU64 } from './mem';
import { devPrefix, printkText } from './printk';
import type { KernelCallState } from './state';

/** include/linux/firmware.h / firmware.h FW_OPT_* bits the messages depend on. */
const FW_OPT_NO_WARN = 1 << 3;
const FW_OPT_NOFALLBACK_SYSFS = 1 << 5;
const FW_OPT_PARTIAL = 1 << 7;

type Line = { level: number; text: string };

/** "bus-or-driver name" of a struct device (dev_driver_string(), dev_name()), as __dev_printk() prefixes it; null when unknown. */
function devicePrefix(ctx: KernelCallContext, s: KernelCallState, dev: bigint): string | null {
  if (dev === 0n) return '(NULL device *)';
  let prefix: string;
  try {
    prefix = devPrefix(ctx, s, dev);
  } catch {
    return null;
  }
  // An empty driver/bus/class name or device name: the model cannot say what __dev_printk() would print.
  return prefix.startsWith(' ') || prefix.endsWith(' ') ? null : prefix;
}

/** The lines _request_firmware() prints for a file the machine does not have, and its return value. */
export function missingFirmware(s: KernelCallState, prefix: string, name: string, opt: number): { lines: Line[]; err: number } {
  const lines: Line[] = [];
  const fsFail = (): void => {
    lines.push({ level: 3, text: `${prefix}: firmware: failed to load ${name} (-2)` });
    if (!s.firmwareWikiShown) {
      s.firmwareWikiShown = true;
      lines.push({ level: 3, text: 'firmware_class: See https://wiki.debian.org/Firmware for information about missing firmware' });
    }
  };
  fsFail();
  if (!(opt & FW_OPT_PARTIAL)) fsFail(); // CONFIG_FW_LOADER_COMPRESS_XZ: the ".xz" suffix
  if (!(opt & FW_OPT_NO_WARN)) lines.push({ level: 4, text: `${prefix}: Direct firmware load for ${name} failed with error -2` });
  return { lines, err: -ENOENT };
}

export function firmwareLoaderFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** _request_firmware(firmware_p, name, device, …, opt_flags) in the caller's context. */
  const request =
    (fn: string, opt: number): KernelFunction =>
    (ctx) => {
      const fwp = ctx.arg(0);
      if (fwp === 0n) return ret(-EINVAL);
      const name = ctx.arg(1) === 0n ? '' : tryCString(ctx, ctx.arg(1), 4096);
      if (name === null) return 'not-modelled';
      if (name === '' || /(^|\/)\.\.(\/|$)/.test(name)) {
        if (name !== '') return 'not-modelled'; // the "refused, path contains '..'" warning: not modelled
        writeU64(ctx.mem, fwp, 0n);
        return ret(-EINVAL);
      }
      const prefix = devicePrefix(ctx, s, ctx.arg(2));
      if (prefix === null) {
        ctx.note(`${fn}('${name}'): the device's name is not known to the model, so its messages cannot be printed`);
        return 'not-modelled';
      }
      const r = missingFirmware(s, prefix, name, opt);
      for (const l of r.lines) printkText(ctx, s, l.level, `${l.text}\n`);
      writeU64(ctx.mem, fwp, 0n);
      ctx.note(`${fn}('${name}'): the modelled machine has no firmware files: *fw = NULL, returns ${r.err}`);
      return ret(r.err);
    };
  return {
    request_firmware: request('request_firmware', 0),
    firmware_request_nowarn: request('firmware_request_nowarn', FW_OPT_NO_WARN),
    request_firmware_direct: request('request_firmware_direct', FW_OPT_NO_WARN | FW_OPT_NOFALLBACK_SYSFS),
    firmware_request_platform: request('firmware_request_platform', 0),
    request_firmware_into_buf: request('request_firmware_into_buf', 0),
    request_partial_firmware_into_buf: request('request_partial_firmware_into_buf', FW_OPT_PARTIAL),
    // int request_firmware_nowait(struct module *module, bool uevent, const char *name, struct device *device, gfp_t gfp,
    //                             void *context, void (*cont)(const struct firmware *fw, void *context))
    request_firmware_nowait: (ctx) => {
      const [module, uevent, namePtr, dev, , context, cont] = [0, 1, 2, 3, 4, 5, 6].map((i) => ctx.arg(i));
      const name = tryCString(ctx, namePtr, 4096);
      // uevent = false: FW_OPT_USERHELPER, and the work waits for user space through the sysfs fallback (not modelled).
      if (name === null || (uevent & 0xffn) === 0n) return 'not-modelled';
      const prefix = devicePrefix(ctx, s, dev);
      if (prefix === null) {
        ctx.note(`request_firmware_nowait('${name}'): the device's name is not known to the model, so its messages cannot be printed`);
        return 'not-modelled';
      }
      if (module !== 0n && ctx.moduleRef(module, 'get') === false) return ret(-EFAULT);
      if (name === '' || /(^|\/)\.\.(\/|$)/.test(name)) return 'not-modelled';
      s.queuedWork.push({
        work: 0n,
        wq: 0n,
        fn: cont,
        args: [0n, context],
        what: `request_firmware_work_func() for ${name}`,
        printBefore: (print) => {
          for (const l of missingFirmware(s, prefix, name, 0).lines) print(l.level, l.text);
        },
        modulePut: module !== 0n ? module : undefined,
        intro:
          `request_firmware_work_func(): _request_firmware() finds no ${name} on the machine (it has no firmware files) and logs so; ` +
          `fw is NULL, and the callback is called with it, then module_put().`,
      });
      ctx.note(`request_firmware_nowait('${name}'): request_firmware_work_func() queued on system_wq; the machine has no such file`);
      return 0n;
    },
    // void release_firmware(const struct firmware *fw): nothing to do for NULL (every request here fails).
    release_firmware: (ctx) => (ctx.arg(0) === 0n ? 0n : 'not-modelled'),
  };
}
