/**
 * The words every view (step list, CPU pane, shell, CLI, init-all) uses for how an operation ended,
 * so a killed insmod and a run Modscope cannot follow read the same everywhere.
 */
import type { OpEnd, OperationInfo } from './types';

/** A run stopped at a kernel function without a model: nothing after it is shown as Linux's doing. */
export function cannotSay(fn: string): string {
  return `Modscope cannot say what Linux does after ${fn}() (not modelled)`;
}

/** The operation's end, defaulting to "returned" for traces made before ends were recorded. */
export function opEnd(op: Pick<OperationInfo, 'end'>): OpEnd {
  return op.end ?? { kind: 'returned' };
}

/** One short phrase: "returned 0", "returned -ENOENT (-2)" (with errname), "Killed (SIGKILL, exit 137)", "unknown: …". */
export function outcomeText(op: Pick<OperationInfo, 'end' | 'result'>, errname: (e: number) => string): string {
  const end = opEnd(op);
  if (end.kind === 'killed') return 'Killed (SIGKILL, exit status 137)';
  if (end.kind === 'unknown') return `unknown: ${cannotSay(end.after)}`;
  const r = op.result ?? 0;
  return r === 0 ? 'returned 0' : `returned ${errname(r)} (${r})`;
}
