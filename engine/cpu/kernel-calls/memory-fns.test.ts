import { describe, expect, it } from 'vitest';
import { fakeContext } from './fake-context';
import { kernelFunctionModels } from './registry';
import { writeU32, writeU64 } from './mem';
import type { KernelFunction } from '../types';

const neg = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

function setup() {
  const ctx = fakeContext();
  const models = kernelFunctionModels();
  const fn = (name: string): KernelFunction => {
    const f = models.get(name);
    if (!f) throw new Error(`no model for ${name}`);
    return f;
  };
  const buf = 0xffffffffc0350000n;
  ctx.map(buf, 4096, 0xee);
  return { ctx, fn, buf };
}

describe('lib/string.c', () => {
  it('memcpy/memset/memmove/memcmp', () => {
    const { ctx, fn, buf } = setup();
    const src = ctx.str('abcdef');
    expect(ctx.call(fn('memcpy'), buf, src, 4n)).toBe(buf);
    expect(ctx.peekString(buf).slice(0, 4)).toBe('abcd');
    ctx.call(fn('memset'), buf, 0x41n, 3n);
    expect([...ctx.peek(buf, 4)]).toEqual([0x41, 0x41, 0x41, 0x64]);
    ctx.call(fn('memcpy'), buf, src, 7n);
    ctx.call(fn('memmove'), buf + 1n, buf, 5n);
    expect(ctx.peekString(buf)).toBe('aabcde'); // the NUL at [6] stays
    expect(ctx.call(fn('memcmp'), ctx.str('abc'), ctx.str('abd'), 3n)).toBe(neg(-1));
    expect(ctx.call(fn('memcmp'), ctx.str('a\xff'), ctx.str('a\x01'), 2n)).toBe(254n);
    expect(ctx.call(fn('memcmp'), ctx.str('abc'), ctx.str('abd'), 2n)).toBe(0n);
  });
  it('__crypto_memneq ORs word then byte XORs (crypto/memneq.c), 0 only when equal', () => {
    const { ctx, fn } = setup();
    // 16 bytes differing in byte 1 of the first word and byte 0 of the second: (0x02 << 8) | 0x10.
    const a = ctx.str('\x00\x01ABCDEF\x10bcdefgh');
    const b = ctx.str('\x00\x03ABCDEF\x00bcdefgh');
    expect(ctx.call(fn('__crypto_memneq'), a, b, 16n)).toBe(0x210n);
    expect(ctx.call(fn('__crypto_memneq'), a, a, 16n)).toBe(0n);
    // 11 bytes: one word, then three bytes ORed in as bytes (a difference in byte 9 counts as 0x04, not 0x0400).
    const c = ctx.str('ABCDEFGH\x01\x02\x03');
    const d = ctx.str('ABCDEFGH\x01\x06\x03');
    expect(ctx.call(fn('__crypto_memneq'), c, d, 11n)).toBe(0x04n);
    expect(ctx.call(fn('__crypto_memneq'), c, d, 9n)).toBe(0n);
  });
  it('strlen/strnlen/strcmp/strncmp return the kernel values', () => {
    const { ctx, fn } = setup();
    expect(ctx.call(fn('strlen'), ctx.str('hello'))).toBe(5n);
    expect(ctx.call(fn('strnlen'), ctx.str('hello'), 3n)).toBe(3n);
    expect(ctx.call(fn('strcmp'), ctx.str('abc'), ctx.str('abd'))).toBe(neg(-1));
    expect(ctx.call(fn('strcmp'), ctx.str('abz'), ctx.str('abc'))).toBe(1n); // -1/0/1, not the difference
    expect(ctx.call(fn('strcmp'), ctx.str('same'), ctx.str('same'))).toBe(0n);
    expect(ctx.call(fn('strncmp'), ctx.str('abcX'), ctx.str('abcY'), 3n)).toBe(0n);
  });
  it('strcpy/strncpy/strscpy/strlcpy/strcat', () => {
    const { ctx, fn, buf } = setup();
    ctx.call(fn('strcpy'), buf, ctx.str('hi'));
    ctx.call(fn('strcat'), buf, ctx.str(' there'));
    expect(ctx.peekString(buf)).toBe('hi there');
    ctx.call(fn('strncpy'), buf, ctx.str('ab'), 5n);
    expect([...ctx.peek(buf, 6)]).toEqual([0x61, 0x62, 0, 0, 0, 0x65]);
    expect(ctx.call(fn('strscpy'), buf, ctx.str('hello'), 16n)).toBe(5n);
    expect(ctx.call(fn('strscpy'), buf, ctx.str('hello world'), 6n)).toBe(neg(-7));
    expect(ctx.peekString(buf)).toBe('hello');
    expect(ctx.call(fn('strscpy'), buf, ctx.str('x'), 0n)).toBe(neg(-7));
    expect(ctx.call(fn('strlcpy'), buf, ctx.str('truncate me'), 4n)).toBe(11n);
    expect(ctx.peekString(buf)).toBe('tru');
  });
  it('strchr/strrchr/strstr', () => {
    const { ctx, fn } = setup();
    const s = ctx.str('a/b/c');
    expect(ctx.call(fn('strchr'), s, 0x2fn)).toBe(s + 1n);
    expect(ctx.call(fn('strrchr'), s, 0x2fn)).toBe(s + 3n);
    expect(ctx.call(fn('strchr'), s, 0x7an)).toBe(0n);
    expect(ctx.call(fn('strchr'), s, 0n)).toBe(s + 5n);
    expect(ctx.call(fn('strstr'), s, ctx.str('b/c'))).toBe(s + 2n);
    expect(ctx.call(fn('strstr'), s, ctx.str(''))).toBe(s);
    expect(ctx.call(fn('strstr'), s, ctx.str('x'))).toBe(0n);
  });
  it('kstrdup copies into kmalloc memory', () => {
    const { ctx, fn } = setup();
    const p = ctx.call(fn('kstrdup'), ctx.str('dup'), 0xcc0n) as bigint;
    expect(ctx.peekString(p)).toBe('dup');
    expect(ctx.call(fn('kstrdup'), 0n, 0xcc0n)).toBe(0n);
  });
});

describe('printf family', () => {
  it('snprintf returns the would-be length, scnprintf the bytes written, sprintf everything', () => {
    const { ctx, fn, buf } = setup();
    expect(ctx.call(fn('snprintf'), buf, 4n, ctx.str('%d-%d'), 123n, 456n)).toBe(7n);
    expect(ctx.peekString(buf)).toBe('123');
    expect(ctx.call(fn('scnprintf'), buf, 4n, ctx.str('%d-%d'), 123n, 456n)).toBe(3n);
    expect(ctx.call(fn('scnprintf'), buf, 0n, ctx.str('%d'), 1n)).toBe(0n);
    expect(ctx.call(fn('sprintf'), buf, ctx.str('%s=%u'), ctx.str('x'), 9n)).toBe(3n);
    expect(ctx.peekString(buf)).toBe('x=9');
  });
  it('kasprintf allocates len+1 and formats', () => {
    const { ctx, fn } = setup();
    const p = ctx.call(fn('kasprintf'), 0xcc0n, ctx.str('dev%d'), 3n) as bigint;
    expect(ctx.peekString(p)).toBe('dev3');
  });
  it('vsnprintf reads a va_list and advances it', () => {
    const { ctx, fn, buf } = setup();
    const regSave = 0xffffffffc0360000n;
    ctx.map(regSave, 0x200);
    writeU64(ctx.mem, regSave + 16n, 11n);
    writeU64(ctx.mem, regSave + 24n, 22n);
    const va = regSave + 0x100n;
    writeU32(ctx.mem, va, 16);
    writeU32(ctx.mem, va + 4n, 48);
    writeU64(ctx.mem, va + 8n, regSave + 0x180n);
    writeU64(ctx.mem, va + 16n, regSave);
    expect(ctx.call(fn('vsnprintf'), buf, 64n, ctx.str('%d,%d'), va)).toBe(5n);
    expect(ctx.peekString(buf)).toBe('11,22');
    expect(ctx.peek(va, 1)[0]).toBe(32);
  });
});
