/**
 * The comparison's vocabulary: the stages both load paths share (the engine tags every step with
 * one, and with the side that runs it), their order as columns, and the syscalls found in a run of
 * steps — where the path crosses from user space into the kernel and back.
 */
import type { Side, Stage, StepInfo } from '../../../../engine/trace/index';

export type Version = '2.4' | '6.1';
export const VERSIONS: Version[] = ['2.4', '6.1'];

/** Columns, left to right: the order a load goes through, in both kernels. */
export const STAGE_ORDER: Stage[] = ['read', 'check', 'reserve', 'symbols', 'relocate', 'params', 'copy', 'link', 'init', 'unload', 'result'];

export const STAGE_LABEL: Record<Stage, string> = {
  read: 'read the file',
  check: 'check it',
  reserve: 'reserve memory',
  symbols: 'resolve symbols',
  relocate: 'relocate',
  params: 'set parameters',
  copy: 'copy image',
  link: 'link in',
  init: 'call init',
  unload: 'unload',
  result: 'result',
};

export const SIDES: Side[] = ['user', 'syscall', 'kernel'];
export const SIDE_LABEL: Record<Side, string> = { user: 'user space', syscall: 'syscall boundary', kernel: 'kernel space' };

export function stageOf(s: StepInfo): Stage {
  return s.stage ?? 'result';
}

export function sideOf(s: StepInfo): Side {
  return s.side ?? 'kernel';
}

/** The stages present in either run, in column order. */
export function stagesIn(...runs: StepInfo[][]): Stage[] {
  const seen = new Set<Stage>();
  for (const r of runs) for (const s of r) seen.add(stageOf(s));
  return STAGE_ORDER.filter((st) => seen.has(st));
}

/** Index of the step covering pos (steps sorted by pos), -1 before the first. */
export function stepAt(steps: StepInfo[], pos: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].pos <= pos) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The first step of that stage in the run (-1: the run has none). */
export function firstOfStage(steps: StepInfo[], stage: Stage): number {
  return steps.findIndex((s) => stageOf(s) === stage);
}

/** Where lockstep puts a run for a stage: its first step of that stage, else of the next stage it has. */
export function stepForStage(steps: StepInfo[], stage: Stage): number {
  for (let k = STAGE_ORDER.indexOf(stage); k < STAGE_ORDER.length; k++) {
    const i = firstOfStage(steps, STAGE_ORDER[k]);
    if (i >= 0) return i;
  }
  return steps.length - 1;
}

const SYSCALLS = ['finit_module', 'init_module', 'create_module', 'delete_module', 'query_module', 'get_kernel_syms'] as const;
export type SyscallName = (typeof SYSCALLS)[number];

function syscallIn(text: string): SyscallName | null {
  // The last one named wins: "open() + finit_module()" calls finit_module.
  let best: { at: number; name: SyscallName } | null = null;
  for (const name of SYSCALLS) {
    const re = new RegExp(`(?:^|[^a-z_])(?:sys_)?${name}\\b`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text))
      if (!best || m.index > best.at || (m.index === best.at && name.length > best.name.length)) best = { at: m.index, name };
  }
  return best?.name ?? null;
}

export interface Crossing {
  /** The step (index in the run) where the path enters the kernel, or returns to user space. */
  step: number;
  dir: 'call' | 'return';
  syscall: SyscallName;
}

/**
 * Where a run crosses the boundary: each entry into the syscall or kernel side from user space is
 * a call (its name from the kernel function, "sys_create_module", or from the user step that made
 * it, "insmod: open() + finit_module()"); each step back into user space a return.
 */
export function crossings(steps: StepInfo[]): Crossing[] {
  const out: Crossing[] = [];
  let open: SyscallName | null = null;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const side = sideOf(s);
    const prev = i > 0 ? sideOf(steps[i - 1]) : 'user';
    if (side !== 'user' && (prev === 'user' || i === 0)) {
      const name = syscallIn(s.fn) ?? (i > 0 ? (syscallIn(steps[i - 1].fn) ?? syscallIn(steps[i - 1].title)) : null);
      if (name) {
        out.push({ step: i, dir: 'call', syscall: name });
        open = name;
      }
    } else if (side !== 'user' && open) {
      // A new sys_* function inside the kernel side without passing through user space: a new call.
      const name = syscallIn(s.fn);
      if (name && name !== open && s.fn.startsWith('sys_')) {
        out.push({ step: i, dir: 'call', syscall: name });
        open = name;
      }
    } else if (side === 'user' && prev !== 'user' && open) {
      out.push({ step: i, dir: 'return', syscall: open });
      open = null;
    }
  }
  return out;
}
