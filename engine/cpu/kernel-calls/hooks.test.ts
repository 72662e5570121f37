/** Notifier chains, pointer hooks and static keys (hooks.ts). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32 } from './mem';

describe('notifier chains and pointer hooks', () => {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  it.each([
    ['crypto_register_notifier', 'crypto notifier'],
    ['register_pm_notifier', 'PM notifier'],
    ['nfs_ssc_register', 'NFS server-side-copy client ops'],
    ['sock_diag_register_inet_compat', 'inet_diag compat handler'],
  ])('%s links the struct in and returns 0', (fn, kind) => {
    const nb = 0xffffffffc0330000n;
    expect(call(fn, nb)).toBe(0n);
    expect(state.registrations.at(-1)).toEqual({ kind, name: null, address: nb });
    expect(ctx.notes.at(-1)).toMatch(new RegExp(`^${fn}`));
  });
});

describe('static_key_enable / static_key_disable', () => {
  const { ctx, call } = modelCaller(new KernelCallState());
  it("crc_t10dif's DEFINE_STATIC_KEY_TRUE(crct10dif_fallback): disable sets enabled to 0 once, and says the sites stay", () => {
    const key = ctx.poke(0xffffffffc0360000n, Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(call('static_key_disable', key)).toBe(0n);
    expect(readU32(ctx.mem, key)).toBe(0);
    expect(ctx.notes.at(-1)).toMatch(/enabled = 0; its jump sites are not rewritten/);
    const n = ctx.notes.length;
    expect(call('static_key_disable', key)).toBe(0n); // already 0: nothing
    expect(ctx.notes.length).toBe(n);
    expect(call('static_key_enable', key)).toBe(0n);
    expect(readU32(ctx.mem, key)).toBe(1);
  });
  it('a key counted above 1 (static_branch_inc twice) is WARN_ON_ONCE territory: not modelled', () => {
    const key = ctx.poke(0xffffffffc0361000n, Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0));
    expect(call('static_key_disable', key)).toBe('not-modelled');
  });
});
