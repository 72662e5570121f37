/**
 * tasklet_setup() and tasklet_init() (kernel/softirq.c, 6.1): they only fill struct tasklet_struct (pahole on
 * Debian's 6.1.0-50 vmlinux: next 0, state 8, count 16, use_callback 20, func/callback 24, data 32); nothing is
 * scheduled until tasklet_schedule().
 */
import type { KernelFunction } from '../types';
import { writeU64 } from './mem';
import { hexU64 } from '../../base/hex';

const T = { next: 0n, state: 8n, count: 16n, useCallback: 20n, func: 24n, data: 32n } as const;

function fill(useCallback: boolean): KernelFunction {
  return (ctx) => {
    const t = ctx.arg(0);
    writeU64(ctx.mem, t + T.next, 0n);
    writeU64(ctx.mem, t + T.state, 0n);
    // atomic_set(&t->count, 0); t->use_callback; the 3 padding bytes are not written.
    ctx.mem.write(t + T.count, Uint8Array.of(0, 0, 0, 0, useCallback ? 1 : 0));
    writeU64(ctx.mem, t + T.func, ctx.arg(1));
    writeU64(ctx.mem, t + T.data, useCallback ? 0n : ctx.arg(2));
    ctx.note(`tasklet_${useCallback ? 'setup' : 'init'} ${hexU64(t)}: ${ctx.symbolize(ctx.arg(1)) ?? hexU64(ctx.arg(1))}, not scheduled`);
    return 0n;
  };
}

export function taskletFunctions(): Record<string, KernelFunction> {
  return {
    // void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *))
    tasklet_setup: fill(true),
    // void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data)
    tasklet_init: fill(false),
  };
}
