/** Registration models added from modscope init-all's most frequent not-modelled calls. */
import { describe, expect, it } from 'vitest';
import { kernelFunctionModels } from './registry';
import { KernelCallState } from './state';
import { fakeContext } from './fake-context';

describe('registrations the corpus inits make', () => {
  const state = new KernelCallState();
  const models = kernelFunctionModels(state);
  const ctx = fakeContext();
  const call = (name: string, ...args: bigint[]) => {
    const f = models.get(name);
    if (!f) throw new Error(`${name} is not modelled`);
    return ctx.call(f, ...args);
  };
  const struct = (at: bigint, fields: bigint[]): bigint => {
    const b = new Uint8Array(fields.length * 8);
    fields.forEach((w, i) => {
      for (let j = 0; j < 8; j++) b[i * 8 + j] = Number((w >> BigInt(8 * j)) & 0xffn);
    });
    return ctx.poke(at, b);
  };

  it('driver_create_file names the attribute of struct driver_attribute', () => {
    const attr = struct(0xffffffffc0330000n, [ctx.str('new_id'), 0o200n]);
    expect(call('driver_create_file', 0xffffffffc0331000n, attr)).toBe(0n);
    expect(state.registrations.at(-1)).toEqual({ kind: 'driver attribute', name: 'new_id', address: attr });
  });

  it('rtnl_link_register reads the kind after the list_head', () => {
    const ops = struct(0xffffffffc0332000n, [0n, 0n, ctx.str('vxlan')]);
    expect(call('rtnl_link_register', ops)).toBe(0n);
    expect(ctx.notes.at(-1)).toBe("rtnl_link_register 'vxlan': recorded, returns 0");
  });

  it('__register_nls and led_trigger_register read the name first in the struct', () => {
    expect(call('__register_nls', struct(0xffffffffc0333000n, [ctx.str('cp437')]), 0n)).toBe(0n);
    expect(state.registrations.at(-1)?.name).toBe('cp437');
    expect(call('led_trigger_register', struct(0xffffffffc0334000n, [ctx.str('disk-activity')]))).toBe(0n);
    expect(state.registrations.at(-1)?.name).toBe('disk-activity');
  });

  it('bus walks find nothing on the modelled machine', () => {
    expect(call('bus_for_each_drv', 0xffffffffc0335000n, 0n, 0n, 0xffffffffc0001000n)).toBe(0n);
    expect(ctx.notes.at(-1)).toMatch(/no other drivers on the bus/);
  });
});
