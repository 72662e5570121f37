/** tty.ts: __tty_alloc_driver() and tty_register_driver()'s char region (drivers/tty/tty_io.c, fs/char_dev.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';

describe('tty drivers', () => {
  // The machine's built-in majors include 247..254 (its /proc/devices), so the first dynamic major is 246.
  const state = new KernelCallState({ usedCharMajors: [4, 5, 247, 248, 249, 250, 251, 252, 253, 254] });
  const { ctx, call } = modelCaller(state);
  const u32 = (a: bigint) => Number(readU64(ctx.mem, a) & 0xffffffffn);

  it('a driver with major 0 gets the next dynamic major, written back into struct tty_driver', () => {
    const d = call('__tty_alloc_driver', 4n, 0xffffffffc0390000n, 0n) as bigint;
    expect(u32(d + 52n)).toBe(4); // num
    expect(readU64(ctx.mem, d + 16n)).toBe(0xffffffffc0390000n); // owner
    expect(readU64(ctx.mem, d + 128n)).not.toBe(0n); // ttys[]
    const name = ctx.str('ttySL');
    ctx.mem.write(
      d + 32n,
      Uint8Array.from({ length: 8 }, (_, i) => Number((name >> BigInt(8 * i)) & 0xffn)),
    );
    expect(call('tty_register_driver', d)).toBe(0n);
    expect(u32(d + 44n)).toBe(246);
    expect(Number(readU64(ctx.mem, d + 104n) & 1n)).toBe(1); // TTY_DRIVER_INSTALLED
    // A fixed major already taken by the kernel (4: tty) with overlapping minors is -EBUSY.
    const e = call('__tty_alloc_driver', 1n, 0n, 0x40n) as bigint;
    ctx.mem.write(e + 44n, Uint8Array.of(4, 0, 0, 0));
    expect(call('tty_register_driver', e)).toBe(BigInt.asUintN(64, -16n));
    call('tty_unregister_driver', d);
    expect(state.charRegions.some((r) => r.major === 246)).toBe(false);
    call('tty_driver_kref_put', d);
    expect(ctx.freed).toContain(d);
  });

  it('no lines, or an unnumbered node with several, is -EINVAL', () => {
    expect(call('__tty_alloc_driver', 0n, 0n, 0n)).toBe(BigInt.asUintN(64, -22n));
    expect(call('__tty_alloc_driver', 2n, 0n, 0x80n)).toBe(BigInt.asUintN(64, -22n));
  });

  // speakup's spk_ttyio_initialise_ldisc() -> get_dev_to_use(): ser/dev default "ttyS0".
  it('tty_dev_name_to_number: "ttyS0" is the 8250 driver\'s 4:64 on the machine; a module\'s registered driver is found first', () => {
    const st = new KernelCallState({ usedCharMajors: [4, 5, 247, 248, 249, 250, 251, 252, 253, 254] });
    const m = modelCaller(st);
    const number = m.ctx.str('12345678');
    const dev = (name: string): [bigint | 'not-modelled', number] => {
      const r = m.call('tty_dev_name_to_number', m.ctx.str(name), number);
      return [r, Number(readU64(m.ctx.mem, number) & 0xffffffffn)];
    };
    expect(dev('ttyS0')).toEqual([0n, (4 << 20) | 64]);
    expect(dev('ttyS31')).toEqual([0n, (4 << 20) | 95]);
    expect(dev('tty1')).toEqual([0n, (4 << 20) | 2]);
    expect(dev('ttyS32')[0]).toBe(BigInt.asUintN(64, -19n)); // line 32: serial has 32 lines (0..31)
    expect(dev('ttyUSB0')[0]).toBe(BigInt.asUintN(64, -19n));
    expect(dev('ttyS')[0]).toBe(BigInt.asUintN(64, -22n));
    expect(dev('ttyS0x')[0]).toBe(BigInt.asUintN(64, -22n));
    expect(dev('ttyS99999999999')[0]).toBe(BigInt.asUintN(64, -34n));
    const d = m.call('__tty_alloc_driver', 2n, 0n, 0n) as bigint;
    const name = m.ctx.str('ttyS');
    m.ctx.mem.write(d + 32n, Uint8Array.from({ length: 8 }, (_, i) => Number((name >> BigInt(8 * i)) & 0xffn)));
    expect(dev('ttyS1')).toEqual([0n, (4 << 20) | 65]); // not installed yet: not on tty_drivers
    expect(m.call('tty_register_driver', d)).toBe(0n);
    expect(dev('ttyS1')).toEqual([0n, (246 << 20) | 1]);
    expect(dev('ttyS2')).toEqual([0n, (4 << 20) | 66]);
  });
});
