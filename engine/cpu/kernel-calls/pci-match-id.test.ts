/** machine.ts pci_match_id() (drivers/pci/pci-driver.c) on a QEMU PC device, as parport_pc's superio scan calls it. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';

/** struct pci_device_id: vendor, device, subvendor, subdevice, class, class_mask, driver_data (u64), override_only. */
function idTable(rows: number[][]): Uint8Array {
  const b = new Uint8Array((rows.length + 1) * 40);
  const v = new DataView(b.buffer);
  rows.forEach((r, i) => r.forEach((x, j) => v.setUint32(i * 40 + j * 4, x >>> 0, true)));
  return b;
}

describe('pci_match_id', () => {
  it('returns the first entry that matches the PIIX3 ISA bridge (8086:7000), NULL when none does', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const any = 0xffffffff;
    const isa = call('pci_get_device', 0x8086n, 0x7000n, 0n) as bigint;
    const t = ctx.poke(
      DATA_BASE + 0x100n,
      idTable([
        [0x1106, 0x8231, any, any, 0, 0], // VIA superio: no
        [0x8086, any, any, any, 0x060100, 0xffff00], // an Intel ISA bridge by class
        [0x8086, 0x7000, any, any, 0, 0],
      ]),
    );
    expect(call('pci_match_id', t, isa)).toBe(t + 40n);
    const none = ctx.poke(DATA_BASE + 0x400n, idTable([[0x1106, 0x8231, any, any, 0, 0]]));
    expect(call('pci_match_id', none, isa)).toBe(0n);
    expect(call('pci_match_id', 0n, isa)).toBe(0n);
  });
});
