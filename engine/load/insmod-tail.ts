/**
 * The last line insmod (kmod 30, tools/insmod.c) prints for a load, as a terminal would show it: every
 * host (CLI, what-if view) ends an insmod the same way.
 */
import { opEnd } from '../trace/outcome';
import type { OperationInfo } from '../trace/types';
import { modStrerror } from './errno';

export function insmodTail(op: Pick<OperationInfo, 'end' | 'result' | 'command'>): string {
  const end = opEnd(op);
  if (end.kind === 'killed') return 'Killed\ninsmod: killed by SIGKILL (exit status 137): the oops killed it inside the syscall';
  if (end.kind === 'unknown') return `[modscope] ${end.reason}: how insmod ends is not known`;
  const file = (op.command.split(' ')[1] ?? '').split('/').pop() ?? '';
  return op.result === 0 ? 'insmod: ok' : `insmod: ERROR: could not insert module ${file}: ${modStrerror(op.result ?? 0)}`;
}
