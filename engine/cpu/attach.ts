/**
 * Plug the CPU into the modelled kernel: do_one_initcall() runs mod->init, delete_module() runs
 * mod->exit, on the interpreter, with the kernel-function models (printk into the kernel log at the
 * step's position, kmalloc into modelled memory). A fault prints an oops as the kernel does and
 * leaves insmod killed with the module stuck in COMING ("Loading"), as on a real machine.
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { moduleTaintLetters } from '../kernel/taint';
import { KernelCallState, kernelFunctionModels } from './kernel-calls/index';
import { runKernelFunction } from './kernel-run';
import type { RunResult } from './run';
import type { Decoder } from './types';
import { InstructionBlock, MAX_RECORDED } from './instruction-block';

export interface InitOutcome {
  ret: number;
  note: string;
  /** The instructions executed, one timeline position each. */
  block?: InstructionBlock;
  /** The task died (oops) or never returned (soft lockup): insmod/rmmod do not get an answer. */
  killed?: boolean;
}

const hex = (v: bigint): string => v.toString(16).padStart(16, '0');

export function attachCpu(k: ModelKernel, decoder: Decoder, budget = 5_000_000): void {
  const state = new KernelCallState({ kptrRestrict: 0 });
  const models = kernelFunctionModels(state);
  let lastOpen = false;

  /** sprint_symbol(): "name+0xoff/0xsize [mod]" for module code, "name+0xoff" for the kernel. */
  const symbolize = (a: bigint): string | null => {
    for (const m of k.modules) {
      let best: { name: string; address: bigint; size: bigint } | null = null;
      for (const s of m.symbolTable) {
        if (!s.name || s.value > a || s.value === 0n) continue;
        if (!best || s.value > best.address) best = { name: s.name, address: s.value, size: 0n };
      }
      if (best && m.allSections.some((x) => a >= x.address && a < x.address + BigInt(x.size))) {
        const sz = m.kallsyms.find((x) => x.name === best?.name)?.size ?? 0n;
        return `${best.name}+0x${(a - best.address).toString(16)}/0x${sz.toString(16)} [${m.name}]`;
      }
    }
    const v = k.profile.symbolize(a - k.as.kernelSlide);
    return v ? v.text : null;
  };

  const run = (mod: LoadedModule, entry: bigint, pos0: number, block: InstructionBlock): RunResult => {
    // Kernel models run after the call instruction has been recorded: their lines belong to it.
    const at = (): number => pos0 + Math.min(Math.max(block.count - 1, 0), MAX_RECORDED - 1);
    return runKernelFunction(k, entry, {
      decoder,
      budget,
      models: (name) => models.get(name),
      recorder: (ins, before, writes) => block.record(ins, before.rip, before.gpr, before.rflags, writes),
      onEvent: (e) => {
        if (e.kind === 'kernel-call') block.call(`${e.name}() → 0x${BigInt.asUintN(64, e.ret).toString(16)}`);
        else if (e.kind === 'not-modelled') block.call(`${e.name}() not modelled: returned 0`);
      },
      services: {
        printk: (level, text) => {
          const p = at();
          if (level === 'cont' && lastOpen && k.log.records.length) {
            const last = k.log.records[k.log.records.length - 1];
            last.text += text;
            return;
          }
          k.printkAt(level === 'cont' || level === 'default' ? 4 : level, text, p);
          lastOpen = state.printkOpen;
        },
        kmalloc: (size, zero, why) => k.kmalloc(Math.max(1, size), why, mod.name, at()),
        kfree: (address) => k.kfree(address, at()),
        symbolize,
        note: () => {},
      },
      bugType: () => 'bug',
    });
  };

  const describe = (r: RunResult, what: string): string => {
    const calls = r.events.filter((e) => e.kind === 'kernel-call').map((e) => (e.kind === 'kernel-call' ? e.name : ''));
    const missing = r.events.filter((e) => e.kind === 'not-modelled').map((e) => (e.kind === 'not-modelled' ? e.name : ''));
    const uniq = (xs: string[]): string => [...new Set(xs)].join(', ');
    return `${what} ran ${r.executed.toLocaleString('en-US')} instructions on the modelled CPU${calls.length ? `, calling ${uniq(calls)}` : ''}${missing.length ? `; not modelled (returned 0): ${uniq(missing)}` : ''}.`;
  };

  const oops = (mod: LoadedModule, r: RunResult, comm: string, pos: number): void => {
    const say = (level: number, t: string): void => k.printkAt(level, t, pos);
    const tainted = moduleTaintLetters(k.taints);
    if (r.kind === 'fault') {
      const a = r.fault.address;
      if (a < 4096n) say(1, `BUG: kernel NULL pointer dereference, address: ${hex(a)}`);
      else say(1, `BUG: unable to handle page fault for address: ${hex(a)}`);
      say(1, `#PF: supervisor ${r.fault.write ? 'write' : 'read'} access in kernel mode`);
      say(1, `#PF: error_code(0x000${r.fault.write ? 2 : 0}) - ${r.fault.kind === 'not-present' ? 'not-present page' : 'permissions violation'}`);
      say(4, `Oops: 000${r.fault.write ? 2 : 0} [#1] PREEMPT SMP NOPTI`);
    } else if (r.kind === 'budget') {
      say(0, `watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [${comm}:100]`);
    } else {
      say(4, `invalid opcode: 0000 [#1] PREEMPT SMP NOPTI`);
    }
    say(4, `CPU: 0 PID: 100 Comm: ${comm} Tainted: ${tainted ? tainted.padEnd(1) : 'G'} ${k.profile.release} #1  Debian`);
    const rip = r.kind === 'returned' ? 0n : r.rip;
    say(4, `RIP: 0010:${symbolize(rip) ?? hex(rip)}`);
    say(4, `Modules linked in: ${k.modules.map((m) => m.name + (m.state === 'COMING' ? '(+)' : '')).join(' ')}`);
    say(4, `---[ end trace 0000000000000000 ]---`);
  };

  k.runInit = (mod, pos) => {
    if (mod.initFn === null) return { ret: 0, note: '' };
    const block = new InstructionBlock(symbolize);
    const r = run(mod, mod.initFn, pos, block);
    if (r.kind === 'returned') return { ret: r.ret, note: describe(r, `${mod.initName ?? 'init'}()`) + ` It returned ${r.ret}.`, block };
    oops(mod, r, 'insmod', pos + Math.max(0, block.count - 1));
    const why = r.kind === 'fault' ? `faulted at ${symbolize(r.rip) ?? hex(r.rip)}: ${r.fault.message}` : r.kind === 'budget' ? `did not return within ${budget.toLocaleString('en-US')} instructions (the kernel reports a soft lockup)` : `stopped: ${r.kind === 'unsupported' ? `unsupported instruction ${r.text}` : r.kind}`;
    return { ret: 0, note: `${describe(r, `${mod.initName ?? 'init'}()`)} It ${why}; insmod is killed and ${mod.name} stays "Loading".`, killed: true, block } as InitOutcome;
  };
  k.runExit = (mod, pos) => {
    if (mod.exitFn === null) return { note: '' };
    const block = new InstructionBlock(symbolize);
    const r = run(mod, mod.exitFn, pos, block);
    if (r.kind !== 'returned') oops(mod, r, 'rmmod', pos + Math.max(0, block.count - 1));
    return { note: describe(r, `${mod.exitName ?? 'exit'}()`), block };
  };
}
