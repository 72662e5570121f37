/** timekeeping.ts: ktime_get() as the uptime the modelled jiffies say (HZ 250, INITIAL_JIFFIES); ktime_get_with_offset(). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { writeU64 } from './mem';
import { BOOT_WALL_CLOCK_S } from './timekeeping';
import { haveSampleCorpus, replaySampleTargets } from '../../../scripts/test-support/sample-replay';

describe('ktime_get', () => {
  it('is (jiffies - INITIAL_JIFFIES) ticks of 4 ms', () => {
    const jiffies = DATA_BASE + 0x40n;
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => (n === 'jiffies' ? jiffies : null) }));
    writeU64(ctx.mem, jiffies, 0xfffb6c20n + 2500n); // 10 s after boot
    expect(call('ktime_get')).toBe(10_000_000_000n);
    expect(modelCaller(new KernelCallState()).call('ktime_get')).toBe('not-modelled');
  });
});

describe('ktime_get_with_offset', () => {
  it('is ktime_get() plus offs_real (TK_OFFS_REAL, TK_OFFS_TAI: the RTC at boot) or offs_boot (0: no suspend)', () => {
    const jiffies = DATA_BASE + 0x40n;
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => (n === 'jiffies' ? jiffies : null) }));
    writeU64(ctx.mem, jiffies, 0xfffb6c20n + 250n);
    expect(call('ktime_get_with_offset', 0n)).toBe(BOOT_WALL_CLOCK_S * 1_000_000_000n + 1_000_000_000n);
    expect(call('ktime_get_with_offset', 1n)).toBe(1_000_000_000n);
    expect(call('ktime_get_with_offset', 2n)).toBe(BOOT_WALL_CLOCK_S * 1_000_000_000n + 1_000_000_000n);
    expect(call('ktime_get_with_offset', 3n)).toBe('not-modelled'); // TK_OFFS_MAX
  });
});

describe.skipIf(!process.env.CI && !haveSampleCorpus)('real modules that call ktime_get_with_offset, against the real kernel under QEMU', () => {
  it('dccp (dccp_timestamping_init(): ktime_get_real()) loads as recorded in modprobe-sample.json.gz', () => {
    expect(replaySampleTargets(['dccp'])).toEqual({ dccp: 'identical' });
  }, 120_000);
});
