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
    ['register_random_vmfork_notifier', 'VM fork notifier'],
    ['register_blocking_lsm_notifier', 'LSM notifier'],
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

describe('network and netfilter registrations with a table of their own', () => {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  const EEXIST = -17n & ((1n << 64n) - 1n);
  const EBUSY = -16n & ((1n << 64n) - 1n);

  it('xfrm_input_register_afinfo: the built-in AF_INET/AF_INET6 slots are taken; IP-in-IP ones are free once', () => {
    // struct xfrm_input_afinfo { u8 family; bool is_ipip; … } (include/net/xfrm.h)
    expect(call('xfrm_input_register_afinfo', ctx.poke(0xffffffffc0370000n, Uint8Array.of(2, 0)))).toBe(EEXIST);
    // tunnel6 then tunnel4 (xfrm_interface's dependencies): AF_INET6 and AF_INET IP-in-IP slots are different ones
    expect(call('xfrm_input_register_afinfo', ctx.poke(0xffffffffc0376000n, Uint8Array.of(10, 1)))).toBe(0n);
    const ipip4 = ctx.poke(0xffffffffc0371000n, Uint8Array.of(2, 1));
    expect(call('xfrm_input_register_afinfo', ipip4)).toBe(0n);
    expect(call('xfrm_input_register_afinfo', ctx.poke(0xffffffffc0372000n, Uint8Array.of(2, 1)))).toBe(EEXIST);
    expect(call('xfrm_input_unregister_afinfo', ipip4)).toBe(0n);
    expect(call('xfrm_input_register_afinfo', ipip4)).toBe(0n);
  });

  it("nf_log_register: nf_log_syslog's NFPROTO_UNSPEC logger takes every family; a second of the same type is -EBUSY", () => {
    const logger = (at: bigint, type: number): bigint => {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setBigUint64(0, ctx.str('nf_log_syslog'), true);
      b[8] = type;
      return ctx.poke(at, b);
    };
    const l = logger(0xffffffffc0373000n, 0);
    expect(call('nf_log_register', 0n, l)).toBe(0n);
    expect(call('nf_log_register', 2n, logger(0xffffffffc0374000n, 0))).toBe(EBUSY);
    expect(call('nf_log_register', 2n, logger(0xffffffffc0375000n, 1))).toBe(0n); // NF_LOG_TYPE_ULOG
    expect(call('nf_log_register', 13n, l)).toBe(-22n & ((1n << 64n) - 1n));
    expect(call('nf_log_unregister', l)).toBe(0n);
    expect(call('nf_log_register', 7n, logger(0xffffffffc0376000n, 0))).toBe(0n);
  });

  it('zpool drivers start at refcount 0 (mutex_is_locked: mutex.test.ts)', () => {
    const drv = ctx.poke(0xffffffffc0379000n, new Uint8Array(48).fill(0xff));
    expect(call('zpool_register_driver', drv)).toBe(0n);
    expect(ctx.peek(drv + 16n, 4)).toEqual(new Uint8Array(4));
    expect(call('zpool_unregister_driver', drv)).toBe(0n);
  });
});

describe('IDA', () => {
  const { call } = modelCaller(new KernelCallState());
  it('ida_alloc_range hands out the lowest free id in range, reuses freed ones and says -ENOSPC when full', () => {
    const ida = 0xffffffffc0380000n;
    expect(call('ida_alloc_range', ida, 0n, 0x7fffffffn, 0xcc0n)).toBe(0n);
    expect(call('ida_alloc_range', ida, 0n, 0x7fffffffn, 0xcc0n)).toBe(1n);
    expect(call('ida_alloc_range', ida, 5n, 6n, 0xcc0n)).toBe(5n);
    expect(call('ida_free', ida, 0n)).toBe(0n);
    expect(call('ida_alloc_range', ida, 0n, 0x7fffffffn, 0xcc0n)).toBe(0n);
    expect(call('ida_alloc_range', ida, 5n, 6n, 0xcc0n)).toBe(6n);
    expect(call('ida_alloc_range', ida, 5n, 6n, 0xcc0n)).toBe(-28n & ((1n << 64n) - 1n));
    expect(call('ida_destroy', ida)).toBe(0n);
    expect(call('ida_alloc_range', ida, 5n, 6n, 0xcc0n)).toBe(5n);
  });
});
