/** chacha.ts: lib/crypto/chacha.c's block functions against RFC 7539 §2.3.2 and the XChaCha draft's HChaCha20 vector. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32 } from './mem';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const le32 = (words: number[]): Uint8Array => new Uint8Array(new Uint32Array(words).buffer);
/** chacha_init_generic(): "expand 32-byte k", the key words, then state[12..15] as given. */
const KEY = Array.from({ length: 8 }, (_, i) => (((4 * i + 3) << 24) | ((4 * i + 2) << 16) | ((4 * i + 1) << 8) | (4 * i)) >>> 0);
const CONST = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

describe('chacha_block_generic', () => {
  it('RFC 7539 2.3.2: key 00..1f, nonce 000000090000004a00000000, counter 1; the counter becomes 2', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const state = DATA_BASE + 0x100n;
    const stream = DATA_BASE + 0x200n;
    ctx.poke(state, le32([...CONST, ...KEY, 1, 0x09000000, 0x4a000000, 0]));
    expect(call('chacha_block_generic', state, stream, 20n)).toBe(0n);
    expect(hex(ctx.peek(stream, 64))).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
    expect(readU32(ctx.mem, state + 48n)).toBe(2);
    expect(readU32(ctx.mem, state + 52n)).toBe(0x09000000);
  });

  it('a round count other than 20 or 12 (chacha_permute() WARNs) is left not modelled', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    ctx.poke(DATA_BASE + 0x100n, new Uint8Array(64));
    expect(call('chacha_block_generic', DATA_BASE + 0x100n, DATA_BASE + 0x200n, 8n)).toBe('not-modelled');
  });
});

describe('hchacha_block_generic', () => {
  it('draft-irtf-cfrg-xchacha 2.2.1: key 00..1f, nonce 000000090000004a0000000031415927', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const state = DATA_BASE + 0x100n;
    const out = DATA_BASE + 0x200n;
    ctx.poke(state, le32([...CONST, ...KEY, 0x09000000, 0x4a000000, 0, 0x27594131]));
    ctx.poke(out, new Uint8Array(40).fill(0xee));
    expect(call('hchacha_block_generic', state, out, 20n)).toBe(0n);
    expect(hex(ctx.peek(out, 32))).toBe('82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc');
    expect(hex(ctx.peek(out + 32n, 8))).toBe('eeeeeeeeeeeeeeee');
  });
});
