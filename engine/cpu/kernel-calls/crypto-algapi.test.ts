/** crypto-algapi.ts: crypto_init_queue() (crypto/algapi.c), as cryptd_init_queue() calls it per CPU. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32, readU64 } from './mem';

describe('crypto_init_queue', () => {
  it('empties the list, points backlog at it, qlen 0, max_qlen as given (cryptd: 1000)', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const q = DATA_BASE + 0x100n;
    ctx.map(q, 32, 0xaa);
    call('crypto_init_queue', q, 1000n);
    expect([readU64(ctx.mem, q), readU64(ctx.mem, q + 8n), readU64(ctx.mem, q + 16n)]).toEqual([q, q, q]);
    expect([readU32(ctx.mem, q + 24n), readU32(ctx.mem, q + 28n)]).toEqual([0, 1000]);
  });
});

describe('__crypto_xor and crypto_inc', () => {
  it('__crypto_xor: dst = src1 ^ src2 over len bytes (8-byte words, then the tail), dst may be src1', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const a = DATA_BASE + 0x301n;
    const b = DATA_BASE + 0x403n;
    const src1 = Uint8Array.from({ length: 15 }, (_, i) => i * 17);
    const src2 = Uint8Array.from({ length: 15 }, (_, i) => 0xf0 - i);
    ctx.poke(a, Uint8Array.from([...src1, 0x55]));
    ctx.poke(b, src2);
    call('__crypto_xor', a, a, b, 15n);
    expect([...ctx.peek(a, 16)]).toEqual([...src1.map((v, i) => v ^ src2[i]), 0x55]);
  });

  it('crypto_inc: a big-endian counter; carries across words and into the leading odd bytes', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const c = DATA_BASE + 0x500n;
    ctx.poke(c, Uint8Array.from([0x01, 0x02, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    call('crypto_inc', c, 11n);
    expect(Buffer.from(ctx.peek(c, 11)).toString('hex')).toBe('01020400000000000000' + '00');
    ctx.poke(c, Uint8Array.from([0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]));
    call('crypto_inc', c, 8n);
    expect(Buffer.from(ctx.peek(c, 8)).toString('hex')).toBe('0000000012345679');
    ctx.poke(c, Uint8Array.from([0xff, 0xff]));
    call('crypto_inc', c, 2n);
    expect(Buffer.from(ctx.peek(c, 2)).toString('hex')).toBe('0000');
  });
});
