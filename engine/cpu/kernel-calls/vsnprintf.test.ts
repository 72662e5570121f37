import { describe, expect, it } from 'vitest';
import { fakeContext, type FakeContext } from './fake-context';
import { bytesToText, writeU32, writeU64 } from './mem';
import { VaListArgs, formatBytes, formatEnvFrom, kvsnprintf, pointerHash, registerArgs, type FormatEnv } from './vsnprintf';

const M = (1n << 64n) - 1n;
const neg = (n: number): bigint => BigInt.asUintN(64, BigInt(n));
const latin1 = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

function setup(extra: Partial<FormatEnv> = {}): {
  ctx: FakeContext;
  f: (format: string, ...args: bigint[]) => string;
  warnings: (format: string, ...args: bigint[]) => string[];
} {
  const ctx = fakeContext();
  ctx.symbols.set(0xffffffffc0201000n, 'hello_init 0x58 [hello]');
  const env = formatEnvFrom(ctx, extra);
  const run = (format: string, args: bigint[]) => {
    let i = 0;
    return formatBytes(env, latin1(format), { next: () => args[i++] ?? 0n });
  };
  return { ctx, f: (format, ...args) => bytesToText(run(format, args).bytes), warnings: (format, ...args) => run(format, args).warnings };
}

describe('vsnprintf integers (lib/vsprintf.c number())', () => {
  const { f } = setup();
  it.each([
    ['%d', [42n], '42'],
    ['%d', [0xffffffffn], '-1'],
    ['%d', [M], '-1'],
    ['%i', [neg(-123)], '-123'],
    ['%u', [0xffffffffn], '4294967295'],
    ['%u', [M], '4294967295'],
    ['%x', [255n], 'ff'],
    ['%X', [255n], 'FF'],
    ['%#x', [255n], '0xff'],
    ['%#X', [255n], '0XFF'],
    ['%#x', [0n], '0x0'], // glibc prints "0"
    ['%#o', [8n], '010'],
    ['%#o', [0n], '0'],
    ['%o', [8n], '10'],
    ['%#08x', [42n], '0x00002a'],
    ['%08x', [0xdeadn], '0000dead'],
    ['%5d|%-5d|%05d', [42n, 42n, 42n], '   42|42   |00042'],
    ['%+d % d %+d', [5n, 5n, neg(-5)], '+5  5 -5'],
    ['%.3d', [5n], '005'],
    ['%08.3d', [5n], '00000005'], // the kernel keeps ZEROPAD with a precision (glibc: "     005")
    ['%.0d', [0n], '0'], // glibc prints nothing
    ['%-08d|', [7n], '7       |'],
    ['%hhd', [255n], '-1'],
    ['%hhu', [0x1ffn], '255'],
    ['%hd', [0x18000n], '-32768'],
    ['%hu', [0x18000n], '32768'],
    ['%ld', [M], '-1'],
    ['%lu', [M], '18446744073709551615'],
    ['%lx', [0xffffffffc0201000n], 'ffffffffc0201000'],
    ['%lld', [neg(-9)], '-9'],
    ['%llu', [1n << 63n], '9223372036854775808'],
    ['%Lu', [5n], '5'],
    ['%zu', [4096n], '4096'],
    ['%zd', [neg(-5)], '-5'],
    ['%td', [neg(-2)], '-2'],
    ['%*d', [5n, 42n], '   42'],
    ['%-*d|', [5n, 42n], '42   |'],
    ['%*d|', [neg(-5), 42n], '42   |'],
    ['%.*d', [neg(-1), 5n], '5'],
    ['%*.*d', [6n, 3n, 7n], '   007'],
    ['100%%', [], '100%'],
    ['%c%c', [72n, 0x169n], 'Hi'],
    ['%3c|%-3c|', [65n, 66n], '  A|B  |'],
  ] as [string, bigint[], string][])('%s', (format, args, expected) => {
    expect(f(format, ...args)).toBe(expected);
  });

  it('stops at an unsupported conversion (%j, %n, trailing %) with the WARN text', () => {
    const { f, warnings } = setup();
    expect(f('a%jdb', 1n)).toBe('a');
    expect(warnings('a%jdb', 1n)).toEqual(['Please remove unsupported %j in format string']);
    expect(f('x%ny', 0n)).toBe('x');
    expect(f('end%')).toBe('end');
  });
});

describe('vsnprintf strings', () => {
  it('prints strings with width and precision, and the check_pointer() texts', () => {
    const { ctx, f } = setup();
    const hello = ctx.str('hello');
    expect(f('%s, %s!', hello, ctx.str('world'))).toBe('hello, world!');
    expect(f('[%10s][%-10s]', hello, hello)).toBe('[     hello][hello     ]');
    expect(f('%.3s', hello)).toBe('hel');
    expect(f('%.*s', 2n, hello)).toBe('he');
    expect(f('%s', 0n)).toBe('(null)');
    expect(f('%10s|', 0n)).toBe('    (null)|');
    expect(f('%.2s', 0n)).toBe('(n');
    expect(f('%s', 0x10n)).toBe('(efault)');
    expect(f('%s', neg(-22))).toBe('(efault)');
  });

  it('faults on an unmapped string pointer, as the kernel would oops', () => {
    const { f } = setup();
    expect(() => f('%s', 0xffff888100000000n)).toThrow(/unmapped/);
  });

  it('reads no further than the precision', () => {
    const { ctx, f } = setup();
    const a = 0xffffffffc0400000n - 3n;
    ctx.poke(a, latin1('abc')); // the next page is not mapped: "%.3s" must not touch it
    expect(f('%.3s', a)).toBe('abc');
  });
});

describe('vsnprintf pointers', () => {
  const p = 0xffff888001234000n;
  it('%p is hashed to 00000000 + 8 hex digits; NULL and ERR_PTRs print raw', () => {
    const { f } = setup();
    const out = f('%p', p);
    expect(out).toMatch(/^00000000[0-9a-f]{8}$/);
    expect(out).toBe(pointerHash(p).toString(16).padStart(16, '0'));
    expect(f('%p', p)).toBe(out);
    expect(f('%p', p + 8n)).not.toBe(out);
    expect(f('%p', 0n)).toBe('0000000000000000');
    expect(f('%p', neg(-12))).toBe('fffffffffffffff4');
  });

  it('%px is the raw value, %pK follows kptr_restrict', () => {
    expect(setup().f('%px', p)).toBe('ffff888001234000');
    expect(setup().f('%#px', p)).toBe('0xffff888001234000');
    expect(setup().f('%pK', p)).toBe(setup().f('%p', p));
    expect(setup({ kptrRestrict: 1 }).f('%pK', p)).toBe('ffff888001234000');
    expect(setup({ kptrRestrict: 2 }).f('%pK', p)).toBe('0000000000000000');
    expect(setup({ noHashPointers: true }).f('%p', p)).toBe('ffff888001234000');
  });

  it('%pS %ps %pB use kallsyms forms; unknown addresses print 0x%lx', () => {
    const { f } = setup();
    expect(f('%pS', 0xffffffffc0201010n)).toBe('hello_init+0x10/0x58 [hello]');
    expect(f('%pS', 0xffffffffc0201000n)).toBe('hello_init+0x0/0x58 [hello]');
    expect(f('%ps', 0xffffffffc0201010n)).toBe('hello_init [hello]');
    expect(f('%pSR', 0xffffffffc0201010n)).toBe('hello_init+0x10/0x58 [hello]');
    // %pB looks up the return address - 1 and adds 1 back: a call at the end of a function still names it
    expect(f('%pB', 0xffffffffc0201058n)).toBe('hello_init+0x58/0x58 [hello]');
    expect(f('%pS', 0xffffffff81000000n)).toBe('0xffffffff81000000');
    expect(f('%pS', 0n)).toBe('0x0');
  });

  it('%pe prints the errno name, the number when unnamed, a hash for non-errors', () => {
    const { f } = setup();
    expect(f('%pe', neg(-22))).toBe('-EINVAL');
    expect(f('%pe', neg(-517))).toBe('-EPROBE_DEFER');
    expect(f('%pe', neg(-1000))).toBe('-1000');
    expect(f('%pe', p)).toBe(f('%p', p));
  });

  it('skips the alphanumerics after %p (the extension letters)', () => {
    const { f } = setup();
    expect(f('%pTabc!', p)).toBe(f('%p', p) + '!');
    expect(f('[%pS]', 0xffffffffc0201010n)).toBe('[hello_init+0x10/0x58 [hello]]');
  });

  it('%ph %pM %pI4 %pa', () => {
    const { ctx, f } = setup();
    const b = ctx.str('\x01\x02\x03\x04\x05\x06');
    expect(f('%ph', b)).toBe('01');
    expect(f('%4phC', b)).toBe('01:02:03:04');
    expect(f('%*ph', 3n, b)).toBe('01 02 03');
    expect(f('%*phN', 3n, b)).toBe('010203');
    expect(f('%pM', b)).toBe('01:02:03:04:05:06');
    expect(f('%pm', b)).toBe('010203040506');
    expect(f('%pMR', b)).toBe('06:05:04:03:02:01');
    const ip = ctx.poke(0xffffffffc0310000n, Uint8Array.of(192, 168, 1, 1));
    expect(f('%pI4', ip)).toBe('192.168.1.1');
    expect(f('%pi4', ip)).toBe('192.168.001.001');
    const pa = 0xffffffffc0310100n;
    ctx.poke(pa, Uint8Array.of(0, 0x10, 0, 0, 0, 0, 0, 0));
    expect(f('%pa', pa)).toBe('0x0000000000001000');
    expect(f('%pa', 0n)).toBe('(null)');
  });

  it('%pV formats a struct va_format through its va_list (registers, then overflow area)', () => {
    const { ctx, f } = setup();
    const fmt = ctx.str('x=%d y=%s');
    const regSave = 0xffffffffc0320000n;
    const overflow = 0xffffffffc0320100n;
    ctx.map(regSave, 0x200);
    writeU64(ctx.mem, regSave + 40n, 7n); // the last GP register slot
    writeU64(ctx.mem, overflow, ctx.str('yes'));
    const va = 0xffffffffc0320200n;
    ctx.map(va, 24);
    writeU32(ctx.mem, va, 40);
    writeU32(ctx.mem, va + 4n, 48);
    writeU64(ctx.mem, va + 8n, overflow);
    writeU64(ctx.mem, va + 16n, regSave);
    const vaf = 0xffffffffc0320300n;
    ctx.map(vaf, 16);
    writeU64(ctx.mem, vaf, fmt);
    writeU64(ctx.mem, vaf + 8n, va);
    expect(f('<%pV>', vaf)).toBe('<x=7 y=yes>');
    // va_copy: the caller's va_list is untouched
    expect(new VaListArgs(ctx.mem, va).next()).toBe(7n);
  });
});

describe('kvsnprintf into memory', () => {
  it('truncates to size-1 plus NUL and returns the would-be length', () => {
    const ctx = fakeContext();
    const env = formatEnvFrom(ctx);
    const buf = 0xffffffffc0330000n;
    ctx.map(buf, 64, 0xee);
    ctx.args = [ctx.str('hello %s'), ctx.str('world')];
    const r = kvsnprintf(env, buf, 5n, ctx.arg(0), registerArgs(ctx, 1));
    expect(r.length).toBe(11);
    expect(r.written).toBe(4);
    expect([...ctx.peek(buf, 6)]).toEqual([0x68, 0x65, 0x6c, 0x6c, 0, 0xee]);
    const z = kvsnprintf(env, 0n, 0n, ctx.arg(0), registerArgs(ctx, 1));
    expect(z.length).toBe(11);
    expect(kvsnprintf(env, buf, 1n << 31n, ctx.arg(0), registerArgs(ctx, 1)).length).toBe(0);
  });
});
