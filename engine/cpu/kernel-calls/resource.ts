/**
 * I/O port regions (kernel/resource.c, 6.1): __request_region(parent, start, n, name, flags) — what
 * request_region() and request_muxed_region() expand to — and __release_region(). The tree starts as
 * QEMU's PC booted it (/proc/ioports recorded on the real kernel, engine/machine/qemu-pc.ts).
 *
 * __request_region_locked(): the new region is put under parent by __request_resource(), which
 * returns the first entry it overlaps (or parent itself when it does not fit inside). An overlapped
 * entry that is not IORESOURCE_BUSY (a PCI bus window, a PCI BAR, vgacon's "cga") becomes the new
 * parent and the search goes on inside it; a busy one is a conflict: NULL (the caller's -EBUSY).
 * Which recorded entries are busy is not in /proc/ioports: the bus windows and BARs (named
 * "PCI Bus …" and "0000:00:01.1") and "cga" are not (pci_claim_resource, vgacon), every other entry
 * came from request_region() or setup.c's standard_io_resources, both IORESOURCE_BUSY.
 * Memory regions (iomem_resource) are not modelled.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { tryCString, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import type { IoRegion } from './ioports';
import type { KernelCallState } from './state';

const IORESOURCE_IO = 0x100n;
const IORESOURCE_MUXED = 0x400000n;
const IORESOURCE_BUSY = 0x80000000n;
/** struct resource: start, end, name, flags, desc, parent, sibling, child. */
const SIZEOF_RESOURCE = 64;

/** __request_resource(): null when inserted under root, else the entry it conflicts with (root when it does not fit). */
function requestResource(root: IoRegion, r: IoRegion): IoRegion | null {
  if (r.end < r.start || r.start < root.start || r.end > root.end) return root;
  let i = 0;
  for (; i < root.children.length; i++) {
    const c = root.children[i];
    if (c.start > r.end) break;
    if (c.end >= r.start) return c;
  }
  root.children.splice(i, 0, r);
  return null;
}

function findRelease(root: IoRegion, start: number, end: number): { parent: IoRegion; index: number } | null {
  for (let p: IoRegion | undefined = root; p;) {
    const i: number = p.children.findIndex((c) => c.start <= start && c.end >= end);
    if (i < 0) return null;
    const c: IoRegion = p.children[i];
    if (c.busy && c.start === start && c.end === end && c.children.length === 0) return { parent: p, index: i };
    if (c.busy) return null;
    p = c;
  }
  return null;
}

export function resourceFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const isIoport = (ctx: KernelCallContext): boolean => {
    const at = s.options.lookupSymbol?.('ioport_resource');
    return at !== undefined && at !== null && ctx.arg(0) === at;
  };
  return {
    __request_region: (ctx) => {
      if (!isIoport(ctx)) return 'not-modelled';
      const start = Number(ctx.arg(1) & 0xffffffffn);
      const n = Number(ctx.arg(2) & 0xffffffffn);
      const flags = ctx.arg(4);
      const name = tryCString(ctx, ctx.arg(3)) ?? '';
      const r: IoRegion = { start, end: start + n - 1, name, busy: true, muxed: (flags & IORESOURCE_MUXED) !== 0n, address: 0n, children: [] };
      const range = `[io ${hexU64(BigInt(start))}-${hexU64(BigInt(Math.max(start, r.end)))}]`;
      let parent = s.ioports;
      for (;;) {
        const conflict = requestResource(parent, r);
        if (!conflict) break;
        if (conflict !== parent && !conflict.busy) {
          parent = conflict;
          continue;
        }
        // Both muxed: the kernel sleeps until the holder releases it; nothing here would ever release it.
        if (conflict.muxed && r.muxed) return 'not-modelled';
        ctx.note(
          `__request_region '${name}' ${range}: taken by '${conflict.name}' [${hexU64(BigInt(conflict.start))}-${hexU64(BigInt(conflict.end))}]: NULL`,
        );
        return 0n;
      }
      const res = ctx.kmalloc(SIZEOF_RESOURCE, true, `struct resource '${name}'`);
      r.address = res;
      writeU64(ctx.mem, res, BigInt(r.start));
      writeU64(ctx.mem, res + 8n, BigInt(r.end));
      writeU64(ctx.mem, res + 16n, ctx.arg(3));
      writeU64(ctx.mem, res + 24n, IORESOURCE_IO | IORESOURCE_BUSY | flags);
      writeU64(ctx.mem, res + 40n, parent.address);
      s.registrations.push({ kind: 'I/O ports', name, address: res });
      ctx.note(`__request_region '${name}' ${range}: free, now under '${parent.name}' (returns struct resource ${hexU64(res)})`);
      return res;
    },
    __release_region: (ctx) => {
      if (!isIoport(ctx)) return 'not-modelled';
      const start = Number(ctx.arg(1) & 0xffffffffn);
      const end = start + Number(ctx.arg(2) & 0xffffffffn) - 1;
      const found = findRelease(s.ioports, start, end);
      // Not found, the kernel prints "Trying to free nonexistent resource <…>": not modelled.
      if (!found) return 'not-modelled';
      const [r] = found.parent.children.splice(found.index, 1);
      if (r.address) ctx.kfree(r.address);
      ctx.note(`__release_region '${r.name}' [io ${hexU64(BigInt(start))}-${hexU64(BigInt(end))}]: released`);
      return 0n;
    },
  };
}
