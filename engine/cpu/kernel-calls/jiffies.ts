/**
 * Time in jiffies (kernel/time/time.c of 6.1, CONFIG_HZ=250 on Debian): __msecs_to_jiffies(), what msecs_to_jiffies()
 * calls for a value that is not a compile-time constant (speakup's synth timeouts).
 */
import type { KernelFunction } from '../types';
import { u32 } from './mem';

const MSEC_PER_JIFFY = 4n;
/** MAX_JIFFY_OFFSET (include/linux/jiffies.h): (LONG_MAX >> 1) - 1. */
export const MAX_JIFFY_OFFSET = 0x3ffffffffffffffen;

export function jiffiesFunctions(): Record<string, KernelFunction> {
  return {
    // unsigned long __msecs_to_jiffies(const unsigned int m): MAX_JIFFY_OFFSET when (int)m < 0, else _msecs_to_jiffies(m),
    // which for HZ dividing 1000 rounds up: (m + 1000 / HZ - 1) / (1000 / HZ).
    __msecs_to_jiffies: (ctx) => {
      const m = BigInt(u32(ctx.arg(0)));
      return m >= 0x80000000n ? MAX_JIFFY_OFFSET : (m + MSEC_PER_JIFFY - 1n) / MSEC_PER_JIFFY;
    },
  };
}
