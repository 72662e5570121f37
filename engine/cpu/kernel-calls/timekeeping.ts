/**
 * The monotonic clock (kernel/time/timekeeping.c of 6.1). ktime_get() returns CLOCK_MONOTONIC in ns: the
 * time since boot. The model's clock is jiffies (vmlinux data seeded from the modelled kernel's uptime,
 * HZ = 250 from INITIAL_JIFFIES = -300 s), so the value is the uptime at a 4 ms tick: the real kernel reads
 * the TSC clocksource between ticks, a precision no recording can reproduce.
 */
import type { KernelFunction } from '../types';
import { readU64 } from './mem';
import type { KernelCallState } from './state';

const INITIAL_JIFFIES = 0xfffb6c20n;
const TICK_NS = 4_000_000n;

export function timekeepingFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    ktime_get: (ctx) => {
      const at = s.options.lookupSymbol?.('jiffies') ?? null;
      if (at === null) return 'not-modelled';
      const ticks = (readU64(ctx.mem, at) - INITIAL_JIFFIES) & 0xffffffffffffffffn;
      return ticks * TICK_NS;
    },
  };
}
