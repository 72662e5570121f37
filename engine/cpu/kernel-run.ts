/**
 * Running module code inside a ModelKernel: the CpuMemory over its memory (kernel-memory.ts), the
 * names of vmlinux exports and module symbols at their addresses in this boot (so thunks are
 * recognised and events name their callee), and kernel-function models looked up by name.
 */
import type { ModelKernel } from '../kernel/model';
import { KernelCpuMemory, type KernelCpuMemoryOptions } from './kernel-memory';
import { runFunction, type KernelServices, type RunOptions, type RunResult, type StepRecorder, Interpreter } from './run';
import type { Decoder, KernelFunction } from './types';
import { moduleCaller } from './nested-call';
import { taskSwitcher } from './task-switch';

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

/** A loaded module's symbols by address (kallsyms first, then its symbol table), per pair of tables. */
const moduleIndexes = new WeakMap<object, { table: object; names: Map<bigint, string> }>();

function moduleSymbolIndex(m: ModelKernel['modules'][number]): Map<bigint, string> {
  const hit = moduleIndexes.get(m.kallsyms);
  if (hit && hit.table === m.symbolTable) return hit.names;
  const names = new Map<bigint, string>();
  for (const s of m.kallsyms) if (s.name && !names.has(s.address)) names.set(s.address, s.name);
  for (const s of m.symbolTable) if (s.name && s.value && !names.has(s.value)) names.set(s.value, s.name);
  moduleIndexes.set(m.kallsyms, { table: m.symbolTable, names });
  return names;
}

export function kernelSymbolNames(k: ModelKernel): { name(address: bigint): string | null; isVmlinux(address: bigint): boolean } {
  const vmlinux = vmlinuxByAddress(k);
  // The loaded modules' symbols, as they are when the run starts: each module's index is built once, at the
  // first lookup vmlinux cannot answer (amdgpu alone has ~90,000 symbols), and kept while its tables are.
  const loaded = [...k.modules];
  const moduleName = (a: bigint): string | undefined => {
    for (const m of loaded) {
      const n = moduleSymbolIndex(m).get(a);
      if (n !== undefined) return n;
    }
    return undefined;
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
  memory.instructions = () => cpu.cpu.executed;
  cpu.cpu.clockNs = () => memory.nowNs();
  const run: RunOptions = {
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
    cpu,
    symbolName: names.name,
    // Thunks and kernel functions are vmlinux addresses (resolveKernelCall below says 'unknown' for all others).
    notKernel: (a) => !names.isVmlinux(a),
    resolveKernelCall: (a) => {
      if (!names.isVmlinux(a)) return 'unknown';
      const name = names.name(a) ?? '';
      return opts.models?.(name) ?? null;
    },
  };
  // Models call module code (sort()'s cmp, probes) on this CPU, within this run (nested-call.ts),
  // and switch to kthreads where the caller sleeps (task-switch.ts).
  run.services = { ...opts.services, callModule: moduleCaller(cpu, run), switchTo: taskSwitcher(cpu, run) };
  const r = runFunction(entry, run);
  return { ...r, memory };
}
