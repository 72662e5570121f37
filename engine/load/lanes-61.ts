/**
 * Comparison lanes for the 6.1 path: which stage each load_module() step belongs to and who runs it
 * (kmod's insmod in user space, the syscall entry, or the kernel). Kept next to the 2.4 path, which
 * sets the same two fields itself, so both timelines can be laid out as swimlanes side by side.
 */
import type { Side, Stage, StepInfo } from '../trace/types';

const BY_FN: Record<string, Stage> = {
  copy_module_from_user: 'copy',
  kernel_read_file_from_fd: 'copy',
  module_decompress: 'check',
  layout_and_allocate: 'reserve',
  layout_sections: 'reserve',
  layout_symtab: 'reserve',
  module_alloc: 'reserve',
  percpu_modalloc: 'reserve',
  move_module: 'copy',
  free_copy: 'link',
  strndup_user: 'params',
  // ftrace_module_init() readies the code for its first run, after mod->args and before complete_formation(): it
  // belongs with linking in, not back in the relocate column (2.4 has no such step).
  ftrace_module_init: 'link',
};

const BY_PHASE: Partial<Record<StepInfo['phase'], Stage>> = {
  user: 'read',
  syscall: 'check',
  signature: 'check',
  elf: 'check',
  modinfo: 'check',
  layout: 'reserve',
  allocate: 'reserve',
  symbols: 'symbols',
  relocate: 'relocate',
  finalize: 'relocate',
  formation: 'link',
  params: 'params',
  sysfs: 'link',
  init: 'init',
  unload: 'unload',
  result: 'result',
};

/** The stage and side of a 6.1 load (or rmmod) step. */
export function lanesOf61(step: Pick<StepInfo, 'phase' | 'fn'>): { stage: Stage; side: Side } {
  const rmmod = step.fn.startsWith('rmmod');
  const stage = rmmod ? 'unload' : (BY_FN[step.fn] ?? BY_PHASE[step.phase] ?? 'check');
  const user = step.phase === 'user' || rmmod || (step.phase === 'result' && step.fn === 'insmod');
  const entry =
    step.phase === 'syscall' || (BY_FN[step.fn] === 'copy' && step.fn !== 'move_module') || step.fn === 'delete_module' || step.fn === 'find_module';
  return { stage, side: user ? 'user' : entry ? 'syscall' : 'kernel' };
}

/** Tag every step of the operations from `firstOp` on that has no lanes yet (6.1 loads, unloads, shell lines). */
export function tagLanes61(
  timeline: { ops: readonly { startPos: number }[]; indexAt(pos: number): number; stepCount(): number; step(i: number): StepInfo | undefined },
  firstOp: number,
): void {
  const op = timeline.ops[firstOp];
  if (!op) return;
  for (let i = Math.max(0, timeline.indexAt(op.startPos)); i < timeline.stepCount(); i++) {
    const s = timeline.step(i);
    if (s && s.op >= firstOp && s.stage === undefined) Object.assign(s, lanesOf61(s));
  }
}
