/**
 * Running a 2.4 module's init_module()/cleanup_module() on the modelled CPU (the same interpreter and
 * kernel-function models as the 6.1 path, through runKernelFunction). printk goes to the 2.4 kernel's
 * log (the classic ring, "<n>" levels in the text) at the instruction that called it.
 *
 * The 2.4 modules area (0xffffffffa0000000) lies inside what the 6.1 CPU model treats as vmlinux
 * data (up to the 6.1 MODULES_VADDR), so the run models vmlinux data as unmapped ('fault'): a module
 * reading a kernel variable faults here instead of reading a seeded zero page.
 */
import { KernelCallState, kernelFunctionModels } from '../cpu/kernel-calls/index';
import { InstructionBlock, MAX_RECORDED } from '../cpu/instruction-block';
import { runKernelFunction } from '../cpu/kernel-run';
import type { Decoder } from '../cpu/types';

/** What the runner needs from the 2.4 kernel. */
export interface CodeHost {
  k: import('../kernel/model').ModelKernel;
  printk(level: number, text: string, pos: number): void;
  /** "name+0xoff [mod]" for module code, the kernel symbol otherwise. */
  symbolize(address: bigint): string | null;
}

export interface CodeRun {
  ret: number;
  /** Finished normally (returned to the caller). */
  returned: boolean;
  /** The faulting address when it faulted, for the oops line. */
  faultAddress: bigint | null;
  note: string;
  block: InstructionBlock;
}

export function runModuleCode(host: CodeHost, decoder: Decoder, entry: bigint, what: string, pos0: number, budget = 5_000_000): CodeRun {
  const state = new KernelCallState({ kptrRestrict: 0 });
  const models = kernelFunctionModels(state);
  const block = new InstructionBlock((a) => host.symbolize(a));
  const at = (): number => pos0 + Math.min(Math.max(block.count - 1, 0), MAX_RECORDED - 1);
  let open: { level: number; text: string } | null = null;
  const flush = (): void => {
    if (open) host.printk(open.level, open.text, at());
    open = null;
  };
  const r = runKernelFunction(host.k, entry, {
    decoder,
    budget,
    models: (name) => models.get(name),
    memory: { vmlinuxData: 'fault' },
    recorder: (ins, before, writes, fault) => block.record(ins, before.rip, before.gpr, before.rflags, writes, fault),
    onEvent: (e) => {
      if (e.kind === 'kernel-call') block.call(`${e.name}() → 0x${BigInt.asUintN(64, e.ret).toString(16)}`);
      else if (e.kind === 'not-modelled') block.call(`${e.name}() not modelled: returned 0`);
    },
    services: {
      printk: (level, text) => {
        if (level === 'cont' && open) {
          open.text += text;
          if (!state.printkOpen) flush();
          return;
        }
        flush();
        open = { level: level === 'cont' || level === 'default' ? 4 : level, text };
        if (!state.printkOpen) flush();
      },
      kmalloc: (size, _zero, why) => host.k.kmalloc(Math.max(1, size), why, null, at()),
      kfree: (address) => host.k.kfree(address, at()),
      symbolize: (a) => host.symbolize(a),
      note: () => {},
    },
    bugType: () => 'bug',
  });
  flush();
  const calls = [...new Set(r.events.filter((e) => e.kind === 'kernel-call').map((e) => (e.kind === 'kernel-call' ? e.name : '')))];
  const head = `${what} ran ${r.executed.toLocaleString('en-US')} instructions on the modelled CPU${calls.length ? `, calling ${calls.join(', ')}` : ''}.`;
  if (r.kind === 'returned') return { ret: r.ret, returned: true, faultAddress: null, note: `${head} It returned ${r.ret}.`, block };
  const why =
    r.kind === 'fault'
      ? `faulted: ${r.fault.message}`
      : r.kind === 'budget'
        ? `did not return within ${budget.toLocaleString('en-US')} instructions`
        : `stopped (${r.kind})`;
  return { ret: 0, returned: false, faultAddress: r.kind === 'fault' ? r.fault.address : null, note: `${head} It ${why}.`, block };
}
