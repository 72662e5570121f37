/** The key service: keyring_alloc() lays out a struct key as Debian's 6.1 does; key types register once (security/keys/key.c). */
import { describe, expect, it } from 'vitest';
import { CORPUS_WHAT, missing } from '../../../scripts/test-support/prereq';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { KEY } from './keys';
import { x509KeyDescription } from './x509-key';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from '../../../scripts/test-support/kernel';

const u64 = (b: Uint8Array, off: bigint): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(Number(off), true);
const u32 = (b: Uint8Array, off: bigint): number => new DataView(b.buffer, b.byteOffset).getUint32(Number(off), true);
const ERR = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));

describe('keyring_alloc', () => {
  it("cfg80211's .builtin_regdb_keys: description at +0xa8, flags at +0x80, usage 1, positive, no printk", () => {
    const state = new KernelCallState({ lookupSymbol: (n) => (n === 'key_type_keyring' ? 0xffffffff82a1c2e0n : null) });
    const { ctx, call } = modelCaller(state);
    // keyring_alloc(".builtin_regdb_keys", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID, cred, perm 0x1f0b0000, KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL)
    const key = call('keyring_alloc', ctx.str('.builtin_regdb_keys'), 0n, 0n, 0xffffffff82a5d000n, 0x1f0b0000n, 2n, 0n, 0n) as bigint;
    const k = ctx.peek(key, KEY.size);
    expect(ctx.peekString(u64(k, KEY.description))).toBe('.builtin_regdb_keys');
    expect(u32(k, KEY.usage)).toBe(1);
    expect(u32(k, KEY.serial)).toBeGreaterThanOrEqual(3);
    expect(u32(k, KEY.perm)).toBe(0x1f0b0000);
    expect(u64(k, KEY.flags)).toBe(0n); // NOT_IN_QUOTA: no KEY_FLAG_IN_QUOTA
    expect(k[Number(KEY.state)]).toBe(1);
    expect(u64(k, KEY.type)).toBe(0xffffffff82a1c2e0n);
    expect(u64(k, KEY.expiry)).toBe(0x7fffffffffffffffn);
    expect(k[Number(KEY.descLen)]).toBe(19);
    expect(ctx.log).toEqual([]);
    // dns_resolver's init: in quota (flag bit 2), then key_put() drops the only reference.
    const k2 = call('keyring_alloc', ctx.str('.dns_resolver'), 0n, 0n, 0n, 0x1f030000n, 0n, 0n, 0n) as bigint;
    expect(u64(ctx.peek(k2, KEY.size), KEY.flags)).toBe(4n);
    expect(u32(ctx.peek(k2, KEY.size), KEY.serial)).not.toBe(u32(k, KEY.serial));
    expect(call('key_put', k2)).toBe(0n);
    expect(u32(ctx.peek(k2, 8), 0n)).toBe(0);
    expect(call('keyring_alloc', ctx.str(''), 0n, 0n, 0n, 0n, 0n, 0n, 0n)).toBe(ERR(22));
  });
});

describe('register_key_type', () => {
  it('"Key type ceph registered" at KERN_NOTICE; a second ceph or a built-in name (user) is -EEXIST; unregister prints too', () => {
    const state = new KernelCallState();
    const { ctx, call } = modelCaller(state);
    const ktype = (at: bigint, name: string): bigint => {
      const b = new Uint8Array(200);
      new DataView(b.buffer).setBigUint64(0, ctx.str(name), true);
      return ctx.poke(at, b);
    };
    const ceph = ktype(0xffffffffc0400000n, 'ceph');
    expect(call('register_key_type', ceph)).toBe(0n);
    expect(call('register_key_type', ktype(0xffffffffc0401000n, 'ceph'))).toBe(ERR(17));
    expect(call('register_key_type', ktype(0xffffffffc0402000n, 'user'))).toBe(ERR(17));
    expect(call('register_key_type', ktype(0xffffffffc0403000n, 'asymmetric'))).toBe(ERR(17));
    expect(call('unregister_key_type', ceph)).toBe(0n);
    expect(call('register_key_type', ktype(0xffffffffc0404000n, 'ceph'))).toBe(0n);
    expect(ctx.log).toEqual([
      { level: 5, text: 'Key type ceph registered' },
      { level: 5, text: 'Key type ceph unregistered' },
      { level: 5, text: 'Key type ceph registered' },
    ]);
  });
});

describe('kernel_fpu_begin_mask / kernel_fpu_end', () => {
  it('return with nothing to undo (one task, no user FPU state in the model)', () => {
    const { call } = modelCaller(new KernelCallState());
    expect(call('kernel_fpu_begin_mask', 3n)).toBe(0n);
    expect(call('kernel_fpu_end')).toBe(0n);
  });
});

describe('x509KeyDescription (x509_key_preparse())', () => {
  const file = join(CORPUS, 'net', 'wireless', 'cfg80211.ko');
  const title = "cfg80211's shipped certificates: '<CN>: <skid or serial>', and a changed signature byte is -EKEYREJECTED";
  it.skipIf(missing(CORPUS_WHAT, existsSync(file)))(title, () => {
    const b = new Uint8Array(readFileSync(file));
    const found: { at: number; der: Uint8Array; description: string }[] = [];
    for (let i = 0; i + 4 < b.length; i++) {
      if (b[i] !== 0x30 || b[i + 1] !== 0x82) continue;
      const der = b.slice(i, i + 4 + ((b[i + 2] << 8) | b[i + 3]));
      if (der.length < 256 || der.length > 4096) continue;
      const r = x509KeyDescription(der);
      if ('description' in r) found.push({ at: i, der, description: r.description });
    }
    expect(found.map((f) => f.description)).toEqual([
      'benh@debian.org: 577e021cb980e0e820821ba7b54b4961b8b4fadf',
      'romain.perier@gmail.com: 3abbc6ec146e09d1b6016ab9d6cf71dd233f0328',
      'sforshee: 00b28ddf47aef9cea7',
      'wens: 61c038651aabdcf94bd0ac7ff06c7248db18c600',
    ]);
    const bad = found[0].der.slice();
    bad[bad.length - 1] ^= 1; // the last byte of the signature BIT STRING
    expect(x509KeyDescription(bad)).toMatchObject({ error: 'EKEYREJECTED' });
    expect(x509KeyDescription(found[0].der.slice(0, 100))).toMatchObject({ error: 'EBADMSG' });
  });
});
