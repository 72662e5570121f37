/**
 * Managed device resources (drivers/base/devres.c, 6.1). Each resource is a struct devres { struct devres_node node
 * (entry list_head, release, name, size: 40 bytes); u8 data[]; } (offsets from pahole on Debian's 6.1.0-50 vmlinux),
 * kmalloc'd whole; the caller gets data. devres_add() puts the node at the tail of dev->devres_head (kept in the
 * modelled memory as the kernel keeps it), and devres_release_all() (really_probe() after a failed probe,
 * device_release_driver() at unbind) calls each release(dev, data) from the newest back and frees the node.
 * A release function is module code or a kernel function; both are reached with ctx.callModule as the kernel's
 * indirect call reaches them (devm_kmalloc's devm_kmalloc_release() does nothing, so it is not called).
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { GFP, ZERO_SIZE_PTR } from './alloc';
import { concat, isZeroOrNull, readCStringBytes, readU64, ret, writeU64 } from './mem';
import { formatAt, formatEnvFrom, registerArgs } from './vsnprintf';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';
import { listAddTail, listDelInit, listInit } from './list-head';

/** struct devres: node then data at +40. */
const DEVRES_DATA = 40n;
const NODE_RELEASE = 16n;
/** struct device's devres_head list_head (pahole: +672). */
export const DEV_DEVRES_HEAD = 672n;
const sym = (s: KernelCallState, name: string): bigint => s.options.lookupSymbol?.(name) ?? 0n;
/** devm_kmalloc()'s release devm_kmalloc_release() does nothing: it is written into the node, not called. */
const kmallocRelease = (s: KernelCallState): bigint => sym(s, 'devm_kmalloc_release');

/** The node a devres_alloc()ed pointer belongs to. */
const nodeOf = (data: bigint): bigint => data - DEVRES_DATA;

/** INIT_LIST_HEAD(&dev->devres_head): device_initialize() does it. */
export function initDevresHead(ctx: KernelCallContext, dev: bigint): void {
  listInit(ctx, dev + DEV_DEVRES_HEAD);
}

/** alloc_dr(): kmalloc(40 + size), the node cleared (the data too with __GFP_ZERO), its entry an empty list. */
function allocDr(ctx: KernelCallContext, release: bigint, size: bigint, gfp: bigint, why: string): bigint {
  const node = ctx.kmalloc(Number(DEVRES_DATA + size), true, why);
  if (node === 0n) return 0n;
  if ((gfp & GFP.ZERO) === 0n) ctx.mem.write(node + DEVRES_DATA, new Uint8Array(Number(size)));
  listInit(ctx, node);
  writeU64(ctx.mem, node + NODE_RELEASE, release);
  writeU64(ctx.mem, node + 32n, size);
  return node + DEVRES_DATA;
}

/**
 * Whether dev->devres_head is an initialised list in the modelled memory. Devices other models hand out as small
 * zeroed blocks (or whose struct lies past what is mapped) keep their resources in the model's list only.
 */
function hasHead(ctx: KernelCallContext, dev: bigint): boolean {
  try {
    return readU64(ctx.mem, dev + DEV_DEVRES_HEAD) !== 0n;
  } catch {
    return false;
  }
}

/** The device's resources, oldest first (the model's copy of its devres_head list). */
function resources(s: KernelCallState, dev: bigint): bigint[] {
  let l = s.devres.get(dev);
  if (!l) s.devres.set(dev, (l = []));
  return l;
}

function add(ctx: KernelCallContext, s: KernelCallState, dev: bigint, data: bigint): void {
  resources(s, dev).push(data);
  // A device the model did not lay out (devres_head never initialised) keeps its list in the model only.
  if (hasHead(ctx, dev)) listAddTail(ctx, nodeOf(data), dev + DEV_DEVRES_HEAD);
}

/**
 * devres_release_all(dev) (release_nodes()): every resource from the newest back, its release(dev, data) called and
 * the node freed. Returns how many there were.
 */
export function devresReleaseAll(ctx: KernelCallContext, s: KernelCallState, dev: bigint): number {
  const l = s.devres.get(dev) ?? [];
  s.devres.delete(dev);
  for (const data of [...l].reverse()) {
    const node = nodeOf(data);
    const release = readU64(ctx.mem, node + NODE_RELEASE);
    if (hasHead(ctx, dev)) listDelInit(ctx, node);
    if (release === 0n || release === kmallocRelease(s)) {
      // devm_kmalloc_release() does nothing.
    } else if (release === sym(s, 'devm_action_release')) {
      // devm_action_release(): struct action_devres { void *data; void (*action)(void *); } -> action(data).
      ctx.callModule(readU64(ctx.mem, data + 8n), readU64(ctx.mem, data));
    } else ctx.callModule(release, dev, data);
    ctx.kfree(node);
  }
  if (l.length && hasHead(ctx, dev)) initDevresHead(ctx, dev);
  return l.length;
}

function drop(ctx: KernelCallContext, s: KernelCallState, data: bigint): bigint | null {
  for (const [dev, l] of s.devres) {
    const i = l.indexOf(data);
    if (i < 0) continue;
    l.splice(i, 1);
    if (hasHead(ctx, dev)) listDelInit(ctx, nodeOf(data));
    return dev;
  }
  return null;
}

/** devm_kmalloc(dev, bytes.length, gfp) holding bytes. */
function devmCopy(ctx: KernelCallContext, s: KernelCallState, dev: bigint, bytes: Uint8Array, gfp: bigint, why: string): bigint {
  const p = allocDr(ctx, kmallocRelease(s), BigInt(bytes.length), gfp, why);
  if (p === 0n) return 0n;
  ctx.mem.write(p, bytes);
  add(ctx, s, dev, p);
  ctx.note(`${why}: ${bytes.length} bytes at ${hexU64(p)}, managed by ${hexU64(dev)}`);
  return p;
}

/** is_kernel_rodata(): vmlinux's image (the kernel text mapping below the modules area). */
const inVmlinux = (p: bigint): boolean => p >= 0xffffffff80000000n && p < 0xffffffffc0000000n;

export function devresFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const strdup = (ctx: KernelCallContext, why: string): bigint =>
    ctx.arg(1) === 0n ? 0n : devmCopy(ctx, s, ctx.arg(0), concat([readCStringBytes(ctx.mem, ctx.arg(1)), Uint8Array.of(0)]), ctx.arg(2), why);
  return {
    // char *devm_kstrdup(struct device *dev, const char *s, gfp_t gfp) (drivers/base/devres.c)
    devm_kstrdup: (ctx) => strdup(ctx, 'devm_kstrdup'),
    // const char *devm_kstrdup_const(dev, s, gfp): vmlinux's own read-only strings are returned as they are.
    devm_kstrdup_const: (ctx) => (inVmlinux(ctx.arg(1)) ? ctx.arg(1) : strdup(ctx, 'devm_kstrdup_const')),
    // char *devm_kasprintf(struct device *dev, gfp_t gfp, const char *fmt, ...)
    devm_kasprintf: (ctx) => {
      const out = formatAt(formatEnvFrom(ctx, s.formatOptions()), ctx.arg(2), registerArgs(ctx, 3));
      return devmCopy(ctx, s, ctx.arg(0), concat([out.bytes, Uint8Array.of(0)]), ctx.arg(1), 'devm_kasprintf');
    },
    // void *__devres_alloc_node(dr_release_t release, size_t size, gfp_t gfp, int nid, const char *name): devres_alloc()
    // expands to it with the release function's name; always zeroed (| __GFP_ZERO); the node keeps the name.
    __devres_alloc_node: (ctx) => {
      const p = allocDr(ctx, ctx.arg(0), ctx.arg(1), ctx.arg(2) | GFP.ZERO, '__devres_alloc_node');
      if (p !== 0n) writeU64(ctx.mem, nodeOf(p) + 24n, ctx.arg(4));
      ctx.note(`__devres_alloc_node: ${ctx.arg(1)} bytes at ${hexU64(p)} (release ${ctx.symbolize(ctx.arg(0)) ?? hexU64(ctx.arg(0))})`);
      return p;
    },
    // void devres_add(struct device *dev, void *res)
    devres_add: (ctx) => {
      add(ctx, s, ctx.arg(0), ctx.arg(1));
      ctx.note(`devres_add: ${hexU64(ctx.arg(1))} managed by device ${hexU64(ctx.arg(0))}`);
      return 0n;
    },
    // int devm_add_action(struct device *dev, void (*action)(void *), void *data): a devres whose release,
    // devm_action_release(), calls action(data).
    devm_add_action: (ctx) => {
      const p = allocDr(ctx, sym(s, 'devm_action_release'), 16n, GFP.ZERO, 'devm_add_action');
      if (p === 0n) return ret(-12);
      writeU64(ctx.mem, p, ctx.arg(2));
      writeU64(ctx.mem, p + 8n, ctx.arg(1));
      add(ctx, s, ctx.arg(0), p);
      ctx.note(`devm_add_action: ${ctx.symbolize(ctx.arg(1)) ?? hexU64(ctx.arg(1))}(${hexU64(ctx.arg(2))}) when ${hexU64(ctx.arg(0))} is released`);
      return 0n;
    },
    // struct regmap *dev_get_regmap(struct device *dev, const char *name): devres_find() of a resource released by
    // dev_get_regmap_release(), which only the regmap init functions add. None on the device: NULL.
    dev_get_regmap: (ctx) => {
      const release = sym(s, 'dev_get_regmap_release');
      if ((s.devres.get(ctx.arg(0)) ?? []).some((d) => readU64(ctx.mem, nodeOf(d) + NODE_RELEASE) === release)) {
        ctx.note('dev_get_regmap: the device has a regmap, whose name dev_get_regmap_match() compares: not modelled');
        return 'not-modelled';
      }
      ctx.note(`dev_get_regmap ${hexU64(ctx.arg(0))}: no regmap on the device, NULL`);
      return 0n;
    },
    // void devres_free(void *res): a resource never added (else the kernel BUG_ONs).
    devres_free: (ctx) => {
      if (!isZeroOrNull(ctx.arg(0))) ctx.kfree(nodeOf(ctx.arg(0)));
      return 0n;
    },
    // void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp): size 0 gives ZERO_SIZE_PTR, unmanaged.
    devm_kmalloc: (ctx) => {
      const size = ctx.arg(1);
      if (ctx.arg(0) === 0n) {
        ctx.note('devm_kmalloc: a NULL device (dev_to_node(NULL) faults in the kernel): not modelled');
        return 'not-modelled';
      }
      if (size === 0n) return ZERO_SIZE_PTR;
      const p = allocDr(ctx, kmallocRelease(s), size, ctx.arg(2), 'devm_kmalloc');
      if (p !== 0n) add(ctx, s, ctx.arg(0), p);
      ctx.note(`devm_kmalloc: ${size} bytes${ctx.arg(2) & GFP.ZERO ? ' (zeroed)' : ''} at ${hexU64(p)}, managed by ${hexU64(ctx.arg(0))}`);
      return p;
    },
    // void devm_kfree(struct device *dev, const void *p): the resource is released and freed now.
    devm_kfree: (ctx) => {
      const p = ctx.arg(1);
      if (isZeroOrNull(p)) return 0n;
      if (drop(ctx, s, p) === null) {
        ctx.note(`devm_kfree ${hexU64(p)}: not a managed allocation (the kernel WARNs): not modelled`);
        return 'not-modelled';
      }
      ctx.kfree(nodeOf(p));
      return 0n;
    },
  };
}
