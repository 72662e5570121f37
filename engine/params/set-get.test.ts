import { describe, expect, it } from 'vitest';
import type { ParamType } from '../kmod/types';
import { cstr } from './cstr';
import { buildParams, type ParamDecl } from './fixture';
import { formatHexint, paramGet } from './get';
import { KmallocedParams } from './kmalloced';
import { EINVAL, ENOSPC, ERANGE, EROFS, KERN_ERR, type LogLine } from './log';
import type { ResolvedParam } from './memory';
import { paramSet } from './set';
import { SimpleParamMemory } from './simple-memory';

function setup(decls: ParamDecl[]) {
  const mem = new SimpleParamMemory();
  const built = buildParams(mem, decls);
  const kmalloced = new KmallocedParams();
  const byName = new Map(built.params.map((p) => [p.name, p]));
  const p = (n: string): ResolvedParam => byName.get(n) as ResolvedParam;
  const log: LogLine[] = [];
  const set = (n: string, v: string | null): number => {
    const r = paramSet(p(n), v === null ? null : cstr(v), { mem, kmalloced, log });
    if (r.kind !== 'done') throw new Error(r.reason);
    return r.errno;
  };
  const get = (n: string): string => {
    const r = paramGet(p(n), mem);
    if (r.kind !== 'ok') throw new Error(r.kind);
    return r.text;
  };
  return { mem, built, kmalloced, p, set, get, log };
}

const ints: [ParamType, string, string, string][] = [
  // type, good max, shown as, one past
  ['byte', '255', '255\n', '256'],
  ['short', '32767', '32767\n', '32768'],
  ['ushort', '65535', '65535\n', '65536'],
  ['int', '2147483647', '2147483647\n', '2147483648'],
  ['uint', '4294967295', '4294967295\n', '4294967296'],
  ['long', '9223372036854775807', '9223372036854775807\n', '9223372036854775808'],
  ['ulong', '18446744073709551615', '18446744073709551615\n', '18446744073709551616'],
  ['ullong', '0xffffffffffffffff', '18446744073709551615\n', '0x10000000000000000'],
  ['hexint', '4294967295', '0xffffffff\n', '4294967296'],
];

describe('integer types', () => {
  it.each(ints)('%s: max, one past max, garbage', (type, max, shown, over) => {
    const t = setup([{ name: 'v', type }]);
    expect(t.get('v')).toBe(type === 'hexint' ? '0x000000\n' : '0\n');
    expect(t.set('v', max)).toBe(0);
    expect(t.get('v')).toBe(shown);
    expect(t.set('v', over)).toBe(-ERANGE);
    expect(t.get('v')).toBe(shown); // unchanged on error
    expect(t.set('v', 'abc')).toBe(-EINVAL);
    expect(t.set('v', '')).toBe(-EINVAL);
    expect(t.set('v', '7\n')).toBe(0);
    expect(t.set('v', null)).toBe(-EINVAL);
  });

  it('signed minimums and stored bytes', () => {
    const t = setup([
      { name: 's', type: 'short' },
      { name: 'i', type: 'int' },
      { name: 'l', type: 'long' },
    ]);
    expect(t.set('s', '-32768')).toBe(0);
    expect(t.get('s')).toBe('-32768\n');
    expect(t.set('s', '-32769')).toBe(-ERANGE);
    expect(t.set('i', '-0x80000000')).toBe(0);
    expect(t.get('i')).toBe('-2147483648\n');
    expect(Array.from(t.mem.read(t.built.vars.get('i') as bigint, 4))).toEqual([0, 0, 0, 0x80]);
    expect(t.set('l', '-1')).toBe(0);
    expect(t.get('l')).toBe('-1\n');
    expect(Array.from(t.mem.read(t.built.vars.get('l') as bigint, 8))).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('unsigned types refuse a minus sign, accept a plus', () => {
    const t = setup([{ name: 'u', type: 'uint' }]);
    expect(t.set('u', '-1')).toBe(-EINVAL);
    expect(t.set('u', '+017')).toBe(0);
    expect(t.get('u')).toBe('15\n');
  });

  it('hexint parses base 0 and prints %#08x the kernel way', () => {
    const t = setup([{ name: 'h', type: 'hexint' }]);
    expect(t.set('h', '42')).toBe(0);
    expect(t.get('h')).toBe('0x00002a\n');
    expect(t.set('h', '0xdeadbeef')).toBe(0);
    expect(t.get('h')).toBe('0xdeadbeef\n');
    expect(formatHexint(0)).toBe('0x000000');
    expect(formatHexint(0x1234567)).toBe('0x1234567');
  });

  it('byte 255 ok, 256 and -1 refused', () => {
    const t = setup([{ name: 'b', type: 'byte' }]);
    expect(t.set('b', '255')).toBe(0);
    expect(t.set('b', '256')).toBe(-ERANGE);
    expect(t.set('b', '-1')).toBe(-EINVAL);
    expect(t.get('b')).toBe('255\n');
  });
});

describe('bool family', () => {
  it('bool: NULL means true; Y/N output', () => {
    const t = setup([{ name: 'b', type: 'bool' }]);
    expect(t.get('b')).toBe('N\n');
    expect(t.set('b', null)).toBe(0);
    expect(t.get('b')).toBe('Y\n');
    expect(t.set('b', 'off')).toBe(0);
    expect(t.get('b')).toBe('N\n');
    expect(t.set('b', 'true')).toBe(0);
    expect(t.get('b')).toBe('Y\n');
    expect(t.set('b', 'maybe')).toBe(-EINVAL);
    expect(t.set('b', '')).toBe(-EINVAL);
    expect(t.get('b')).toBe('Y\n');
  });

  it('invbool stores the inverse and shows the inverse', () => {
    const t = setup([{ name: 'i', type: 'invbool' }]);
    expect(t.get('i')).toBe('Y\n');
    expect(t.set('i', 'y')).toBe(0);
    expect(t.mem.read(t.built.vars.get('i') as bigint, 1)[0]).toBe(0);
    expect(t.get('i')).toBe('Y\n');
    expect(t.set('i', '0')).toBe(0);
    expect(t.mem.read(t.built.vars.get('i') as bigint, 1)[0]).toBe(1);
    expect(t.get('i')).toBe('N\n');
  });

  it('bint stores an int 0/1 and prints with %i', () => {
    const t = setup([{ name: 'n', type: 'bint', init: Uint8Array.of(7, 0, 0, 0) }]);
    expect(t.get('n')).toBe('7\n');
    expect(t.set('n', null)).toBe(0);
    expect(Array.from(t.mem.read(t.built.vars.get('n') as bigint, 4))).toEqual([1, 0, 0, 0]);
    expect(t.set('n', 'no')).toBe(0);
    expect(t.get('n')).toBe('0\n');
  });

  it('bool_enable_only: once set, cannot be cleared (-EROFS)', () => {
    const t = setup([{ name: 'e', type: 'bool_enable_only' }]);
    expect(t.set('e', 'n')).toBe(0);
    expect(t.get('e')).toBe('N\n');
    expect(t.set('e', null)).toBe(0);
    expect(t.get('e')).toBe('Y\n');
    expect(t.set('e', 'n')).toBe(-EROFS);
    expect(t.set('e', 'x')).toBe(-EINVAL);
    expect(t.get('e')).toBe('Y\n');
  });
});

describe('charp', () => {
  it('copies into kmalloc memory and frees only its own copies', () => {
    const t = setup([{ name: 'whom', type: 'charp', initString: 'world' }]);
    const v = t.built.vars.get('whom') as bigint;
    const rodata = new DataView(t.mem.read(v, 8).buffer).getBigUint64(0, true);
    expect(t.get('whom')).toBe('world\n');
    expect(t.set('whom', 'a b')).toBe(0);
    expect(t.get('whom')).toBe('a b\n');
    const first = new DataView(t.mem.read(v, 8).buffer).getBigUint64(0, true);
    expect(first).not.toBe(rodata);
    expect(t.kmalloced.has(first)).toBe(true);
    // The value sits after struct kmalloced_param's list_head.
    expect(t.mem.liveAllocations()).toEqual([{ base: first - 16n, length: 16 + 4, why: 'charp parameter whom' }]);
    expect(t.mem.read(rodata, 6)).toEqual(cstr('world\0')); // the .rodata original is untouched
    expect(t.set('whom', 'again')).toBe(0);
    expect(t.mem.liveAllocations().length).toBe(1); // the first copy was freed
    expect(t.get('whom')).toBe('again\n');
  });

  it('1024 bytes fit, 1025 do not', () => {
    const t = setup([{ name: 's', type: 'charp' }]);
    expect(t.get('s')).toBe('(null)\n');
    expect(t.set('s', 'x'.repeat(1024))).toBe(0);
    expect(t.set('s', 'x'.repeat(1025))).toBe(-ENOSPC);
    expect(t.log).toEqual([{ level: KERN_ERR, text: 's: string parameter too long' }]);
    expect(t.set('s', '')).toBe(0);
    expect(t.get('s')).toBe('\n');
  });
});

describe('string (module_param_string)', () => {
  it('copies while it fits in maxlen - 1 chars', () => {
    const t = setup([{ name: 'buf', type: 'string', stringMaxlen: 8, init: cstr('init') }]);
    expect(t.p('buf').string?.maxlen).toBe(8);
    expect(t.get('buf')).toBe('init\n');
    expect(t.set('buf', '1234567')).toBe(0);
    expect(t.get('buf')).toBe('1234567\n');
    expect(t.set('buf', '12345678')).toBe(-ENOSPC);
    expect(t.log).toEqual([{ level: KERN_ERR, text: "buf: string doesn't fit in 7 chars." }]);
    expect(t.set('buf', 'ab')).toBe(0);
    expect(t.get('buf')).toBe('ab\n');
  });
});

describe('arrays', () => {
  it('sets elements and *num, shows *num of them', () => {
    const t = setup([{ name: 'a', type: 'array', array: { max: 4, elementType: 'int', withNum: true } }]);
    expect(t.p('a').array).toMatchObject({ max: 4, elemsize: 4, elementType: 'int' });
    expect(t.get('a')).toBe(''); // *num = 0: an empty file
    expect(t.set('a', '1,-2,0x10')).toBe(0);
    expect(t.get('a')).toBe('1,-2,16\n');
    expect(t.mem.read(t.built.nums.get('a') as bigint, 4)).toEqual(Uint8Array.of(3, 0, 0, 0));
  });

  it('over max: "can only take"; partial writes and *num stay', () => {
    const t = setup([{ name: 'a', type: 'array', array: { max: 2, elementType: 'int', withNum: true } }]);
    expect(t.set('a', '5,6,7')).toBe(-EINVAL);
    expect(t.log).toEqual([{ level: KERN_ERR, text: 'a: can only take 2 arguments' }]);
    expect(t.get('a')).toBe('5,6\n');
  });

  it('a bad element stops there, *num counts the good ones', () => {
    const t = setup([{ name: 'a', type: 'array', array: { max: 4, elementType: 'byte', withNum: true } }]);
    expect(t.set('a', '1,300,2')).toBe(-ERANGE);
    expect(t.get('a')).toBe('1\n');
    expect(t.set('a', '1,,2')).toBe(-EINVAL);
    expect(t.set('a', '')).toBe(-EINVAL);
  });

  it('without a count variable, all max elements show', () => {
    const t = setup([{ name: 'a', type: 'array', array: { max: 3, elementType: 'bool' } }]);
    expect(t.set('a', 'y,n')).toBe(0);
    expect(t.get('a')).toBe('Y,N,N\n');
  });

  it('arrays of charp use the array name in messages', () => {
    const t = setup([{ name: 'names', type: 'array', array: { max: 2, elementType: 'charp', withNum: true } }]);
    expect(t.set('names', 'a,b')).toBe(0);
    expect(t.get('names')).toBe('a,b\n');
    expect(t.set('names', `c,${'x'.repeat(1025)}`)).toBe(-ENOSPC);
    expect(t.log).toEqual([{ level: KERN_ERR, text: 'names: string parameter too long' }]);
  });
});

describe('not modelled and faults', () => {
  it('custom ops: a typed result, no exception', () => {
    const t = setup([{ name: 'c', type: 'custom' }]);
    expect(paramSet(t.p('c'), cstr('1'), { mem: t.mem, kmalloced: t.kmalloced, log: [] }).kind).toBe('not-modelled');
    expect(paramGet(t.p('c'), t.mem).kind).toBe('not-modelled');
  });

  it('a charp pointing at unmapped memory reads as a fault', () => {
    const t = setup([{ name: 's', type: 'charp' }]);
    t.mem.write(t.built.vars.get('s') as bigint, Uint8Array.of(0, 0, 0, 0, 0, 0x80, 0xff, 0xff));
    expect(paramGet(t.p('s'), t.mem)).toMatchObject({ kind: 'fault', address: 0xffff800000000000n });
    t.mem.write(t.built.vars.get('s') as bigint, Uint8Array.of(0xf2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect(paramGet(t.p('s'), t.mem)).toMatchObject({ kind: 'ok', text: '(efault)\n' });
  });
});

describe('destroy_params', () => {
  it('frees kmalloc copies of charp values (and charp array elements), never .rodata', async () => {
    const { destroyParams } = await import('./free');
    const t = setup([
      { name: 'a', type: 'charp', initString: 'rodata' },
      { name: 'b', type: 'charp', initString: 'rodata' },
      { name: 'l', type: 'array', array: { max: 3, elementType: 'charp', withNum: true } },
    ]);
    expect(t.set('a', 'x')).toBe(0);
    expect(t.set('l', 'p,q')).toBe(0);
    expect(t.mem.liveAllocations().length).toBe(3);
    const freed = destroyParams(t.built.params, t.mem, t.kmalloced);
    expect(freed.length).toBe(3);
    expect(t.mem.liveAllocations()).toEqual([]);
    expect(t.get('b')).toBe('rodata\n');
  });
});
