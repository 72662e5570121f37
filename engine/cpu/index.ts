/**
 * The x86-64 CPU model (issue #4): runs module code (init/exit functions) on the modelled kernel.
 * The host supplies the Decoder (host-common/iced-decoder.ts in Node and the browser worker); kernel functions are models
 * looked up by name (engine/cpu/kernel-calls).
 */
export * from './types';
export { Cpu, CpuStateImpl, GPR_NAMES, regRef, type CpuEvent, type CpuSnapshot, type MemWrite, type RegRef, type StopReason } from './cpu';
export { compile, supportedMnemonics, type Op } from './exec';
export { describeFlags, CF, PF, AF, ZF, SF, DF, OF } from './flags';
export { FlatMemory, type FlatRegion } from './flat-memory';
export { KernelCpuMemory, DEFAULT_GS_BASE, DEFAULT_STACK_BASE, THREAD_SIZE, type KernelCpuMemoryOptions, type VmlinuxAccess } from './kernel-memory';
export { kernelSymbolNames, runKernelFunction, type KernelRunOptions } from './kernel-run';
export {
  Interpreter,
  runFunction,
  SENTINEL_RETURN,
  type KernelServices,
  type RunEnd,
  type RunOptions,
  type RunResult,
  type StepBefore,
  type StepRecorder,
} from './run';
export { attachCpu, budgetBeforeSoftLockup } from './attach';
export { errname } from './kernel-calls/index';
