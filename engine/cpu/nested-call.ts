/**
 * A kernel-function model calling back into the module: sort()'s cmp, a bus's probe, a notifier. The call runs on
 * the same modelled CPU, stack, budget and recorder as the rest of init, as the real kernel function's indirect call
 * does: below the kernel function's frame a return address is pushed — NESTED_RETURN, never mapped, which ends the
 * nested loop (Interpreter.run's stopAt) — the arguments go in rdi rsi rdx rcx r8 r9 and then the stack (System V),
 * and the callee's rax comes back. The registers are restored afterwards, as the real kernel function's own
 * saving does for the callee-saved ones (and its ctx.arg() goes on reading its own arguments).
 *
 * A callee that does not return (it faults, reaches an unsupported instruction, a function with no model in a
 * strict run, or the budget) ends the whole run exactly so: NestedRunEnd carries its end out of the model, which
 * never sees a made-up return value.
 */
import { RSP, type Cpu } from './cpu';
import { NestedRunEnd, type Interpreter, type RunOptions, type RunResult } from './run';
import { TaskSleeps } from './types';

/** Where a nested call returns to (never mapped; distinct from run.ts's SENTINEL_RETURN). */
export const NESTED_RETURN = 0xffffffffdead1000n;
const ARG_REGS = [7, 6, 2, 1, 8, 9]; // rdi rsi rdx rcx r8 r9
/**
 * The stack the kernel function itself uses below its return address before it calls (sort_r() pushes rbx rbp
 * r12-r15 and keeps a few locals, sort() its struct wrapper): the model has no frame, so it leaves this much room.
 */
const KERNEL_FRAME = 64n;
const M64 = 0xffffffffffffffffn;

/** ctx.callModule for runs of `it` with these options (kernel-run.ts passes it as a service). */
export function moduleCaller(it: Interpreter, opts: RunOptions): (address: bigint, ...args: bigint[]) => bigint {
  return (address, ...args) => callNested(it, opts, address, args);
}

function callNested(it: Interpreter, opts: RunOptions, address: bigint, args: bigint[]): bigint {
  const c: Cpu = it.cpu;
  const gpr = c.gpr.slice();
  const rip = c.rip;
  const flags = c.flags;
  // At the call the stack is 16-byte aligned once the stack arguments are pushed (System V), then the return address.
  const stackArgs = Math.max(0, args.length - 6);
  let sp = (c.gpr[RSP] - KERNEL_FRAME) & ~0xfn;
  if (stackArgs % 2) sp -= 8n;
  c.gpr[RSP] = sp;
  for (let i = args.length - 1; i >= 6; i--) c.push(BigInt.asUintN(64, args[i]));
  c.push(NESTED_RETURN);
  const entryRsp = c.gpr[RSP];
  for (let i = 0; i < Math.min(6, args.length); i++) c.gpr[ARG_REGS[i]] = BigInt.asUintN(64, args[i]);
  c.rip = address & M64;
  let r: RunResult;
  try {
    r = it.run(opts, NESTED_RETURN);
  } catch (e) {
    // A kthread slept inside module code a kernel model called: that model's frame is not resumable (task-switch.ts).
    if (e instanceof TaskSleeps) e.nested = true;
    throw e;
  }
  if (r.kind !== 'returned') throw new NestedRunEnd(r);
  // ret popped NESTED_RETURN: rsp is back just above it, unless the callee left its stack unbalanced.
  if (c.gpr[RSP] !== entryRsp + 8n) {
    throw new NestedRunEnd({
      kind: 'error',
      message: `0x${address.toString(16)} returned with rsp 0x${c.gpr[RSP].toString(16)}, not 0x${(entryRsp + 8n).toString(16)}`,
      rip: NESTED_RETURN,
    });
  }
  c.gpr.set(gpr);
  c.rip = rip;
  c.flags = flags;
  return r.rax;
}
