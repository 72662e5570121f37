import { describe, expect, it } from 'vitest';
import { fakeContext } from './fake-context';
import { jiffiesFunctions, MAX_JIFFY_OFFSET } from './jiffies';

const call = (m: bigint): bigint | 'not-modelled' => fakeContext().call(jiffiesFunctions().__msecs_to_jiffies, m);

describe('__msecs_to_jiffies (kernel/time/time.c, HZ=250)', () => {
  it('rounds up to 4 ms ticks', () => {
    expect([0n, 1n, 4n, 5n, 1000n, 2000n].map(call)).toEqual([0n, 1n, 1n, 2n, 250n, 500n]);
  });
  it('gives MAX_JIFFY_OFFSET for a negative int, and looks at the low 32 bits only', () => {
    expect(call(0x80000000n)).toBe(MAX_JIFFY_OFFSET);
    expect(call(0xffffffffn)).toBe(MAX_JIFFY_OFFSET);
    expect(call(0x1_0000_0008n)).toBe(2n);
  });
});
