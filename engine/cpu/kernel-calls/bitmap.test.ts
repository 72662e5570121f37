/** lib/find_bit.c searches and the registry entries added for the corpus run (issue #4). */
import { describe, expect, it } from 'vitest';
import { kernelFunctionModels } from './registry';
import { KernelCallState } from './state';
import { fakeContext } from './fake-context';
import type { KernelFunction } from '../types';

function words(...ws: bigint[]): Uint8Array {
  const b = new Uint8Array(ws.length * 8);
  ws.forEach((w, i) => {
    for (let j = 0; j < 8; j++) b[i * 8 + j] = Number((w >> BigInt(8 * j)) & 0xffn);
  });
  return b;
}

describe('bitmap searches', () => {
  const state = new KernelCallState();
  const models = kernelFunctionModels(state);
  const fn = (name: string): KernelFunction => {
    const f = models.get(name);
    if (!f) throw new Error(`${name} is not modelled`);
    return f;
  };
  const ctx = fakeContext();
  // bits 0, 5, 64, 130 set (three words)
  const map = ctx.poke(0xffffffffc0310000n, words(0x21n, 0x1n, 0x4n));

  it('for_each_set_bit: _find_first_bit then _find_next_bit, ending at nbits', () => {
    const seen: bigint[] = [];
    for (let b = ctx.call(fn('_find_first_bit'), map, 192n) as bigint; b < 192n; b = ctx.call(fn('_find_next_bit'), map, 192n, b + 1n) as bigint)
      seen.push(b);
    expect(seen).toEqual([0n, 5n, 64n, 130n]);
  });

  it('ignores bits at or past nbits and returns nbits when nothing is found', () => {
    expect(ctx.call(fn('_find_next_bit'), map, 130n, 65n)).toBe(130n);
    expect(ctx.call(fn('_find_next_bit'), map, 100n, 100n)).toBe(100n);
    expect(ctx.call(fn('_find_first_bit'), map, 5n)).toBe(0n);
    expect(ctx.call(fn('_find_next_bit'), map, 5n, 1n)).toBe(5n);
  });

  it('zero-bit, and-bit and last-bit searches, and the weight', () => {
    expect(ctx.call(fn('_find_first_zero_bit'), map, 192n)).toBe(1n);
    expect(ctx.call(fn('_find_next_zero_bit'), map, 192n, 5n)).toBe(6n);
    const other = ctx.poke(0xffffffffc0311000n, words(0x20n, 0n, 0x4n));
    expect(ctx.call(fn('_find_first_and_bit'), map, other, 192n)).toBe(5n);
    expect(ctx.call(fn('_find_next_and_bit'), map, other, 192n, 6n)).toBe(130n);
    expect(ctx.call(fn('_find_last_bit'), map, 192n)).toBe(130n);
    expect(ctx.call(fn('_find_last_bit'), map, 100n)).toBe(64n);
    expect(ctx.call(fn('__bitmap_weight'), map, 192n)).toBe(4n);
    expect(ctx.call(fn('__bitmap_weight'), map, 64n)).toBe(2n);
  });

  it('for_each_possible_cpu over a one-CPU mask visits CPU 0 once', () => {
    const mask = ctx.poke(0xffffffffc0312000n, words(1n));
    const first = ctx.call(fn('_find_first_bit'), mask, 8192n);
    expect(first).toBe(0n);
    expect(ctx.call(fn('_find_next_bit'), mask, 1n, 1n)).toBe(1n);
  });

  it('counts bits like lib/hweight.c', () => {
    expect(ctx.call(fn('__sw_hweight32'), 0xf0f0f0f1n)).toBe(17n);
    expect(ctx.call(fn('__sw_hweight32'), 0x1_0000_0001n)).toBe(1n);
    expect(ctx.call(fn('__sw_hweight8'), 0x1ffn)).toBe(8n);
    expect(ctx.call(fn('__sw_hweight64'), 0xffffffffffffffffn)).toBe(64n);
  });

  it('crc32_le is the reflected CRC-32: ~crc32_le(~0, "123456789") is 0xcbf43926', () => {
    const p = ctx.str('123456789');
    expect(ctx.call(fn('crc32_le'), 0xffffffffn, p, 9n)).toBe(0xcbf43926n ^ 0xffffffffn);
    expect(ctx.call(fn('crc32_le'), 0x1234n, p, 0n)).toBe(0x1234n);
  });

  it('faults like the kernel on an unmapped bitmap', () => {
    expect(() => ctx.call(fn('_find_first_bit'), 0x10n, 64n)).toThrow(/unmapped/);
  });
});

describe('proc_symlink and CPU hotplug states', () => {
  const state = new KernelCallState();
  const models = kernelFunctionModels(state);
  const ctx = fakeContext();

  it('proc_symlink hands back a new proc_dir_entry', () => {
    const f = models.get('proc_symlink');
    if (!f) throw new Error('proc_symlink is not modelled');
    const h = ctx.call(f, ctx.str('net/foo'), 0n, ctx.str('/proc/self/net'));
    expect(typeof h === 'bigint' && h !== 0n).toBe(true);
    expect(state.handles.get(h as bigint)).toBe("proc_dir_entry 'net/foo'");
  });

  it('__cpuhp_setup_state records the state and succeeds', () => {
    const f = models.get('__cpuhp_setup_state');
    if (!f) throw new Error('__cpuhp_setup_state is not modelled');
    expect(ctx.call(f, 200n, ctx.str('x86/demo:online'), 1n, 0xffffffffc0001000n, 0n, 0n)).toBe(0n);
    expect(state.registrations.at(-1)).toEqual({ kind: 'cpuhp state', name: 'x86/demo:online', address: 0xffffffffc0001000n });
    expect(ctx.notes.at(-1)).toMatch(/startup callback for CPU 0 is not run/);
  });
});
