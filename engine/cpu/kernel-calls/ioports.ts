/**
 * The I/O port tree as QEMU's PC booted it (/proc/ioports recorded on the real kernel, engine/machine/qemu-pc.ts):
 * the records KernelCallState holds and resource.ts's __request_region() walks (kernel/resource.c, 6.1).
 */
import { MACHINE } from '../../machine/qemu-pc';

export interface IoRegion {
  start: number;
  end: number;
  name: string;
  busy: boolean;
  muxed: boolean;
  /** The struct resource handed to the module (0n for the boot tree's entries). */
  address: bigint;
  children: IoRegion[];
}

/** IO_SPACE_LIMIT on x86. */
export const IO_SPACE_LIMIT = 0xffff;

/** The boot tree from /proc/ioports' lines ("  0000-001f : dma1", two spaces a level). */
export function bootIoports(lines: readonly string[] = MACHINE.ioports): IoRegion {
  const root: IoRegion = { start: 0, end: IO_SPACE_LIMIT, name: 'PCI IO', busy: false, muxed: false, address: 0n, children: [] };
  const stack: IoRegion[] = [root];
  for (const line of lines) {
    const m = /^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 2;
    const name = m[4];
    const busy = !(/^PCI Bus /.test(name) || /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d$/.test(name) || name === 'cga');
    const r: IoRegion = { start: parseInt(m[2], 16), end: parseInt(m[3], 16), name, busy, muxed: false, address: 0n, children: [] };
    stack.length = depth + 1;
    stack[depth].children.push(r);
    stack.push(r);
  }
  return root;
}
