/**
 * struct platform_device with its struct device, laid out in the modelled memory as Debian's 6.1.0-50 kernel lays it
 * out (offsets from `pahole -C platform_device,device,platform_object` on the package's vmlinux), so module code reading
 * pdev->dev, dev_get_drvdata() (dev->driver_data), dev_name() (dev->kobj.name), pdev->id or pdev->id_entry inline
 * finds what the kernel put there. platform_device_alloc() and platform_device_add() (drivers/base/platform.c) as they
 * fill it: the name copied after the struct (struct platform_object), the id, the DMA masks (setup_pdev_dma_masks()),
 * device_initialize()'s kref, list heads and NUMA_NO_NODE, then the parent (platform_bus), the bus
 * (platform_bus_type) and the device's name: "name.id", "name" for PLATFORM_DEVID_NONE, "name.N.auto" with N from
 * platform_devid_ida for PLATFORM_DEVID_AUTO.
 */
import type { KernelCallContext } from '../types';
import { asciiBytes, readU32, readU64, tryCString, writeU32, writeU64 } from './mem';
import { initDevresHead } from './devres';
import type { KernelCallState } from './state';
import { listInit } from './list-head';

/** struct platform_device (832 bytes): name 0, id 8, id_auto 12, dev 16, platform_dma_mask 768, num_resources 792, resource 800, id_entry 808. */
export const PDEV = { name: 0n, id: 8n, idAuto: 12n, dev: 16n, platformDmaMask: 768n, numResources: 792n, resource: 800n, idEntry: 808n, size: 832 } as const;
/**
 * struct device (752 bytes): kobj (name 0, entry 8, kref 56), parent 64, init_name 80, bus 96, driver 104,
 * platform_data 112, driver_data 120, mutex 128 (wait_list 144), links 160 (suppliers, consumers, defer_sync),
 * dma_mask 576, coherent_dma_mask 584, dma_pools 616, numa_node 656, devres_head 672, class 688, release 704.
 */
export const DEV = {
  name: 0n,
  kobjEntry: 8n,
  kref: 56n,
  parent: 64n,
  bus: 96n,
  driver: 104n,
  platformData: 112n,
  driverData: 120n,
  mutexWaitList: 144n,
  links: 160n,
  dmaMask: 576n,
  coherentDmaMask: 584n,
  dmaPools: 616n,
  numaNode: 656n,
  class: 688n,
  release: 704n,
} as const;
export const PLATFORM_DEVID_NONE = -1;
export const PLATFORM_DEVID_AUTO = -2;
const DMA_BIT_MASK_32 = 0xffffffffn;

/** device_initialize() (drivers/base/core.c): kobject_init (kref 1, state_initialized), the list heads, NUMA_NO_NODE. */
export function deviceInitialize(ctx: KernelCallContext, dev: bigint): void {
  listInit(ctx, dev + DEV.kobjEntry);
  writeU32(ctx.mem, dev + DEV.kref, 1);
  writeU32(ctx.mem, dev + DEV.kref + 4n, readU32(ctx.mem, dev + DEV.kref + 4n) | 1);
  listInit(ctx, dev + DEV.mutexWaitList);
  for (const l of [0n, 16n, 32n]) listInit(ctx, dev + DEV.links + l);
  listInit(ctx, dev + DEV.dmaPools);
  initDevresHead(ctx, dev);
  writeU32(ctx.mem, dev + DEV.numaNode, 0xffffffff);
}

/** setup_pdev_dma_masks(): a 32-bit coherent mask and dma_mask pointing at platform_dma_mask unless set. */
export function setupPdevDmaMasks(ctx: KernelCallContext, pdev: bigint): void {
  const dev = pdev + PDEV.dev;
  if (readU64(ctx.mem, dev + DEV.coherentDmaMask) === 0n) writeU64(ctx.mem, dev + DEV.coherentDmaMask, DMA_BIT_MASK_32);
  if (readU64(ctx.mem, dev + DEV.dmaMask) === 0n) {
    writeU64(ctx.mem, pdev + PDEV.platformDmaMask, DMA_BIT_MASK_32);
    writeU64(ctx.mem, dev + DEV.dmaMask, pdev + PDEV.platformDmaMask);
  }
}

/** platform_device_alloc(name, id): one kzalloc for struct platform_object and the name; 0 when it fails. */
export function platformDeviceAlloc(ctx: KernelCallContext, s: KernelCallState, name: string, id: number): bigint {
  const bytes = asciiBytes(name);
  const pa = ctx.kmalloc(PDEV.size + bytes.length + 1, true, `struct platform_object '${name}'`);
  if (pa === 0n) return 0n;
  ctx.mem.write(pa + BigInt(PDEV.size), Uint8Array.of(...bytes, 0));
  writeU64(ctx.mem, pa + PDEV.name, pa + BigInt(PDEV.size));
  writeU32(ctx.mem, pa + PDEV.id, id >>> 0);
  deviceInitialize(ctx, pa + PDEV.dev);
  writeU64(ctx.mem, pa + PDEV.dev + DEV.release, s.options.lookupSymbol?.('platform_device_release') ?? 0n);
  setupPdevDmaMasks(ctx, pa);
  return pa;
}

export const pdevName = (ctx: KernelCallContext, pdev: bigint): string | null => tryCString(ctx, readU64(ctx.mem, pdev + PDEV.name));
export const pdevId = (ctx: KernelCallContext, pdev: bigint): number => readU32(ctx.mem, pdev + PDEV.id) | 0;
/** dev_name(&pdev->dev): the kobject's name. */
export const devName = (ctx: KernelCallContext, dev: bigint): string => tryCString(ctx, readU64(ctx.mem, dev + DEV.name)) ?? '';

/**
 * The naming and linking part of platform_device_add(): parent platform_bus unless set, bus platform_bus_type, and
 * dev_set_name() as the id says (the name kmalloc'd, as kvasprintf_const() does). Returns the device's name.
 */
export function platformDeviceName(ctx: KernelCallContext, s: KernelCallState, pdev: bigint, autoIds: Set<number>): string {
  const dev = pdev + PDEV.dev;
  const sym = (n: string): bigint => s.options.lookupSymbol?.(n) ?? 0n;
  if (readU64(ctx.mem, dev + DEV.parent) === 0n) writeU64(ctx.mem, dev + DEV.parent, sym('platform_bus'));
  writeU64(ctx.mem, dev + DEV.bus, sym('platform_bus_type'));
  const name = pdevName(ctx, pdev) ?? '';
  let id = pdevId(ctx, pdev);
  let devName: string;
  if (id === PLATFORM_DEVID_NONE) devName = name;
  else if (id === PLATFORM_DEVID_AUTO) {
    // ida_alloc(&platform_devid_ida): the lowest free id.
    for (id = 0; autoIds.has(id); id++);
    autoIds.add(id);
    writeU32(ctx.mem, pdev + PDEV.id, id);
    ctx.mem.write(pdev + PDEV.idAuto, Uint8Array.of(1));
    devName = `${name}.${id}.auto`;
  } else devName = `${name}.${id}`;
  // kobject_set_name_vargs(): a '/' in the name becomes '!'.
  devName = devName.replaceAll('/', '!');
  const bytes = asciiBytes(devName);
  const p = ctx.kmalloc(bytes.length + 1, false, `dev_name '${devName}'`);
  ctx.mem.write(p, Uint8Array.of(...bytes, 0));
  writeU64(ctx.mem, dev + DEV.name, p);
  return devName;
}
