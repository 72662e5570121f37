/**
 * Kernel-mode FPU/SIMD sections (arch/x86/kernel/fpu/core.c, 6.1): kernel_fpu_begin_mask() disables
 * preemption, saves the current task's user FPU registers (TIF_NEED_FPU_LOAD: they are restored on the way
 * back to user space), and with KFPU_MXCSR / KFPU_387 resets MXCSR and the x87 unit; kernel_fpu_end() enables
 * preemption again. The module may then use SSE/AVX registers (lib/raid6's gen_syndrome() routines).
 * The modelled CPU runs one task and keeps no user FPU state, and its SSE integer instructions do not depend
 * on MXCSR, so both return with nothing to do; irq_fpu_usable() is true in task context.
 */
import type { KernelFunction } from '../types';

export function fpuFunctions(): Record<string, KernelFunction> {
  return {
    kernel_fpu_begin_mask: (ctx) => {
      ctx.note("kernel_fpu_begin_mask: preemption off, the task's FPU registers saved; SSE/AVX may be used");
      return 0n;
    },
    kernel_fpu_end: () => 0n,
    irq_fpu_usable: () => 1n,
  };
}
