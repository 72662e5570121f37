/**
 * Binding a platform device to its driver and unbinding it (drivers/base/dd.c and platform.c, 6.1), with the driver's
 * probe() and remove() run in the module on the modelled CPU (ctx.callModule).
 *
 * really_probe(): a device with managed resources already is refused ("Resources present before probing", -EBUSY);
 * dev->driver is set; call_driver_probe() runs the bus's probe, platform_probe(): of_clk_set_defaults() and
 * dev_pm_domain_attach() do nothing for a device with no OF node and no ACPI companion, then drv->probe(pdev)
 * (none: 0). A driver with prevent_deferred_probe that returns -EPROBE_DEFER gets "probe deferral not supported" and
 * -ENXIO. call_driver_probe() then logs: nothing for 0; -ENODEV and -ENXIO only at pr_debug ("rejects match", off in
 * Debian); any other error "<drv>: probe of <dev> failed with error <n>" at KERN_WARNING. After a failure
 * device_unbind_cleanup() releases the managed resources (devres_release_all()) and clears dev->driver and the
 * driver data; the registration that bound them still returns 0. -EPROBE_DEFER puts the device on the deferred-probe
 * list, retried from a work item whenever another driver binds: not modelled.
 *
 * __device_release_driver() at unbind: the bus's remove, platform_remove(): drv->remove_new(pdev), else drv->remove(pdev)
 * (a non-zero return only warns "remove callback returned a non-zero value. This will be ignored."), then the same
 * cleanup.
 */
import type { KernelCallContext } from '../types';
import { readU64, writeU64 } from './mem';
import { devresReleaseAll } from './devres';
import { DEV, devName, PDEV } from './platform-device';
import { devPrintk, printkText } from './printk';
import type { KernelCallState } from './state';
import { asciiBytes } from './mem';

/** struct platform_driver: probe 0, remove 8, remove_new 16, driver 48 (name +0, probe_type +36), prevent_deferred_probe 200. */
const PDRV = { probe: 0n, remove: 8n, removeNew: 16n, driver: 48n, probeType: 48n + 36n, preventDeferredProbe: 200n } as const;
/** enum probe_type: PROBE_PREFER_ASYNCHRONOUS. */
const PROBE_PREFER_ASYNCHRONOUS = 1;
const EPROBE_DEFER = -517;
const ENODEV = -19;
const ENXIO = -6;
const EBUSY = -16;

/** A fixed-text dev_printk (the format is ours, not in module memory). */
function devText(ctx: KernelCallContext, s: KernelCallState, level: number, dev: bigint, text: string): void {
  const at = ctx.kmalloc(text.length + 1, false, 'dev_printk text');
  ctx.mem.write(at, Uint8Array.of(...asciiBytes(text), 0));
  devPrintk(ctx, s, level, dev, at, { next: () => 0n });
  ctx.kfree(at);
}

/** The driver prefers asynchronous probing (driver_allows_async_probing()): the probe would run in an async worker. */
export function probesAsync(ctx: KernelCallContext, pdrv: bigint): boolean {
  return (Number(readU64(ctx.mem, pdrv + PDRV.probeType) & 0xffffffffn) | 0) === PROBE_PREFER_ASYNCHRONOUS;
}

/** device_unbind_cleanup(): devres_release_all(), dev->driver = NULL, dev_set_drvdata(dev, NULL). */
function unbindCleanup(ctx: KernelCallContext, s: KernelCallState, dev: bigint): void {
  devresReleaseAll(ctx, s, dev);
  writeU64(ctx.mem, dev + DEV.driver, 0n);
  writeU64(ctx.mem, dev + DEV.driverData, 0n);
}

/**
 * really_probe(&pdev->dev, &pdrv->driver). Returns the probe's result (0: bound), or 'deferred' for -EPROBE_DEFER,
 * whose retry the model does not run.
 */
export function reallyProbe(ctx: KernelCallContext, s: KernelCallState, pdev: bigint, pdrv: bigint, drvName: string): number | 'deferred' {
  const dev = pdev + PDEV.dev;
  const name = devName(ctx, dev);
  if ((s.devres.get(dev) ?? []).length) {
    devText(ctx, s, 2, dev, 'Resources present before probing\n');
    return EBUSY;
  }
  writeU64(ctx.mem, dev + DEV.driver, pdrv + PDRV.driver);
  const probe = readU64(ctx.mem, pdrv + PDRV.probe);
  // platform_probe(): a driver __platform_driver_probe() registered has probe = platform_probe_fail: -ENXIO at once.
  const fail = s.options.lookupSymbol?.('platform_probe_fail') ?? null;
  let ret = probe === 0n ? 0 : probe === fail ? ENXIO : Number(BigInt.asIntN(32, ctx.callModule(probe, pdev)));
  if (ret === EPROBE_DEFER && ctx.mem.read(pdrv + PDRV.preventDeferredProbe, 1, 'read')[0]) {
    devText(ctx, s, 4, dev, 'probe deferral not supported\n');
    ret = ENXIO;
  }
  if (ret === 0) {
    ctx.note(`really_probe: ${drvName}'s probe() bound ${name}`);
    return 0;
  }
  if (ret === EPROBE_DEFER) {
    ctx.note(`really_probe: ${drvName}'s probe() of ${name} returned -EPROBE_DEFER; the deferred-probe retries are not modelled`);
    return 'deferred';
  }
  if (ret !== ENODEV && ret !== ENXIO) printkText(ctx, s, 4, `${drvName}: probe of ${name} failed with error ${ret}\n`);
  ctx.note(`really_probe: ${drvName}'s probe() of ${name} returned ${ret}; the device stays unbound`);
  unbindCleanup(ctx, s, dev);
  return ret;
}

/** __device_release_driver(): platform_remove() and the cleanup. */
export function releaseDriver(ctx: KernelCallContext, s: KernelCallState, pdev: bigint, pdrv: bigint): void {
  const dev = pdev + PDEV.dev;
  const removeNew = readU64(ctx.mem, pdrv + PDRV.removeNew);
  const remove = readU64(ctx.mem, pdrv + PDRV.remove);
  if (removeNew !== 0n) ctx.callModule(removeNew, pdev);
  else if (remove !== 0n && BigInt.asIntN(32, ctx.callModule(remove, pdev)) !== 0n) {
    devText(ctx, s, 4, dev, 'remove callback returned a non-zero value. This will be ignored.\n');
  }
  unbindCleanup(ctx, s, dev);
  ctx.note(`device_release_driver: ${devName(ctx, dev)} unbound`);
}
