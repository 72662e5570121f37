/** I/O port regions on QEMU's PC (kernel/resource.c __request_region over the recorded /proc/ioports). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';
import { bootIoports } from './ioports';

const IOPORT_RESOURCE = 0xffffffff82a5b0c0n;
const IORESOURCE_MUXED = 0x400000n;

describe('__request_region / __release_region on the recorded ioport tree', () => {
  const state = new KernelCallState({ lookupSymbol: (n) => (n === 'ioport_resource' ? IOPORT_RESOURCE : null) });
  const { ctx, call } = modelCaller(state);
  const request = (start: number, n: number, name: string, flags = 0n) =>
    call('__request_region', IOPORT_RESOURCE, BigInt(start), BigInt(n), ctx.str(name), flags);

  it('reads the boot tree: busy legacy devices, non-busy PCI windows and BARs', () => {
    const root = bootIoports();
    const bus = root.children[0];
    expect([bus.name, bus.busy, bus.children[0].name, bus.children[0].busy]).toEqual(['PCI Bus 0000:00', false, 'dma1', true]);
    expect(bus.children.find((c) => c.name === '0000:00:01.1')?.busy).toBe(false);
  });

  it("pc87413_wdt: its muxed Super I/O index 0x2e is free; the SWC region at 0xffff does not fit (the real 'cannot request SWC region')", () => {
    const r = request(0x2e, 2, 'pc87413_wdt', IORESOURCE_MUXED) as bigint;
    expect(r).not.toBe(0n);
    expect([readU64(ctx.mem, r), readU64(ctx.mem, r + 8n)]).toEqual([0x2en, 0x2fn]);
    expect(request(0xffff, 16, 'pc87413_wdt')).toBe(0n);
    expect(call('__release_region', IOPORT_RESOURCE, 0x2en, 2n)).toBe(0n);
  });

  it('a busy entry conflicts (serial at 0x3f8); a region inside a PCI BAR is granted; the same range twice is NULL until released', () => {
    expect(request(0x3f8, 8, 'x')).toBe(0n);
    expect(ctx.notes.at(-1)).toMatch(/taken by 'serial'/);
    expect(request(0x1f0, 8, 'pata')).not.toBe(0n); // under 0000:00:01.1's legacy window, not busy
    expect(request(0x260, 8, 'mk712')).not.toBe(0n);
    expect(request(0x262, 2, 'other')).toBe(0n);
    expect(call('__release_region', IOPORT_RESOURCE, 0x260n, 8n)).toBe(0n);
    expect(request(0x262, 2, 'other')).not.toBe(0n);
    expect(call('__release_region', IOPORT_RESOURCE, 0x4000n, 8n)).toBe('not-modelled'); // "Trying to free nonexistent resource"
  });

  it('memory regions and a second muxed holder are not modelled', () => {
    expect(call('__request_region', 0xffffffff82a5b100n, 0xfebf0000n, 0x1000n, ctx.str('mmio'), 0n)).toBe('not-modelled');
    expect(request(0x4e, 2, 'a', IORESOURCE_MUXED)).not.toBe(0n);
    expect(request(0x4e, 2, 'b', IORESOURCE_MUXED)).toBe('not-modelled');
  });
});
