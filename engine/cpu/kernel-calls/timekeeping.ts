/**
 * The monotonic clock (kernel/time/timekeeping.c of 6.1). ktime_get() returns CLOCK_MONOTONIC in ns: the
 * time since boot. The model's clock is jiffies (vmlinux data seeded from the modelled kernel's uptime,
 * HZ = 250 from INITIAL_JIFFIES = -300 s), so the value is the uptime at a 4 ms tick: the real kernel reads
 * the TSC clocksource between ticks, a precision no recording can reproduce.
 *
 * ktime_get_with_offset(offs) is tkr_mono.base + *offsets[offs] + the ns since: CLOCK_MONOTONIC plus offs_real
 * (TK_OFFS_REAL 0: ktime_get_real()), offs_boot (TK_OFFS_BOOT 1: ktime_get_boottime(); 0, the machine never suspends)
 * or offs_tai (TK_OFFS_TAI 2: ktime_get_clocktai(); offs_real + tai_offset, which is 0 until NTP sets it).
 * offs_real is the wall clock at boot (timekeeping_init() reads the RTC, read_persistent_clock64()): on QEMU the
 * MC146818 starts at the host's UTC time, different on each boot, so the model's RTC reads BOOT_WALL_CLOCK_S, a
 * time in the week the recordings were made; no recorded module prints a value that depends on it.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU64, writeU64 } from './mem';
import type { KernelCallState } from './state';

const INITIAL_JIFFIES = 0xfffb6c20n;
const TICK_NS = 4_000_000n;
/** 2026-12-05T10:00:00Z: what the model's RTC read at boot (see above). */
export const BOOT_WALL_CLOCK_S = 1_796_464_800n;
const OFFSETS = [BOOT_WALL_CLOCK_S * 1_000_000_000n, 0n, BOOT_WALL_CLOCK_S * 1_000_000_000n];

export function timekeepingFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const monotonic = (ctx: KernelCallContext): bigint | null => {
    const at = s.options.lookupSymbol?.('jiffies') ?? null;
    if (at === null) return null;
    const ticks = (readU64(ctx.mem, at) - INITIAL_JIFFIES) & 0xffffffffffffffffn;
    return ticks * TICK_NS;
  };
  return {
    ktime_get: (ctx) => monotonic(ctx) ?? 'not-modelled',
    // time64_t ktime_get_real_seconds(void): tk->xtime_sec, CLOCK_REALTIME's whole seconds (offs_real + monotonic).
    ktime_get_real_seconds: (ctx) => {
      const mono = monotonic(ctx);
      return mono === null ? 'not-modelled' : (mono + OFFSETS[0]) / 1_000_000_000n;
    },
    // void getboottime64(struct timespec64 *ts) (kernel/time/timekeeping.c): offs_real - offs_boot, the wall clock at boot.
    getboottime64: (ctx) => {
      const t = OFFSETS[0] - OFFSETS[1];
      writeU64(ctx.mem, ctx.arg(0), t / 1_000_000_000n);
      writeU64(ctx.mem, ctx.arg(0) + 8n, t % 1_000_000_000n);
      return 0n;
    },
    // ktime_t ktime_get_with_offset(enum tk_offsets offs)
    ktime_get_with_offset: (ctx) => {
      const mono = monotonic(ctx);
      const offset = OFFSETS[Number(ctx.arg(0) & 0xffffffffn)];
      if (mono === null || offset === undefined) return 'not-modelled';
      return mono + offset;
    },
  };
}
