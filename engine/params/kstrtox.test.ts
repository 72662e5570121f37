import { describe, expect, it } from 'vitest';
import { cstr } from './cstr';
import { kstrtobool, kstrtoint, kstrtoll, kstrtos16, kstrtou8, kstrtouint, kstrtoull } from './kstrtox';
import { EINVAL, ERANGE } from './log';

const ok = (value: bigint) => ({ ok: true, value });
const err = (e: number) => ({ ok: false, errno: -e });

describe('kstrtoull (base 0)', () => {
  it.each([
    ['0', ok(0n)],
    ['42', ok(42n)],
    ['+42', ok(42n)],
    ['42\n', ok(42n)],
    ['0x2a', ok(42n)],
    ['0X2A', ok(42n)],
    ['052', ok(42n)],
    ['00', ok(0n)],
    ['18446744073709551615', ok(18446744073709551615n)],
    ['0xffffffffffffffff', ok(18446744073709551615n)],
    ['01777777777777777777777', ok(18446744073709551615n)],
  ])('%j', (s, want) => expect(kstrtoull(cstr(s))).toEqual(want));

  it.each([
    ['', EINVAL],
    ['+', EINVAL],
    ['++1', EINVAL],
    ['-1', EINVAL],
    [' 1', EINVAL],
    ['1 ', EINVAL],
    ['1\n\n', EINVAL],
    ['\n', EINVAL],
    ['08', EINVAL],
    ['0x', EINVAL], // "0x" not followed by a hex digit: octal 0, then junk
    ['0xg', EINVAL],
    ['12abc', EINVAL],
    ['1.5', EINVAL],
    ['18446744073709551616', ERANGE],
    ['0x10000000000000000', ERANGE],
    ['99999999999999999999x', ERANGE], // overflow is checked before trailing junk
  ])('%j → -%s', (s, e) => expect(kstrtoull(cstr(s))).toEqual(err(e)));
});

describe('kstrtoll', () => {
  it.each([
    ['-1', ok(-1n)],
    ['-0', ok(0n)],
    ['+5', ok(5n)],
    ['-0x10', ok(-16n)],
    ['-010', ok(-8n)],
    ['9223372036854775807', ok(9223372036854775807n)],
    ['-9223372036854775808', ok(-9223372036854775808n)],
  ])('%j', (s, want) => expect(kstrtoll(cstr(s))).toEqual(want));
  it.each([
    ['-', EINVAL],
    ['-+1', EINVAL],
    ['--1', EINVAL],
    ['+-1', EINVAL],
    ['9223372036854775808', ERANGE],
    ['-9223372036854775809', ERANGE],
    ['-18446744073709551615', ERANGE],
  ])('%j → -%s', (s, e) => expect(kstrtoll(cstr(s))).toEqual(err(e)));
});

describe('narrow parsers range-check the 64-bit result', () => {
  it('u8', () => {
    expect(kstrtou8(cstr('255'))).toEqual(ok(255n));
    expect(kstrtou8(cstr('0xff'))).toEqual(ok(255n));
    expect(kstrtou8(cstr('256'))).toEqual(err(ERANGE));
    expect(kstrtou8(cstr('-1'))).toEqual(err(EINVAL));
  });
  it('s16', () => {
    expect(kstrtos16(cstr('-32768'))).toEqual(ok(-32768n));
    expect(kstrtos16(cstr('32767'))).toEqual(ok(32767n));
    expect(kstrtos16(cstr('32768'))).toEqual(err(ERANGE));
    expect(kstrtos16(cstr('-32769'))).toEqual(err(ERANGE));
  });
  it('int and uint', () => {
    expect(kstrtoint(cstr('2147483647'))).toEqual(ok(2147483647n));
    expect(kstrtoint(cstr('2147483648'))).toEqual(err(ERANGE));
    expect(kstrtoint(cstr('-2147483648'))).toEqual(ok(-2147483648n));
    expect(kstrtoint(cstr('0xffffffff'))).toEqual(err(ERANGE));
    expect(kstrtouint(cstr('0xffffffff'))).toEqual(ok(4294967295n));
    expect(kstrtouint(cstr('4294967296'))).toEqual(err(ERANGE));
  });
  it('stops at a NUL like a C string', () => {
    expect(kstrtoint(Uint8Array.of(0x31, 0x32, 0, 0x33))).toEqual(ok(12n));
  });
});

describe('kstrtobool (6.1)', () => {
  const b = (value: boolean) => ({ ok: true, value });
  it.each([
    ['y', true],
    ['Y', true],
    ['yes', true],
    ['t', true],
    ['True', true],
    ['1', true],
    ['1junk', true],
    ['n', false],
    ['N', false],
    ['f', false],
    ['F', false],
    ['0', false],
    ['0x1', false],
    ['on', true],
    ['ON', true],
    ['oN', true],
    ['off', false],
    ['oF', false],
  ])('%j → %s', (s, v) => expect(kstrtobool(cstr(s))).toEqual(b(v)));
  it.each([[''], ['o'], ['ox'], ['2'], ['x'], [' y']])('%j → -EINVAL', (s) => expect(kstrtobool(cstr(s))).toEqual(err(EINVAL)));
  it('NULL → -EINVAL', () => expect(kstrtobool(null)).toEqual(err(EINVAL)));
});

describe('round trips (fast-check)', () => {
  it('any u64 in decimal, 0x-hex and 0-octal parses back exactly', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        for (const s of [v.toString(10), `0x${v.toString(16)}`, `0${v.toString(8)}`, `+${v}\n`]) {
          expect(kstrtoull(cstr(s))).toEqual(ok(v));
        }
        expect(kstrtoull(cstr((v + (1n << 64n)).toString()))).toEqual(err(ERANGE));
      }),
    );
  });
  it('any s64 parses back exactly with kstrtoll', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
        expect(kstrtoll(cstr(v.toString()))).toEqual(ok(v));
      }),
    );
  });
});
