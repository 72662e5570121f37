/** blake2s.ts: lib/crypto/blake2s.c's update/final against RFC 7693 BLAKE2s digests (as Python's hashlib gives them). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** blake2s_init(state, outlen) (include/crypto/blake2s.h, inline in the module): h = IV ^ param block, the rest 0. */
function init(outlen: number): Uint8Array {
  const st = new Uint8Array(120);
  const v = new DataView(st.buffer);
  IV.forEach((w, i) => v.setUint32(4 * i, i === 0 ? (w ^ 0x01010000 ^ outlen) >>> 0 : w, true));
  v.setUint32(116, outlen, true);
  return st;
}

describe('blake2s_update / blake2s_final', () => {
  const digest = (parts: Uint8Array[], outlen = 32): string => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const st = DATA_BASE + 0x100n;
    const input = DATA_BASE + 0x1000n;
    const out = DATA_BASE + 0x400n;
    ctx.poke(st, init(outlen));
    ctx.poke(out, new Uint8Array(40).fill(0xee));
    for (const p of parts) {
      ctx.poke(input, p);
      expect(call('blake2s_update', st, input, BigInt(p.length))).toBe(0n);
    }
    expect(call('blake2s_final', st, out)).toBe(0n);
    expect([...ctx.peek(st, 120)].every((b) => b === 0)).toBe(true);
    expect(ctx.peek(out + BigInt(outlen), 1)[0]).toBe(0xee);
    return hex(ctx.peek(out, outlen));
  };
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);

  it('empty, "abc", exactly one block (kept for final), 200 bytes in uneven pieces, a 16-byte digest', () => {
    expect(digest([])).toBe('69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9');
    expect(digest([new TextEncoder().encode('abc')])).toBe('508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982');
    expect(digest([bytes(64)])).toBe('56f34e8b96557e90c1f24b52d0c89d51086acf1b00f634cf1dde9233b8eaaa3e');
    const d = bytes(200);
    expect(digest([d.subarray(0, 10), d.subarray(10, 150), d.subarray(150)])).toBe('6d244e1a06ce4ef578dd0f63aff0936706735119ca9c8d22d86c801414ab9741');
    expect(digest([new TextEncoder().encode('abc')], 16)).toBe('aa4938119b1dc7b87cbad0ffd200d0ae');
  });
});
