/** lib/kstrtox.c as module code calls it: the result written only on success, -errno otherwise. */
import { describe, expect, it } from 'vitest';
import { kernelFunctionModels } from './registry';
import { fakeContext } from './fake-context';
import type { KernelFunction } from '../types';

const models = kernelFunctionModels();
const fn = (name: string): KernelFunction => {
  const f = models.get(name);
  if (!f) throw new Error(`${name} is not modelled`);
  return f;
};
const cstr = (s: string): Uint8Array => Uint8Array.from([...Buffer.from(s, 'latin1'), 0]);

describe('kstrto* models', () => {
  const ctx = fakeContext();
  const out = ctx.poke(0xffffffffc0320000n, new Uint8Array(8).fill(0xee));
  const read = (n: number): number[] => [...ctx.mem.read(out, n, 'read')];

  it('kstrtobool: "1\\n" (echo\'s newline) is true, "n" false, "x" -EINVAL with *res untouched', () => {
    expect(ctx.call(fn('kstrtobool'), ctx.poke(0xffffffffc0321000n, cstr('1\n')), out)).toBe(0n);
    expect(read(1)).toEqual([1]);
    expect(ctx.call(fn('kstrtobool'), ctx.poke(0xffffffffc0321100n, cstr('n')), out)).toBe(0n);
    expect(read(1)).toEqual([0]);
    ctx.mem.write(out, Uint8Array.of(0xee));
    expect(ctx.call(fn('kstrtobool'), ctx.poke(0xffffffffc0321200n, cstr('x')), out)).toBe(BigInt.asUintN(64, -22n));
    expect(read(1)).toEqual([0xee]);
  });

  it('kstrtoint: base 0 takes 0x, a 64-bit value is -ERANGE, a u8 of 256 too', () => {
    expect(ctx.call(fn('kstrtoint'), ctx.poke(0xffffffffc0322000n, cstr('0x10')), 0n, out)).toBe(0n);
    expect(read(4)).toEqual([16, 0, 0, 0]);
    expect(ctx.call(fn('kstrtoint'), ctx.poke(0xffffffffc0322100n, cstr('-2')), 10n, out)).toBe(0n);
    expect(read(4)).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(ctx.call(fn('kstrtoint'), ctx.poke(0xffffffffc0322200n, cstr('4294967296')), 10n, out)).toBe(BigInt.asUintN(64, -34n));
    expect(ctx.call(fn('kstrtou8'), ctx.poke(0xffffffffc0322300n, cstr('256')), 10n, out)).toBe(BigInt.asUintN(64, -34n));
  });
});
