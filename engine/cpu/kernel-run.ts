/**
 * Running module code inside a ModelKernel: the CpuMemory over its memory (kernel-memory.ts), the
 * names of vmlinux exports and module symbols at their addresses in this boot (so thunks are
 * recognised and events name their callee), and kernel-function models looked up by name.
 */
import type { ModelKernel } from '../kernel/model';
import { KernelCpuMemory, type KernelCpuMemoryOptions } from './kernel-memory';
import { runFunction, type KernelServices, type RunOptions, type RunResult, type StepRecorder, Interpreter } from './run';
import type { Decoder, KernelFunction } from './types';

/** Exact-address names: vmlinux exports (slid by KASLR), every loaded module's symbols, then vmlinux's kallsyms functions. */
/** vmlinux's exports by address, per profile and KASLR slide: the same for every run on a kernel. */
const vmlinuxNames = new WeakMap<object, { slide: bigint; names: Map<bigint, string> }>();

function vmlinuxByAddress(k: ModelKernel): Map<bigint, string> {
  const slide = k.as.kernelSlide;
  const hit = vmlinuxNames.get(k.profile);
  if (hit && hit.slide === slide) return hit.names;
  const names = new Map<bigint, string>();
  for (const e of k.profile.vmlinuxExports) {
    if (e.percpu || e.address === null) continue;
    const a = k.vmlinuxAddress(e);
    if (!names.has(a)) names.set(a, e.name);
  }
  vmlinuxNames.set(k.profile, { slide, names });
  return names;
}

export function kernelSymbolNames(k: ModelKernel): { name(address: bigint): string | null; isVmlinux(address: bigint): boolean } {
  const vmlinux = vmlinuxByAddress(k);
  // The loaded modules' symbols, as they are when the run starts; indexed at the first lookup vmlinux
  // cannot answer (most runs never make one, and amdgpu alone has ~90,000 symbols).
  const loaded = [...k.modules];
  let modules: Map<bigint, string> | null = null;
  const moduleName = (a: bigint): string | undefined => {
    if (!modules) {
      modules = new Map();
      for (const m of loaded) {
        for (const s of m.kallsyms) if (s.name && !modules.has(s.address)) modules.set(s.address, s.name);
        for (const s of m.symbolTable) if (s.name && s.value && !modules.has(s.value)) modules.set(s.value, s.name);
      }
    }
    return modules.get(a);
  };
  // A non-exported vmlinux function (its address found through kallsyms, e.g. kp.addr of a kprobe)
  // is vmlinux too when called at its start.
  const t = k.profile.kallsyms;
  const kallsymsFunction = (a: bigint): string | null => {
    const h = t?.find(a - k.as.kernelSlide);
    return h && h.offset === 0n && t?.isText(h.address) ? h.name : null;
  };
  return {
    name: (a) => vmlinux.get(a) ?? moduleName(a) ?? kallsymsFunction(a),
    isVmlinux: (a) => vmlinux.has(a) || kallsymsFunction(a) !== null,
  };
}

export interface KernelRunOptions {
  decoder: Decoder;
  /** Kernel-function models by name; a vmlinux function without one returns 0 ('not-modelled' event). */
  models?: (name: string) => KernelFunction | undefined;
  services?: Partial<KernelServices>;
  args?: bigint[];
  budget?: number;
  recorder?: StepRecorder;
  recordLimit?: number;
  onEvent?: RunOptions['onEvent'];
  bugType?: (rip: bigint) => 'warn' | 'bug' | null;
  memory?: KernelCpuMemoryOptions;
}

/** Run the module function at `entry` (e.g. mod.initFn while init memory is alive). */
export function runKernelFunction(k: ModelKernel, entry: bigint, opts: KernelRunOptions): RunResult & { memory: KernelCpuMemory } {
  const memory = new KernelCpuMemory(k, opts.memory);
  const names = kernelSymbolNames(k);
  const cpu = new Interpreter(opts.decoder, memory);
  const r = runFunction(entry, {
    decoder: opts.decoder,
    mem: memory,
    stack: memory.stack,
    gsBase: memory.gsBase,
    args: opts.args,
    budget: opts.budget,
    recorder: opts.recorder,
    recordLimit: opts.recordLimit,
    onEvent: opts.onEvent,
    bugType: opts.bugType,
    services: opts.services,
    cpu,
    symbolName: names.name,
    resolveKernelCall: (a) => {
      if (!names.isVmlinux(a)) return 'unknown';
      const name = names.name(a) ?? '';
      return opts.models?.(name) ?? null;
    },
  });
  return { ...r, memory };
}
