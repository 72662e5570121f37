/** sscanf() as lib/vsprintf.c vsscanf() parses (the formats snd_soc_core's fmt_single_name() and others use). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';

describe('sscanf', () => {
  const { ctx, call } = modelCaller(new KernelCallState());
  const out = 0xffffffffc0390000n;
  ctx.map(out, 4096, 0xee);
  const scan = (buf: string, fmt: string, ...outs: bigint[]): number =>
    Number(BigInt.asIntN(32, call('sscanf', ctx.str(buf), ctx.str(fmt), ...outs) as bigint));

  it("fmt_single_name(): '.%d' after the driver's name, '%x-%x' for I2C names", () => {
    expect(scan('.0', '.%d', out)).toBe(1);
    expect(readU32(ctx.mem, out)).toBe(0);
    expect(scan('', '.%d', out)).toBe(0); // "snd-soc-dummy" has nothing after the name
    expect(scan('.-1', '.%d', out)).toBe(1);
    expect(readU32(ctx.mem, out) | 0).toBe(-1);
    expect(scan('1-001a', '%x-%x', out, out + 4n)).toBe(2);
    expect([readU32(ctx.mem, out), readU32(ctx.mem, out + 4n)]).toEqual([1, 0x1a]);
    expect(scan('snd-soc-dummy', '%x-%x', out, out + 4n)).toBe(0); // 's' is no hex digit
  });

  it('widths, qualifiers, %i prefixes, %s, %n and literal mismatches', () => {
    expect(scan('  0x1fZ', '%i%n', out, out + 8n)).toBe(1);
    expect(readU32(ctx.mem, out)).toBe(0x1f);
    expect(readU32(ctx.mem, out + 8n)).toBe(6);
    expect(scan('12345', '%3d%llu', out, out + 8n)).toBe(2);
    expect(readU32(ctx.mem, out)).toBe(123);
    expect(readU64(ctx.mem, out + 8n)).toBe(45n);
    expect(scan('ab cd', '%s %s', out, out + 16n)).toBe(2);
    expect([ctx.peekString(out), ctx.peekString(out + 16n)]).toEqual(['ab', 'cd']);
    expect(scan('a:b', 'a;%d', out)).toBe(0);
    expect(scan('00:0a', '%2[^:]:%2[^:]', out, out + 8n)).toBe(2);
    expect(ctx.peekString(out + 8n)).toBe('0a');
  });
});
