/**
 * Dynamic per-CPU memory (mm/percpu.c) and per-CPU counters (lib/percpu_counter.c) of 6.1.
 *
 * __alloc_percpu(size, align) → pcpu_alloc(): a zeroed area in every possible CPU's unit, returned as a
 * `void __percpu *` that per_cpu_ptr(p, cpu) turns into p + __per_cpu_offset[cpu]. The modelled machine
 * has one CPU, whose offset is the %gs base, so the model zero-allocates the area and returns its address
 * less that offset: this_cpu_ptr(), per_cpu_ptr(p, 0) and %gs:p all land in it. The pointer's value is not
 * the real kernel's (its first chunk's offsets); what code reads and writes through it is.
 * pcpu_alloc() refuses size 0, more than PCPU_MIN_UNIT_SIZE (32 KiB), align above PAGE_SIZE or not a power
 * of two with a WARN: those are not modelled.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { ENOMEM } from './errname';
import { readU64, ret, writeU32, writeU64 } from './mem';
import { hexU64 as hex } from '../../base/hex';
import type { KernelCallState } from './state';

/** PCPU_MIN_ALLOC_SIZE: every area is at least 4 bytes, 4-aligned. */
const PCPU_MIN_ALLOC_SIZE = 4;
const PCPU_MIN_UNIT_SIZE = 32 << 10;
const PAGE_SIZE = 4096;

/** struct percpu_counter (CONFIG_HOTPLUG_CPU=y): raw_spinlock_t lock, s64 count @8, struct list_head list @16, s32 __percpu *counters @32. */
const PCC_COUNT = 8n;
const PCC_LIST = 16n;
const PCC_COUNTERS = 32n;

export function percpuFunctions(s: KernelCallState): Record<string, KernelFunction> {
  /** Live areas: the __percpu pointer handed out → the block that holds CPU 0's copy. */
  const areas = s.percpuAreas;
  const alloc = (ctx: KernelCallContext, fn: string, size: number, align: number): bigint | 'not-modelled' => {
    const a = Math.max(align, PCPU_MIN_ALLOC_SIZE);
    const n = Math.ceil(size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
    if (n === 0 || n > PCPU_MIN_UNIT_SIZE || a > PAGE_SIZE || (a & (a - 1)) !== 0) {
      ctx.note(`${fn}(${size}, ${align}): pcpu_alloc() WARNs "illegal size or align" and returns NULL: not modelled`);
      return 'not-modelled';
    }
    const block = ctx.kmalloc(n + a - 1, true, `${fn}(${size}) per-CPU area of CPU 0`);
    const cpu0 = (block + BigInt(a - 1)) & ~BigInt(a - 1);
    const ptr = (cpu0 - ctx.state.gsBase) & 0xffffffffffffffffn;
    areas.set(ptr, block);
    ctx.note(`${fn}(${size}, align ${align}): a zeroed per-CPU area; CPU 0's copy at ${hex(cpu0)} (the one CPU)`);
    return ptr;
  };
  const free = (ctx: KernelCallContext, ptr: bigint): boolean => {
    const block = areas.get(ptr);
    if (block === undefined) return false;
    areas.delete(ptr);
    ctx.kfree(block);
    return true;
  };
  return {
    // void __percpu *__alloc_percpu(size_t size, size_t align)
    __alloc_percpu: (ctx) => alloc(ctx, '__alloc_percpu', Number(ctx.arg(0)), Number(ctx.arg(1))),
    // void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp)
    __alloc_percpu_gfp: (ctx) => alloc(ctx, '__alloc_percpu_gfp', Number(ctx.arg(0)), Number(ctx.arg(1))),
    // void free_percpu(void __percpu *ptr): NULL is a no-op.
    free_percpu: (ctx) => {
      const p = ctx.arg(0);
      if (p === 0n) return 0n;
      if (!free(ctx, p)) return 'not-modelled';
      ctx.note('free_percpu: the per-CPU area is freed');
      return 0n;
    },
    /**
     * int __percpu_counter_init(struct percpu_counter *fbc, s64 amount, gfp_t gfp, struct lock_class_key *key):
     * count = amount, counters = alloc_percpu_gfp(s32, gfp) (-ENOMEM if that fails), and the counter joins the
     * percpu_counters list (for CPU hotplug). The list's head is vmlinux data; the model links the counter to itself.
     */
    __percpu_counter_init: (ctx) => {
      const fbc = ctx.arg(0);
      writeU32(ctx.mem, fbc, 0);
      writeU64(ctx.mem, fbc + PCC_COUNT, ctx.arg(1));
      const c = alloc(ctx, '__percpu_counter_init', 4, 4);
      if (c === 'not-modelled') return ret(-ENOMEM);
      writeU64(ctx.mem, fbc + PCC_COUNTERS, c);
      writeU64(ctx.mem, fbc + PCC_LIST, fbc + PCC_LIST);
      writeU64(ctx.mem, fbc + PCC_LIST + 8n, fbc + PCC_LIST);
      return 0n;
    },
    // void percpu_counter_destroy(struct percpu_counter *fbc): nothing if counters is NULL; else free them, counters = NULL.
    percpu_counter_destroy: (ctx) => {
      const fbc = ctx.arg(0);
      const c = readU64(ctx.mem, fbc + PCC_COUNTERS);
      if (c === 0n) return 0n;
      if (!free(ctx, c)) return 'not-modelled';
      writeU64(ctx.mem, fbc + PCC_COUNTERS, 0n);
      return 0n;
    },
  };
}
