/**
 * BLAKE2s of lib/crypto/blake2s.c (6.1; vmlinux's, random.c uses it), computed: blake2s_update(state, in, inlen) and
 * blake2s_final(state, out) on struct blake2s_state { u32 h[8]; u32 t[2] @32; u32 f[2] @40; u8 buf[64] @48;
 * unsigned int buflen @112, outlen @116 } (120 bytes; include/crypto/blake2s.h, whose inline blake2s_init*() and
 * blake2s() modules compile in). update() keeps the last block buffered (it is compressed only by final(), with f[0] set);
 * final() pads it with zeros, compresses it, writes outlen bytes of h (little-endian) and zeroes the state.
 * blake2s_compress() (arch/x86/crypto/blake2s-glue.c) uses SSSE3/AVX-512 code when the CPU has it and
 * blake2s_compress_generic() otherwise: the same function of its input. wireguard's wg_noise_init() hashes its
 * handshake constants through these.
 */
import type { CpuMemory, KernelFunction } from '../types';
import { readU32, writeU32 } from './mem';

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];
const BLOCK = 64;
const S = { h: 0n, t: 32n, f: 40n, buf: 48n, buflen: 112n, outlen: 116n, size: 120 } as const;

const ror = (v: number, n: number): number => ((v >>> n) | (v << (32 - n))) >>> 0;

/** blake2s_compress_generic(state, block, nblocks, inc) over the state's words (h, t, f: 12 words). */
export function blake2sCompress(st: Uint32Array, data: Uint8Array, nblocks: number, inc: number): void {
  const m = new Uint32Array(16);
  const v = new Uint32Array(16);
  for (let b = 0; b < nblocks; b++) {
    st[8] = (st[8] + inc) >>> 0;
    if (st[8] < inc) st[9] = (st[9] + 1) >>> 0;
    for (let i = 0; i < 16; i++) {
      const o = b * BLOCK + 4 * i;
      m[i] = (data[o] | (data[o + 1] << 8) | (data[o + 2] << 16) | (data[o + 3] << 24)) >>> 0;
    }
    v.set(st.subarray(0, 8));
    v.set(IV.slice(0, 4), 8);
    v[12] = IV[4] ^ st[8];
    v[13] = IV[5] ^ st[9];
    v[14] = IV[6] ^ st[10];
    v[15] = IV[7] ^ st[11];
    const g = (r: number, i: number, a: number, bb: number, c: number, d: number): void => {
      v[a] += v[bb] + m[SIGMA[r][2 * i]];
      v[d] = ror(v[d] ^ v[a], 16);
      v[c] += v[d];
      v[bb] = ror(v[bb] ^ v[c], 12);
      v[a] += v[bb] + m[SIGMA[r][2 * i + 1]];
      v[d] = ror(v[d] ^ v[a], 8);
      v[c] += v[d];
      v[bb] = ror(v[bb] ^ v[c], 7);
    };
    for (let r = 0; r < 10; r++) {
      g(r, 0, 0, 4, 8, 12);
      g(r, 1, 1, 5, 9, 13);
      g(r, 2, 2, 6, 10, 14);
      g(r, 3, 3, 7, 11, 15);
      g(r, 4, 0, 5, 10, 15);
      g(r, 5, 1, 6, 11, 12);
      g(r, 6, 2, 7, 8, 13);
      g(r, 7, 3, 4, 9, 14);
    }
    for (let i = 0; i < 8; i++) st[i] = (st[i] ^ v[i] ^ v[i + 8]) >>> 0;
  }
}

function readWords(mem: CpuMemory, at: bigint): Uint32Array {
  return Uint32Array.from({ length: 12 }, (_, i) => readU32(mem, at + BigInt(4 * i)));
}
function writeWords(mem: CpuMemory, at: bigint, w: Uint32Array): void {
  w.forEach((x, i) => writeU32(mem, at + BigInt(4 * i), x));
}

export function blake2sFunctions(): Record<string, KernelFunction> {
  return {
    // void blake2s_update(struct blake2s_state *state, const u8 *in, size_t inlen)
    blake2s_update: (ctx) => {
      const st = ctx.arg(0);
      let inp = ctx.arg(1);
      let inlen = Number(ctx.arg(2));
      if (!inlen) return 0n;
      const buflen = readU32(ctx.mem, st + S.buflen);
      if (buflen > BLOCK || inlen > 1 << 30) return 'not-modelled';
      const fill = BLOCK - buflen;
      const words = readWords(ctx.mem, st);
      let len = buflen;
      if (inlen > fill) {
        ctx.mem.write(st + S.buf + BigInt(buflen), ctx.mem.read(inp, fill, 'read').slice());
        blake2sCompress(words, ctx.mem.read(st + S.buf, BLOCK, 'read'), 1, BLOCK);
        len = 0;
        inp += BigInt(fill);
        inlen -= fill;
      }
      if (inlen > BLOCK) {
        const nblocks = Math.ceil(inlen / BLOCK) - 1;
        blake2sCompress(words, ctx.mem.read(inp, nblocks * BLOCK, 'read'), nblocks, BLOCK);
        inp += BigInt(nblocks * BLOCK);
        inlen -= nblocks * BLOCK;
      }
      writeWords(ctx.mem, st, words);
      ctx.mem.write(st + S.buf + BigInt(len), ctx.mem.read(inp, inlen, 'read').slice());
      writeU32(ctx.mem, st + S.buflen, len + inlen);
      return 0n;
    },
    // void blake2s_final(struct blake2s_state *state, u8 *out)
    blake2s_final: (ctx) => {
      const st = ctx.arg(0);
      const buflen = readU32(ctx.mem, st + S.buflen);
      const outlen = readU32(ctx.mem, st + S.outlen);
      if (buflen > BLOCK || outlen > 32) return 'not-modelled';
      const words = readWords(ctx.mem, st);
      words[10] = 0xffffffff; // blake2s_set_lastblock(): f[0] = -1
      ctx.mem.write(st + S.buf + BigInt(buflen), new Uint8Array(BLOCK - buflen));
      blake2sCompress(words, ctx.mem.read(st + S.buf, BLOCK, 'read'), 1, buflen);
      const h = new Uint8Array(32);
      for (let i = 0; i < 8; i++) h.set([words[i] & 0xff, (words[i] >>> 8) & 0xff, (words[i] >>> 16) & 0xff, words[i] >>> 24], 4 * i);
      ctx.mem.write(ctx.arg(1), h.subarray(0, outlen));
      ctx.mem.write(st, new Uint8Array(S.size));
      return 0n;
    },
  };
}
