/**
 * hrtimer_init() (kernel/time/hrtimer.c __hrtimer_init(), 6.1): it only fills struct hrtimer, nothing is armed.
 * memset(timer, 0); a CLOCK_REALTIME timer in relative mode runs on CLOCK_MONOTONIC; the clock base is this CPU's
 * hrtimer_bases.clock_base[hrtimer_clockid_to_base(clock_id)] (+ HRTIMER_MAX_CLOCK_BASES / 2 for HRTIMER_MODE_SOFT);
 * is_soft, is_hard from the mode; timerqueue_init() makes the rb node its own parent (RB_CLEAR_NODE).
 * Offsets (pahole on Debian's 6.1.0-50 vmlinux): struct hrtimer node 0 (64 bytes in all), base 48, is_soft 58,
 * is_hard 59; struct hrtimer_cpu_base clock_base[8] at 64, 64 bytes each.
 */
import type { KernelFunction } from '../types';
import { u32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';

const HRTIMER_SIZE = 64;
const CLOCK_BASES = 64n;
const CLOCK_BASE_SIZE = 64n;
const MODE_REL = 0x1;
const MODE_SOFT = 0x4;
const MODE_HARD = 0x8;
/** hrtimer_clockid_to_base(): CLOCK_REALTIME 0, CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7, CLOCK_TAI 11. */
const BASE_OF_CLOCK = new Map<number, number>([
  [1, 0],
  [0, 1],
  [7, 2],
  [11, 3],
]);

export function hrtimerFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // void hrtimer_init(struct hrtimer *timer, clockid_t clock_id, enum hrtimer_mode mode)
    hrtimer_init: (ctx) => {
      const timer = ctx.arg(0);
      let clock = u32(ctx.arg(1)) | 0;
      const mode = u32(ctx.arg(2));
      const bases = s.options.lookupSymbol?.('hrtimer_bases') ?? null;
      let base = BASE_OF_CLOCK.get(clock === 0 && mode & MODE_REL ? (clock = 1) : clock);
      if (bases === null || base === undefined) {
        // An unknown clock id WARNs in hrtimer_clockid_to_base() and falls back to the monotonic base.
        ctx.note(`hrtimer_init: clock ${clock}${bases === null ? ' (hrtimer_bases unknown)' : ''}: not modelled`);
        return 'not-modelled';
      }
      const soft = (mode & MODE_SOFT) !== 0;
      if (soft) base += 4;
      ctx.mem.write(timer, new Uint8Array(HRTIMER_SIZE));
      writeU64(ctx.mem, timer, timer); // RB_CLEAR_NODE(&timer->node.node)
      writeU64(ctx.mem, timer + 48n, ctx.state.gsBase + bases + CLOCK_BASES + BigInt(base) * CLOCK_BASE_SIZE);
      ctx.mem.write(timer + 58n, Uint8Array.of(soft ? 1 : 0, mode & MODE_HARD ? 1 : 0));
      ctx.note(`hrtimer_init ${hexU64(timer)}: clock ${clock}, base ${base}, not armed`);
      return 0n;
    },
  };
}
