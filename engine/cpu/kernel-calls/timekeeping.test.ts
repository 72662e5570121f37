/** timekeeping.ts: ktime_get() as the uptime the modelled jiffies say (HZ 250, INITIAL_JIFFIES). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { writeU64 } from './mem';

describe('ktime_get', () => {
  it('is (jiffies - INITIAL_JIFFIES) ticks of 4 ms', () => {
    const jiffies = DATA_BASE + 0x40n;
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => (n === 'jiffies' ? jiffies : null) }));
    writeU64(ctx.mem, jiffies, 0xfffb6c20n + 2500n); // 10 s after boot
    expect(call('ktime_get')).toBe(10_000_000_000n);
    expect(modelCaller(new KernelCallState()).call('ktime_get')).toBe('not-modelled');
  });
});
