/**
 * round_jiffies() and friends (kernel/time/timer.c, 6.1): round_jiffies_common(j, cpu, force_up) on CPU 0 (the machine
 * has one): to a whole second (HZ = 250) down when less than a quarter second past one, else up; the original j when
 * the rounded one is not after jiffies (time_is_after_jiffies()). The relative forms add and subtract jiffies.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { readU64 } from './mem';
import type { KernelCallState } from './state';

const HZ = 250n;
const MASK = 0xffffffffffffffffn;

export function roundJiffies(j: bigint, now: bigint, forceUp = false): bigint {
  const rem = j % HZ;
  const r = (rem < HZ / 4n && !forceUp ? j - rem : j - rem + HZ) & MASK;
  // time_is_after_jiffies(r): time_before(jiffies, r), (long)(jiffies - r) < 0
  return BigInt.asIntN(64, (now - r) & MASK) < 0n ? r : j;
}

export function timerRoundFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const jiffies = (ctx: KernelCallContext): bigint | null => {
    const at = s.options.lookupSymbol?.('jiffies') ?? null;
    return at === null ? null : readU64(ctx.mem, at);
  };
  const abs =
    (forceUp: boolean): KernelFunction =>
    (ctx) => {
      const now = jiffies(ctx);
      return now === null ? 'not-modelled' : roundJiffies(ctx.arg(0), now, forceUp);
    };
  const rel =
    (forceUp: boolean): KernelFunction =>
    (ctx) => {
      const now = jiffies(ctx);
      return now === null ? 'not-modelled' : (roundJiffies((ctx.arg(0) + now) & MASK, now, forceUp) - now) & MASK;
    };
  return { round_jiffies: abs(false), round_jiffies_up: abs(true), round_jiffies_relative: rel(false), round_jiffies_up_relative: rel(true) };
}
