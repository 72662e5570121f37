/**
 * Kernel-mode FPU/SIMD sections (arch/x86/kernel/fpu/core.c, 6.1): kernel_fpu_begin_mask() disables
 * preemption and, unless this task's registers were already saved in this system call (TIF_NEED_FPU_LOAD set),
 * saves the user task's FPU/SSE registers (save_fpregs_to_fpstate()) and sets TIF_NEED_FPU_LOAD, so they are
 * put back on the way to user space (switch_fpu_return() from exit_to_user_mode_prepare()); with KFPU_MXCSR /
 * KFPU_387 it also resets MXCSR and the x87 unit. kernel_fpu_end() only enables preemption again: the xmm
 * registers keep what the module left in them until the return to user space restores the task's. The module
 * may then use SSE (xor.ko's xor_sse_*(), lib/raid6's sse2 gen_syndrome()).
 * The model: each init/exit run is one insmod/rmmod system call on a fresh CPU; the first kernel_fpu_begin of
 * a run copies the xmm registers (insmod's, as the run began) to the task's save area, later ones see the flag
 * and save nothing. MXCSR is not modelled (no SSE floating point is). irq_fpu_usable() is true in task context.
 */
import type { CpuState, KernelFunction } from '../types';

/** The user registers saved by the first kernel_fpu_begin of a run (the task's fpstate; TIF_NEED_FPU_LOAD ⇔ present). */
const SAVED = new WeakMap<CpuState, Uint8Array>();

/** The task's saved xmm registers in this run, or null before any kernel_fpu_begin (tests, views). */
export function savedUserXmm(state: CpuState): Uint8Array | null {
  return SAVED.get(state) ?? null;
}

export function fpuFunctions(): Record<string, KernelFunction> {
  return {
    kernel_fpu_begin_mask: (ctx) => {
      if (SAVED.has(ctx.state)) {
        ctx.note("kernel_fpu_begin_mask: preemption off; the task's FPU registers are already saved (TIF_NEED_FPU_LOAD)");
        return 0n;
      }
      SAVED.set(ctx.state, ctx.state.xmm.slice());
      ctx.note("kernel_fpu_begin_mask: preemption off, the task's FPU registers saved (TIF_NEED_FPU_LOAD); SSE may be used");
      return 0n;
    },
    kernel_fpu_end: () => 0n,
    irq_fpu_usable: () => 1n,
  };
}
