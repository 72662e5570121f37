/** crypto-shash.ts: crypto_alg_list lookups of crypto_alloc_shash() and the module reference they take (crypto/api.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { builtinShashAlgs } from './crypto-shash';
import { readU64 } from './mem';

const MOD_A = 0xffffffffc0201040n;
const MOD_B = 0xffffffffc0209040n;

function setup() {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  const refs: string[] = [];
  ctx.moduleRef = (address, op) => {
    refs.push(`${op} ${address.toString(16)}`);
    return true;
  };
  /** A struct shash_alg (480 bytes): descsize at 80, base.cra_ctxsize 96+40, cra_priority 96+48, names 96+56 / 96+184, cra_module 96+376. */
  const shashAlg = (at: bigint, name: string, driver: string, priority: number, module: bigint): bigint => {
    const b = new Uint8Array(480);
    const v = new DataView(b.buffer);
    v.setUint32(80, 24, true);
    v.setUint32(96 + 40, 4, true);
    v.setInt32(96 + 48, priority, true);
    b.set(new TextEncoder().encode(name), 96 + 56);
    b.set(new TextEncoder().encode(driver), 96 + 184);
    v.setBigUint64(96 + 376, module, true);
    return ctx.poke(at, b);
  };
  return { state, ctx, call, refs, shashAlg };
}

describe('crypto_alloc_shash', () => {
  it('takes the highest-priority algorithm of the name and a reference on its module; freeing drops it', () => {
    const { ctx, call, refs, shashAlg } = setup();
    const low = shashAlg(0xffffffffc0360000n, 'crc32c', 'crc32c-generic', 100, MOD_A);
    const high = shashAlg(0xffffffffc0361000n, 'crc32c', 'crc32c-fast', 200, MOD_B);
    expect(call('crypto_register_shash', low)).toBe(0n);
    expect(call('crypto_register_shash', high)).toBe(0n);
    const tfm = call('crypto_alloc_shash', ctx.str('crc32c'), 0n, 0n) as bigint;
    expect(refs).toEqual([`get ${MOD_B.toString(16)}`]);
    expect(readU64(ctx.mem, tfm + 8n + 24n)).toBe(high + 96n); // base.__crt_alg
    expect(Number(readU64(ctx.mem, tfm) & 0xffffffffn)).toBe(24); // descsize
    call('crypto_destroy_tfm', tfm, tfm + 8n);
    expect(refs.at(-1)).toBe(`put ${MOD_B.toString(16)}`);
    // A driver name is an exact match, whatever the priority.
    call('crypto_alloc_shash', ctx.str('crc32c-generic'), 0n, 0n);
    expect(refs.at(-1)).toBe(`get ${MOD_A.toString(16)}`);
  });

  it('refuses a second registration of the same driver; after unregistering, the name is not found', () => {
    const { ctx, call, shashAlg } = setup();
    const a = shashAlg(0xffffffffc0362000n, 'crc32c', 'crc32c-generic', 100, MOD_A);
    expect(call('crypto_register_shash', a)).toBe(0n);
    expect(call('crypto_register_shash', a)).toBe(BigInt.asUintN(64, -17n));
    call('crypto_unregister_shash', a);
    // Not on crypto_alg_list: request_module("crypto-crc32c") loads nothing in this model (as in the recorded guest,
    // whose image holds only the modprobe closures), so -ENOENT.
    expect(call('crypto_alloc_shash', ctx.str('crc32c'), 0n, 0n)).toBe(BigInt.asUintN(64, -2n));
  });

  it("knows the machine's built-in shash algorithms, but not their vmlinux structs", () => {
    const { ctx, call } = setup();
    expect(builtinShashAlgs().map((a) => a.driver)).toContain('sha256-generic');
    expect(call('crypto_alloc_shash', ctx.str('sha256'), 0n, 0n)).toBe('not-modelled');
  });
});

describe('crypto_alloc_shash of a missing name and crypto_has_ahash', () => {
  it("is -ENOENT for crc64_rocksoft's 'crc64-rocksoft' when no module registered it; has_ahash finds the built-in sha1", () => {
    const { ctx, call, refs } = setup();
    expect(call('crypto_alloc_shash', ctx.str('crc64-rocksoft'), 0n, 0n)).toBe(BigInt.asUintN(64, -2n));
    expect(refs).toEqual([]);
    expect(call('crypto_alloc_shash', ctx.str('hmac(crc64-rocksoft)'), 0n, 0n)).toBe('not-modelled'); // cryptomgr builds templates
    expect(call('crypto_has_ahash', ctx.str('sha1'), 0n, 0x80n)).toBe(1n); // ppp_mppe_init()
    expect(call('crypto_has_ahash', ctx.str('crc64-rocksoft'), 0n, 0x80n)).toBe(0n);
  });
});
