/**
 * The words every view (step list, CPU pane, shell, CLI, init-all) uses for how an operation ended,
 * so a killed insmod and a run Modscope cannot follow read the same everywhere.
 */
import { thousands } from '../base/thousands';
import type { OpEnd, OperationInfo } from './types';

/** A run stopped at a kernel function without a model: nothing after it is shown as Linux's doing. */
export function cannotSay(fn: string): string {
  return `Modscope cannot say what Linux does after ${fn}() (not modelled)`;
}

/** A fault after the code read kernel data the model does not have (it read as zeros). */
export function cannotSayData(symbol: string): string {
  return `Modscope cannot say what Linux does after reading ${symbol} (kernel data not modelled: it read as zeros)`;
}

/**
 * The run reached an instruction the modelled CPU does not implement (the real CPU runs it), or one that talks to a
 * device of the machine the model does not have (device: which, e.g. port I/O to the serial port): no oops is Linux's.
 */
export function cannotSayInstruction(text: string, device?: string): string {
  if (device !== undefined) return `Modscope cannot say what Linux does after ${text} (${device})`;
  return `Modscope cannot say what Linux does after ${text} (an instruction the modelled CPU does not implement)`;
}

/**
 * The run used up the model's instruction budget for one call. The real CPU would go on: the loop may end,
 * and the kernel reports a soft lockup only after watchdog_thresh * 2 = 20 s without scheduling
 * (kernel/watchdog.c get_softlockup_thresh()), far more modelled time than the budget covers.
 */
export function cannotSayBudget(instructions: number): string {
  return `Modscope cannot say what Linux does after ${thousands(instructions)} instructions (the model's budget for one call ran out)`;
}

/** The operation's end, defaulting to "returned" for traces made before ends were recorded. */
export function opEnd(op: Pick<OperationInfo, 'end'>): OpEnd {
  return op.end ?? { kind: 'returned' };
}

/** One short phrase: "returned 0", "returned -ENOENT (-2)" (with errname), "Killed (SIGKILL, exit 137)", "unknown: …". */
export function outcomeText(op: Pick<OperationInfo, 'end' | 'result'>, errname: (e: number) => string): string {
  const end = opEnd(op);
  if (end.kind === 'killed') return 'Killed (SIGKILL, exit status 137)';
  if (end.kind === 'unknown') return `unknown: ${end.reason}`;
  const r = op.result ?? 0;
  return r === 0 ? 'returned 0' : `returned ${errname(r)} (${r})`;
}
