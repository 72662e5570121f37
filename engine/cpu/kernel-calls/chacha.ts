/**
 * The ChaCha block function of lib/crypto/chacha.c (6.1), computed: chacha_block_generic(state, stream, nrounds)
 * permutes a copy of the 16-word state, writes x[i] + state[i] little-endian into the 64-byte stream and
 * increments the block counter state[12]; hchacha_block_generic(state, stream, nrounds) writes the permuted
 * words 0..3 and 12..15 (8 words). chacha_permute() WARN_ON_ONCE()s on a round count other than 20 or 12 and
 * runs the rounds anyway; the model leaves those calls not modelled (the WARN's report is not modelled here).
 * wireguard's init runs its self-tests (chacha20poly1305_selftest()) through these.
 */
import type { CpuMemory, KernelFunction } from '../types';
import { s32 } from './mem';

const rol = (v: number, n: number): number => ((v << n) | (v >>> (32 - n))) >>> 0;

/** chacha_permute(): nrounds/2 double rounds (a column round, then a diagonal round). */
export function chachaPermute(x: Uint32Array, nrounds: number): void {
  const qr = (a: number, b: number, c: number, d: number): void => {
    x[a] += x[b];
    x[d] = rol(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = rol(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = rol(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = rol(x[b] ^ x[c], 7);
  };
  for (let i = 0; i < nrounds; i += 2) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
}

function readWords(mem: CpuMemory, address: bigint, count: number): Uint32Array {
  const b = mem.read(address, count * 4, 'read');
  return new Uint32Array(Array.from({ length: count }, (_, i) => (b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | (b[4 * i + 3] << 24)) >>> 0));
}

function wordBytes(words: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    const v = words[i] >>> 0;
    out.set([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24], 4 * i);
  }
  return out;
}

export function chachaFunctions(): Record<string, KernelFunction> {
  return {
    chacha_block_generic: (ctx) => {
      const state = ctx.arg(0);
      const nrounds = s32(ctx.arg(2));
      if (nrounds !== 20 && nrounds !== 12) return 'not-modelled';
      const init = readWords(ctx.mem, state, 16);
      const x = Uint32Array.from(init);
      chachaPermute(x, nrounds);
      ctx.mem.write(ctx.arg(1), wordBytes(x.map((v, i) => (v + init[i]) >>> 0)));
      ctx.mem.write(state + 48n, wordBytes([(init[12] + 1) >>> 0]));
      return 0n;
    },
    hchacha_block_generic: (ctx) => {
      const nrounds = s32(ctx.arg(2));
      if (nrounds !== 20 && nrounds !== 12) return 'not-modelled';
      const x = readWords(ctx.mem, ctx.arg(0), 16);
      chachaPermute(x, nrounds);
      ctx.mem.write(ctx.arg(1), wordBytes([...x.subarray(0, 4), ...x.subarray(12, 16)]));
      return 0n;
    },
  };
}
