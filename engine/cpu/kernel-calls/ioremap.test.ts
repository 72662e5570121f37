/**
 * ioremap()/iounmap() on the modelled machine against what the real kernel gave a probe module under QEMU
 * (scripts/qemu/recordings/iomem-legacy.qemu.json, scripts/qemu/iomem-probe.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootKernel } from '../../../scripts/test-support/kernel';
import { KernelCpuMemory } from '../kernel-memory';
import { CpuFault } from '../types';
import { fakeContext } from './fake-context';
import { ioremapFunctions, KNOWN_VGA_WINDOW_RAM } from './ioremap';
import { readU32 } from './mem';

const REC = JSON.parse(readFileSync(join(__dirname, '../../../scripts/qemu/recordings/iomem-legacy.qemu.json'), 'utf8')) as {
  iomem: string[];
  kmsg: string[];
};

function setup() {
  const ctx = fakeContext();
  const mem = new KernelCpuMemory(bootKernel());
  const c = { ...ctx, mem };
  const fns = ioremapFunctions();
  const call = (name: string, ...args: bigint[]) => {
    c.args = args;
    return fns[name]({ ...c, arg: (n: number) => args[n] ?? 0n });
  };
  return { mem, call, notes: ctx.notes };
}

const readW = (mem: KernelCpuMemory, a: bigint): number => readU32(mem, a) & 0xffff;

describe('ioremap on the QEMU PC', () => {
  it('the recording: the VGA window is no RAM of the kernel, its 0xb0000-0xb7fff pages are zero and take writes', () => {
    expect(REC.iomem).toContain('000a0000-000bffff : PCI Bus 0000:00');
    for (let p = KNOWN_VGA_WINDOW_RAM[0]; p < KNOWN_VGA_WINDOW_RAM[1]; p += 0x1000n) {
      expect(REC.kmsg).toContain(`window ${p.toString(16)} nonzero 0 first 0`);
    }
    // The pages next to it are not known to the model: SeaBIOS's SMM data, vgacon's screen.
    expect(REC.kmsg).not.toContain('window b8000 nonzero 0 first 0');
    expect(REC.kmsg).toContain('iomem b0000 after writew(aa55) w=aa55');
    expect(REC.kmsg).toContain('ioport 3b5 in=ff after outb(66) in=ff inw=0000');
  });

  it("hgafb's memory test: reads give what the machine gave, writes stick, across mappings", () => {
    const { mem, call } = setup();
    const p = call('ioremap', 0xb0000n, 0x8000n);
    if (typeof p !== 'bigint') throw new Error('not mapped');
    expect(p).toBeGreaterThanOrEqual(0xffffc90000000000n);
    const line = REC.kmsg.find((l) => l.startsWith('iomem b0000 read b='));
    expect(line).toBe('iomem b0000 read b=00 w=0000 l=00000000 q=0000000000000000');
    expect(readW(mem, p)).toBe(0);
    mem.write(p, Uint8Array.of(0x55, 0xaa));
    expect(readW(mem, p)).toBe(0xaa55);
    const q = call('ioremap_wc', 0xb0000n, 0x1000n);
    if (typeof q !== 'bigint') throw new Error('not mapped');
    expect(q).not.toBe(p);
    expect(readW(mem, q)).toBe(0xaa55);
    expect(call('iounmap', p)).toBe(0n);
    expect(() => mem.read(p, 2, 'read')).toThrow(CpuFault);
    expect(readW(mem, q)).toBe(0xaa55);
    expect(() => mem.read(q, 1, 'fetch')).toThrow(/ioremap\(\)ped memory/);
  });

  it('an offset inside the first page is kept; a zero size is NULL', () => {
    const { call } = setup();
    const p = call('ioremap', 0xb0010n, 0x10n);
    expect(typeof p === 'bigint' && (p & 0xfffn) === 0x10n).toBe(true);
    expect(call('ioremap', 0xb0000n, 0n)).toBe(0n);
  });

  it('what the model does not know says not modelled: the rest of the window, RAM, the BIOS, devices', () => {
    const { call, notes } = setup();
    for (const [a, n] of [
      [0xb8000n, 0x1000n],
      [0xa0000n, 0x1000n],
      [0xb7000n, 0x2000n],
      [0x100000n, 0x1000n],
      [0xf0000n, 0x10000n],
      [0xfed00000n, 0x400n],
    ]) {
      expect(call('ioremap', a, n)).toBe('not-modelled');
    }
    expect(notes.some((n) => /System RAM/.test(n))).toBe(true);
    expect(call('iounmap', 0xffffc90012345000n)).toBe('not-modelled');
  });
});
