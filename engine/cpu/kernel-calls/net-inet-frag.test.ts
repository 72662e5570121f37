/** net-inet-frag.ts, net-nf-log.ts, user-ns.ts, timer-round.ts, krealloc.ts, net-skb.ts: the pernet inits' helpers against 6.1. */
import { describe, expect, it } from 'vitest';
import { KERNEL_DATA } from '../../machine/qemu-pc-kernel-data';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';
import { roundJiffies } from './timer-round';

const FQ = KERNEL_DATA.pernet.fqdir;
const F = KERNEL_DATA.pernet.inetFrags;
const SYMS = new Map([
  ['kmem_cache_create', 0xffffffff81000000n],
  ['kmem_cache_destroy', 0xffffffff81000100n],
  ['rhashtable_init', 0xffffffff81000200n],
  ['rhashtable_free_and_destroy', 0xffffffff81000300n],
  ['init_user_ns', 0xffffffff82a53cc0n],
]);

function setup() {
  const state = new KernelCallState({ lookupSymbol: (n) => SYMS.get(n) ?? null });
  const { ctx, call } = modelCaller(state);
  const kernel = (name: string, f: (...a: bigint[]) => bigint): void => {
    ctx.moduleFunctions.set(SYMS.get(name) ?? 0n, f);
  };
  return { ctx, call, kernel };
}

describe('inet_frags_init / fqdir_init / fqdir_exit / inet_frags_fini', () => {
  it('a cache and refcount 1, a fqdir holding one more, released by fqdir_exit, then the cache destroyed', () => {
    const { ctx, call, kernel } = setup();
    const f = 0xffffffffc0400000n;
    ctx.map(f, 0x1000);
    kernel('kmem_cache_create', () => 0xffff888000200000n);
    let table = 0n;
    kernel('rhashtable_init', (ht, params) => {
      table = ht;
      expect(params).toBe(f + BigInt(F.rhash_params));
      return 0n;
    });
    kernel('rhashtable_free_and_destroy', () => 0n);
    let destroyed = 0n;
    kernel('kmem_cache_destroy', (c) => (destroyed = c));
    expect(call('inet_frags_init', f)).toBe(0n);
    expect(readU64(ctx.mem, f + BigInt(F.frags_cachep))).toBe(0xffff888000200000n);
    expect(readU32(ctx.mem, f + BigInt(F.refcnt))).toBe(1);
    const slot = 0xffffffffc0400800n;
    const net = 0xffffffff84099cc0n;
    expect(call('fqdir_init', slot, f, net)).toBe(0n);
    const fq = readU64(ctx.mem, slot);
    expect(table).toBe(fq + BigInt(FQ.rhashtable));
    expect(readU64(ctx.mem, fq + BigInt(FQ.f))).toBe(f);
    expect(readU64(ctx.mem, fq + BigInt(FQ.net))).toBe(net);
    expect(readU32(ctx.mem, f + BigInt(F.refcnt))).toBe(2);
    // inet_frags_fini() with a fqdir still alive would wait for ever.
    call('fqdir_exit', fq);
    expect(ctx.freed).toContain(fq);
    expect(call('inet_frags_fini', f)).toBe(0n);
    expect(destroyed).toBe(0xffff888000200000n);
    expect(readU64(ctx.mem, f + BigInt(F.frags_cachep))).toBe(0n);
  });
});

describe('nf_log_set / nf_log_unset', () => {
  it('sets an empty slot, keeps a set one, refuses NFPROTO_UNSPEC', () => {
    const { call } = setup();
    const net = 0xffffffff84099cc0n;
    expect(call('nf_log_set', net, 2n, 0xffffffffc0500000n)).toBe(0n);
    expect(call('nf_log_set', net, 0n, 0xffffffffc0500000n)).toBe(BigInt.asUintN(64, -95n));
    expect(call('nf_log_set', net, 13n, 0xffffffffc0500000n)).toBe(BigInt.asUintN(64, -95n));
    expect(call('nf_log_unset', net, 0xffffffffc0500000n)).toBe(0n);
  });
});

describe('make_kuid / make_kgid', () => {
  it('init_user_ns maps every id to itself but (u32)-1; another namespace is not modelled', () => {
    const { call } = setup();
    expect(call('make_kuid', 0xffffffff82a53cc0n, 0n)).toBe(0n);
    expect(call('make_kgid', 0xffffffff82a53cc0n, 1000n)).toBe(1000n);
    expect(call('make_kuid', 0xffffffff82a53cc0n, 0xffffffffn)).toBe(0xffffffffn);
    expect(call('make_kuid', 0xffff888000001000n, 0n)).toBe('not-modelled');
  });
});

describe('round_jiffies', () => {
  it('rounds to a whole second (HZ 250): down within a quarter second, else up; j itself when not in the future', () => {
    expect(roundJiffies(1010n, 900n)).toBe(1000n);
    expect(roundJiffies(1100n, 900n)).toBe(1250n);
    expect(roundJiffies(1010n, 1005n)).toBe(1010n);
  });
});

describe('krealloc / kfree_skb_reason', () => {
  it('krealloc(NULL, n) is kmalloc(n) (zeroed with __GFP_ZERO), size 0 is ZERO_SIZE_PTR; growing a live block is not modelled', () => {
    const { ctx, call } = setup();
    const p = call('krealloc', 0n, 40n, 0xdc0n);
    expect(typeof p).toBe('bigint');
    expect(ctx.peek(p as bigint, 40)).toEqual(new Uint8Array(40));
    expect(call('krealloc', 0n, 0n, 0xcc0n)).toBe(16n);
    expect(call('krealloc', p as bigint, 80n, 0xcc0n)).toBe('not-modelled');
    expect(call('kfree_skb_reason', 0n, 2n)).toBe(0n);
    expect(call('kfree_skb_reason', 0xffff888000300000n, 2n)).toBe('not-modelled');
  });
});
